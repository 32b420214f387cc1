#!/usr/bin/env bash
# Ten clones of one remote served by a real git server (git daemon on
# 127.0.0.1, started and stopped here) work offline on one incident, then all
# sync at the same moment, then once more in turn, and end with one history.
source "$(dirname "$0")/lib.sh"

CLONES=10

test_ten_clones_work_offline_then_sync_at_once_and_converge() {
  start_daemon
  run init "$T/seed"; expect_rc 0
  cd "$T/seed" || exit 1
  run open "Payments down" --service payments --impact high --urgency high --at 2026-11-22T03:00:00Z; expect_rc 0
  git remote add origin "$URL" && git push -q -u origin main 2>"$T/push.err" || fail "seed push: $(cat "$T/push.err")"
  local i
  for i in $(seq $CLONES); do git clone -q "$URL" "$T/c$i" || fail "clone $i"; done

  # Offline: every clone notes INC-1 and opens an incident; one acknowledges, one escalates.
  for i in $(seq $CLONES); do
    cd "$T/c$i" || exit 1
    INCIDENT_USER="r$i@example.com" run note 1 "note from c$i" --at "2026-11-22T03:$(printf %02d $((10 + i))):00Z"
    expect_rc 0 "note in c$i"
    INCIDENT_USER="r$i@example.com" run open "Incident from c$i" --at "2026-11-22T04:$(printf %02d "$i"):00Z"
    expect_rc 0 "open in c$i"; expect_out "INC-2"
  done
  cd "$T/c3" && run ack 1 --at 2026-11-22T03:30:00Z; expect_rc 0
  cd "$T/c7" && run escalate 1 --reason "payments team needed" --at 2026-11-22T03:35:00Z; expect_rc 0

  # All at the same moment, then once more in turn.
  local jobs=()
  for i in $(seq $CLONES); do
    (cd "$T/c$i" && "$INCIDENT_BIN" sync --json >"$T/sync$i.json" 2>"$T/sync$i.err"; echo $? >"$T/sync$i.rc") &
    jobs+=($!)
  done
  wait "${jobs[@]}"
  local pushes=0
  for i in $(seq $CLONES); do
    expect_eq "$(cat "$T/sync$i.rc")" 0 "sync in c$i: $(cat "$T/sync$i.err")"
    pushes=$((pushes + $(jq .attempts "$T/sync$i.json")))
  done
  [ "$pushes" -ge "$CLONES" ] || fail "only $pushes pushes for $CLONES clones"
  for i in $(seq $CLONES); do
    run_in "$T/c$i" sync; expect_rc 0 "second sync in c$i"
  done

  # One history everywhere, nothing lost, nothing twice.
  local head; head=$(git -C "$T/srv/remote.git" rev-parse main)
  for i in $(seq $CLONES); do
    expect_eq "$(git -C "$T/c$i" rev-parse HEAD)" "$head" "c$i has the remote's history"
    expect_eq "$(git -C "$T/c$i" status --porcelain)" "" "c$i has a clean work tree"
    grep -rlE '^(<<<<<<<|>>>>>>>)' "$T/c$i/incidents" && fail "conflict markers in c$i"
  done
  cd "$T/c1" || exit 1
  run validate; expect_rc 0
  run show 1 --json; expect_rc 0
  for i in $(seq $CLONES); do
    expect_json "[.timeline[] | select(.type == \"note\" and .text == \"note from c$i\")] | length" 1
  done
  expect_json '[.timeline[] | select(.type == "note")] | length' "$CLONES"
  expect_json '[.timeline[] | select(.type == "acknowledged")] | length' 1
  expect_json '[.timeline[] | select(.type == "escalated")] | length' 1
  expect_json .status investigating
  run list --all --json; expect_rc 0
  expect_json length $((CLONES + 1))
  expect_json '[.[].id] | unique | length' $((CLONES + 1))
  for i in $(seq $CLONES); do
    expect_json "[.[] | select(.title == \"Incident from c$i\")] | length" 1
  done
  local uids; uids=$(sed -n 's/^uid: //p' incidents/*.yaml | sort | uniq | wc -l)
  expect_eq "$uids" $((CLONES + 1)) "unique uids"
  # Every renumbering a clone printed names an id it opened.
  local renumbered=0
  for i in $(seq $CLONES); do renumbered=$((renumbered + $(jq '.renumbered | length' "$T/sync$i.json"))); done
  expect_eq "$renumbered" $((CLONES - 1)) "all but the first clone's INC-2 renumbered"
  kill "$DAEMON"
}

run_suite
