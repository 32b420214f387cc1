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
open(sys.argv[2], 'w').close(); time.sleep(60)" "$lock" "$T/held" &
  local holder=$!
  while [ ! -e "$T/held" ]; do sleep 0.05; done
  INCIDENT_LOCK_TIMEOUT=1s run note 1 "blocked"
  expect_rc 1; expect_err "another incident command is still working"
  INCIDENT_LOCK_TIMEOUT=200ms run note 1 "blocked"
  expect_rc 1; expect_err "another incident command is still working"
  INCIDENT_LOCK_TIMEOUT=soon run note 1 "blocked"
  expect_rc 2; expect_err "INCIDENT_LOCK_TIMEOUT: 'soon' is not a duration"
  # Held until here, however slowly the commands above started (under the sanitizers, on a loaded machine).
  kill "$holder"; wait "$holder" 2>/dev/null
  run note 1 "free again"; expect_rc 0
}

# many_incidents N: N incident files written directly, committed at once.
many_incidents() {
  local n=$1 i
  for i in $(seq 1 "$n"); do
    printf 'id: INC-%d\ntitle: Incident %d\nstatus: open\nopened_at: 2026-11-01T00:00:00Z\ntimeline:\n  - {at: 2026-11-01T00:00:00Z, by: a@example.com, type: opened}\n' "$i" "$i" >"incidents/INC-$i.yaml"
  done
  git add incidents && git commit -qm "$n incidents"
}

# wait_for_git: a killed command's git child carries on as an orphan; let it end.
wait_for_git() {
  local i
  for i in $(seq 1 100); do [ -e .git/index.lock ] || return 0; sleep 0.05; done
}

# The crash loop: commands killed at random moments between their write and
# their commit, then one ordinary command. Nothing is corrupt, nothing a
# finished command reported is lost, nothing is left uncommitted.
test_killed_changes_are_completed_by_the_next_command() {
  new_repo
  many_incidents 2000
  local i pid id finished=0 killed=0
  RANDOM=7
  for i in $(seq 1 100); do
    id=$(( RANDOM % 2000 + 1 ))
    if (( i % 4 == 0 )); then
      "$INCIDENT_BIN" open "opened in round $i" >"$T/run.out" 2>&1 &
    else
      "$INCIDENT_BIN" note "$id" "note in round $i" >"$T/run.out" 2>&1 &
    fi
    pid=$!
    sleep "$(printf '0.%03d' $(( RANDOM % 200 )))"  # a note takes about 0.18 s here
    if kill -9 "$pid" 2>/dev/null; then killed=$((killed + 1)); fi
    if wait "$pid" 2>/dev/null; then
      finished=$((finished + 1))
      grep -q "round $i" incidents/*.yaml 2>/dev/null || fail "round $i reported success but is not in any file"
      echo "round $i" >>"$T/finished"
    fi
    wait_for_git
  done
  echo "    $killed killed, $finished finished" >&2
  run note 1 "the ordinary command after the storm"; expect_rc 0
  expect_eq "$(git status --porcelain)" "" "nothing left uncommitted or staged"
  run validate; expect_rc 0 "no file corrupt"
  local line
  while read -r line; do
    git log --format=%s | grep -q "${line#round } " || git grep -q "$line" HEAD -- incidents || fail "$line finished but is not committed"
  done < <(cat "$T/finished" 2>/dev/null)
}

test_a_journal_commits_only_what_the_interrupted_run_wrote() {
  new_repo
  run open "first"; expect_rc 0
  run open "second"; expect_rc 0
  # A run killed after writing INC-1, before committing it:
  printf '{"message": "INC-1: note: killed", "actor": "alice@example.com", "paths": ["incidents/INC-1.yaml"]}\n' \
    >.git/incident/pending-commit.json
  echo "custom: 1" >>incidents/INC-1.yaml
  # Unrelated work the user staged must stay staged, not be swept in:
  echo "notes" >README.local && git add README.local
  run note 2 "next command"; expect_rc 0
  expect_err "an earlier change was not committed (its run was interrupted); committed incidents/INC-1.yaml (INC-1: note: killed)"
  git show --stat HEAD~1 | grep -q "incidents/INC-1.yaml" || fail "INC-1 not committed"
  git show --stat HEAD~1 | grep -q "README.local" && fail "unrelated staged work was committed"
  expect_eq "$(git diff --cached --name-only)" "README.local" "the user's staged file is still staged"
  expect_no_file .git/incident/pending-commit.json
  # A journal naming a path outside the incident files is not followed.
  printf '{"message": "x", "paths": ["../../etc/passwd"]}\n' >.git/incident/pending-commit.json
  run note 2 "again"; expect_rc 0; expect_err "could not be read and was removed"
}

run_suite
