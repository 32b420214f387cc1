#!/usr/bin/env bash
# incident sync between clones of one bare remote: renumbering, push retries,
# failures that change nothing, auto-sync, and report --as-of.
source "$(dirname "$0")/lib.sh"

# A bare remote holding an initialised repository with INC-1 on main, and
# clones a and b of it (both with main's upstream set).
clones() {
  git init -q --bare "$T/remote.git"
  run init "$T/a"; expect_rc 0
  cd "$T/a" || exit 1
  run open "Checkout latency" --service checkout --at 2026-11-22T03:00:00Z; expect_rc 0
  git remote add origin "$T/remote.git"
  git push -q -u origin main 2>/dev/null || fail "seed push failed"
  git clone -q "$T/remote.git" "$T/b"
}

head_of() { git -C "$1" rev-parse HEAD; }
remote_head() { git -C "$T/remote.git" rev-parse main; }

test_a_collision_is_renumbered_everywhere_and_the_old_id_still_works() {
  clones
  cd "$T/a" && run open "Disk full" --at 2026-11-22T03:10:00Z; expect_rc 0
  run sync; expect_rc 0; expect_out "sent 1 commit to origin/main"
  cd "$T/b" && run open "Queue backlog" --at 2026-11-22T03:12:00Z; expect_rc 0; expect_out "INC-2"
  run note 2 "caused by the INC-1 deploy; INC-2 needs a rollback" --at 2026-11-22T03:13:00Z; expect_rc 0
  run note 1 "see INC-2 for the queue" --at 2026-11-22T03:14:00Z; expect_rc 0
  run resolve 2 --code fixed --summary "rolled back" --at 2026-11-22T03:30:00Z; expect_rc 0
  run postmortem 2; expect_rc 0; expect_file postmortems/INC-2.md
  printf 'queue depth graph of INC-2\n' >"$T/INC-2-graph.txt"
  run attach 2 "$T/INC-2-graph.txt" --at 2026-11-22T03:31:00Z; expect_rc 0
  local b_uid; b_uid=$(sed -n 's/^uid: //p' incidents/INC-2.yaml)
  run sync --json; expect_rc 0
  expect_json '.renumbered | length' 1
  expect_json '.renumbered[0] | "\(.from) \(.to)"' "INC-2 INC-3"
  expect_json '.renumbered[0].uid' "$b_uid"
  expect_json '.received | length' 1
  expect_json '.changed | join(",")' "INC-2"
  expect_json '.sent | length' 6
  expect_json '.attempts' 1
  # The file, its id, its postmortem and every mention moved; upstream's INC-2 is untouched.
  expect_eq "$(sed -n 's/^title: //p' incidents/INC-2.yaml)" "Disk full"
  expect_eq "$(sed -n 's/^title: //p' incidents/INC-3.yaml)" "Queue backlog"
  expect_eq "$(sed -n 's/^id: //p' incidents/INC-3.yaml)" "INC-3"
  expect_file postmortems/INC-3.md
  expect_no_file postmortems/INC-2.md
  expect_file_has postmortems/INC-3.md "INC-3"
  # Its evidence moved, named as the incident file now names it, its bytes untouched.
  expect_no_file attachments/INC-2
  expect_eq "$(cat attachments/INC-3/INC-3-graph.txt)" "queue depth graph of INC-2" "the evidence's bytes"
  run attachments 3 --verify; expect_rc 0
  expect_file_has incidents/INC-3.yaml "caused by the INC-1 deploy; INC-3 needs a rollback"
  expect_file_has incidents/INC-1.yaml "see INC-3 for the queue"
  git log --format=%s | grep -qx "INC-3: opened: Queue backlog" || fail "the commit messages keep the old id"
  expect_eq "$(git log --format=%s | grep -c 'INC-2: .*Queue')" "0" "no commit message names the old id"
  expect_eq "$(head_of "$T/b")" "$(remote_head)" "pushed"
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  run validate; expect_rc 0
  # The old id is someone else's now: a responder quoting "INC-2" is asked which,
  # with both named, and nothing is written.
  local a_uid; a_uid=$(sed -n 's/^uid: //p' incidents/INC-2.yaml)
  local before; before=$(git rev-parse HEAD)
  run note 2 "restarted pods" --at 2026-11-22T03:39:00Z; expect_rc 2
  expect_err "INC-2 here became INC-3 (renumbered by incident sync); INC-2 is now 'Disk full' from upstream: say which"
  expect_err "name yours INC-3, the other by its uid $a_uid"
  expect_eq "$(git rev-parse HEAD)" "$before" "nothing committed"
  run show 3 --json; expect_rc 0; expect_json '.timeline | map(select(.type == "note")) | length' 1
  # With --follow-renumber the old id leads to the new one, and says so; upstream's INC-2 is named by its uid.
  run --follow-renumber show 2 --json; expect_rc 0; expect_json .title "Queue backlog"
  expect_err "INC-2 is now INC-3 (renumbered by incident sync)"
  expect_err "$a_uid"
  run show "$a_uid" --json; expect_rc 0; expect_json .title "Disk full"
  run note 2 "redirected" --follow-renumber --at 2026-11-22T03:40:00Z; expect_rc 0; expect_out "INC-3: note: redirected"
  sed -i 's/follow_renumber: false/follow_renumber: true/' .incident/config.yaml
  run show 2 --json; expect_rc 0; expect_json .title "Queue backlog"
  git checkout -q .incident/config.yaml
  run sync; expect_rc 0; expect_out "sent 1 commit"
  run show 00000000-0000-4000-8000-000000000000; expect_rc 3
  # The text output, and the other clone taking it all in.
  cd "$T/a" && run sync; expect_rc 0; expect_out_re "received 7 commits \(INC-1, INC-3\) from origin/main"
  expect_eq "$(git rev-parse HEAD^{tree})" "$(git -C "$T/b" rev-parse HEAD^{tree})" "the same tree"
  run show 2; expect_rc 0; expect_out "Disk full"
  [ -z "$ERR" ] || fail "a clone that renumbered nothing redirects nothing: $ERR"
  run sync; expect_rc 0; expect_out "up to date with origin/main"
}

test_an_incident_repository_in_a_subdirectory_syncs_and_renumbers() {
  git init -q --bare "$T/remote.git"
  git clone -q "$T/remote.git" "$T/a" 2>/dev/null
  cd "$T/a" && echo "the service's code" >README && git add README && git commit -qm "code"
  run init ops; expect_rc 0
  git push -q -u origin main 2>/dev/null
  git clone -q "$T/remote.git" "$T/b"
  cd "$T/a/ops" && run open "Disk full"; expect_rc 0
  run sync; expect_rc 0
  cd "$T/b/ops" && run open "Queue backlog"; expect_rc 0; expect_out "INC-1"
  run note 1 "INC-1 is the queue"; expect_rc 0
  run sync; expect_rc 0; expect_out "INC-1 is now INC-2"
  expect_eq "$(sed -n 's/^title: //p' incidents/INC-2.yaml)" "Queue backlog"
  expect_file_has incidents/INC-2.yaml "INC-2 is the queue"
  expect_eq "$(sed -n 's/^title: //p' incidents/INC-1.yaml)" "Disk full"
  expect_eq "$(git rev-parse HEAD)" "$(remote_head)"
  run report --as-of HEAD~2 --json; expect_rc 0; expect_json .total.incidents 1
}

test_notes_on_both_sides_and_a_resolve_merge_without_a_conflict() {
  clones
  cd "$T/a" && run resolve 1 --code fixed --summary "pool resized" --at 2026-11-22T04:00:00Z; expect_rc 0
  run sync; expect_rc 0
  cd "$T/b" && run note 1 "customers report 502s" --at 2026-11-22T03:05:00Z; expect_rc 0
  run sync; expect_rc 0; expect_out "received 1 commit (INC-1)"; expect_out "sent 1 commit"
  run show 1 --json; expect_json .status resolved
  expect_json '[.timeline[] | .type] | join(" ")' "opened note resolved"
}

test_offline_it_fails_with_exit_1_and_changes_nothing() {
  clones
  cd "$T/b" && run note 1 "from b" --at 2026-11-22T03:05:00Z; expect_rc 0
  local before; before=$(head_of "$T/b")
  mv "$T/remote.git" "$T/remote.away"
  run sync; expect_rc 1
  expect_err "cannot fetch from origin"
  expect_err "nothing changed here; 1 local commit(s) go out with the next sync"
  expect_eq "$(head_of "$T/b")" "$before" "HEAD unchanged"
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  mv "$T/remote.away" "$T/remote.git"
  run sync; expect_rc 0; expect_out "sent 1 commit"
}

test_without_a_remote_or_an_upstream_it_says_what_to_do() {
  new_repo
  run sync; expect_rc 1; expect_err "no remote to sync with"; expect_err "git remote add origin URL"
  git init -q --bare "$T/remote.git" && git remote add origin "$T/remote.git"
  run sync; expect_rc 1; expect_err "branch 'main' has no upstream"; expect_err "git push -u origin main"
  git push -q -u origin main 2>/dev/null
  run sync; expect_rc 0; expect_out "up to date with origin/main"
  cd "$T" && mkdir plain && run -C plain init --no-commit; rm -rf plain/.git
  run -C plain sync; expect_rc 2; expect_err "not a git repository"
}

test_uncommitted_changes_are_refused() {
  clones
  cd "$T/b" && run note 1 "kept aside" --no-commit; expect_rc 0
  run sync; expect_rc 1; expect_err "uncommitted changes (incidents/INC-1.yaml)"; expect_err "git stash"
}

test_a_file_that_cannot_be_merged_puts_everything_back() {
  clones
  cd "$T/a" && printf 'title: [unclosed\n' >>incidents/INC-1.yaml
  git commit -qam "broken by hand" && git push -q
  cd "$T/b" && run note 1 "from b" --at 2026-11-22T03:05:00Z; expect_rc 0
  local before; before=$(head_of "$T/b")
  run sync; expect_rc 1; expect_err "cannot merge upstream's changes to incidents/INC-1.yaml"
  expect_eq "$(head_of "$T/b")" "$before" "HEAD back where it was"
  expect_no_file .git/rebase-merge
  expect_no_file .git/incident/sync-start
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  expect_eq "$(remote_head)" "$(head_of "$T/a")" "nothing pushed"
}

test_a_push_rejected_because_someone_pushed_first_is_tried_again() {
  clones
  # Just before b pushes, a pushes: b's first push is rejected.
  cat >"$T/b/.git/hooks/pre-push" <<EOF
#!/bin/sh
[ -e "$T/raced" ] && exit 0
touch "$T/raced"
cd "$T/a" && env -u GIT_DIR -u GIT_WORK_TREE "$INCIDENT_BIN" note 1 "raced" --at 2026-11-22T03:20:00Z >/dev/null &&
  env -u GIT_DIR -u GIT_WORK_TREE git push -q origin main
EOF
  chmod +x "$T/b/.git/hooks/pre-push"
  cd "$T/b" && run note 1 "from b" --at 2026-11-22T03:05:00Z; expect_rc 0
  run sync --json; expect_rc 0
  expect_json .attempts 2
  expect_json '.received | length' 1
  expect_eq "$(head_of "$T/b")" "$(remote_head)" "pushed on the second attempt"
  run show 1 --json; expect_json '[.timeline[] | select(.type == "note") | .text] | join(", ")' "from b, raced"
  rm -f "$T/raced"
  echo 'exit 1' >"$T/b/.git/hooks/pre-push"
  run note 1 "refused by the hook" --at 2026-11-22T03:30:00Z; expect_rc 0
  run sync --attempts 1; expect_rc 1; expect_err "cannot push to origin"
  run sync --attempts 0; expect_rc 2
}

test_auto_sync_pushes_each_change_and_offline_keeps_it() {
  clones
  cd "$T/b" && run note 1 "pushed by --sync" --sync --at 2026-11-22T03:05:00Z; expect_rc 0
  expect_eq "$(head_of "$T/b")" "$(remote_head)" "--sync pushed"
  sed -i 's/auto_sync: false/auto_sync: true/' .incident/config.yaml
  git commit -qam "auto-sync on"
  run note 1 "pushed by the config" --at 2026-11-22T03:06:00Z; expect_rc 0
  expect_eq "$(head_of "$T/b")" "$(remote_head)" "git.auto_sync pushed"
  mv "$T/remote.git" "$T/remote.away"
  run note 1 "written offline" --at 2026-11-22T03:07:00Z; expect_rc 0
  expect_err "not synced: cannot fetch from origin"
  expect_err "the change is committed here and goes out with the next sync"
  expect_eq "$(git log -1 --format=%s)" "INC-1: note: Checkout latency"
  mv "$T/remote.away" "$T/remote.git"
  INCIDENT_AUTO_SYNC=0 run note 1 "not pushed" --at 2026-11-22T03:08:00Z; expect_rc 0
  [ "$(head_of "$T/b")" != "$(remote_head)" ] || fail "INCIDENT_AUTO_SYNC=0 still pushed"
  # An incident opened with auto-sync whose id upstream took is printed under its new id.
  cd "$T/a" && run open "Opened in a" --sync; expect_rc 0; expect_out "INC-2"
  cd "$T/b" && run open "Opened in b"; expect_rc 0; expect_out "INC-3"
  expect_err "INC-2 is now INC-3 (INC-2 was taken upstream)"
  expect_eq "$(head_of "$T/b")" "$(remote_head)" "everything went out"
}

test_report_as_of_reproduces_a_past_report() {
  clones
  cd "$T/a"
  run resolve 1 --code fixed --summary "pool resized" --at 2026-11-22T04:00:00Z; expect_rc 0
  run open "Disk full" --impact low --urgency low --at 2026-11-22T05:00:00Z; expect_rc 0
  local then; then=$(git rev-parse HEAD)
  local range=(--since 2026-11-01T00:00:00Z --until 2026-11-30T00:00:00Z --json)
  run report "${range[@]}"; expect_rc 0
  local past; past=$(jq -S 'del(.generated_at)' <<<"$OUT")
  run ack 2 --at 2026-11-22T05:10:00Z; expect_rc 0
  run resolve 2 --code fixed --summary "cleaned" --at 2026-11-22T06:00:00Z; expect_rc 0
  run open "Third" --at 2026-11-23T01:00:00Z; expect_rc 0
  run report "${range[@]}"; expect_rc 0
  [ "$(jq -S 'del(.generated_at)' <<<"$OUT")" != "$past" ] || fail "the changes did not change the report"
  run report --as-of "$then" "${range[@]}"; expect_rc 0
  expect_eq "$(jq -S 'del(.generated_at)' <<<"$OUT")" "$past" "the report as it was"
  expect_json .generated_at "$(git log -1 --format=%cI "$then" | sed 's/+00:00$/Z/')"
  run report --as-of HEAD~2 "${range[@]}"; expect_rc 0
  expect_json .total.incidents 2
  expect_eq "$(git status --porcelain)" "" "the work tree and index untouched"
  run report --as-of no-such-rev; expect_rc 2; expect_err "'no-such-rev' names no commit"
  run report --as-of=--output=../x; expect_rc 2; expect_err "is not a revision"; expect_no_file "$T/x"
  run report --as-of "$(git rev-list --max-parents=0 HEAD)~0" --json; expect_rc 0
}

test_a_sync_killed_in_its_rebase_is_undone_by_the_next() {
  clones
  cd "$T/a" && run note 1 "from a" --at 2026-11-22T03:10:00Z; expect_rc 0
  run sync; expect_rc 0
  cd "$T/b" && run note 1 "from b" --at 2026-11-22T03:11:00Z; expect_rc 0
  local start; start=$(head_of "$T/b")
  # What a sync killed mid-rebase leaves: its start record and a rebase stopped on a conflict.
  git fetch -q
  PATH=/usr/bin:/bin git rebase -q origin/main >/dev/null 2>&1 && fail "expected the rebase to stop"
  echo "$start" >.git/incident/sync-start
  run sync; expect_rc 0
  expect_err "an earlier sync was interrupted in the middle of its rebase: undone"
  expect_no_file .git/rebase-merge
  expect_eq "$(head_of "$T/b")" "$(remote_head)"
  run show 1 --json; expect_json '[.timeline[] | select(.type == "note") | .text] | join(", ")' "from a, from b"
}

# Syncs killed at moments spread over a long rebase (20 local notes onto 20
# upstream ones, each merged by the driver), several in a row and without
# waiting for what each left running: the next sync always undoes or keeps
# what the killed one did, and nothing is lost.
test_syncs_killed_again_and_again_are_undone_by_the_next() {
  clones
  local i pid delay undone=0
  cd "$T/a" && for i in $(seq 1 20); do run note 1 "a$i" --at 2026-11-22T03:10:00Z --no-notify; done
  run sync; expect_rc 0
  cd "$T/b" && for i in $(seq 1 20); do run note 1 "b$i" --at 2026-11-22T03:20:00Z --no-notify; done
  for delay in 0.15 0.3 0.45 0.6 0.2 0.35 0.5; do
    "$INCIDENT_BIN" sync >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    [ -e .git/incident/sync-start ] && undone=$((undone + 1))
  done
  run sync; expect_rc 0
  expect_no_file .git/rebase-merge
  expect_no_file .git/incident/sync-start
  expect_eq "$(head_of "$T/b")" "$(remote_head)" "pushed"
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  run show 1 --json
  expect_json '[.timeline[] | select(.type == "note")] | length' 40
  [ "$undone" -gt 0 ] || fail "no kill landed inside a sync: nothing was tested"
}

run_suite
