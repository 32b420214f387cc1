#!/usr/bin/env bash
# incident attach / attachments: evidence under attachments/ID/ with its
# SHA-256, the chain-of-custody events, --verify, and names that try to
# lead elsewhere.
source "$(dirname "$0")/lib.sh"

# INC-1 and three files to attach, one of them binary.
with_evidence() {
  new_repo
  run open "Bike stolen from car park B" --service site --at 2026-11-22T03:00:00Z; expect_rc 0
  mkdir -p "$T/in"
  printf 'CCTV log 02:14-02:31\ncamera 4: person at rack 3\n' >"$T/in/cctv.log"
  printf 'Statement of the owner.\n' >"$T/in/statement.txt"
  printf '\x89PNG\r\n\x1a\n\x00\x01\x02\xff\xfe binary' >"$T/in/still 1.png"
}

test_attach_records_each_file_with_its_hash_and_commits_them_together() {
  with_evidence
  local before; before=$(commit_count)
  run attach 1 "$T/in/cctv.log" "$T/in/statement.txt" "$T/in/still 1.png" --note "from the site office" \
    --by guard@example.com --at 2026-11-22T04:00:00Z
  expect_rc 0
  expect_file attachments/INC-1/cctv.log
  expect_file attachments/INC-1/statement.txt
  expect_file "attachments/INC-1/still_1.png"   # the space became _
  cmp -s "$T/in/still 1.png" attachments/INC-1/still_1.png || fail "the stored bytes differ from the file's"
  expect_eq "$(commit_count)" "$((before + 1))" "one commit for the incident and its three files"
  expect_eq "$(git status --porcelain)" "" "nothing left uncommitted"
  expect_eq "$(git show --format= --name-only HEAD | sort | tr '\n' ' ')" \
    "attachments/INC-1/cctv.log attachments/INC-1/statement.txt attachments/INC-1/still_1.png incidents/INC-1.yaml " \
    "the commit holds the incident and its evidence"
  local sum; sum=$(sha256sum attachments/INC-1/still_1.png | cut -d' ' -f1)
  expect_file_has incidents/INC-1.yaml "{name: still_1.png, sha256: $sum, size: $(stat -c %s attachments/INC-1/still_1.png), type: image/png, by: guard@example.com, at: 2026-11-22T04:00:00Z, note: from the site office}"
  run show 1 --json; expect_rc 0
  expect_json '.attachments | length' 3
  expect_json '.attachments[0].type' text/plain
  expect_json '[.timeline[] | select(.type == "attached") | .name] | join(" ")' "cctv.log statement.txt still_1.png"
  expect_json '[.timeline[] | select(.type == "attached")][2].sha256' "$sum"
  run attachments 1; expect_rc 0; expect_out "still_1.png"; expect_out "image/png"; expect_out "guard@example.com"
  run attachments 1 --verify --json; expect_rc 0
  expect_json '[.attachments[].state] | join(" ")' "ok ok ok"
  run validate; expect_rc 0
}

test_verify_names_a_changed_a_missing_and_an_unrecorded_file_and_exits_6() {
  with_evidence
  run attach 1 "$T/in/cctv.log" "$T/in/statement.txt" "$T/in/still 1.png"; expect_rc 0
  # One byte changed in the work tree.
  printf 'X' | dd of=attachments/INC-1/still_1.png bs=1 seek=9 conv=notrunc status=none
  run attachments 1 --verify; expect_rc 6
  expect_err "still_1.png (changed)"
  expect_out_re "still_1.png .*changed"
  expect_out_re "cctv.log .*ok"
  git checkout -q -- attachments
  run attachments 1 --verify; expect_rc 0
  rm attachments/INC-1/statement.txt
  echo planted >attachments/INC-1/extra.txt
  run attachments 1 --verify --json; expect_rc 6
  expect_json '[.attachments[] | "\(.name)=\(.state)"] | join(" ")' \
    "cctv.log=ok statement.txt=missing still_1.png=ok extra.txt=unrecorded"
  expect_err "statement.txt (missing)"
  expect_err "extra.txt (unrecorded)"
}

test_names_with_a_path_are_refused_and_nothing_is_written_outside() {
  with_evidence
  for name in ../../escape.txt a/b.txt / .. '..\x.txt'; do
    run attach 1 "$T/in/cctv.log" --name "$name"; expect_rc 2 "name $name"
    expect_err "is not a file name"
  done
  expect_no_file attachments
  expect_no_file ../escape.txt
  # Leading dots are dropped: no hidden files.
  run attach 1 "$T/in/cctv.log" --name ".hidden.log"; expect_rc 0
  expect_file attachments/INC-1/hidden.log
  # An id with a path in it never names a directory.
  run attach ../INC-1 "$T/in/cctv.log"; expect_rc 2
  # attachments/INC-1 as a link leading elsewhere: refused, nothing written there.
  run open "second" --service site; expect_rc 0
  mkdir -p "$T/elsewhere" attachments && ln -s "$T/elsewhere" attachments/INC-2
  run attach 2 "$T/in/statement.txt"; expect_rc 5; expect_err "not a plain directory"
  expect_eq "$(ls -A "$T/elsewhere")" "" "nothing written through the link"
  run show 2 --json; expect_json '.attachments | length' 0
}

test_evidence_is_never_replaced_and_the_size_limit_holds() {
  with_evidence
  run attach 1 "$T/in/cctv.log"; expect_rc 0
  echo "other content" >"$T/cctv.log"
  run attach 1 "$T/cctv.log"; expect_rc 5; expect_err "already has an attachment named cctv.log"
  run attach 1 "$T/cctv.log" --name cctv-2.log; expect_rc 0
  # A file larger than attachments.max_bytes is refused before anything is written.
  sed -i 's/max_bytes: 26214400/max_bytes: 10/' .incident/config.yaml && git commit -qam "small limit"
  run attach 1 "$T/in/statement.txt"; expect_rc 5; expect_err "more than attachments.max_bytes (10)"
  expect_no_file attachments/INC-1/statement.txt
  # Not a regular file; no such file.
  run attach 1 /dev/null; expect_rc 2; expect_err "not a regular file"
  run attach 1 "$T/in/none.txt"; expect_rc 3
  run attach 1; expect_rc 2
  # A bad max_bytes is located: commands go on with the default and say so; validate fails.
  sed -i 's/max_bytes: 10/max_bytes: lots/' .incident/config.yaml
  run list; expect_rc 0; expect_err "warning: .incident/config.yaml:"; expect_err "max_bytes"
  run validate; expect_rc 6; expect_out "max_bytes"
}

run_suite
