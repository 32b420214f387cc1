#!/usr/bin/env bash
# Alert intake from the command line: open --from-alert for each format,
# dedup (from alerts and by hand), resolve and acknowledge, bad bodies.
source "$(dirname "$0")/lib.sh"

ALERTS="$SOURCE_DIR/tests/data/alerts"

test_an_alertmanager_group_opens_one_incident_and_repeats_add_events() {
  new_repo
  run open --from-alert "$ALERTS/alertmanager.json"; expect_rc 0; expect_out "INC-1 opened"
  run show 1 --json; expect_rc 0
  expect_json .title "Checkout p99 latency above 2s"
  expect_json .service checkout
  expect_json .priority P1
  expect_json .impact high
  expect_json .detected_at 2026-11-22T02:58:30Z
  expect_json .dedup_key '{}/{severity="critical"}:{alertname="CheckoutLatencyHigh"}'
  expect_json '.description | contains("http://prometheus.example.com:9090/graph")' true
  run open --from-alert "$ALERTS/alertmanager.json"; expect_rc 0; expect_out "INC-1 repeated (alert 2)"
  "$INCIDENT_BIN" open --from-alert - --format alertmanager <"$ALERTS/alertmanager.json" >"$T/stdin.out" ||
    fail "from standard input: exit $?"
  expect_eq "$(cat "$T/stdin.out")" "INC-1 repeated (alert 3)"
  run show 1 --json
  expect_json '[.timeline[] | select(.type == "alert") | .count] | join(",")' "2,3"
  expect_eq "$(ls incidents | grep -c yaml)" 1 "one incident"
  # The group resolves: the incident is mitigated; a new firing afterwards opens nothing new while it is open.
  jq '.status = "resolved" | .alerts[].status = "resolved" | .alerts[].endsAt = "2026-11-22T03:40:00Z"' \
    "$ALERTS/alertmanager.json" >"$T/resolved.json"
  run open --from-alert "$T/resolved.json"; expect_rc 0; expect_out "INC-1 resolved"
  run show 1 --json; expect_json .status mitigated
  expect_eq "$(git log -1 --format=%s)" "INC-1: status: Checkout p99 latency above 2s"
  run validate; expect_rc 0
}

test_per_alert_grouping_grafana_and_json_output() {
  new_repo
  sed -i 's/^  group_by: group$/  group_by: alert/' .incident/config.yaml
  run open --from-alert "$ALERTS/alertmanager.json" --json; expect_rc 0
  expect_json '[.[] | "\(.id) \(.outcome) \(.key)"] | join("; ")' \
    "INC-1 opened 5ef77f1f8a3ecd13; INC-2 opened a1b2c3d4e5f60718"
  run open --from-alert "$ALERTS/grafana.json"; expect_rc 0; expect_out "INC-3 opened"
  run show 3 --json
  expect_json .service postgres
  expect_json .impact medium
  expect_json '.description | contains("viewPanel=4")' true
}

test_pagerduty_events_trigger_acknowledge_resolve() {
  new_repo
  run open --from-alert "$ALERTS/pagerduty-trigger.json"; expect_rc 0; expect_out "INC-1 opened"
  run open --from-alert "$ALERTS/pagerduty-acknowledge.json"; expect_rc 0; expect_out "INC-1 acknowledged"
  run open --from-alert "$ALERTS/pagerduty-resolve.json"; expect_rc 0; expect_out "INC-1 resolved"
  run show 1 --json
  expect_json .status mitigated
  expect_json .service payments
  expect_json .category availability
  expect_json '.acknowledged_at != null' true
  # A resolve for a key nothing is open under changes nothing.
  jq '.dedup_key = "unknown"' "$ALERTS/pagerduty-resolve.json" >"$T/other.json"
  local before; before=$(commit_count)
  run open --from-alert "$T/other.json"; expect_rc 0; expect_err "no open incident has the key unknown: alert ignored"
  expect_eq "$(commit_count)" "$before" "nothing committed"
}

test_a_generic_source_needs_its_mapping() {
  new_repo
  run open --from-alert "$ALERTS/generic.json"; expect_rc 2; expect_err "cannot tell what sent this alert"
  run open --from-alert "$ALERTS/generic.json" --source checks; expect_rc 2; expect_err "no generic source named 'checks'"
  map_checks_source
  run open --from-alert "$ALERTS/generic.json" --source checks; expect_rc 0; expect_out "INC-1 opened"
  run show 1 --json; expect_json .service auth; expect_json .priority P1; expect_json .dedup_key login-errors
  run open --from-alert "$ALERTS/generic.json" --source checks; expect_rc 0; expect_out "INC-1 repeated"
  printf '      oops: a.b\n' >>.incident/config.yaml
  run open --from-alert "$ALERTS/generic.json" --source checks; expect_rc 4
  expect_err_re "config.yaml:[0-9]+:[0-9]+: .*intake.generic.checks: unknown key 'oops'"
}

test_bad_bodies_are_refused_with_a_location_and_write_nothing() {
  new_repo
  local before; before=$(commit_count)
  printf '{"alerts": [' >"$T/cut.json"
  run open --from-alert "$T/cut.json"; expect_rc 4; expect_err "cut.json:1:"; expect_err "not JSON"
  printf '{"alerts": "no"}' >"$T/wrong.json"
  run open --from-alert "$T/wrong.json" --format alertmanager; expect_rc 4; expect_err "alerts: expected a list"
  run open --from-alert "$ALERTS/grafana.json" --format nagios; expect_rc 2; expect_err "'nagios' is not a format"
  head -c 11000000 /dev/zero | tr '\0' ' ' >"$T/huge.json"
  run open --from-alert "$T/huge.json"; expect_rc 4; expect_err "larger than 10 MB"
  run open --from-alert "$T/missing.json"; expect_rc 1
  run open; expect_rc 2; expect_err "a title is required"
  expect_eq "$(commit_count)" "$before" "nothing committed"
  expect_eq "$(ls incidents | grep -c yaml)" 0
}

test_open_with_a_dedup_key_by_hand_repeats_while_the_incident_is_open() {
  new_repo
  run open "Queue backlog" --dedup-key queue/backlog --service queue; expect_rc 0; expect_out "INC-1"
  run open "Queue backlog again" --dedup-key queue/backlog; expect_rc 0; expect_out "INC-1"
  expect_err "INC-1 is open with the dedup key queue/backlog: recorded there as a repeat, nothing opened"
  run show 1 --json; expect_json '[.timeline[] | .type] | join(" ")' "opened alert"
  expect_json '.timeline[1].text' "Queue backlog again"
  run resolve 1 --code fixed --summary "drained"; expect_rc 0
  run open "Queue backlog, a week later" --dedup-key queue/backlog; expect_rc 0; expect_out "INC-2"
  run open "Without a key"; expect_rc 0; expect_out "INC-3"
  run open "Unclassified"; expect_rc 0
  run show 4 --json; expect_json .priority P1
  expect_json '.priority_reason | contains("impact unknown: assumed high")' true
}

run_suite
