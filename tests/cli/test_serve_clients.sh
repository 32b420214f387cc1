#!/usr/bin/env bash
# incident serve against hostile clients: slow ones that never finish a
# request, more connections than it serves at once, and SIGTERM while they
# hold on; the real alerts meanwhile answered and committed at once.
source "$(dirname "$0")/lib.sh"

TOKEN="test-token-$$"

test_slow_clients_hold_nothing_real_alerts_wait_for() {
  new_repo
  start_serve --timeout 3 --per-peer 8
  python3 "$SOURCE_DIR/tests/cli/hostile_clients.py" "$URL" "$TOKEN" --slow 20 --real 100 --deadline 3 \
    >"$T/result.json" \
    || fail "the clients failed: $(cat "$T/result.json")"
  OUT=$(cat "$T/result.json")
  # Every real alert answered 202 (so committed) within 2 s of being sent.
  expect_json '.real | join(",")' 202; expect_json .real_count 100
  expect_json '.real_slowest < 2' true
  expect_json '.health | join(",")' 200; expect_json '.health_slowest < 1' true
  # Past 8 connections from one address, refused at once; the 8 admitted
  # were cut at the 3 s deadline, none kept open longer.
  expect_json .slow_refused 12; expect_json .slow_cut 8; expect_json .slow_open 0
  expect_json '.slow_longest < 4.5' true
  expect_eq "$("$INCIDENT_BIN" list --all --json | jq length)" 100 "one incident per real alert"
  expect_eq "$(git status --porcelain)" "" "all committed"
  stop_serve; expect_eq "$SERVE_RC" 0
}

test_sigterm_ends_within_the_deadline_however_clients_behave() {
  new_repo
  start_serve --timeout 3
  # Slow clients that never finish, and an idle keep-alive connection.
  python3 - "${URL##*:}" >"$T/slow.out" <<'PYEOF' &
import socket, sys, time
port = int(sys.argv[1])
socks = []
for i in range(6):
    s = socket.socket(); s.bind(("127.0.0.%d" % (2 + i), 0)); s.connect(("127.0.0.1", port))
    s.send(b"POST /v2/enqueue HTTP/1.1\r\n"); socks.append(s)
idle = socket.create_connection(("127.0.0.1", port))
idle.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"); print(idle.recv(4096).split(b"\r\n")[0].decode(), flush=True)
time.sleep(20)
PYEOF
  local clients=$!
  for _ in $(seq 50); do grep -q 'HTTP/1.1 200' "$T/slow.out" 2>/dev/null && break; sleep 0.1; done
  grep -q 'HTTP/1.1 200' "$T/slow.out" || fail "the keep-alive connection was not answered"
  local start=$SECONDS
  stop_serve
  local took=$((SECONDS - start))
  kill "$clients" 2>/dev/null
  expect_eq "$SERVE_RC" 0 "SIGTERM ends it with 0"
  [ "$took" -le 4 ] || fail "SIGTERM took ${took}s with a 3 s deadline"
}

run_suite
