#!/usr/bin/env bash
# The hostile repository: whoever can push commits every file the tool reads
# as a symbolic link out of the repository (absolute and relative links, to
# files and to directories). A responder clones it and works a whole incident
# and a sync: each command works, or refuses with an error naming the link
# (exit 4; a check exits 6), and nothing outside the repository is read,
# written or committed. Secret text in $T/outside must never appear anywhere.
source "$(dirname "$0")/lib.sh"

ALERT="$SOURCE_DIR/tests/data/alerts/alertmanager.json"

# The secrets, each valid in its format, so that a tool following a link
# would use it and show it. Their names hold no "SECRET", so a committed
# link (whose text is its target) never matches.
outside_secrets() {
  local o=$T/outside
  mkdir -p "$o"
  printf 'rules:\n  - name: secret\n    when: {field: title, matches: "."}\n    then: {tags: [SECRET-rules]}\n' >"$o/rules.yaml"
  printf 'cases:\n  - name: SECRET-rule-tests\n    incident: {impact: high}\n    expect: {priority: P1}\n' >"$o/rule-tests.yaml"
  printf 'people:\n  alice: {name: SECRET-people, email: alice@example.com}\n  bob: {name: Bob, email: bob@example.com}\n' \
    >"$o/people.yaml"
  printf 'name: SECRET-schedule\ntime_zone: UTC\nlayers:\n  - {name: SECRET-layer, start: 2026-01-05T09:00, rotation: weekly, members: [alice, bob]}\n' \
    >"$o/schedule.yaml"
  printf 'from: 2026-11-22T00:00Z\nto: 2026-11-23T00:00Z\nwho: bob\nreason: SECRET-override\n' >"$o/override.yaml"
  printf 'title: SECRET-scenario\nservice: checkout\ninjects:\n  - {after: 10m, text: SECRET-inject}\n' >"$o/scenario.yaml"
  printf '# {{id}} SECRET-template\n\n## Summary\n\n## Impact\n' >"$o/template.md.mustache"
  printf 'SECRET-message {{id}}\n' >"$o/message.mustache"
  printf 'SECRET-postmortem\n' >"$o/postmortem.md"
  printf 'SECRET-evidence\n' >"$o/evidence.txt"
}

# attacker_clone: a bare remote and the attacker's clone $T/evil, initialised,
# with a chat target using the message template 'slack', INC-1 (P1, with
# evidence ev.txt) and INC-2, whose text becomes the secret incident.
attacker_clone() {
  outside_secrets
  git init -q --bare "$T/remote.git"
  git clone -q "$T/remote.git" "$T/evil" 2>/dev/null
  cd "$T/evil" || exit 1
  run init; expect_rc 0
  printf 'notify:\n  - {name: chat, type: slack, url_env: CHAT_URL, template: slack}\n' >>.incident/config.yaml
  git commit -qam "chat target"
  run open "Checkout down" --service checkout --impact high --urgency high --at 2026-11-22T03:00:00Z; expect_rc 0
  printf 'benign evidence\n' >"$T/ev.txt"
  run attach 1 "$T/ev.txt" --at 2026-11-22T03:05:00Z; expect_rc 0
  run open "Second" --at 2026-11-22T03:06:00Z; expect_rc 0
  sed 's/^title: .*/title: SECRET-incident/' incidents/INC-2.yaml >"$T/outside/incident.yaml"
}

# beside: the names in $T, sorted.
beside() { find "$T" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort; }

# responder_clone: pushes the attacker's commit, clones it as $T/b (beside
# $T/outside, so the relative links lead there) and records what is outside
# in $T and in $HOME before the responder's first command.
responder_clone() {
  git add -A && git commit -qm "links out"
  git push -q origin HEAD:main
  git clone -q "$T/remote.git" "$T/b"
  (cd "$T/outside" && find . -type f -exec sha256sum {} + | sort) >"$T/outside.sums"
  find "$T/outside" | sort >"$T/outside.list"
  find "$HOME" | sort >"$T/home.list"
  : >"$T/seen"
  : >"$T/top.list"
  beside >"$T/top.list"
  cd "$T/b" || exit 1
  START=$(git rev-parse HEAD)
}

# Every file the tool reads is a link out; .incident/config.yaml is not.
hostile_files() {
  attacker_clone
  local o=$T/outside
  mkdir -p .incident/templates .incident/oncall/overrides/sre .incident/scenarios
  ln -sf ../../outside/incident.yaml incidents/INC-2.yaml
  ln -sf "$o/rules.yaml" .incident/rules.yaml
  ln -sf ../../outside/rule-tests.yaml .incident/rules-tests.yaml
  ln -sf "$o/people.yaml" .incident/people.yaml
  ln -sf ../../../outside/schedule.yaml .incident/oncall/sre.yaml
  ln -sf "$o/override.yaml" .incident/oncall/overrides/sre/x.yaml
  ln -sf ../../../outside/scenario.yaml .incident/scenarios/x.yaml
  ln -sf "$o/template.md.mustache" .incident/templates/google-sre.md.mustache
  ln -sf ../../../outside/message.mustache .incident/templates/slack.mustache
  ln -sf ../../outside/postmortem.md postmortems/INC-1.md
  ln -sf "$o/evidence.txt" attachments/INC-1/ev.txt
  responder_clone
}

# The directories the tool reads from are links to directories outside.
hostile_dirs() {
  attacker_clone
  local o=$T/outside
  mkdir -p "$o/tpl" "$o/oncall/overrides/sre" "$o/scen" "$o/pm" "$o/att"
  cp "$o/template.md.mustache" "$o/tpl/google-sre.md.mustache"
  cp "$o/message.mustache" "$o/tpl/slack.mustache"
  cp "$o/schedule.yaml" "$o/oncall/sre.yaml"
  cp "$o/override.yaml" "$o/oncall/overrides/sre/x.yaml"
  cp "$o/scenario.yaml" "$o/scen/x.yaml"
  cp "$o/postmortem.md" "$o/pm/INC-1.md"
  cp "$o/evidence.txt" "$o/att/ev.txt"
  printf 'people:\n  alice: {name: Alice, email: alice@example.com}\n  bob: {name: Bob, email: bob@example.com}\n' \
    >.incident/people.yaml
  git rm -rq postmortems attachments/INC-1
  mkdir -p attachments
  ln -s ../../outside/att attachments/INC-1
  ln -s "$o/pm" postmortems
  ln -s "$o/tpl" .incident/templates
  ln -s ../../outside/oncall .incident/oncall
  ln -s "$o/scen" .incident/scenarios
  responder_clone
}

# step ARGS...: `run`, keeping what it printed; never a crash or a signal.
step() {
  run "$@"
  printf '%s\n%s\n' "$OUT" "$ERR" >>"$T/seen"
  [ "$RC" -le 6 ] || fail "incident $* crashed or was killed (exit $RC)"
}

# refused PATH: the last command stopped at the link PATH, named (exit 4).
refused() {
  expect_rc 4 "at $1"
  expect_err "error: $1: a symbolic link leads out of the repository"
}

# warned PATH: the last command went on without the link PATH, naming it.
warned() { expect_err "warning: $1: a symbolic link leads out of the repository: it is not read"; }

# nothing_leaked: no secret printed, in the clone, its state, a commit or the
# remote; outside, $T (but for the export bundle asked for) and $HOME as they were.
nothing_leaked() {
  local hits
  hits=$(grep -m3 SECRET "$T/seen") && fail "printed: $hits"
  hits=$(grep -rl SECRET --exclude-dir=.git "$T/b") && fail "in the clone: $hits"
  hits=$(grep -rl SECRET "$T/b/.git/incident" 2>/dev/null) && fail "in the clone's state: $hits"
  git -C "$T/b" log -p --all | grep -q SECRET && fail "committed (git log -p)"
  # shellcheck disable=SC2046
  git -C "$T/b" grep -q SECRET $(git -C "$T/b" rev-list --all) && fail "committed (git grep)"
  git -C "$T/remote.git" log -p --all | grep -q SECRET && fail "pushed"
  expect_eq "$(cd "$T/outside" && find . -type f -exec sha256sum {} + | sort)" "$(cat "$T/outside.sums")" "outside/ unchanged"
  expect_eq "$(find "$T/outside" | sort)" "$(cat "$T/outside.list")" "no new file outside/"
  expect_eq "$(beside | grep -vx 'export.*')" "$(cat "$T/top.list")" "no new file beside the clone"
  expect_eq "$(find "$HOME" | sort)" "$(cat "$T/home.list")" "no new file in \$HOME"
}

test_a_clone_whose_files_all_link_out_is_worked_to_the_end_and_synced() {
  hostile_files
  step list; refused incidents/INC-2.yaml; expect_out "INC-1"
  warned .incident/rules.yaml
  step show 1; expect_rc 0; expect_out "Checkout down"
  step show 2 --json; refused incidents/INC-2.yaml; expect_json .error.code 4
  # By hand, and from an alert: the rules are left out (most severe priority,
  # said), the message template too (the built-in text goes).
  step open "Payments down" --service payments --priority P3 --at 2026-11-22T04:00:00Z; expect_rc 0
  expect_out INC-3; warned .incident/rules.yaml; warned .incident/templates/slack.mustache
  step open --from-alert "$ALERT" --at 2026-11-22T04:01:00Z; expect_rc 0; expect_out "INC-4 opened"
  step list; refused incidents/INC-2.yaml; expect_out "INC-3"; expect_out "INC-4"
  step show 4 --json; expect_rc 0; expect_json .priority P1; expect_json '.tags | map(select(test("SECRET"))) | length' 0
  step ack 3 --at 2026-11-22T04:02:00Z; expect_rc 0
  step note 3 "looking" --at 2026-11-22T04:03:00Z; expect_rc 0
  step assign 3 bob --at 2026-11-22T04:04:00Z; refused .incident/people.yaml
  step assign 3 bob@example.com --at 2026-11-22T04:04:00Z; expect_rc 0
  step update 3 --status mitigated -m "failed over" --at 2026-11-22T04:05:00Z; expect_rc 0
  step escalate 3 --at 2026-11-22T04:06:00Z; expect_rc 0
  step resolve 3 --code fixed --summary "restarted" --at 2026-11-22T04:10:00Z; expect_rc 0
  step postmortem 3 --template google-sre --at 2026-11-22T04:11:00Z; refused .incident/templates/google-sre.md.mustache
  step postmortem 3 --at 2026-11-22T04:11:00Z; refused .incident/templates/google-sre.md.mustache
  expect_no_file postmortems/INC-3.md
  step postmortem 3 --template pagerduty --at 2026-11-22T04:11:00Z; expect_rc 0; expect_file postmortems/INC-3.md
  step postmortem 3 --check; expect_rc 6
  step close 3 --confirmed-by bob@example.com --at 2026-11-22T04:20:00Z; expect_rc 0
  # The attacker's incident: its postmortem and its evidence are links.
  step ack 1 --at 2026-11-22T04:02:00Z; expect_rc 0
  step resolve 1 --code fixed --summary "rolled back" --at 2026-11-22T04:12:00Z; expect_rc 0
  step postmortem 1 --template pagerduty --at 2026-11-22T04:13:00Z; refused postmortems/INC-1.md
  step postmortem 1 --check; refused postmortems/INC-1.md
  step close 1 --confirmed-by bob@example.com --at 2026-11-22T04:20:00Z; refused postmortems/INC-1.md
  step attachments 1 --verify; expect_rc 6; expect_err "ev.txt"
  step export 1 --bundle "$T/export1.tar.gz"; expect_rc 6; expect_err "ev.txt"; expect_no_file "$T/export1.tar.gz"
  step export 3 --bundle "$T/export.tar.gz"; expect_rc 0
  mkdir "$T/export"
  tar -xzf "$T/export.tar.gz" -C "$T/export" || fail "export bundle unreadable"
  expect_file "$T/export/incidents/INC-3.yaml"
  grep -rq SECRET "$T/export" && fail "the bundle holds a secret"
  # Reports: every readable incident, the link named.
  step report --json --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z; refused incidents/INC-2.yaml
  expect_json .total.incidents 3
  step report --format markdown --since 2026-11-01T00:00:00Z --until 2026-12-01T00:00:00Z; refused incidents/INC-2.yaml
  expect_out "# Incident report"
  step oncall who sre --at 2026-11-22T04:00:00Z; refused .incident/people.yaml
  step oncall shifts sre --from 2026-11-22T00:00:00Z --to 2026-11-23T00:00:00Z; refused .incident/people.yaml
  step rules check; refused .incident/rules.yaml
  step rules test; refused .incident/rules.yaml
  step drill start x --at 2026-11-22T05:00:00Z; refused .incident/scenarios/x.yaml
  step validate; expect_rc 6 "validate: links are errors"
  local f
  for f in .incident/rules.yaml .incident/rules-tests.yaml .incident/people.yaml .incident/oncall/sre.yaml \
    .incident/oncall/overrides/sre/x.yaml incidents/INC-2.yaml; do
    expect_out "$f: error: a symbolic link leads out of the repository: it is not read"
  done
  step notify list; expect_rc 0
  step sync; expect_rc 0; expect_out "sent"
  expect_eq "$(git rev-parse HEAD)" "$(git -C "$T/remote.git" rev-parse main)" "pushed"
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  # The responder's commits touch only its own files; every link is as it came.
  expect_eq "$(git diff --name-only "$START" HEAD | grep -vxE 'incidents/INC-[134]\.yaml|postmortems/INC-3\.md')" "" \
    "files the tool committed"
  expect_eq "$(git diff --name-only "$START" HEAD -- .incident postmortems/INC-1.md attachments)" "" "links untouched"
  # Replaced one at a time by the responder, each next link is named by its reader.
  git rm -q .incident/people.yaml .incident/oncall/sre.yaml .incident/rules.yaml
  printf 'people:\n  alice: {name: Alice, email: alice@example.com}\n  bob: {name: Bob, email: bob@example.com}\n' \
    >.incident/people.yaml
  printf 'name: SRE\ntime_zone: UTC\nlayers:\n  - {name: weekly, start: 2026-01-05T09:00, rotation: weekly, members: [alice, bob]}\n' \
    >.incident/oncall/sre.yaml
  git add .incident && git commit -qm "people and schedule as files; no rules"
  step oncall who sre --at 2026-11-22T04:00:00Z; refused .incident/oncall/overrides/sre/x.yaml
  step oncall shifts sre --from 2026-11-22T00:00:00Z --to 2026-11-23T00:00:00Z; refused .incident/oncall/overrides/sre/x.yaml
  step oncall override sre --who bob --from 2026-11-22T00:00:00Z --to 2026-11-22T06:00:00Z
  refused .incident/oncall/overrides/sre/x.yaml
  step rules check; expect_rc 0
  step rules test; refused .incident/rules-tests.yaml
  step assign 1 bob --at 2026-11-22T04:14:00Z; expect_rc 0
  step sync; expect_rc 0
  nothing_leaked
}

test_a_configuration_that_links_out_is_refused_by_every_command() {
  outside_secrets
  git init -q --bare "$T/remote.git"
  git clone -q "$T/remote.git" "$T/evil" 2>/dev/null
  cd "$T/evil" || exit 1
  run init; expect_rc 0
  run open "Checkout down" --service checkout --at 2026-11-22T03:00:00Z; expect_rc 0
  { sed 's/^default_team: .*/default_team: sre/' .incident/config.yaml; echo "# SECRET-config"; } >"$T/outside/config.yaml"
  ln -sf ../../outside/config.yaml .incident/config.yaml
  responder_clone
  local c
  for c in "list" "show 1" "open Payments --at 2026-11-22T04:00:00Z" "open --from-alert $ALERT" "note 1 looking" \
    "ack 1" "resolve 1 --code fixed --summary x" "postmortem 1" "report --json" "rules check" "rules test" \
    "oncall who sre" "attachments 1 --verify" "export 1 --bundle $T/export.tar.gz" "sync"; do
    # shellcheck disable=SC2086
    step $c; refused .incident/config.yaml
  done
  step validate; expect_rc 6
  expect_out ".incident/config.yaml: error: a symbolic link leads out of the repository: it is not read"
  expect_eq "$(git rev-parse HEAD)" "$START" "nothing committed"
  expect_eq "$(git status --porcelain)" "" "nothing written"
  expect_no_file "$T/export.tar.gz"
  nothing_leaked
}

test_directories_that_link_out_are_neither_read_nor_written_through() {
  hostile_dirs
  step open "Payments down" --priority P3 --at 2026-11-22T04:00:00Z; expect_rc 0
  expect_out INC-3; warned .incident/templates/slack.mustache
  step note 3 "looking" --at 2026-11-22T04:01:00Z; expect_rc 0
  step resolve 3 --code fixed --summary "restarted" --at 2026-11-22T04:02:00Z; expect_rc 0
  step postmortem 3 --at 2026-11-22T04:03:00Z; refused .incident/templates/google-sre.md.mustache
  step postmortem 1 --template pagerduty --at 2026-11-22T04:03:00Z; refused postmortems/INC-1.md
  step postmortem 1 --check; refused postmortems/INC-1.md
  step attachments 1 --verify; expect_rc 6; expect_err "ev.txt"
  step attach 1 "$T/ev.txt" --name ev2.txt --at 2026-11-22T04:04:00Z; expect_rc 5
  expect_err "attachments/INC-1 is not a plain directory"
  step export 1 --bundle "$T/export.tar.gz"; expect_rc 6; expect_no_file "$T/export.tar.gz"
  step oncall list; refused .incident/oncall
  step oncall who sre --at 2026-11-22T04:00:00Z; refused .incident/oncall/sre.yaml
  step oncall override sre --who bob --from 2026-11-22T00:00:00Z --to 2026-11-22T06:00:00Z
  refused .incident/oncall/sre.yaml
  step drill start x --at 2026-11-22T05:00:00Z; refused .incident/scenarios/x.yaml
  step close 3 --confirmed-by bob --at 2026-11-22T04:20:00Z; expect_rc 0
  step sync; expect_rc 0
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  nothing_leaked
}

test_a_new_postmortem_is_not_written_through_a_linked_postmortems_directory() {
  hostile_dirs
  step open "Payments down" --priority P3 --at 2026-11-22T04:00:00Z; expect_rc 0
  step resolve 3 --code fixed --summary "restarted" --at 2026-11-22T04:02:00Z; expect_rc 0
  step postmortem 3 --template pagerduty --at 2026-11-22T04:03:00Z
  expect_rc 4; expect_err_re "error: postmortems(/INC-3\\.md)?: a symbolic link (on its way )?leads out of the repository"
  expect_no_file "$T/outside/pm/INC-3.md"
  step sync; expect_rc 0
  nothing_leaked
}

test_validate_names_every_link_out_of_the_repository() {
  hostile_files
  step validate; expect_rc 6
  local f
  for f in .incident/templates/google-sre.md.mustache .incident/templates/slack.mustache .incident/scenarios/x.yaml \
    postmortems/INC-1.md attachments/INC-1/ev.txt; do
    expect_out "$f: error: a symbolic link leads out of the repository"
  done
  nothing_leaked
}

test_validate_reports_linked_directories_as_findings() {
  hostile_dirs
  step validate
  expect_rc 6
  local f
  for f in .incident/oncall .incident/templates .incident/scenarios postmortems attachments/INC-1; do
    expect_out_re "^$f(/[^:]*)?: error: a symbolic link leads out of the repository"
  done
  nothing_leaked
}

test_rules_files_named_on_the_command_line_are_not_read_through_a_link() {
  hostile_files
  step rules check .incident/rules.yaml
  refused .incident/rules.yaml
  step rules test .incident/rules-tests.yaml
  refused .incident/rules-tests.yaml
  nothing_leaked
}

test_linked_evidence_is_named_as_a_link_not_as_missing() {
  hostile_files
  step attachments 1 --verify; expect_rc 6
  expect_err_re "ev\\.txt.*link"
  nothing_leaked
}

run_suite
