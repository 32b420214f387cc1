#!/usr/bin/env bash
# A hostile or unusual environment: symbolic links out of the repository,
# special files, a repository in the middle of a rebase or with conflict
# markers, no git on PATH, no HOME, and input that would make a parser
# recurse or backtrack without end.
source "$(dirname "$0")/lib.sh"

note_ok() { run note 1 "$1"; expect_rc 0 "note $1"; }

test_links_out_of_the_repository_are_refused() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  printf 'id: INC-2\ntitle: outside\nstatus: open\n' >"$T/outside.yaml"
  ln -s "$T/outside.yaml" incidents/INC-2.yaml
  ln -s /etc/passwd incidents/INC-3.yaml
  run show 2; expect_rc 4; expect_err "incidents/INC-2.yaml: a symbolic link leads out of the repository"
  [[ "$ERR" == *"$T/outside.yaml"* ]] && fail "the error names where the link leads"
  run show 3; expect_rc 4; [[ "$ERR" == *passwd* ]] && fail "the error names /etc/passwd"
  run note 2 "through the link"; expect_rc 4
  [ -L incidents/INC-2.yaml ] || fail "the link was replaced"
  grep -q "through the link" "$T/outside.yaml" && fail "wrote through the link"
  run validate; expect_rc 6; expect_out "incidents/INC-3.yaml: error: a symbolic link leads out of the repository"
  # incidents/ itself a link out of the repository: nothing is written there.
  rm incidents/INC-2.yaml incidents/INC-3.yaml
  mkdir "$T/elsewhere"
  mv incidents "$T/moved" && ln -s "$T/elsewhere" incidents
  run open "Another"; expect_rc 4
  [ -z "$(ls -A "$T/elsewhere")" ] || fail "wrote into the directory the link leads to"
  # ... and what is there is not read: every file is refused by validate.
  printf 'id: INC-5\ntitle: outside\nstatus: open\n' >"$T/elsewhere/INC-5.yaml"
  run validate; expect_rc 6; expect_out "incidents/INC-5.yaml: error: a symbolic link leads out of the repository"
}

# Postmortems, templates, rules, rule tests, scenarios and the config come
# through the repository's one opener: a link out of it is refused (exit 4)
# and nothing of what it names is read, shown or committed.
test_repository_files_linked_out_are_refused_unread() {
  new_repo
  run open "Disk full" --service db --priority P1; expect_rc 0
  printf 'SECRET-KEY-MATERIAL\n' >"$T/secret"
  local before; before=$(commit_count)
  ln -s "$T/secret" postmortems/INC-1.md
  run postmortem 1; expect_rc 4; expect_err "postmortems/INC-1.md: a symbolic link leads out of the repository"
  run postmortem 1 --check; expect_rc 4
  run close 1 --confirmed-by alice@example.com; [ "$RC" -ne 0 ] || fail "closed on a postmortem linked out"
  rm postmortems/INC-1.md
  mkdir -p .incident/templates .incident/scenarios
  ln -s "$T/secret" .incident/templates/evil.md.mustache
  run postmortem 1 --template evil; expect_rc 4; expect_err ".incident/templates/evil.md.mustache"
  ln -s "$T/secret" .incident/scenarios/evil.yaml
  run drill start evil; expect_rc 4
  cp .incident/rules-tests.yaml "$T/tests" && rm .incident/rules-tests.yaml && ln -s "$T/secret" .incident/rules-tests.yaml
  run rules test; expect_rc 4
  rm .incident/rules-tests.yaml && mv "$T/tests" .incident/rules-tests.yaml
  ln -s "$T/secret" .incident/rules.yaml
  run show 1; expect_rc 0; expect_err "warning: .incident/rules.yaml: a symbolic link leads out of the repository"
  run rules check; expect_rc 4
  rm .incident/rules.yaml
  mv .incident/config.yaml "$T/config.yaml" && ln -s "$T/secret" .incident/config.yaml
  run show 1; expect_rc 4; expect_err ".incident/config.yaml: a symbolic link leads out of the repository"
  rm .incident/config.yaml && mv "$T/config.yaml" .incident/config.yaml
  grep -rq SECRET-KEY "$T/.out" "$T/.err" postmortems && fail "the secret was read"
  git log -p | grep -q SECRET-KEY && fail "the secret was committed"
  expect_eq "$(commit_count)" "$before" "commits while files were linked out"
}

test_special_files_are_not_waited_on() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  mkfifo postmortems/INC-1.md
  ( timeout 10 "$INCIDENT_BIN" postmortem 1 --check >/dev/null 2>&1; echo $? >"$T/rc" )
  [ "$(cat "$T/rc")" != 124 ] || fail "postmortem --check waited on a FIFO"
  expect_eq "$(cat "$T/rc")" 4 "postmortem --check with a FIFO for the postmortem"
  ( timeout 10 "$INCIDENT_BIN" postmortem 1 >/dev/null 2>"$T/err"; echo $? >"$T/rc" )
  expect_eq "$(cat "$T/rc")" 4 "postmortem with a FIFO for the postmortem"
  grep -q "postmortems/INC-1.md: not a regular file" "$T/err" || fail "no 'not a regular file' for the postmortem"
  [ -p postmortems/INC-1.md ] || fail "the FIFO was replaced"
  rm postmortems/INC-1.md
  mkfifo .incident/rules.yaml
  ( timeout 10 "$INCIDENT_BIN" rules check >/dev/null 2>"$T/err"; echo $? >"$T/rc" )
  expect_eq "$(cat "$T/rc")" 4 "rules check with a FIFO for rules.yaml"
  grep -q ".incident/rules.yaml: not a regular file" "$T/err" || fail "no 'not a regular file' error"
}

test_mid_rebase_refused_and_conflict_markers_named() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  git checkout -q -b side
  note_ok "from side"
  git checkout -q -
  note_ok "from main"
  git checkout -q side
  # git's own line merge, not the incident driver, so that markers are left
  git -c merge.incident.driver='git merge-file -L ours -L base -L theirs %A %O %B' \
    rebase -q "$(git rev-parse --abbrev-ref '@{-1}')" >/dev/null 2>&1 && fail "expected a conflict"
  run show 1; expect_rc 4
  expect_err_re "incidents/INC-1\.yaml:[0-9]+:1: git left a merge conflict here"
  local head; head=$(git rev-parse HEAD)
  run note 1 "during the rebase"; expect_rc 1
  expect_err "the repository is in the middle of a rebase"; expect_err "git rebase --abort"
  expect_eq "$(git rev-parse HEAD)" "$head" "nothing committed into the rebase"
  git rebase --abort
  note_ok "after the rebase"
}

test_no_git_on_path_keeps_the_change() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  local before; before=$(commit_count)
  mkdir "$T/bin"
  ( PATH="$T/bin" "$INCIDENT_BIN" note 1 "no git here" >"$T/.out" 2>"$T/.err"; echo $? >"$T/rc" )
  expect_eq "$(cat "$T/rc")" 0 "note without git"
  grep -q "the change is saved in the work tree" "$T/.err" || fail "no warning that the change is not committed"
  grep -q "no git here" incidents/INC-1.yaml || fail "the note was lost"
  expect_eq "$(commit_count)" "$before" "no commit without git"
  # The next command with git commits it.
  note_ok "git is back"
  [ -z "$(git status --porcelain incidents)" ] || fail "the earlier change is still uncommitted"
}

test_no_home_works() {
  new_repo
  ( unset HOME XDG_CONFIG_HOME; "$INCIDENT_BIN" open "Disk full" --service db >"$T/.out" 2>"$T/.err"; echo $? >"$T/rc" )
  expect_eq "$(cat "$T/rc")" 0 "open without HOME: $(cat "$T/.err")"
  ( unset HOME XDG_CONFIG_HOME; "$INCIDENT_BIN" list >"$T/.out" 2>"$T/.err"; echo $? >"$T/rc" )
  expect_eq "$(cat "$T/rc")" 0 "list without HOME"
  grep -q "Disk full" "$T/.out" || fail "list without HOME lacks the incident"
}

test_deep_filters_and_backtracking_rules_are_bounded() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  local deep; deep=$(printf '(%.0s' $(seq 5000))
  run list --where "$deep"; expect_rc 2; expect_err "nests deeper than 64 levels"
  printf 'rules:\n  - name: slow\n    when: {field: title, matches: "(a+)+$"}\n    then: {priority: P1}\n' >.incident/rules.yaml
  run open "$(head -c 30000 /dev/zero | tr '\0' a)!" --service db --impact low --urgency low
  local start; start=$(date +%s)
  run triage 2; expect_rc 0
  [ $(( $(date +%s) - start )) -lt 10 ] || fail "triage took more than 10 s on a backtracking pattern"
  printf 'rules:\n  - name: backref\n    when: {field: title, matches: "(a)\\\\1"}\n    then: {priority: P1}\n' >.incident/rules.yaml
  run rules check; expect_rc 4; expect_err "no backreferences or look-around"
}

test_no_identity_at_all_warns_and_names_the_fix() {
  new_repo
  # No --by, no INCIDENT_USER, no git user.email anywhere, no $USER.
  env -u INCIDENT_USER -u USER GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1 \
    "$INCIDENT_BIN" open "Nobody knows who" --no-commit >"$T/.out" 2>"$T/.err"
  RC=$?; OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
  expect_rc 0
  expect_err "incident: warning: nobody to record as the actor: events say 'unknown'"
  expect_err "export INCIDENT_USER="
  expect_eq "$(grep -c 'nobody to record' <<<"$ERR")" 1 "warned once"
  run show 1 --json; expect_json .reporter unknown
  # With an identity, no warning.
  run open "Alice knows" --no-commit; expect_rc 0
  grep -q "nobody to record" <<<"$ERR" && fail "warned although INCIDENT_USER is set"
}

test_git_refusing_the_repository_is_said_with_its_fix() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  local before; before=$(commit_count)
  # git's own switch makes it take the repository for another user's (git >= 2.35.2).
  export GIT_TEST_ASSUME_DIFFERENT_OWNER=1
  git status >/dev/null 2>&1 && fail "git does not honour GIT_TEST_ASSUME_DIFFERENT_OWNER"
  local refused="git refuses to work in this repository: detected dubious ownership in repository at '$T/repo'"
  local fix="git config --global --add safe.directory $T/repo"
  run log 1; expect_rc 1; expect_err "$refused"; expect_err "$fix"; expect_no_out
  run report --as-of HEAD; expect_rc 1; expect_err "$refused"
  run sync; expect_rc 1; expect_err "$refused"
  # A change is refused before it writes anything.
  run note 1 "behind git's back"; expect_rc 1; expect_err "$refused"; expect_err "$fix"
  run open "Another"; expect_rc 1; expect_err "$refused"
  grep -q "behind git's back" incidents/INC-1.yaml && fail "the note was written"
  expect_no_file incidents/INC-2.yaml
  # Reading needs no git.
  run show 1; expect_rc 0
  # git's hint is the way out.
  $fix
  run note 1 "trusted now"; expect_rc 0
  expect_eq "$(commit_count)" "$((before + 1))" "the note is committed"
  run log 1; expect_rc 0; expect_out "INC-1: note"
}

test_init_inside_an_incident_repository_is_refused() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  local before; before=$(commit_count)
  run init incidents; expect_rc 2
  expect_err "$T/repo/incidents is inside the incident repository at $T/repo"
  expect_no_file incidents/.incident
  mkdir -p ops/team
  run_in ops/team init; expect_rc 2; expect_err "$T/repo/ops/team is inside the incident repository at $T/repo"
  expect_no_file ops/team/.incident
  run init "$T/repo/new/deep"; expect_rc 2
  expect_no_file "$T/repo/new"
  expect_eq "$(commit_count)" "$before" "nothing committed"
  run_in ops/team open "Still one repository"; expect_rc 0; expect_out "INC-2"
  run init "$T/other"; expect_rc 0
}

run_suite
