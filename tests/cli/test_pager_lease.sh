#!/usr/bin/env bash
# Two receivers share the pager through the lease in refs/incident/pager-lease:
# two `incident serve` on two clones of a real git server (git daemon on
# 127.0.0.1), auto-sync on, the same 20 alerts posted to both. Every step of
# every incident is paged exactly once between them (the emails a real SMTP
# server received are counted), and when the receiver that leads is killed
# the other takes the lease and pages the steps that remain.
source "$(dirname "$0")/lib.sh"

TOKEN="test-token-$$"
export INCIDENT_LINK_KEY="link-key-for-tests-$$-0123456789"
ALERTS=20

# receiver NAME: incident serve in $T/NAME, paging every second; sets
# PID_NAME and URL_NAME once it listens.
receiver() {
  local i u
  (cd "$T/$1" && INCIDENT_SERVE_TOKEN=$TOKEN exec "$INCIDENT_BIN" serve --listen 127.0.0.1:0 --page-every 1 \
    2>"$T/$1.log") &
  eval "PID_$1=$!"
  for i in $(seq 300); do
    u=$(grep -o 'http://127.0.0.1:[0-9]*' "$T/$1.log" 2>/dev/null) && { eval "URL_$1=$u"; return 0; }
    sleep 0.05
  done
  fail "receiver $1 did not start: $(cat "$T/$1.log")"
  exit 1
}

# wait_for_mails N SECONDS: until N emails have come.
wait_for_mails() {
  local i
  for i in $(seq $(($2 * 10))); do [ "$(mails)" -ge "$1" ] && return 0; sleep 0.1; done
  fail "expected $1 email(s) within $2 s, got $(mails)"
}

# seed_remote [DELAY]: the shared repository: bob first, carol DELAY (20s)
# later, for every P1; every change pushed at once; the lease 4 s.
seed_remote() {
  git clone -q "$URL" "$T/seed" 2>/dev/null
  cd "$T/seed" || exit 1
  run init; expect_rc 0
  cat >.incident/people.yaml <<'XEOF'
people:
  bob: {name: Bob, email: bob@example.com}
  carol: {name: Carol, email: carol@example.com}
XEOF
  cat >.incident/escalation.yaml <<XEOF
policies:
  sre:
    steps:
      - {notify: [person:bob], after: ${1:-20s}}
      - {notify: [person:carol]}
by_priority: {P1: sre}
XEOF
  cat >>.incident/config.yaml <<XEOF
smtp: {url: "smtp://127.0.0.1:$SMTP_PORT", from: pager@example.com}
serve: {public_url: "http://pager.example.com", lease: 4s}
XEOF
  sed -i 's/auto_sync: false/auto_sync: true/' .incident/config.yaml
  grep -q 'auto_sync: true' .incident/config.yaml || fail "the config has no git.auto_sync to turn on"
  git add -A && git commit -qm "paging" && git push -q origin HEAD:main || fail "seed push"
  git clone -q "$URL" "$T/a" && git clone -q "$URL" "$T/b" || fail "clones"
}

# post_alerts N URL...: alerts 1..N (each a group of its own, critical: P1)
# to every URL given, each to all in turn.
post_alerts() {
  python3 - "$TOKEN" "$@" <<'PYEOF'
import json, sys, urllib.request
token, count, urls = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
for i in range(1, count + 1):
    name = f"Storm{i:02d}"
    body = {"version": "4", "status": "firing", "receiver": "incident",
            "groupKey": '{}:{alertname="%s"}' % name, "groupLabels": {"alertname": name},
            "commonLabels": {"alertname": name, "service": "checkout", "severity": "critical"},
            "commonAnnotations": {"summary": f"{name} is failing"},
            "alerts": [{"status": "firing", "labels": {"alertname": name, "service": "checkout",
                        "severity": "critical"}, "annotations": {"summary": f"{name} is failing"},
                        "startsAt": "2026-12-06T03:00:00Z", "fingerprint": f"f{i}"}]}
    for url in urls:
        req = urllib.request.Request(url + "/v1/alerts/alertmanager", data=json.dumps(body).encode(),
                                     headers={"Authorization": "Bearer " + token,
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=60) as r:
            if r.status not in (200, 202):
                sys.exit(f"{url}: {r.status}")
PYEOF
}

# kill_when_quiet NAME: SIGKILL to receiver NAME, at a moment its outbox is
# empty (stopped with SIGSTOP to look; let go on and tried again if not).
kill_when_quiet() {
  local pid i
  pid=$(eval echo "\$PID_$1")
  for i in $(seq 200); do
    kill -STOP "$pid"
    if [ -z "$(ls "$T/$1/.git/incident/outbox" 2>/dev/null)" ]; then
      kill -9 "$pid"; wait "$pid" 2>/dev/null
      return 0
    fi
    kill -CONT "$pid"; sleep 0.1
  done
  fail "receiver $1's outbox was never empty"
}

# "RECIPIENT SUBJECT" of every email received, one line each.
mail_pages() {
  local f
  for f in "$MAIL"/*.eml; do
    printf '%s %s\n' "$(jq -r '.rcpt_tos[0]' "${f%.eml}.json")" "$(grep -m1 '^Subject:' "$f" | cut -d' ' -f2-)"
  done
}

test_two_receivers_page_each_step_once_and_the_survivor_takes_over() {
  start_daemon
  start_sink
  trap 'kill $DAEMON $SINK $PID_a $PID_b 2>/dev/null' EXIT
  seed_remote
  receiver a
  grep -q "pager lease taken" "$T/a.log" || fail "a did not take the free lease: $(cat "$T/a.log")"
  receiver b
  grep -q "pager lease held by" "$T/b.log" || fail "b does not see a's lease: $(cat "$T/b.log")"

  post_alerts $ALERTS "$URL_a" "$URL_b" || fail "posting the alerts"
  wait_for_mails $ALERTS 150
  expect_eq "$(ls "$T/b/.git/incident/spool" | wc -l)" $ALERTS "b spooled every alert"
  git -C "$T/b" log --oneline | grep -q Storm && fail "b opened an incident while a led"
  # a dies mid-run (it may be paging second steps), but not with a page in
  # hand: one recorded and not yet sent would be lost, as docs/paging.md
  # says. Frozen, with nothing in its outbox, it is killed.
  kill_when_quiet a
  # b takes the lease once a's lapses, syncs, finds every spooled alert
  # taken and pages the second steps a had not.
  wait_for_mails $((ALERTS * 2)) 150
  sleep 3
  expect_eq "$(mails)" $((ALERTS * 2)) "no page twice"
  expect_eq "$(mail_pages | grep -c '^bob@example.com ')" $ALERTS "step 1: bob, once per incident"
  expect_eq "$(mail_pages | grep -c '^carol@example.com ')" $ALERTS "step 2: carol, once per incident"
  expect_eq "$(mail_pages | sort -u | wc -l)" $((ALERTS * 2)) "every page is another step or incident"
  grep -q "pager lease taken" "$T/b.log" || fail "b never took over: $(cat "$T/b.log")"
  grep -q "step 2: carol by email" "$T/b.log" || fail "b paged no second step"
  grep -qE "$ALERTS spooled request\(s\) replayed, $ALERTS alert\(s\) already taken" "$T/b.log" ||
    fail "b's replay: $(grep 'lease taken' "$T/b.log")"
  expect_eq "$(ls "$T/b/.git/incident/spool" | wc -l)" 0 "b's spool is empty"
  # One history: b's clone has the 20 incidents, each paged at steps 1 and 2.
  cd "$T/b" || exit 1
  run list --all --json; expect_rc 0
  expect_eq "$(jq length <<<"$OUT")" $ALERTS "20 incidents, none twice"
  local id steps
  for id in $(jq -r '.[].id' <<<"$OUT"); do
    run show "$id" --json
    steps=$(jq -c '[.timeline[] | select(.type == "paged") | .step]' <<<"$OUT")
    expect_eq "$steps" "[1,2]" "$id's pages"
  done
  # Stopped cleanly, b gives the lease up: a restarted takes it at once.
  kill -TERM "$PID_b"; wait "$PID_b"
  expect_eq "$?" 0 "b stops cleanly"
  grep -q "pager lease given up" "$T/b.log" || fail "b kept the lease: $(tail -3 "$T/b.log")"
  receiver a
  grep -q "pager lease taken" "$T/a.log" || fail "a waited for a released lease: $(cat "$T/a.log")"
  kill -TERM "$PID_a"; wait "$PID_a"
}

test_an_acknowledgement_in_another_clone_stops_the_holders_steps() {
  start_daemon
  start_sink
  trap 'kill $DAEMON $SINK $PID_a $PID_b 2>/dev/null' EXIT
  seed_remote 15s
  receiver a
  receiver b
  local start=$SECONDS
  post_alerts 2 "$URL_a" "$URL_b" || fail "posting the alerts"
  wait_for_mails 2 30
  # Bob acknowledges INC-1 in b's clone (a laptop, or b's acknowledge link): pushed.
  cd "$T/b" || exit 1
  run sync; expect_rc 0
  run ack INC-1 --by bob@example.com; expect_rc 0
  # (within the 15 s of step 1, or the test says nothing)
  [ $((SECONDS - start)) -lt 13 ] || fail "the acknowledgement came $((SECONDS - start)) s after the alerts"
  wait_for_mails 3 30
  sleep 3
  expect_eq "$(mails)" 3 "INC-1's second step is not paged"
  expect_eq "$(mail_pages | grep -c '^carol@example.com .*INC-2')" 1 "INC-2's second step is"
  kill -TERM "$PID_a" "$PID_b"; wait "$PID_a" "$PID_b"
}

test_the_lease_needs_changes_pushed_and_a_remote() {
  new_repo
  printf 'serve:\n  lease: 30s\n' >>.incident/config.yaml
  git commit -qam lease
  INCIDENT_SERVE_TOKEN=$TOKEN run serve --listen 127.0.0.1:0
  expect_rc 2; expect_err "serve.lease shares the pager with receivers on other clones, but changes are not pushed"
  sed -i 's/auto_sync: false/auto_sync: true/' .incident/config.yaml
  git commit -qam sync
  INCIDENT_SERVE_TOKEN=$TOKEN run serve --listen 127.0.0.1:0
  expect_rc 2; expect_err "serve.lease: no remote to sync with"
  sed -i 's/lease: 30s/lease: 1s/' .incident/config.yaml
  run validate; expect_rc 6; expect_out_re "config.yaml:[0-9]+:[0-9]+: .*serve.lease: must be between 2s and 1h"
}

run_suite
