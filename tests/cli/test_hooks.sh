#!/usr/bin/env bash
# Hooks: commands run on events with the incident on stdin, recorded on the
# timeline; never lost, never run twice, never a hang; and never run in a
# clone that has not trusted the file.
source "$(dirname "$0")/lib.sh"

# hooks_file TEXT: writes .incident/hooks.yaml and commits it.
hooks_file() {
  printf '%s\n' "$1" >.incident/hooks.yaml
  git add .incident/hooks.yaml && git commit -qm "hooks"
}

# A hook script that checks what it was given, field by field, and says so.
war_room_script() {
  mkdir -p scripts
  cat >scripts/war-room.sh <<'EOF'
#!/bin/sh
# Checks its stdin and environment; prints what it would do, or what is wrong.
input=$(cat)
check() { [ "$2" = "$3" ] || { echo "wrong $1: '$2' (expected '$3')"; exit 3; }; }
check stdin.hook "$(echo "$input" | jq -r .hook)" war-room
check stdin.phase "$(echo "$input" | jq -r .phase)" after
check stdin.event.type "$(echo "$input" | jq -r .event.type)" opened
check stdin.incident.id "$(echo "$input" | jq -r .incident.id)" "$INCIDENT_ID"
check stdin.incident.priority "$(echo "$input" | jq -r .incident.priority)" P1
check stdin.incident.title "$(echo "$input" | jq -r .incident.title)" "Checkout down"
check INCIDENT_EVENT "$INCIDENT_EVENT" opened
check INCIDENT_PRIORITY "$INCIDENT_PRIORITY" P1
check INCIDENT_SERVICE "$INCIDENT_SERVICE" checkout
check cwd "$(pwd)" "$INCIDENT_REPOSITORY"
echo "war room #inc-$INCIDENT_ID opened for $1"
echo "second line"
EOF
  chmod +x scripts/war-room.sh
  git add scripts && git commit -qm "war-room script"
}

test_a_trusted_hook_gets_the_incident_and_its_output_lands_in_the_timeline() {
  new_repo
  war_room_script
  hooks_file 'hooks:
  - name: war-room
    on: [opened, priority_changed]
    when: {field: priority, "<=": P2}
    run: [scripts/war-room.sh, ops]
    record: true'
  # Not trusted yet: listed with a warning, never run.
  run open "Checkout down" -p P1 --service checkout --at 2026-11-22T03:00:00Z
  expect_rc 0
  expect_err "hooks.yaml is not trusted in this clone"
  run show 1 --json
  expect_json '[.timeline[] | select(.type == "hook")] | length' "0"
  run hooks list
  expect_out "NOT trusted"
  expect_out "war-room"
  run hooks trust
  expect_rc 0
  expect_out "war-room on opened,priority_changed: scripts/war-room.sh ops"
  [[ "$ERR" != *"not trusted"* ]] || fail "hooks trust warned that the file is not trusted: $ERR"
  run open "Checkout down" -p P1 --service checkout --at 2026-11-22T03:10:00Z
  expect_rc 0
  expect_err "hook war-room ran for INC-2 opened"
  run show 2 --json
  expect_json '[.timeline[] | select(.type == "hook")][0].outcome' "exit 0"
  expect_json '[.timeline[] | select(.type == "hook")][0].text' "war room #inc-INC-2 opened for ops | second line"
  expect_json '[.timeline[] | select(.type == "hook")][0].by' "hook:war-room"
  expect_eq "$(git status --porcelain)" "" "the recorded run is committed"
  # P3: the condition does not match, nothing runs.
  run open "Checkout slow" -p P3 --service checkout --at 2026-11-22T03:20:00Z
  expect_rc 0
  run show 3 --json
  expect_json '[.timeline[] | select(.type == "hook")] | length' "0"
  # hooks test: the JSON it would get, and why it would run; nothing changes.
  local before; before=$(commit_count)
  run hooks test war-room --incident 2 --event opened
  expect_rc 0
  expect_json '.incident.id' "INC-2"
  expect_json '.event.type' "opened"
  expect_err "it would run: scripts/war-room.sh ops"
  run hooks test war-room --incident 3 --event opened --run
  expect_rc 1
  expect_err "does not match"
  expect_out "wrong stdin.incident.priority: 'P3'"
  expect_eq "$(commit_count)" "$before" "a test changes nothing"
  run hooks test nope --incident 2 --event opened
  expect_rc 3
  expect_err "declared: war-room"
}

test_a_failing_after_hook_leaves_the_change_and_records_the_failure() {
  new_repo
  hooks_file 'hooks:
  - name: ticket
    on: [note]
    run: [sh, -c, "echo ticket system unreachable >&2; exit 3"]'
  run hooks trust
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  local before; before=$(commit_count)
  run note 1 "customers report 502s" --at 2026-11-22T03:05:00Z
  expect_rc 0
  expect_err "hook ticket for INC-1 note failed (exit 3): ticket system unreachable (the change itself is saved)"
  run show 1 --json
  expect_json '[.timeline[] | .type] | join(" ")' "opened note hook"
  expect_json '.timeline[2].outcome' "exit 3"
  expect_json '.timeline[2].on' "note"
  expect_eq "$(commit_count)" "$((before + 2))" "the note, then the failure's record"
}

test_a_refusing_before_hook_leaves_nothing_written() {
  new_repo
  hooks_file 'hooks:
  - name: needs-summary-link
    on: [resolved]
    phase: before
    run: [sh, -c, "jq -e \".event.text | test(\\\"https://\\\")\" >/dev/null || { echo the summary needs a link to the fix; exit 1; }"]'
  run hooks trust
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  local before; before=$(commit_count)
  run resolve 1 --code fixed --summary "pool resized" --at 2026-11-22T04:00:00Z
  expect_rc 5
  expect_err "hook needs-summary-link refused the change (exit 1): the summary needs a link to the fix"
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
  run show 1 --json
  expect_json .status open
  run resolve 1 --code fixed --summary "pool resized, https://git.example/fix/42" --at 2026-11-22T04:00:00Z
  expect_rc 0
  run show 1 --json
  expect_json .status resolved
}

test_a_hook_past_its_timeout_is_killed_with_its_children() {
  new_repo
  hooks_file "hooks:
  - name: stuck
    on: [note]
    timeout: 1s
    run: [sh, -c, 'sleep 60 & echo \$! > $T/child.pid; sleep 60']"
  run hooks trust
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  local start end
  start=$(date +%s%N)
  run note 1 "still down" --at 2026-11-22T03:05:00Z
  end=$(date +%s%N)
  expect_rc 0
  expect_err "hook stuck for INC-1 note failed (timed out after 1s)"
  local ms=$(((end - start) / 1000000)) limit=2000
  [ "${INCIDENT_SANITIZED:-0}" = 1 ] && limit=3500
  [ "$ms" -lt "$limit" ] || fail "note took ${ms} ms with a 1s hook timeout"
  expect_file "$T/child.pid"
  sleep 0.2
  # Killed: gone, or a zombie where nobody reaps orphans (a container's init).
  local state; state=$(ps -o stat= -p "$(cat "$T/child.pid")" 2>/dev/null)
  if [ -n "$state" ] && [ "${state:0:1}" != Z ]; then
    fail "the hook's child still runs ($state)"
    kill "$(cat "$T/child.pid")"
  fi
  run show 1 --json
  expect_json '.timeline[-1].outcome' "timed out after 1s"
}

test_a_command_killed_between_commit_and_hook_runs_it_once_at_the_next_command() {
  new_repo
  hooks_file "hooks:
  - name: slow
    on: [acknowledged]
    run: [sh, -c, 'echo slow >> $T/slow.log; sleep 30']
  - name: count
    on: [acknowledged]
    run: [sh, -c, 'echo \$INCIDENT_ID >> $T/count.log']"
  run hooks trust
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  "$INCIDENT_BIN" ack 1 --at 2026-11-22T03:01:00Z >"$T/ack.out" 2>&1 &
  local pid=$! i
  for i in $(seq 1 200); do [ -s "$T/slow.log" ] && break; sleep 0.05; done
  expect_file "$T/slow.log"
  kill -9 "$pid"
  wait "$pid" 2>/dev/null
  pkill -f "sleep 30" 2>/dev/null
  expect_no_file "$T/count.log"
  expect_eq "$(git log -1 --format=%s)" "INC-1: acknowledged: Checkout down" "the change was committed"
  # The next command runs what was queued; the hook it had started is not run again.
  run note 1 "back" --at 2026-11-22T03:02:00Z
  expect_rc 0
  expect_err "hook slow for INC-1 acknowledged was started by a command that was killed"
  expect_err "hook count ran for INC-1 acknowledged"
  expect_eq "$(cat "$T/count.log")" "INC-1"
  expect_eq "$(wc -l <"$T/slow.log")" "1" "the started hook is not run twice"
  run hooks run
  expect_err "no hook was queued"
  expect_eq "$(wc -l <"$T/count.log")" "1" "once"
}

test_twenty_concurrent_notes_run_the_hook_twenty_times_once_each() {
  new_repo
  hooks_file "hooks:
  - name: log
    on: [note]
    run: [sh, -c, 'echo \"\$INCIDENT_EVENT_TEXT\" >> $T/ran.log']"
  run hooks trust
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  local i pids=()
  for i in $(seq 1 20); do
    INCIDENT_LOCK_TIMEOUT=2m "$INCIDENT_BIN" note 1 "note $i" >/dev/null 2>"$T/note$i.err" &
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || fail "a note failed"; done
  expect_eq "$(wc -l <"$T/ran.log")" "20" "twenty runs"
  expect_eq "$(sort -u "$T/ran.log" | wc -l)" "20" "one for each note"
  expect_eq "$(find .git/incident/hooks -name '*.json*' | wc -l)" "0" "nothing left queued"
}

test_a_clone_runs_nothing_until_trusted_and_a_pulled_change_needs_trust_again() {
  git init -q --bare "$T/remote.git"
  run init "$T/a"; cd "$T/a" || exit 1
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  hooks_file "hooks:
  - name: mark
    on: [note]
    run: [sh, -c, 'echo one >> $T/marks.log']"
  git remote add origin "$T/remote.git" && git push -q -u origin main 2>/dev/null
  git clone -q "$T/remote.git" "$T/b" && cd "$T/b" || exit 1
  run note 1 "from b" --at 2026-11-22T03:05:00Z
  expect_rc 0
  expect_err "not trusted in this clone"
  expect_no_file "$T/marks.log"
  run hooks run
  expect_err "no hook was queued"
  run hooks trust
  run note 1 "from b again" --at 2026-11-22T03:06:00Z
  expect_eq "$(cat "$T/marks.log")" "one"
  # A pulled edit is not trusted: the new command does not run.
  git push -q origin HEAD:main 2>/dev/null
  cd "$T/a" && git pull -q 2>/dev/null
  sed -i 's/echo one/echo two/' .incident/hooks.yaml && git commit -qam "hooks: two" && git push -q 2>/dev/null
  cd "$T/b" && git pull -q 2>/dev/null
  run note 1 "after the pull" --at 2026-11-22T03:07:00Z
  expect_rc 0
  expect_err "not trusted in this clone"
  expect_eq "$(cat "$T/marks.log")" "one"
  run hooks list --json
  expect_json .trusted false
}

test_a_bad_hooks_file_is_located_and_runs_nothing() {
  new_repo
  hooks_file 'hooks:
  - name: war-room
    on: [opend]
    run: scripts/war-room.sh --channel ops'
  run validate
  expect_rc 6
  expect_out_re '\.incident/hooks\.yaml:3:[0-9]+: .*on: unknown event .opend.'
  run hooks trust
  expect_rc 4
  run open "Checkout down" --at 2026-11-22T03:00:00Z
  expect_rc 0
  expect_err "no hook runs until it is fixed"
  printf 'hooks:\n  - name: war-room\n    on: [opened]\n    run: scripts/war-room.sh --channel ops\n' >.incident/hooks.yaml
  run validate .incident/hooks.yaml
  expect_rc 6
  expect_out_re 'hooks\.yaml:4:[0-9]+: '
  expect_out "[sh, -c, 'the command']"
}

run_suite
