#!/usr/bin/env bash
# Heartbeats: a missed check-in opens one incident (dedup key heartbeat/NAME)
# at the pager's tick and pages by policy; ticking again opens nothing more;
# the next check-in marks it mitigated, once. A heartbeat never checked in is
# waiting. Check-ins through incident serve's POST /v1/heartbeat/NAME need
# the token. Every instant is given with --at, so nothing waits.
source "$(dirname "$0")/lib.sh"

TOKEN="test-token-$$"

# A repository with two heartbeats and a policy that pages carol by email
# through an SMTP server that is not there: the page stays in the outbox.
heartbeat_repo() {
  new_repo
  cat >.incident/people.yaml <<'YAML'
people:
  carol: {name: Carol, email: carol@example.com, contact: [{email: carol@example.com}]}
YAML
  cat >.incident/escalation.yaml <<'YAML'
policies:
  sre:
    steps:
      - {notify: [person:carol]}
by_priority: {P1: sre}
YAML
  cat >.incident/heartbeats.yaml <<'YAML'
heartbeats:
  backup: {every: 1h, grace: 10m, service: backup, impact: high, urgency: high}
  report: {every: 1d}
YAML
  printf 'smtp: {url: "smtp://127.0.0.1:1", from: pager@example.com}\n' >>.incident/config.yaml
  git add -A && git commit -qm "heartbeats"
}

incidents() { find incidents -name '*.yaml' 2>/dev/null | wc -l; }

test_a_missed_heartbeat_opens_one_incident_and_pages() {
  heartbeat_repo
  run heartbeat checkin backup --at 2026-11-22T03:00:00Z
  expect_rc 0; expect_out "checked in: backup at 2026-11-22T03:00:00Z (ok)"
  expect_file .git/incident/heartbeats/backup
  git status --porcelain | grep -q . && fail "a check-in changed the work tree"
  run heartbeat list --at 2026-11-22T04:10:00Z --json
  expect_rc 0; expect_json '.[0].state' ok; expect_json '.[0].last_checkin' 2026-11-22T03:00:00Z
  expect_json '.[1].heartbeat' report; expect_json '.[1].state' waiting; expect_json '.[1].last_checkin' null

  run page tick --at 2026-11-22T04:30:00Z
  expect_rc 0; expect_out "opened INC-1 Heartbeat backup missed"; expect_err "kept in the outbox"
  expect_eq "$(incidents)" 1
  run show INC-1 --json
  expect_json .title "Heartbeat backup missed: no check-in since 2026-11-22T03:00:00Z"
  expect_json .dedup_key heartbeat/backup
  expect_json .priority P1
  expect_json '[.timeline[] | select(.type == "paged")] | length' 1
  expect_json '.timeline[] | select(.type == "paged") | .person' carol

  run page tick --at 2026-11-22T05:00:00Z
  expect_rc 0; expect_eq "$(incidents)" 1 "ticking again opens nothing more"
  run heartbeat list --at 2026-11-22T05:00:00Z
  expect_rc 0; expect_out_re '^backup +1h +10m +overdue +2026-11-22T03:00:00Z +INC-1$'
  expect_out_re '^report +1d +0s +waiting +- +-$'

  local before; before=$(commit_count)
  run heartbeat checkin backup --at 2026-11-22T05:10:00Z
  expect_rc 0; expect_out "INC-1 mitigated"
  run show INC-1 --json; expect_json .status mitigated
  expect_eq "$(commit_count)" "$((before + 1))"
  run heartbeat checkin backup --at 2026-11-22T05:20:00Z --json
  expect_rc 0; expect_json .mitigated null; expect_json .state ok
  expect_eq "$(commit_count)" "$((before + 1))" "mitigated once"
  run heartbeat checkin nope; expect_rc 3; expect_err "no heartbeat 'nope'"
}

test_validate_locates_a_bad_heartbeats_file() {
  heartbeat_repo
  run validate; expect_rc 0
  printf 'heartbeats:\n  backup: {every: soon}\n' >.incident/heartbeats.yaml
  run validate
  expect_rc 6; expect_out ".incident/heartbeats.yaml:2:19: error: heartbeats.backup.every: expected a duration"
}

# http METHOD PATH [ARGS...]: sets STATUS and OUT (the body).
http() {
  local method=$1 path=$2; shift 2
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" "$method" "$URL$path" "$@" >"$T/.http"
  STATUS=$(head -1 "$T/.http")
  OUT=$(tail -n +2 "$T/.http")
}

test_serve_takes_check_ins_with_the_token() {
  heartbeat_repo
  run heartbeat checkin backup --at 2026-11-22T03:00:00Z
  run page tick --at 2026-11-22T05:00:00Z; expect_eq "$(incidents)" 1
  : >"$T/empty"
  start_serve --page-every 0
  local before; before=$(commit_count)
  http POST /v1/heartbeat/backup --data "$T/empty"
  expect_eq "$STATUS" 401
  http POST /v1/heartbeat/backup --data "$T/empty" --token wrong
  expect_eq "$STATUS" 401
  expect_eq "$(commit_count)" "$before" "nothing written without the token"
  http POST /v1/heartbeat/backup --data "$T/empty" --token "$TOKEN"
  expect_eq "$STATUS" 200
  expect_json .heartbeat backup; expect_json .state ok; expect_json .mitigated INC-1
  http POST /v1/heartbeat/backup --data "$T/empty" --token "$TOKEN"
  expect_eq "$STATUS" 200; expect_json .mitigated null
  http POST /v1/heartbeat/nope --data "$T/empty" --token "$TOKEN"
  expect_eq "$STATUS" 404; expect_json .error.status 404
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_eq "$(commit_count)" "$((before + 1))" "one commit: the mitigation"
  run show INC-1 --json; expect_json .status mitigated
  grep -qE 'POST /v1/heartbeat/backup 200 [0-9]+ms heartbeat backup ok, INC-1 mitigated$' "$T/serve.log" ||
    fail "no log line for the check-in: $(cat "$T/serve.log")"
  run heartbeat list --json; expect_json '.[0].state' ok
}

run_suite
