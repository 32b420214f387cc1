#!/usr/bin/env bash
# Telling stakeholders on time: the update cadence as a third clock, the
# regulatory deadlines (moments, submissions, business days), reminders
# through notify, and what report counts.
source "$(dirname "$0")/lib.sh"

# A repository with a cadence for P1 and P2, business hours in New York with
# Christmas as a holiday, and INC-1 (P1) opened on 2025-12-24 at 10:00 UTC.
cadence_repo() {
  new_repo
  sed -i 's|  timezone: UTC|  timezone: America/New_York|; s|  holidays: \[\]|  holidays: ["2025-12-25"]|' \
    .incident/config.yaml
  echo "communication: {P1: 30m, P2: 1h}" >>.incident/config.yaml
  git commit -qam "cadence"
  run open "Customer data exposed" -p P1 --at 2025-12-24T10:00:00Z
  expect_rc 0
}

test_the_update_clock_is_due_at_risk_overdue_and_reset() {
  cadence_repo
  run sla --at 2025-12-24T10:10:00Z
  expect_rc 0
  expect_out "UPDATE"
  expect_out "ok 20m left"
  run sla --at 2025-12-24T10:25:00Z --json
  expect_json '.incidents[0].update.state' "at-risk"
  expect_json '.incidents[0].update.due' "2025-12-24T10:30:00Z"
  run sla --at 2025-12-24T10:31:00Z --check
  expect_rc 6
  expect_out "breached 1m over"
  run update 1 -m "We are investigating; next update by 11:20." --at 2025-12-24T10:50:00Z
  expect_rc 0
  run sla --at 2025-12-24T11:00:00Z --json
  expect_json '.incidents[0].update.state' "ok"
  expect_json '.incidents[0].update.due' "2025-12-24T11:20:00Z"
}

test_deadlines_run_from_their_moments_and_are_met_late() {
  cadence_repo
  run update 1 --deadline gdpr --deadline sec-8k --at 2025-12-24T10:05:00Z
  expect_rc 0
  run sla --at 2025-12-24T10:06:00Z --json
  expect_json '[.incidents[0].deadlines[].state] | join(",")' "waiting,waiting"
  expect_json '.incidents[0].deadlines[0].waiting_for' "aware"
  # Awareness and the materiality determination, backfilled.
  run update 1 --aware-at 2025-12-24T09:00:00Z --determined-at 2025-12-24T15:00:00Z --at 2025-12-24T16:00:00Z
  expect_rc 0
  run sla --at 2025-12-24T16:00:00Z --json
  expect_json '.incidents[0].deadlines[0].due' "2025-12-27T09:00:00Z"
  # Thursday 25 is a holiday, then the weekend: the fourth business day ends on Wednesday 31, New York.
  expect_json '.incidents[0].deadlines[1].due' "2026-01-01T05:00:00Z"
  run sla --at 2025-12-24T16:00:00Z
  expect_out "DEADLINES"
  expect_out "gdpr.authority ok 2d 17h left"
  run deadline "done" 1 gdpr --ref DPA-2025-991 --at 2025-12-27T10:00:00Z
  expect_rc 0
  expect_out "gdpr.authority submitted, ref DPA-2025-991"
  run sla --at 2025-12-28T10:00:00Z
  expect_out "gdpr.authority missed by 1h"
  # Resolved, the incident is still listed while a deadline runs.
  run resolve 1 --code fixed --summary "bucket closed" --at 2025-12-28T11:00:00Z
  run sla --at 2025-12-29T10:00:00Z
  expect_out "INC-1"
  expect_out "sec-8k.form-8k ok"
  run sla --at 2026-01-02T10:00:00Z --check
  expect_rc 6
  expect_out "sec-8k.form-8k breached"
  run deadline "done" 1 sec-8k --ref 0001-25-000123 --at 2026-01-02T11:00:00Z
  expect_rc 0
  run sla --at 2026-01-03T10:00:00Z
  expect_out "no open incidents"
  # report counts them, and the updates made on time.
  run report --since 2025-12-01 --until 2026-01-10 --json
  expect_json '.deadlines.met' "0"
  expect_json '.deadlines.missed' "2"
  expect_json '.deadlines.missed_stages[0]' "INC-1 gdpr.authority: 1h late"
  expect_json '.total.sla.updates.missed' "1"
  echo "$OUT" >"$T/report.json"
  run sla --at 2025-12-29T10:00:00Z --json
  echo "$OUT" >"$T/sla.json"
  /usr/bin/python3 - "$SOURCE_DIR/schemas" "$T/report.json" "$T/sla.json" <<'PY' || fail "output does not match its schema"
import json, sys, jsonschema
schemas, report, sla = sys.argv[1:4]
jsonschema.validate(json.load(open(report)), json.load(open(schemas + "/report.schema.json")))
doc = json.load(open(sla))
assert doc["incidents"][0]["deadlines"], doc
jsonschema.validate(doc, json.load(open(schemas + "/sla.schema.json")))
PY
  run report --since 2025-12-01 --until 2026-01-10
  expect_out "regulatory deadlines"
  expect_out "INC-1 sec-8k.form-8k: 1d 6h late"
}

test_nis2_final_report_counts_from_the_notification() {
  cadence_repo
  run update 1 --deadline nis2 --aware-at 2025-12-24T08:00:00Z --at 2025-12-24T10:05:00Z
  run sla --at 2025-12-24T10:10:00Z --json
  expect_json '[.incidents[0].deadlines[].due] | join(",")' "2025-12-25T08:00:00Z,2025-12-27T08:00:00Z,"
  run deadline "done" 1 nis2 --ref X --at 2025-12-24T12:00:00Z
  expect_rc 2
  expect_err "use one of: nis2.early-warning, nis2.notification, nis2.final-report"
  run deadline "done" 1 nis2.notification --ref CSIRT-4 --at 2025-12-26T12:00:00Z
  expect_rc 0
  run sla --at 2025-12-26T13:00:00Z --json
  expect_json '.incidents[0].deadlines[2].due' "2026-01-26T12:00:00Z"
  expect_json '.incidents[0].deadlines[1].state' "met"
  expect_json '.incidents[0].deadlines[0].state' "breached"
}

test_escalate_auto_reminds_once_through_notify() {
  start_receiver
  cadence_repo
  cat >>.incident/config.yaml <<EOF
notify:
  - {name: hooks, type: webhook, url_env: HOOK_URL, events: [reminder]}
EOF
  git commit -qam "notify reminders"
  export HOOK_URL="http://127.0.0.1:$PORT/hook"
  run assign 1 carol@example.com --role comms --at 2025-12-24T10:01:00Z
  run update 1 --deadline gdpr --aware-at 2025-12-24T09:00:00Z --at 2025-12-24T10:02:00Z
  run escalate --auto --at 2025-12-24T10:20:00Z --json
  expect_rc 0
  expect_json '.reminded | length' "0"
  run escalate --auto --at 2025-12-24T10:40:00Z --no-notify
  expect_rc 0
  expect_out "reminded INC-1: stakeholder update overdue: due 2025-12-24T10:30:00Z (every 30m) -> carol@example.com"
  run escalate --auto --at 2025-12-24T10:45:00Z
  expect_rc 0
  grep -q "reminded" <<<"$OUT" && fail "the same reminder was sent twice"
  # GDPR at risk after 75% of its 72 hours: reminded, and notified.
  run escalate --auto --at 2025-12-26T15:00:00Z
  expect_rc 0
  expect_out "reminded INC-1: gdpr.authority at risk: due 2025-12-27T09:00:00Z -> carol@example.com"
  [ "$(wc -l <"$T/requests.log")" -ge 1 ] || fail "no notification of the reminder"
  jq -r .body "$T/requests.log" | jq -r '.type, .data.event.clock' | grep -qx 'gdpr.authority' ||
    fail "the notification is not the gdpr reminder: $(cat "$T/requests.log")"
  jq -r .body "$T/requests.log" | jq -r .type | grep -qx 'incident.reminder' || fail "not an incident.reminder"
  stop_receiver
}

test_security_preset_attaches_gdpr_to_personal_data_breaches() {
  run init --preset security "$T/repo"
  cd "$T/repo" || exit 1
  run rules test
  expect_rc 0
  expect_out "pass  a personal-data breach starts GDPR's clock"
  run open "Customer file with personal data posted online" --subcategory data-breach
  expect_rc 0
  run show 1 --json
  expect_json '[.timeline[] | select(.type == "deadline") | .set] | join(",")' "gdpr"
  run open "Build secrets leaked" --subcategory data-breach
  run show 2 --json
  expect_json '[.timeline[] | select(.type == "deadline")] | length' "0"
  run sla --json
  expect_json '.incidents[0].deadlines[0].state' "waiting"
}

test_bad_deadline_input_is_refused_with_its_place() {
  cadence_repo
  run update 1 --deadline ccpa
  expect_rc 2
  expect_err "no deadline set 'ccpa'"
  expect_err "gdpr, nis2, dora, sec-8k, hipaa"
  run update 1 --aware-at tomorrow-ish
  expect_rc 2
  run deadline "done" 1 gdpr --ref X
  expect_rc 2
  expect_err "INC-1 has no deadlines gdpr"
  run deadline "done" 1 gdpr
  expect_rc 2
  cat >>.incident/config.yaml <<'EOF'
deadlines:
  pci: {stages: [{name: acquirer, within: soon, from: aware}]}
EOF
  run validate .incident/config.yaml
  expect_rc 6
  expect_out_re 'config\.yaml:[0-9]+:[0-9]+: error: .*within'
  run sla
  expect_rc 4
  expect_err_re 'config\.yaml:[0-9]+:[0-9]+'
  git checkout -q .incident/config.yaml
  printf 'rules:\n  - name: breach\n    when: {tag: breach}\n    then: {deadlines: [ccpa]}\n' >.incident/rules.yaml
  run rules check
  expect_rc 4
  expect_err "no deadline set 'ccpa'"
}

run_suite
