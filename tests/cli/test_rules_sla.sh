#!/usr/bin/env bash
# Prioritisation rules, triage --explain, rule tests, SLA clocks and
# automatic escalation, with backfilled times.
source "$(dirname "$0")/lib.sh"

test_every_preset_installs_and_passes_its_cases() {
  local p
  for p in itil sre security; do
    run init "$T/$p" --preset "$p"; expect_rc 0
    expect_file "$T/$p/.incident/rules.yaml"; expect_file "$T/$p/.incident/rules-tests.yaml"
    run -C "$T/$p" rules test
    expect_rc 0; expect_out_re '^[0-9]+ passed, 0 failed$'
    run -C "$T/$p" rules check
    expect_rc 0; expect_out "no problems"
    run rules test --pack "$p" -C "$T/$p"
    expect_rc 0
  done
}

test_the_security_preset_routes_physical_incidents() {
  run init "$T/repo" --preset security; expect_rc 0; cd "$T/repo" || exit 1
  run open "Door forced at night" --subcategory intrusion --location "Site A/Warehouse" --impact low --urgency low --json
  expect_rc 0; expect_json .priority P2; expect_json .category physical; expect_json .team facilities
  run open "Guard attacked in car park B" --subcategory assault --location "Site A/Car park B" --json
  expect_rc 0; expect_json .priority P1; expect_json .team facilities
  run open "Wallet handed in" --subcategory lost-property --location "Site A/Reception" --json
  expect_rc 0; expect_json .priority P5; expect_json '.tags | join(",")' lost-property
  run open "Bike stolen" --subcategory theft --impact medium --json
  expect_rc 0; expect_json .urgency high; expect_json .priority P2  # no location: raised
  run report --by category --since 2000-01-01; expect_rc 0; expect_out_re "physical +4 "
}

test_wrong_case_fails_with_a_readable_diff() {
  run init "$T/repo" --preset sre; cd "$T/repo"
  cat >>.incident/rules-tests.yaml <<'YAML'
  - name: deliberately wrong
    incident: {title: Checkout down, subcategory: outage, tags: [customer-facing]}
    expect: {priority: P3, team: platform}
YAML
  run rules test
  expect_rc 6
  expect_out "FAIL  deliberately wrong"
  expect_out "priority: expected P3, got P1"
  expect_out "team: expected platform, got sre"
  expect_out "because: rule sre-customer-facing-outage"
  expect_out_re '^[0-9]+ passed, 1 failed$'
  run rules test --json
  expect_rc 6; expect_json '.failed' 1; expect_json '[.cases[] | select(.passed | not) | .name][0]' "deliberately wrong"
}

test_triage_explain_shows_the_deciding_rule() {
  run init "$T/repo" --preset sre; cd "$T/repo"
  run open "Checkout down for everyone" --tag customer-facing --at -5m
  run triage 1 --subcategory outage --explain --at -1m
  expect_rc 0
  expect_out "match  sre-customer-facing-outage (pack:sre): tag customer-facing present, subcategory=outage in list"
  expect_out "skip   sre-internal-only"
  expect_out "=> P1"
  run show 1 --json
  expect_json .priority P1; expect_json .team sre
  expect_json '.priority_reason | startswith("rule sre-customer-facing-outage")' true
  expect_json '.timeline[-1].rules' sre-customer-facing-outage
  run triage 1 --explain --json
  expect_json '.decision.fired[0]' sre-customer-facing-outage
  expect_json '[.decision.trace[] | select(.matched)] | length' 1
  run rules explain 1
  expect_rc 0; expect_out "match  sre-customer-facing-outage"
}

test_triage_explain_on_the_examples() {
  cp -r "$SOURCE_DIR/examples" "$T/repo" && cd "$T/repo" && git init -q && git add -A && git commit -qm examples
  run rules test; expect_rc 0; expect_out "4 passed, 0 failed"
  run open "Payments API down" --service payments --at -10m
  run triage INC-35 --subcategory outage --impact medium --urgency low --explain
  expect_rc 0
  expect_out "match  revenue-path-outage: service=payments in list, subcategory=outage"
  expect_out "skip   warehouse-after-hours: service=payments (wanted warehouse-scanners)"
  expect_out "=> P2"
  # the rule set the team; the urgency given by hand wins over the rule's
  run show INC-35 --json; expect_json .team sre; expect_json .urgency low; expect_json .priority P2
}

test_explain_reads_a_negation_as_what_the_incident_is() {
  run init "$T/repo" --preset sre; cd "$T/repo"
  run open "CI runners down" --tag internal --service search; expect_rc 0
  run rules explain 1; expect_rc 0
  expect_out "match  sre-internal-only (pack:sre): tag internal present, tag customer-facing absent"
  grep -qF "not (" <<<"$OUT" && fail "explain wraps a reason in 'not (...)'"
  printf 'rules:\n  - name: not-payments\n    when: {not: {service: payments}}\n    then: {}\n' >.incident/rules.yaml
  run rules explain 1; expect_rc 0
  expect_out "match  not-payments: service=search (not payments)"
}

test_a_pack_on_a_plain_init_says_what_to_do() {
  new_repo
  printf 'include: [sre]\n' >.incident/rules.yaml
  run rules check; expect_rc 4
  expect_err "rule sre-security: team 'security' is not configured; the sre pack routes to the teams sre, security, platform"
  expect_err "add the missing ones under teams: in .incident/config.yaml"
  sed -i 's/^teams:$/teams:\n  security: {managers: [ciso@example.com]}/' .incident/config.yaml
  run rules check; expect_rc 0
}

test_hand_set_priority_survives_retriage() {
  run init "$T/repo" --preset sre; cd "$T/repo"
  run open "Checkout down" --tag customer-facing --subcategory outage
  run triage 1 --priority P3; expect_rc 0
  run triage 1 --explain
  expect_out "=> P3 (manual)"
  run show 1 --json; expect_json .priority P3; expect_json '.priority_reason | startswith("manual")' true
}

test_bad_rules_rejected_by_check_and_triage() {
  new_repo
  run open "x"
  printf 'rules:\n  - name: r\n    when: {field: title, matches: "([a-"}\n    then: {}\n' >.incident/rules.yaml
  run rules check; expect_rc 4; expect_err ".incident/rules.yaml:3:35: matches: bad regular expression"
  run triage 1; expect_rc 4; expect_err ".incident/rules.yaml:3:35:"  # triage is the rules at work: it stops
  printf 'rules:\n  - name: r\n    when: {tag: [a, b]}\n' >.incident/rules.yaml
  run rules check; expect_rc 4; expect_err ".incident/rules.yaml:3:17: tag: expected a single value"
  printf 'rules:\n  - name: r\n    when: {field: severity, equals: high}\n' >.incident/rules.yaml
  run rules check; expect_rc 4; expect_err ".incident/rules.yaml:3:19: unknown field 'severity'"
  printf 'rules:\n  - name: r\n    when: {tag: x}\n    then: {impact: enormous}\n' >.incident/rules.yaml
  run rules check; expect_rc 4; expect_err ".incident/rules.yaml:2:5: error: rule r: impact 'enormous' is not on the configured scale"
  run rules check --json
  expect_rc 4; expect_json '.findings[0].line' 2; expect_json '.findings[0].severity' error
}

# A mistake in the rules or the config, pushed by a colleague mid-incident,
# does not stop the responders: reads, changes, intake and sync go on with a
# located warning, a new incident errs high and says why; validate, rules
# check, rules test and triage still fail on it.
test_a_broken_rules_or_config_file_does_not_stop_the_response() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  printf 'rules:\n  - name: r\n    when: {servce: [x]}\n    then: {priority_floor: P3}\n' >.incident/rules.yaml
  local c
  for c in "show 1" "list" "sla" "report" "log 1" "note 1 looking" "ack 1" "update 1 --message checking"; do
    # shellcheck disable=SC2086
    run $c; expect_rc 0 "$c with a broken rules file"
    expect_err "warning: .incident/rules.yaml:3:"
  done
  run open "Checkout down" --impact low --urgency low --json; expect_rc 0
  expect_json .priority P1
  expect_json '.priority_reason | contains("the rules could not be read")' true
  expect_json '.priority_reason | contains(".incident/rules.yaml:3:")' true
  printf '{"version":"4","groupKey":"g","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Down","severity":"critical"},"annotations":{},"startsAt":"2026-01-01T00:00:00Z","fingerprint":"f1"}]}' >"$T/alert.json"
  run open --from-alert "$T/alert.json"; expect_rc 0 "alert intake with a broken rules file"
  run validate; expect_rc 6; expect_out ".incident/rules.yaml:3:"
  run rules check; expect_rc 4
  run rules test; expect_rc 4
  run triage 1; expect_rc 4; expect_err ".incident/rules.yaml:3:"
  rm .incident/rules.yaml
  # An unknown key in the config: the rest of it still applies.
  printf 'colour_scheme: dark\n' >>.incident/config.yaml
  run note 1 "still here"; expect_rc 0; expect_err "warning: .incident/config.yaml:"
  expect_err "colour_scheme"
  run show 2 --json; expect_rc 0; expect_json .id INC-2
  run validate; expect_rc 6
  run rules check; expect_rc 4
  # An id prefix that cannot be read still stops: whose incidents are whose is unknown.
  printf 'id_prefix: [a, b]\n' >>.incident/config.yaml
  run note 1 "no"; expect_rc 4; expect_err "id_prefix"
}

business_hours_repo() {
  new_repo
  python3 - <<'PY'
p = '.incident/config.yaml'
s = open(p).read()
s = s.replace("P3: {respond: 4h, resolve: 3d}", "P3: {respond: 4h, resolve: 3d, business_hours: true}")
s = s.replace("timezone: UTC", "timezone: Europe/Berlin")
open(p, 'w').write(s)
PY
  git commit -qam "business hours in Berlin"
}

test_sla_states_across_business_hours_and_a_weekend() {
  business_hours_repo
  # Friday 2026-11-20 15:00 UTC = 16:00 Berlin: one business hour left that day.
  run open "Friday afternoon" --impact medium --urgency medium --at 2026-11-20T15:00:00Z
  run open "Saturday night P1" --impact high --urgency high --at 2026-11-21T02:00:00Z
  run open "Drill" --impact high --urgency high --drill --at 2026-11-21T02:00:00Z
  # Monday 08:00 UTC = 09:00 Berlin: still 1h of 4h used.
  run sla --json --at 2026-11-23T08:00:00Z
  expect_json '.incidents[0].respond.state' ok
  expect_json '.incidents[0].respond.elapsed_seconds' 3600
  expect_json '.incidents[0].respond.due' 2026-11-23T11:00:00Z
  expect_json '.incidents[1].respond.state' breached
  expect_json '.incidents | length' 2
  run sla --json --at 2026-11-23T10:00:00Z
  expect_json '.incidents[0].respond.state' at-risk
  run sla --json --at 2026-11-23T11:00:00Z
  expect_json '.incidents[0].respond.state' breached
  run sla --check --at 2026-11-21T02:05:00Z; expect_rc 0
  run sla --check --at 2026-11-23T08:00:00Z; expect_rc 6; expect_err "breached"
  run ack 2 --at 2026-11-21T02:10:00Z
  run sla --json --at 2026-11-21T02:20:00Z --priority P1
  expect_json '.incidents[0].respond.state' met
  expect_json '.incidents[0].respond.running' false
}

test_escalate_auto_escalates_exactly_once() {
  business_hours_repo
  run open "Friday afternoon" --impact medium --urgency medium --at 2026-11-20T15:00:00Z
  run open "Fresh P3" --impact medium --urgency medium --at 2026-11-23T09:30:00Z
  local before; before=$(commit_count)
  run escalate --auto --at 2026-11-23T10:00:00Z --dry-run --json
  expect_rc 0; expect_json '.escalated | length' 1; expect_json '.escalated[0].id' INC-1
  expect_eq "$(commit_count)" "$before" "dry run commits nothing"
  run escalate --auto --at 2026-11-23T10:00:00Z --json
  expect_json '.escalated[0].functional' true; expect_json '.escalated[0].hierarchical' false
  expect_json '.escalated[0].tier' L2
  run escalate --auto --at 2026-11-23T10:30:00Z
  expect_rc 0; expect_out "nothing to escalate"
  expect_eq "$(commit_count)" "$((before + 1))" "idempotent"
  run escalate --auto --at 2026-11-23T11:00:00Z --json
  expect_json '.escalated[0].hierarchical' true; expect_json '.escalated[0].functional' false
  expect_json '.escalated[0].manager' desk-lead@example.com
  run escalate --auto --at 2026-11-23T12:00:00Z; expect_out "nothing to escalate"
  run show 1 --json
  expect_json '[.timeline[] | select(.type == "escalated" and .auto == "sla")] | length' 2
  expect_json '.timeline[-1].reason // .timeline[-1].text' "SLA respond breached: 4h of 4h business time"
  run escalate 1 --auto; expect_rc 2
}

test_rules_test_passes_on_a_plain_init_and_a_missing_file_is_a_usage_error() {
  new_repo
  expect_file .incident/rules-tests.yaml
  run rules test; expect_rc 0; expect_out "1 passed, 0 failed"
  run validate .incident/rules-tests.yaml; expect_rc 0
  rm .incident/rules-tests.yaml
  run rules test; expect_rc 2; expect_err "no such file:"; expect_err "incident rules test FILE"
  run rules test "$T/nowhere.yaml"; expect_rc 2
}

run_suite
