#!/usr/bin/env bash
# Many clones of one remote: the merge driver merges incident files field by
# field when git integrates two clones' work.
source "$(dirname "$0")/lib.sh"

test_init_commits_the_attribute_and_any_command_registers_the_driver() {
  two_clones
  expect_eq "$(git -C "$T/a" show HEAD:.gitattributes)" "incidents/*.yaml merge=incident
incidents/*/*.yaml merge=incident"
  expect_eq "$(git -C "$T/b" config merge.incident.driver)" "" "a plain clone has no driver yet"
  cd "$T/b" && run list; expect_rc 0
  git -C "$T/a" config merge.incident.driver | grep -q '^incident merge-file %O %A %B %P' ||
    fail "init did not name the driver"
  git -C "$T/b" config merge.incident.driver | grep -q '^incident merge-file %O %A %B %P' ||
    fail "the first command in a clone did not name the driver"
}

test_notes_and_a_resolve_from_two_clones_merge_without_conflict() {
  two_clones
  cd "$T/a" && run note 1 "pool is full" --at 2026-11-22T03:10:00Z; expect_rc 0
  run resolve 1 --code fixed --summary "pool resized" --at 2026-11-22T04:00:00Z; expect_rc 0
  git push -q origin HEAD:main
  cd "$T/b" && run note 1 "customers report 502s" --at 2026-11-22T03:05:00Z; expect_rc 0
  git pull -q --rebase origin main 2>"$T/pull.err" || fail "pull failed: $(cat "$T/pull.err")"
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  grep -q '^<<<<<<<' incidents/INC-1.yaml && fail "conflict markers"
  run show 1 --json; expect_rc 0
  expect_json .status resolved
  expect_json .resolved_at 2026-11-22T04:00:00Z
  expect_json '[.timeline[] | .type] | join(" ")' "opened note note resolved"
  expect_json '[.timeline[] | select(.type == "note") | .text] | join(", ")' "customers report 502s, pool is full"
  run validate; expect_rc 0
  git push -q origin HEAD:main
  cd "$T/a" && git pull -q --rebase origin main
  expect_eq "$(git -C "$T/a" rev-parse HEAD)" "$(git -C "$T/b" rev-parse HEAD)" "both clones agree"
}

test_log_shows_who_changed_which_fields_from_every_clone() {
  two_clones
  git -C "$T/a" config user.email ana@example.com
  git -C "$T/b" config user.email ben@example.com
  cd "$T/a" && run resolve 1 --code fixed --summary "pool resized" --at 2026-11-22T04:00:00Z; expect_rc 0
  git push -q origin HEAD:main
  cd "$T/b" && run assign 1 ben@example.com --at 2026-11-22T03:30:00Z; expect_rc 0
  git pull -q --rebase origin main
  run log 1 --json; expect_rc 0
  expect_json '[.[] | "\(.email) \(.fields | join(","))"] | join("; ")' \
    "ci@example.com id,uid,title,status,service,priority,priority_reason,reporter,team,tier,opened_at,timeline; ana@example.com status,mitigated_at,resolved_at,resolution,timeline; ben@example.com assignee,timeline"
  expect_json '.[0].added' true
  run log 1; expect_rc 0; expect_out "INC-1: resolved: Checkout latency"
  git rm -q incidents/INC-1.yaml && git commit -qm "drop INC-1"
  run log 1 --json; expect_rc 0; expect_json '.[-1].removed' true
  run log 9; expect_rc 3
}

test_two_incidents_under_one_id_are_left_to_git_with_the_reason() {
  two_clones
  cd "$T/a" && run open "Disk full" --at 2026-11-22T03:10:00Z; expect_rc 0
  git push -q origin HEAD:main
  cd "$T/b" && run open "Queue backlog" --at 2026-11-22T03:12:00Z; expect_rc 0
  git pull -q --rebase origin main >"$T/pull.out" 2>&1 && fail "expected a conflict"
  grep -q "two different incidents took the id INC-2" "$T/pull.out" || fail "no reason given: $(cat "$T/pull.out")"
  grep -q '^<<<<<<<' incidents/INC-2.yaml || fail "git's markers are not in the file"
  git rebase --abort
  run show 2 --json; expect_rc 0; expect_json .title "Queue backlog"
}

test_without_incident_on_path_git_still_marks_the_conflict() {
  two_clones
  cd "$T/a" && run note 1 "from a" --at 2026-11-22T03:10:00Z; expect_rc 0
  git push -q origin HEAD:main
  cd "$T/b" && run note 1 "from b" --at 2026-11-22T03:11:00Z; expect_rc 0
  PATH=/usr/bin:/bin git pull -q --rebase origin main >"$T/pull.out" 2>&1 && fail "expected a conflict"
  grep -q '^<<<<<<<' incidents/INC-1.yaml || fail "no markers: $(cat "$T/pull.out")"
  git rebase --abort
}

run_suite
