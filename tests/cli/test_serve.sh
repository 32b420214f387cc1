#!/usr/bin/env bash
# incident serve: the webhook receiver on 127.0.0.1, started and stopped by
# each test; a real Prometheus Alertmanager posting to it; the token, bad
# bodies, a burst cut by SIGTERM.
source "$(dirname "$0")/lib.sh"

ALERTS="$SOURCE_DIR/tests/data/alerts"
TOKEN="test-token-$$"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# http METHOD PATH [ARGS...]: sets STATUS and BODY (webhook_client.py's first line and the rest).
http() {
  local method=$1 path=$2; shift 2
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" "$method" "$URL$path" "$@" >"$T/.http"
  STATUS=$(head -1 "$T/.http")
  BODY=$(tail -n +2 "$T/.http")
  OUT=$BODY
}

incidents() { find incidents -name '*.yaml' 2>/dev/null | wc -l; }

test_refuses_to_start_without_a_token() {
  new_repo
  INCIDENT_SERVE_TOKEN= run serve --listen 127.0.0.1:0
  expect_rc 2; expect_err "no token: INCIDENT_SERVE_TOKEN is not set"; expect_err "--insecure-no-auth"
  run serve --listen nowhere; expect_rc 2; expect_err "--listen: 'nowhere' is not HOST:PORT"
  run serve --max-body 0 --insecure-no-auth; expect_rc 2; expect_err "--max-body must be between"
  INCIDENT_SERVE_TOKEN="   " run serve --listen 127.0.0.1:0; expect_rc 2; expect_err "no client could send it"
  INCIDENT_SERVE_TOKEN="abc " run serve --listen 127.0.0.1:0; expect_rc 2; expect_err "control characters or spaces at its ends"
  # The variable is the config's to name.
  sed -i 's/^  token_env: INCIDENT_SERVE_TOKEN$/  token_env: ALERTS_TOKEN/' .incident/config.yaml
  grep -q 'token_env: ALERTS_TOKEN' .incident/config.yaml || fail "config has no token_env line to change"
  ALERTS_TOKEN=other-token start_serve  # INCIDENT_SERVE_TOKEN=$TOKEN is set, and not read
  http POST /v2/enqueue --data "$ALERTS/pagerduty-trigger.json" --token "$TOKEN"; expect_eq "$STATUS" 401
  http POST /v2/enqueue --data "$ALERTS/pagerduty-trigger.json" --token other-token; expect_eq "$STATUS" 202
  stop_serve
}

test_a_missing_or_wrong_token_gets_401_and_writes_nothing() {
  new_repo
  start_serve
  local before; before=$(commit_count)
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json"
  expect_eq "$STATUS" 401; expect_json .error.status 401
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "wrong"
  expect_eq "$STATUS" 401
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "${TOKEN}x"
  expect_eq "$STATUS" 401
  # The header as sent: %XX is not decoded, and a token must come once.
  local encoded; encoded=$(printf '%%%02x%s' "'${TOKEN:0:1}" "${TOKEN:1}")
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "$encoded"
  expect_eq "$STATUS" 401 "a percent-encoded token"
  # /healthz says nothing but "ok": no token needed.
  http GET /healthz; expect_eq "$STATUS" 200; expect_json .status ok
  expect_eq "$(commit_count)" "$before" "nothing committed"
  expect_eq "$(incidents)" 0
  stop_serve; expect_eq "$SERVE_RC" 0
  grep -q "$TOKEN" "$T/serve.log" && fail "the log shows the token"
  expect_eq "$(grep -c ' 401' "$T/serve.log")" 4 "one log line per refused request"
}

test_each_route_opens_and_repeats() {
  new_repo
  map_checks_source
  git commit -qam "intake: the checks source"
  start_serve
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "$TOKEN"
  expect_eq "$STATUS" 200; expect_json '.incidents[0] | "\(.id) \(.outcome) \(.count)"' "INC-1 opened 1"
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "$TOKEN"
  expect_eq "$STATUS" 200; expect_json '.incidents[0] | "\(.id) \(.outcome) \(.count)"' "INC-1 repeated 2"
  http POST /v1/alerts/grafana --data "$ALERTS/grafana.json" --token "$TOKEN"
  expect_eq "$STATUS" 200; expect_json '.incidents[0].id' INC-2
  http POST /v2/enqueue --data "$ALERTS/pagerduty-trigger.json" --token "$TOKEN"
  expect_eq "$STATUS" 202; expect_json .status success; expect_json .dedup_key "$(jq -r .dedup_key "$ALERTS/pagerduty-trigger.json")"
  http POST /v2/enqueue --data "$ALERTS/pagerduty-acknowledge.json" --token "$TOKEN"; expect_eq "$STATUS" 202
  http POST /v1/alerts/generic/checks --data "$ALERTS/generic.json" --token "$TOKEN"
  expect_eq "$STATUS" 200; expect_json '.incidents[0].id' INC-4
  http POST /v1/alerts/generic/other --data "$ALERTS/generic.json" --token "$TOKEN"
  expect_eq "$STATUS" 404; expect_json .error.message "no generic source named 'other' (intake.generic in the config)"
  http POST /v1/alerts/nagios --data "$ALERTS/generic.json" --token "$TOKEN"; expect_eq "$STATUS" 404
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_eq "$(incidents)" 4
  run show 1 --json; expect_json .service checkout; expect_json .priority P1
  expect_json '[.timeline[] | select(.type == "alert") | .count] | join(",")' 2
  run show 3 --json; expect_json '.acknowledged_at != null' true
  expect_eq "$(git status --porcelain)" "" "every change committed"
  run validate; expect_rc 0
  grep -qE '^[0-9TZ:-]+ 127\.0\.0\.1 POST /v1/alerts/alertmanager 200 [0-9]+ms INC-1 repeated$' "$T/serve.log" ||
    fail "no log line for the repeat: $(cat "$T/serve.log")"
}

test_a_body_is_json_whatever_its_content_type() {
  new_repo
  start_serve
  # curl --data-binary @FILE sends a form's type; a body over 8 KiB is still one alert body.
  python3 - "$ALERTS/alertmanager.json" >"$T/long.json" <<'PYEOF2'
import json, sys
body = json.load(open(sys.argv[1]))
body["alerts"][0]["annotations"]["description"] = "x" * 20000
print(json.dumps(body))
PYEOF2
  http POST /v1/alerts/alertmanager --data "$T/long.json" --token "$TOKEN" \
    --content-type application/x-www-form-urlencoded
  expect_eq "$STATUS" 200; expect_json '.incidents[0].outcome' opened
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "$TOKEN" --content-type text/plain
  expect_eq "$STATUS" 200; expect_json '.incidents[0].outcome' repeated
  http POST /v1/alerts/alertmanager --data "$ALERTS/alertmanager.json" --token "$TOKEN" \
    --content-type 'multipart/form-data; boundary=x'
  expect_eq "$STATUS" 415; expect_json '.error.message | contains("not as a multipart form (curl -F)")' true
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_eq "$(incidents)" 1
  expect_eq "$(git status --porcelain)" "" "committed"
}

test_bad_bodies_get_400_or_413_and_write_nothing() {
  new_repo
  start_serve --max-body 4096
  local before; before=$(commit_count)
  printf '{"alerts": [' >"$T/cut.json"
  http POST /v1/alerts/alertmanager --data "$T/cut.json" --token "$TOKEN"
  expect_eq "$STATUS" 400; expect_json '.error.message | startswith("body:1:")' true
  expect_json '.error.message | contains("not JSON")' true
  printf '{"alerts": "no"}' >"$T/wrong.json"
  http POST /v1/alerts/grafana --data "$T/wrong.json" --token "$TOKEN"
  expect_eq "$STATUS" 400; expect_json .error.message "body: alerts: expected a list (an Alertmanager webhook)"
  printf '{"routing_key": "r", "event_action": "explode"}' >"$T/pd.json"
  http POST /v2/enqueue --data "$T/pd.json" --token "$TOKEN"
  expect_eq "$STATUS" 400; expect_json .status "invalid event"
  expect_json '.errors[0]' "body: event_action: expected trigger, acknowledge or resolve"
  head -c 5000 /dev/zero | tr '\0' ' ' >"$T/big.json"
  http POST /v1/alerts/alertmanager --data "$T/big.json" --token "$TOKEN"
  expect_eq "$STATUS" 413
  expect_json .error.message "POST /v1/alerts/alertmanager: the body is larger than --max-body (4096 bytes)"
  # A chunked body has no length to check first: over the limit all the same.
  python3 - "${URL##*:}" "$TOKEN" >"$T/chunked" <<'PYEOF2'
import http.client, sys
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
c.putrequest("POST", "/v1/alerts/alertmanager")
c.putheader("Authorization", "Bearer " + sys.argv[2]); c.putheader("Transfer-Encoding", "chunked"); c.endheaders()
body = b'{"alerts": [' + b" " * 6000 + b"]}"
try:
    for i in range(0, len(body), 1000):
        c.send(b"%x\r\n" % len(body[i:i + 1000]) + body[i:i + 1000] + b"\r\n")
    c.send(b"0\r\n\r\n")
except OSError:
    pass  # answered and closed before the last chunk: the answer is read below
r = c.getresponse(); print(r.status); print(r.read().decode())
PYEOF2
  expect_file_has "$T/chunked" "413"
  expect_file_has "$T/chunked" "the body is larger than --max-body (4096 bytes)"
  # Bytes that are not UTF-8: 400 (never 5xx: a retry cannot help), and the answer is JSON.
  printf '{"alerts": [{"labels": {"alertname": "\377"}}]}' >"$T/latin1.json"
  http POST /v1/alerts/alertmanager --data "$T/latin1.json" --token "$TOKEN"
  expect_eq "$STATUS" 400; expect_json '.error.message | contains("ill-formed UTF-8")' true
  http GET /healthz --token "$TOKEN"; expect_eq "$STATUS" 200 "still serving"
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_eq "$(commit_count)" "$before" "nothing committed"
  expect_eq "$(incidents)" 0
}

test_a_burst_cut_by_sigterm_is_answered_in_full() {
  new_repo
  start_serve --threads 4
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" POST "$URL/v2/enqueue" --token "$TOKEN" \
    --parallel 16 --count 120 --keys 10 >"$T/statuses" &
  local client=$!
  # Cut it once the burst is under way (a loaded machine starts the clients late).
  for _ in $(seq 100); do grep -q ' POST /v2/enqueue 202 ' "$T/serve.log" && break; sleep 0.1; done
  stop_serve
  wait "$client"
  expect_eq "$SERVE_RC" 0 "SIGTERM ends it with 0"
  grep -q "incident serve: stopped" "$T/serve.log" || fail "no stop line"
  local answered; answered=$(grep -c '^202$' "$T/statuses")
  # Every request the server took was answered and written; past --threads
  # connections were refused at once (503), and those sent after it stopped at connect.
  expect_eq "$(grep -vc '^202$\|^503$\|^error$' "$T/statuses")" 0 "only 202, 503 or no connection"
  [ "$answered" -gt 0 ] || fail "nothing answered before SIGTERM"
  expect_eq "$(grep -c ' POST /v2/enqueue 202 ' "$T/serve.log")" "$answered" "every answer logged"
  [ "$(incidents)" -le 10 ] || fail "more than one incident per key: $(incidents)"
  local events=0 f
  for f in incidents/*.yaml; do
    events=$((events + $("$INCIDENT_BIN" show "$(basename "$f" .yaml)" --json | jq '.timeline | length')))
  done
  # One opened event per incident plus one alert event per repeat: every accepted request is on file.
  expect_eq "$events" "$answered" "one event per answered request"
  expect_eq "$(git status --porcelain)" "" "every change committed"
}

test_listening_on_a_taken_port_fails() {
  new_repo
  python3 -c 'import socket,time; s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(30)' >"$T/port" &
  local holder=$! i
  for i in $(seq 100); do [ -s "$T/port" ] && break; sleep 0.05; done
  INCIDENT_SERVE_TOKEN=x run serve --listen "127.0.0.1:$(cat "$T/port")"
  kill "$holder"
  expect_rc 1; expect_err "cannot listen on 127.0.0.1:"
  # Nor can a second serve take the port of one already listening (and half its requests).
  TOKEN=x start_serve
  local port=${URL##*:}
  INCIDENT_SERVE_TOKEN=x timeout 5 "$INCIDENT_BIN" serve --listen "127.0.0.1:$port" 2>"$T/second.err"
  expect_eq "$?" 1 "a second serve on the port"
  expect_file_has "$T/second.err" "cannot listen on 127.0.0.1:$port"
  stop_serve
}

# A real Prometheus Alertmanager (Debian's prometheus-alertmanager) with a
# webhook receiver pointing at incident serve, fed through its own API.
start_alertmanager() {
  command -v prometheus-alertmanager >/dev/null || { fail "prometheus-alertmanager is not installed (.ci/install-deps)"; exit 1; }
  AM_PORT=$(free_port)
  cat >"$T/am.yml" <<EOF
route:
  receiver: incident
  group_by: [alertname, service]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: incident
    webhook_configs:
      - url: $URL/v1/alerts/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: $TOKEN
EOF
  prometheus-alertmanager --config.file="$T/am.yml" --storage.path="$T/am" \
    --web.listen-address="127.0.0.1:$AM_PORT" --cluster.listen-address= 2>"$T/am.log" &
  AM=$!
  trap 'kill $SERVE $AM 2>/dev/null' EXIT
  local i
  for i in $(seq 100); do
    URL_SAVED=$URL; URL="http://127.0.0.1:$AM_PORT"; http GET /-/ready; URL=$URL_SAVED
    [ "$STATUS" = 200 ] && return 0
    sleep 0.1
  done
  fail "alertmanager did not start: $(tail -5 "$T/am.log")"
  exit 1
}

# post_alert ENDS_AT: the checkout alert, posted to Alertmanager's API.
post_alert() {
  local starts; starts=$(date -u -d '-2 min' +%Y-%m-%dT%H:%M:%SZ)
  printf '[{"labels": {"alertname": "CheckoutDown", "service": "checkout", "severity": "critical"},
    "annotations": {"summary": "Checkout returns 503"}, "startsAt": "%s", "endsAt": "%s",
    "generatorURL": "http://prometheus.example/graph"}]' "$starts" "$1" >"$T/alert.json"
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" POST "http://127.0.0.1:$AM_PORT/api/v2/alerts" --data "$T/alert.json" \
    >"$T/am-post" || fail "post to alertmanager"
  [ "$(head -1 "$T/am-post")" = 200 ] || fail "alertmanager answered $(cat "$T/am-post")"
}

# wait_for CONDITION: up to 30 s for `jq -e CONDITION` on INC-1.
wait_for() {
  local i
  for i in $(seq 150); do
    [ -f incidents/INC-1.yaml ] && "$INCIDENT_BIN" show 1 --json 2>/dev/null | jq -e "$1" >/dev/null && return 0
    sleep 0.2
  done
  fail "waited 30 s for $1; serve said: $(tail -5 "$T/serve.log")"
  return 1
}

test_a_real_alertmanager_opens_repeats_and_resolves() {
  new_repo
  start_serve
  start_alertmanager
  post_alert "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"
  wait_for '.status == "open"' || return
  run show 1 --json
  expect_json .title "Checkout returns 503"
  expect_json .service checkout
  expect_json .priority P1
  expect_json .dedup_key '{}:{alertname="CheckoutDown", service="checkout"}'
  # The same alert again: Alertmanager sends it again (repeat_interval), the incident gets an event.
  post_alert "$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)"
  wait_for '[.timeline[] | select(.type == "alert" and .status == "firing")] | length >= 1' || return
  expect_eq "$(incidents)" 1 "the repeat opened nothing"
  # The alert ends (endsAt in the past): Alertmanager sends the group resolved.
  post_alert "$(date -u -d '-1 min' +%Y-%m-%dT%H:%M:%SZ)"
  wait_for '.status == "mitigated"' || return
  run show 1 --json
  expect_json '[.timeline[] | select(.type == "alert") | .status] | last' resolved
  expect_eq "$(incidents)" 1
  kill "$AM"; wait "$AM" 2>/dev/null
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_eq "$(git status --porcelain)" "" "every change committed"
  run validate; expect_rc 0
}

run_suite
