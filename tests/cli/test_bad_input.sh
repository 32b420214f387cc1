#!/usr/bin/env bash
# Bad input: located errors, documented exit codes, nothing touched, fast.
source "$(dirname "$0")/lib.sh"

write() { printf -- "$2" >"incidents/$1.yaml"; }

test_malformed_yaml_is_located() {
  new_repo
  write INC-1 'id: INC-1\ntitle: [unclosed\nstatus: open\n'
  run show INC-1
  expect_rc 4; expect_err_re '^incident: error: incidents/INC-1\.yaml:[0-9]+:[0-9]+: '
}

test_wrong_types_and_unknown_values_are_named() {
  new_repo
  write INC-1 'id: INC-1\ntitle: ok\nstatus: investigatin\n'
  run show 1; expect_rc 4; expect_err "incidents/INC-1.yaml:3:9: status: unknown value 'investigatin'"
  write INC-1 'id: INC-1\ntitle: ok\nstatus: open\ntags: {a: 1}\n'
  run show 1; expect_rc 4; expect_err "incidents/INC-1.yaml:4:7: tags: expected a list"
  write INC-1 'id: INC-1\ntitle: ok\nstatus: open\nopened_at: yesterday\n'
  run show 1; expect_rc 4; expect_err "opened_at: expected an RFC 3339"
  write INC-1 'id: INC-1\ntitle: ok\nstatus: open\ndrill: maybe\n'
  run show 1; expect_rc 4; expect_err "incidents/INC-1.yaml:4:8: drill: expected true or false"
  write INC-1 'id: INC-1\ntitle: ok\nstatus: open\nstatus: closed\n'
  run show 1; expect_rc 4; expect_err "duplicate key 'status'"
  write INC-1 'id: INC-7\ntitle: ok\nstatus: open\n'
  run show 1; expect_rc 4; expect_err "the file says 'INC-7'"
  write INC-1 '- just\n- a list\n'
  run show 1; expect_rc 4; expect_err "must be a YAML mapping"
  # A change to a broken file is refused and leaves it as it was.
  cp incidents/INC-1.yaml "$T/broken"
  run note 1 "hello"; expect_rc 4
  cmp -s incidents/INC-1.yaml "$T/broken" || fail "a refused change touched the file"
}

test_path_tricks_in_ids_are_refused() {
  new_repo
  echo "secret" >"$T/outside.yaml"
  for id in ../../etc/passwd INC-1/../x ../outside /etc/passwd INC-1.yaml 'INC-1;rm' 'INC-01' '' 'INC--1' '-1'; do
    run note -- "$id" "text"
    [ "$RC" -eq 2 ] || fail "id '$id': expected exit 2, got $RC"
  done
  run show ../../etc/passwd; expect_rc 2; expect_err "is not an incident id"
  expect_eq "$(cat "$T/outside.yaml")" "secret"
  expect_eq "$(ls incidents)" "" "nothing created in incidents/"
}

test_not_found_is_3_and_usage_is_2() {
  new_repo
  run show INC-42; expect_rc 3; expect_err "no incident INC-42"
  run note 42 "x"; expect_rc 3
  run frobnicate; expect_rc 2; expect_err "unknown command 'frobnicate'"
  run note; expect_rc 2
  run open; expect_rc 2
  run open "x" --impact enormous; expect_rc 2; expect_err "not on the configured scale"
  run list --bogus-flag; expect_rc 2
  run note 1 $'\xff\xfe'; expect_rc 2; expect_err "not valid UTF-8"
}

test_huge_deep_and_alias_bomb_refused_fast() {
  new_repo
  head -c 52428800 /dev/zero | tr '\0' 'a' >incidents/INC-1.yaml
  python3 - <<'PY'
s = 'id: INC-2\ntitle: x\nstatus: open\nextra: ' + '[' * 100000 + ']' * 100000 + '\n'
open('incidents/INC-2.yaml', 'w').write(s)
s = 'id: INC-3\ntitle: x\nstatus: open\nz:\n' + ''.join(' ' * (i + 1) + 'k:\n' for i in range(200))
open('incidents/INC-3.yaml', 'w').write(s)
s = 'id: INC-4\ntitle: x\nstatus: open\na: &a [x,x,x,x,x,x,x,x,x]\n'
p = 'a'
for i in range(12):
    q = chr(ord(p) + 1); s += q + ': &' + q + ' [' + ','.join(['*' + p] * 9) + ']\n'; p = q
open('incidents/INC-4.yaml', 'w').write(s)
PY
  local id start elapsed
  for id in 1 2 3 4; do
    start=$(date +%s%N)
    ( limit_memory_to_mb 1000; "$INCIDENT_BIN" show $id >"$T/.out" 2>"$T/.err" ); RC=$?; ERR=$(cat "$T/.err")
    elapsed=$(( ($(date +%s%N) - start) / 1000000 ))
    expect_rc 4 "INC-$id"
    expect_err "incidents/INC-$id.yaml"
    [ "$elapsed" -lt 1000 ] || fail "INC-$id took ${elapsed} ms (limit 1000)"
  done
  run show 1; expect_err "file too large"
  run show 3; expect_err "nesting deeper than 64 levels"
  run show 4; expect_err "alias expansion"
}

test_invalid_utf8_in_file_is_located() {
  new_repo
  write INC-1 'id: INC-1\ntitle: caf\xe9\nstatus: open\n'
  run show 1; expect_rc 4; expect_err "incidents/INC-1.yaml:2:11: invalid UTF-8"
}

test_list_shows_good_files_and_fails_on_bad_ones() {
  new_repo
  run open "good one"
  write INC-2 'id: INC-2\ntitle: [bad\n'
  run list
  expect_rc 4; expect_out "good one"; expect_err "incidents/INC-2.yaml:"
  expect_err "1 incident file(s) could not be read"
}

test_a_file_whose_name_is_no_id_is_named_not_skipped() {
  new_repo
  run open "good one"; expect_rc 0
  cp incidents/INC-1.yaml incidents/INC-2147483647.yaml
  cp incidents/INC-1.yaml incidents/INC-007.yaml
  mkdir incidents/3 && cp incidents/INC-1.yaml incidents/3/INC-1.yaml
  run list
  expect_rc 4; expect_out "good one"
  expect_err "incidents/INC-2147483647.yaml: 'INC-2147483647' cannot be an incident id"
  expect_err "incidents/INC-007.yaml: 'INC-007' cannot be an incident id"
  expect_err "incidents/3/INC-1.yaml: in the wrong shard"
  expect_err "3 incident file(s) could not be read"
  run validate
  expect_rc 6; expect_out "incidents/INC-2147483647.yaml: error: 'INC-2147483647' cannot be an incident id"
  expect_out "incidents/INC-007.yaml: error: 'INC-007' cannot be an incident id"
}

test_a_fifo_for_an_incident_is_named_and_never_opened() {
  new_repo
  run open "good one"; expect_rc 0
  mkfifo incidents/INC-9.yaml
  # Each command would hang on opening the FIFO for reading: a timeout says so.
  local c
  for c in "show 9" "note 9 hello" "log 9"; do
    RC=0; timeout 10 "$INCIDENT_BIN" $c >"$T/.out" 2>"$T/.err" </dev/null || RC=$?
    ERR=$(cat "$T/.err")
    expect_rc 4 "$c"; expect_err "incidents/INC-9.yaml: not a regular file"
  done
  RC=0; timeout 10 "$INCIDENT_BIN" list >"$T/.out" 2>"$T/.err" </dev/null || RC=$?
  ERR=$(cat "$T/.err"); OUT=$(cat "$T/.out")
  expect_rc 4 list; expect_out "good one"; expect_err "incidents/INC-9.yaml: not a regular file"
  run validate
  expect_rc 6; expect_out "incidents/INC-9.yaml: error: not a regular file"
  run validate incidents/INC-9.yaml
  expect_rc 6; expect_out "incidents/INC-9.yaml: error: not a regular file"
}

test_a_nul_in_an_alert_title_cuts_no_commit_message() {
  new_repo
  printf '%s' '{"version":"4","groupKey":"g","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Disk","severity":"critical"},"annotations":{"summary":"Disk\u0000 full\u001b[31m on\ndb-1"},"startsAt":"2026-01-01T00:00:00Z","fingerprint":"f1"}]}' >"$T/alert.json"
  run open --from-alert "$T/alert.json"; expect_rc 0
  expect_eq "$(git log -1 --format=%s)" "INC-1: opened: Disk$(printf '\357\277\275') full$(printf '\357\277\275')[31m on db-1"
  run show 1 --json; expect_rc 0
  expect_json .title "Disk$(printf '\357\277\275') full$(printf '\357\277\275')[31m on db-1"
  run validate; expect_rc 0
}

test_bad_config_is_located() {
  new_repo
  # Located, as a warning while the commands go on, and as an error by validate.
  printf 'id_prefix: INC\ntiers: L1\n' >.incident/config.yaml
  run list; expect_rc 0; expect_err "warning: .incident/config.yaml:2:8: tiers: expected a list"
  run validate; expect_rc 6; expect_out ".incident/config.yaml:2:8:"
  printf 'id_prefx: INC\n' >.incident/config.yaml
  run list; expect_rc 0; expect_err ".incident/config.yaml:1:1: unknown key 'id_prefx'"
  printf 'matrix:\n  high: {high: P9}\n' >.incident/config.yaml
  run list; expect_rc 0; expect_err "'P9' is not one of the priorities"
  run validate; expect_rc 6
  # A file that does not parse at all stops: its id prefix cannot be known.
  printf 'id_prefix: [INC\n' >.incident/config.yaml
  run list; expect_rc 4; expect_err ".incident/config.yaml:"
}

test_unknown_keys_and_comments_policy() {
  new_repo
  run open "keep my keys"
  python3 - <<'PY'
p = 'incidents/INC-1.yaml'
s = open(p).read()
s = s.replace('status: open\n', 'status: open\nticket: {system: jira, key: OPS-12}\n')
s += 'custom_tail: [1, 2]\n'
open(p, 'w').write(s)
PY
  run note 1 "a change"; expect_rc 0
  run show 1 --json
  expect_json '.extra.ticket.key' OPS-12; expect_json '.extra.custom_tail[1]' 2
  # unknown keys stay where they were
  grep -A1 '^status: open' incidents/INC-1.yaml | grep -q '^ticket:' || fail "ticket moved away from status"
  expect_eq "$(tail -1 incidents/INC-1.yaml)" "custom_tail: [1, 2]"
}

run_suite
