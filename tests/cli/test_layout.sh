#!/usr/bin/env bash
# incident layout: the flat and the sharded layout of incidents/, the move
# between them as one commit, and every command reading both.
source "$(dirname "$0")/lib.sh"

# A repository with INC-1..INC-3 (flat), committed.
three_incidents() {
  new_repo
  for t in one two three; do run open "$t" --service web --at 2026-11-22T03:00:00Z; expect_rc 0; done
}

test_layout_sharded_moves_every_file_in_one_commit_and_commands_follow() {
  three_incidents
  run layout; expect_rc 0; expect_out "layout: flat (3 flat, 0 sharded incident files)"
  local before; before=$(commit_count)
  run layout sharded --dry-run; expect_rc 0; expect_out "would move 3 incident files"
  expect_file incidents/INC-1.yaml
  run layout sharded; expect_rc 0; expect_out "moved 3 incident files to the sharded layout (committed)"
  expect_eq "$(commit_count)" "$((before + 1))" "one commit"
  expect_eq "$(git status --porcelain)" "" "nothing left uncommitted"
  expect_eq "$(git show --format= --name-status -M HEAD -- incidents | sort | cut -c1)" "R
R
R" "git sees renames"
  expect_file incidents/0/INC-2.yaml
  expect_no_file incidents/INC-2.yaml
  expect_file_has .incident/config.yaml "layout: sharded"
  expect_file_has .incident/config.yaml "# incident project settings"  # the comments are kept
  expect_file_has .gitattributes "incidents/*/*.yaml merge=incident"
  run layout --json; expect_rc 0; expect_json .layout sharded; expect_json .sharded 3
  # Every command reads and writes the shards.
  run note 2 "pool is full"; expect_rc 0
  expect_file_has incidents/0/INC-2.yaml "pool is full"
  expect_eq "$(git status --porcelain)" "" "the note is committed"
  run open "four" --service web; expect_rc 0; expect_out INC-4
  expect_file incidents/0/INC-4.yaml
  run list --all --json; expect_rc 0; expect_json '[.[].id] | join(" ")' "INC-1 INC-2 INC-3 INC-4"
  run show INC-4; expect_rc 0; expect_out "four"
  run validate; expect_rc 0
  # And back: the shards are gone.
  run layout flat; expect_rc 0; expect_out "moved 4 incident files to the flat layout (committed)"
  expect_file incidents/INC-4.yaml
  [ -e incidents/0 ] && fail "the empty shard stayed"
  expect_file_has .incident/config.yaml "layout: flat"
  expect_eq "$(git status --porcelain)" "" "nothing left uncommitted"
}

test_both_layouts_are_read_and_the_number_picks_the_shard() {
  three_incidents
  run layout sharded; expect_rc 0
  # A file written flat (by a clone still on the old layout) counts.
  git mv incidents/0/INC-3.yaml incidents/INC-3.yaml && git commit -qm "flat again"
  run list --all --json; expect_rc 0; expect_json 'length' 3
  run note 3 "still here"; expect_rc 0
  expect_file_has incidents/INC-3.yaml "still here"
  expect_no_file incidents/0/INC-3.yaml
  # Numbers past a thousand go to their own shard; the next id is the highest's.
  mkdir -p incidents/1 && sed 's/^id: INC-1$/id: INC-1234/' incidents/0/INC-1.yaml >incidents/1/INC-1234.yaml
  sed -i 's/^uid: .*/uid: 00000000-0000-4000-8000-000000001234/' incidents/1/INC-1234.yaml
  run open "next" --service web; expect_rc 0; expect_out INC-1235
  expect_file incidents/1/INC-1235.yaml
  # validate names a file in the wrong shard and a file in both layouts.
  cp incidents/0/INC-2.yaml incidents/INC-2.yaml
  mkdir -p incidents/5 && sed 's/^id: INC-1$/id: INC-7/' incidents/0/INC-1.yaml >incidents/5/INC-7.yaml
  run validate; expect_rc 6
  expect_out "incidents/5/INC-7.yaml:1:1: error: in the wrong shard: the tool reads INC-7 from incidents/0/INC-7.yaml only"
  run list --all; expect_rc 4
  expect_err "incidents/INC-2.yaml: INC-2 is also in incidents/0/INC-2.yaml, which is the one read: remove one of them"
}

test_layout_refuses_uncommitted_work_and_is_finished_by_running_again() {
  three_incidents
  echo "# mine" >>incidents/INC-1.yaml
  run layout sharded; expect_rc 1; expect_err "incidents/ has changes that are not committed"
  expect_file incidents/INC-1.yaml
  git checkout -q incidents/INC-1.yaml
  echo x >notes.txt && git add notes.txt
  run layout sharded; expect_rc 1; expect_err "changes are staged"
  git reset -q notes.txt
  # A run killed midway: some files moved, nothing committed; the next run finishes.
  mkdir -p .git/incident incidents/0 && echo sharded >.git/incident/layout-change
  mv incidents/INC-1.yaml incidents/0/INC-1.yaml
  run list --all --json; expect_rc 0; expect_json 'length' 3
  run layout sharded; expect_rc 0; expect_out "moved 2 incident files"
  expect_eq "$(git status --porcelain)" "?? notes.txt" "all committed"
  expect_eq "$(git show --format= --name-only --no-renames HEAD -- incidents | wc -l)" 6 "the one commit has all three moves"
  expect_no_file .git/incident/layout-change
}

test_sharded_clones_merge_and_sync() {
  two_clones layout sharded
  cd "$T/a" && run note 1 "pool is full" --at 2026-11-22T03:10:00Z; expect_rc 0
  run open "Login errors" --service auth --at 2026-11-22T03:20:00Z; expect_rc 0
  run sync; expect_rc 0
  cd "$T/b" && run note 1 "customers report 502s" --at 2026-11-22T03:05:00Z; expect_rc 0
  run open "Search slow" --service search --at 2026-11-22T03:30:00Z; expect_rc 0
  run sync; expect_rc 0; expect_out "INC-2 is now INC-3"
  grep -q '^<<<<<<<' incidents/0/INC-1.yaml && fail "conflict markers"
  run show 1 --json; expect_rc 0
  expect_json '[.timeline[] | select(.type == "note") | .text] | join(", ")' "customers report 502s, pool is full"
  expect_file incidents/0/INC-3.yaml
  run show 3; expect_rc 0; expect_out "Search slow"
  run validate; expect_rc 0
}

# `layout flat` killed at moments spread over its run in a 1 500-incident
# sharded repository, then `note 7` each time: the interrupted move is
# completed first, so no commit ever holds INC-7 at two paths, and no
# temporary file is left.
test_a_layout_move_killed_at_any_moment_is_completed_by_the_next_change() {
  new_repo
  local i pid delay
  local completed=0
  mkdir -p incidents/0 incidents/1
  for i in $(seq 1 1500); do
    printf 'id: INC-%d\ntitle: Incident %d\nstatus: open\nopened_at: 2026-11-01T00:00:00Z\n' "$i" "$i" >"incidents/$((i / 1000))/INC-$i.yaml"
  done
  sed -i 's/^layout: .*//' .incident/config.yaml && echo "layout: sharded" >>.incident/config.yaml
  git add -A && git commit -qm "1500 sharded incidents"
  # A sanitizer build starts and moves several times slower: its kills come later.
  local delays="0.04 0.07 0.1 0.13 0.16 0.19"
  [ "${INCIDENT_SANITIZED:-0}" = 1 ] && delays="0.2 0.35 0.5 0.65 0.8 1.0"
  for delay in $delays; do
    "$INCIDENT_BIN" layout flat >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    run note 7 "after a kill at $delay s"; expect_rc 0
    grep -q "was interrupted: completed" <<<"$ERR" && completed=$((completed + 1))
    expect_eq "$(git ls-tree -r --name-only HEAD incidents | grep -c '/INC-7.yaml$')" 1 "INC-7 at one path in HEAD ($delay s)"
    expect_eq "$(git status --porcelain)" "" "nothing left uncommitted ($delay s)"
    expect_eq "$(find .incident -name '.config.yaml.tmp.*' | wc -l)" 0 "no temporary left ($delay s)"
    # Back to sharded for the next round, unless the kill came too late to matter.
    run layout sharded; expect_rc 0
  done
  local c
  for c in $(git rev-list HEAD); do
    [ "$(git ls-tree -r --name-only "$c" incidents | grep -c '/INC-7.yaml$')" -le 1 ] || fail "commit $c holds INC-7 twice"
  done
  run show 7 --json; expect_json '[.timeline[] | select(.type == "note")] | length' 6
  [ "$completed" -gt 0 ] || fail "no kill landed inside a move: nothing was tested"
}

run_suite
