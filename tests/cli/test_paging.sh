#!/usr/bin/env bash
# Paging end to end: an Alertmanager webhook opens a P1 in `incident serve`,
# the escalation policy pages the person on call by email through a real
# SMTP server (python3-aiosmtpd on 127.0.0.1), the next step pages the next
# person when nobody acknowledges, and the acknowledge link from the email
# acknowledges only when POSTed. Every instant past the first page is given
# with --at, so nothing waits.
source "$(dirname "$0")/lib.sh"

ALERTS="$SOURCE_DIR/tests/data/alerts"
TOKEN="test-token-$$"
export INCIDENT_LINK_KEY="link-key-for-tests-$$-0123456789"

# wait_for_mail N: until N messages have come (at most 5 s).
wait_for_mail() {
  local i
  for i in $(seq 100); do [ "$(mails)" -ge "$1" ] && return 0; sleep 0.05; done
  fail "expected $1 email(s), got $(mails)"
}

# A repository that pages: alice on call this week in schedule primary;
# policy sre: the schedule, then carol after 5 minutes.
paging_repo() {
  new_repo
  cat >.incident/people.yaml <<'EOF'
people:
  alice: {name: Alice, email: alice@example.com}
  carol: {name: Carol, email: carol@example.com}
EOF
  mkdir -p .incident/oncall
  cat >.incident/oncall/primary.yaml <<'EOF'
name: Primary
time_zone: UTC
layers:
  - {name: everyone, start: 2026-01-05T09:00, rotation: weekly, members: [alice]}
EOF
  cat >.incident/escalation.yaml <<'EOF'
policies:
  sre:
    steps:
      - {notify: [schedule:primary], after: 5m}
      - {notify: [person:carol], after: 10m}
by_priority: {P1: sre}
EOF
  cat >>.incident/config.yaml <<EOF
smtp: {url: "smtp://127.0.0.1:$SMTP_PORT", from: pager@example.com}
serve: {public_url: "$1"}
EOF
  git add -A && git commit -qm "paging"
}

# The acknowledge link in email N.
link_in() { grep -o 'http://127.0.0.1:[0-9]*/v1/page/[^[:space:]]*' "$MAIL/$1.eml" | head -1; }

# http METHOD URL [FORM]: sets STATUS and BODY.
http() {
  python3 - "$@" >"$T/.http" <<'EOF'
import sys, urllib.request, urllib.error
method, url = sys.argv[1], sys.argv[2]
data = sys.argv[3].encode() if len(sys.argv) > 3 else None
req = urllib.request.Request(url, data=data, method=method)
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status); print(r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code); print(e.read().decode())
EOF
  STATUS=$(head -1 "$T/.http"); BODY=$(tail -n +2 "$T/.http")
}

in_minutes() { date -u -d "+$1 min" +%Y-%m-%dT%H:%M:%SZ; }

test_an_alert_pages_the_person_on_call_then_the_next_step_until_acknowledged() {
  start_sink
  # serve's port is known once it runs, and the link base names it: a port fixed up front.
  local port; port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  paging_repo "http://127.0.0.1:$port"
  INCIDENT_SERVE_TOKEN=$TOKEN "$INCIDENT_BIN" serve --listen "127.0.0.1:$port" 2>"$T/serve.log" &
  SERVE=$!; trap 'kill $SERVE $SINK 2>/dev/null' EXIT
  URL="http://127.0.0.1:$port"
  local i; for i in $(seq 100); do grep -q listening "$T/serve.log" && break; sleep 0.05; done
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" POST "$URL/v1/alerts/alertmanager" --data "$ALERTS/alertmanager.json" \
    --token "$TOKEN" >"$T/post.out"
  expect_eq "$(head -1 "$T/post.out")" 200

  # Step 1: alice, on call now, within seconds.
  wait_for_mail 1
  expect_eq "$(jq -r '.rcpt_tos[0]' "$MAIL/1.json")" alice@example.com
  expect_file_has "$MAIL/1.eml" "INC-1"
  expect_file_has "$MAIL/1.eml" "Checkout p99 latency above 2s"
  [ -n "$(link_in 1)" ] || fail "the email carries no acknowledge link: $(cat "$MAIL/1.eml")"

  # Nobody acknowledges: before the delay nothing, after it carol.
  run page tick --at "$(in_minutes 4)"; expect_rc 0; expect_no_out
  expect_eq "$(mails)" 1
  run page tick --at "$(in_minutes 6)"; expect_rc 0
  expect_out "INC-1 step 2: carol by email"
  wait_for_mail 2
  expect_eq "$(jq -r '.rcpt_tos[0]' "$MAIL/2.json")" carol@example.com

  # The link from carol's email: GET changes nothing, POST acknowledges.
  local link; link=$(link_in 2)
  local before; before=$(commit_count)
  http GET "$link"; expect_eq "$STATUS" 200
  grep -q 'Checkout p99 latency above 2s' <<<"$BODY" || fail "the confirmation page lacks the title"
  expect_eq "$(commit_count)" "$before" "GET wrote nothing"
  local query=${link#*\?}
  http POST "${link%%\?*}" "$query&action=ack"; expect_eq "$STATUS" 200
  run show INC-1 --json
  expect_json .status investigating
  expect_json '.acknowledged_at != null' true
  expect_json .assignee carol@example.com

  # No further page, however late.
  run page tick --at "$(in_minutes 60)"; expect_rc 0; expect_no_out
  sleep 0.3
  expect_eq "$(mails)" 2
  run show INC-1 --json
  expect_json '[.timeline[] | select(.type == "paged") | "\(.step) \(.person) \(.method) \(.outcome)"] | join(",")' \
    "1 alice email queued,2 carol email queued"
  expect_json '[.timeline[] | select(.type == "acknowledged") | .by] | join(",")' carol@example.com
  kill $SERVE $SINK
}

test_tick_twice_at_once_pages_each_step_once() {
  start_sink
  paging_repo "http://127.0.0.1:1"
  run open "db down" --impact high --urgency high --no-notify; expect_rc 0
  wait_for_mail 1
  local later; later=$(in_minutes 6)
  "$INCIDENT_BIN" page tick --at "$later" >"$T/a.out" 2>"$T/a.err" &
  local a=$!
  "$INCIDENT_BIN" page tick --at "$later" >"$T/b.out" 2>"$T/b.err" &
  wait $a $!
  expect_eq "$(cat "$T/a.out" "$T/b.out" | grep -c 'step 2: carol')" 1 "one of the two paged carol"
  wait_for_mail 2; sleep 0.3
  expect_eq "$(mails)" 2
  run show INC-1 --json
  expect_json '[.timeline[] | select(.type == "paged")] | length' 2
  kill $SINK
}

test_a_dead_smtp_server_never_blocks_and_the_page_goes_out_once_on_flush() {
  start_sink 451 1
  paging_repo "http://127.0.0.1:1"
  # The first attempt is refused (451, try later): the page stays in the outbox.
  cat >>.incident/config.yaml <<'EOF'
notify_delivery: {attempts: 1}
EOF
  git commit -qam "one attempt"
  run open "db down" --impact high --urgency high; expect_rc 0
  expect_err "kept in the outbox"
  expect_eq "$(mails)" 0
  run notify flush; expect_rc 0
  wait_for_mail 1
  run notify flush; expect_rc 0
  sleep 0.3
  expect_eq "$(mails)" 1 "sent once"
  run page tick; expect_rc 0; expect_no_out
  kill $SINK
}

test_a_provider_that_hangs_never_holds_the_tick_and_its_page_goes_out_once() {
  start_sink
  paging_repo "http://127.0.0.1:1"
  # carol is reached by push, through a receiver whose first answer never comes.
  echo hang >"$T/script"
  python3 "$SOURCE_DIR/tests/cli/receiver.py" "$T/port" "$T/requests.log" "$T/script" &
  local receiver=$!
  local i; for i in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
  sed -i 's/  carol: {name: Carol, email: carol@example.com}/  carol: {name: Carol, contact: [{push: carol-pages}]}/' .incident/people.yaml
  cat >>.incident/config.yaml <<EOF
paging_providers:
  - {name: ntfy, type: push, url: "http://127.0.0.1:$(cat "$T/port")"}
EOF
  git commit -qam "carol by push"
  run open "db down" --impact high --urgency high --no-notify; expect_rc 0
  wait_for_mail 1
  local started=$SECONDS
  run page tick --at "$(in_minutes 6)" --budget 1s; expect_rc 0
  [ $((SECONDS - started)) -le 4 ] || fail "the tick took $((SECONDS - started)) s with a 1 s budget"
  expect_out "INC-1 step 2: carol by push"
  expect_err "kept in the outbox"
  run notify flush; expect_rc 0
  run notify flush; expect_rc 0
  run page tick --at "$(in_minutes 7)"; expect_rc 0; expect_no_out
  expect_eq "$(jq -s '[.[] | select(.answer == "200")] | length' "$T/requests.log")" 1 "delivered once"
  expect_eq "$(jq -s -r '.[-1].path' "$T/requests.log")" /carol-pages
  kill $receiver $SINK
}

test_escalation_file_errors_are_located() {
  new_repo
  cat >.incident/escalation.yaml <<'EOF'
policies:
  sre:
    steps:
      - {notify: [schedule:nowhere, person:zed], after: 5m}
      - {notify: [team:sre]}
by_priority: {P1: sre, P7: sre}
EOF
  run validate .incident/escalation.yaml; expect_rc 6
  expect_out ".incident/escalation.yaml:4:19: error: no schedule 'nowhere'"
  expect_out ".incident/escalation.yaml:4:37: error: no person 'zed' in .incident/people.yaml"
  expect_out ".incident/escalation.yaml:5:19: error: policies.sre.steps.1.notify.0: expected schedule:NAME"
  expect_out ".incident/escalation.yaml:6:24: error: by_priority.P7: 'P7' is not a priority"
  run page tick; expect_rc 4; expect_err ".incident/escalation.yaml:5:19"
}

test_a_rule_naming_a_policy_that_does_not_exist_is_an_error() {
  new_repo
  cat >.incident/escalation.yaml <<'EOF'
policies:
  security:
    steps:
      - {notify: [person:alice@example.com]}
EOF
  cat >.incident/rules.yaml <<'EOF'
rules:
  - name: breaches page security
    when: {category: security}
    then: {escalation_policy: securty}
EOF
  run validate .incident/rules.yaml; expect_rc 6
  expect_out ".incident/rules.yaml:2:5: error: rule breaches page security: no escalation policy 'securty'"
  run rules check; expect_rc 4
  expect_err "no escalation policy 'securty'"
  sed -i 's/securty/security/' .incident/rules.yaml
  run validate .incident/rules.yaml; expect_rc 0
}

test_serve_says_a_paging_warning_once_not_every_tick() {
  new_repo
  printf 'people:\n  alice: {name: Alice, email: alice@example.com}\n' >.incident/people.yaml
  mkdir -p .incident/oncall
  printf 'name: [broken\n' >.incident/oncall/primary.yaml
  printf 'policies:\n  sre:\n    steps:\n      - {notify: [schedule:primary]}\nby_priority: {P1: sre}\n' \
    >.incident/escalation.yaml
  git add -A && git commit -qm "a schedule that does not read"
  run open "Checkout is down" --service checkout --impact high --urgency high
  expect_rc 0; expect_err "INC-1: step 1 waits until its schedule reads"
  start_serve --page-every 1
  sleep 3.5
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_eq "$(grep -c 'INC-1: step 1 waits until its schedule reads' "$T/serve.log")" 1 "said once in three ticks"
  grep -q "primary.yaml:2:1" "$T/serve.log" || fail "the log does not locate the schedule's problem"
}

run_suite
