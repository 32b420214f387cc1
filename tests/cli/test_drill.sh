#!/usr/bin/env bash
# incident drill: an exercise from a scenario in .incident/scenarios/, its
# injects' times, its score against the SLA, and drills left out of metrics.
source "$(dirname "$0")/lib.sh"

with_scenario() {
  new_repo
  mkdir -p .incident/scenarios
  cat >.incident/scenarios/ransomware.yaml <<'YAML'
title: Ransom note on the file server
service: files
category: security
subcategory: ransomware
impact: high
urgency: high
location: Site A/Server room
description: The night operator finds a ransom note on the file server's console.
injects:
  - {after: 30m, text: "A journalist calls the press office"}
  - {after: 10m, text: "Backups are encrypted too"}
YAML
  git add .incident && git commit -qm "scenario"
}

test_a_drill_starts_from_its_scenario_and_is_scored_against_the_sla() {
  with_scenario
  run drill start ransomware --at 2026-11-22T03:00:00Z; expect_rc 0; expect_out "INC-1"
  expect_err "inject at 2026-11-22T03:10:00Z (+10m): Backups are encrypted too"
  expect_err "inject at 2026-11-22T03:30:00Z (+30m): A journalist calls the press office"
  run show 1 --json; expect_rc 0
  expect_json .drill true; expect_json .title "Ransom note on the file server"; expect_json .priority P1
  expect_json .location "Site A/Server room"
  expect_json '.tags | join(",")' drill-scenario-ransomware
  expect_json '.description | test("2026-11-22T03:10:00Z \\(\\+10m\\): Backups are encrypted too")' true
  expect_eq "$(git status --porcelain)" "" "committed"
  # The players: acknowledged in 5 minutes, escalated at 20, resolved after 6 hours.
  run ack 1 --at 2026-11-22T03:05:00Z; expect_rc 0
  run escalate 1 --at 2026-11-22T03:20:00Z; expect_rc 0
  run resolve 1 --code workaround --summary "restored from offline backup" --at 2026-11-22T09:00:00Z; expect_rc 0
  run drill report --json; expect_rc 0
  expect_json '.drills | length' 1
  expect_json '.drills[0].scenario' ransomware
  expect_json '.drills[0].to_acknowledge_seconds' 300
  expect_json '.drills[0].to_escalate_seconds' 1200
  expect_json '.drills[0].to_resolve_seconds' 21600
  expect_json '.drills[0].respond_sla' met        # P1: respond within 15 minutes
  expect_json '.drills[0].resolve_sla' missed     # P1: resolve within 4 hours
  expect_json '.drills[0] | "\(.sla_met)/\(.sla_scored)"' "1/2"
  run drill report; expect_rc 0; expect_out_re "INC-1 +ransomware +P1 +5m +20m +6h +met +missed +1/2"
  # A real incident is not a drill, and drills stay out of the metrics.
  run open "Real outage" --service web --at 2026-11-22T04:00:00Z; expect_rc 0
  run drill report 2; expect_rc 2; expect_err "not a drill"
  run report --since 2026-11-01 --until 2026-12-01 --format json; expect_rc 0
  expect_json '.total.incidents' 1; expect_json .include_drills false
}

test_a_missing_or_broken_scenario_is_named() {
  with_scenario
  run drill start tabletop; expect_rc 3; expect_err "no scenario tabletop"; expect_err "scenarios: ransomware"
  run drill start ../ransomware; expect_rc 2
  printf 'title: x\ninjects:\n  - {after: soon, text: y}\n' >.incident/scenarios/bad.yaml
  run drill start bad; expect_rc 4; expect_err ".incident/scenarios/bad.yaml:3:"; expect_err "injects.after"
  run drill report; expect_rc 0; expect_out "no drills"
  run drill; expect_rc 2
}

run_suite
