#!/usr/bin/env bash
# Nothing lost: concurrent writers serialise; a killed writer leaves the old
# file or the new one.
source "$(dirname "$0")/lib.sh"

test_twenty_notes_at_once() {
  new_repo
  run open "busy incident"
  local base; base=$(commit_count)
  local pids=() i
  for i in $(seq 1 20); do
    "$INCIDENT_BIN" note 1 "note number $i" >"$T/note.$i.out" 2>&1 &
    pids+=($!)
  done
  local failures=0
  for p in "${pids[@]}"; do wait "$p" || failures=$((failures + 1)); done
  expect_eq "$failures" 0 "every note process succeeded"
  run show 1 --json
  expect_rc 0
  expect_json '[.timeline[] | select(.type == "note")] | length' 20
  expect_json '[.timeline[] | select(.type == "note") | .text] | unique | length' 20
  expect_eq "$(( $(commit_count) - base ))" 20 "twenty commits"
  expect_eq "$(git status --porcelain)" "" "clean work tree"
}

test_concurrent_opens_get_distinct_ids() {
  new_repo
  local pids=() i
  for i in $(seq 1 10); do "$INCIDENT_BIN" open "parallel $i" >"$T/open.$i" 2>&1 & pids+=($!); done
  for p in "${pids[@]}"; do wait "$p"; done
  expect_eq "$(cat "$T"/open.* | sort -u | wc -l)" 10 "ten distinct ids"
  expect_eq "$(ls incidents/*.yaml | wc -l)" 10
}

test_killed_writer_leaves_old_or_new_file() {
  new_repo
  run open "crash test"
  local i delay
  for i in $(seq 1 40); do
    "$INCIDENT_BIN" note 1 "attempt $i" --no-commit >/dev/null 2>&1 &
    local pid=$!
    delay=$(printf '0.%03d' $(( (i * 37) % 25 )))
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    "$INCIDENT_BIN" show 1 --json >"$T/show.json" 2>"$T/show.err" || { fail "file unreadable after kill $i: $(cat "$T/show.err")"; return; }
  done
  local notes; notes=$(jq '[.timeline[] | select(.type == "note")] | length' "$T/show.json")
  [ "$notes" -le 40 ] || fail "more notes than writers"
  # the lock is not left held by a killed process
  run note 1 "after the storm" --no-commit; expect_rc 0
}

test_lock_timeout_is_a_clear_error() {
  new_repo
  run open "locked"
  local lock; lock="$(git rev-parse --git-dir)/incident/lock"
  python3 -c "
import fcntl, sys, time
f = open(sys.argv[1], 'a'); fcntl.flock(f, fcntl.LOCK_EX)
open(sys.argv[2], 'w').close(); time.sleep(3)" "$lock" "$T/held" &
  local holder=$!
  while [ ! -e "$T/held" ]; do sleep 0.05; done
  INCIDENT_LOCK_TIMEOUT=1s run note 1 "blocked"
  expect_rc 1; expect_err "another incident command is still working"
  INCIDENT_LOCK_TIMEOUT=200ms run note 1 "blocked"
  expect_rc 1; expect_err "another incident command is still working"
  INCIDENT_LOCK_TIMEOUT=soon run note 1 "blocked"
  expect_rc 2; expect_err "INCIDENT_LOCK_TIMEOUT: 'soon' is not a duration"
  wait "$holder"
  run note 1 "free again"; expect_rc 0
}

run_suite
