#!/usr/bin/env bash
# incident import grafana-oncall, end to end, on
# tests/data/import/grafana-oncall (an export shaped as Grafana OnCall's
# serializers produce it; its README says which): everything comes in, in one
# commit, shift levels as layer order; `oncall who` agrees with the export's
# final_shifts every hour of its window; MTTA and MTTR from `report` equal
# those computed from the alert groups' timestamps (import_expect.py); a
# second import changes nothing, a changed export updates exactly what
# changed; the plan says why the iCal schedule and the monthly shift stay
# out; a malformed export is refused, located, with nothing written;
# --strict refuses a schedule that disagrees with the final shifts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

FIX="$SOURCE_DIR/tests/data/import/grafana-oncall"
EXPECT="$SOURCE_DIR/tests/cli/import_expect.py"
PRIMARY=SSREPRIMARY7K
SUMMARY="5 people (5 new), 3 schedules (1 new, 2 left out), 1 override (1 new), 1 policy (1 new), 2 services (2 new), 50 incidents (50 new)"

# The incident file here of the alert group with OnCall id $1.
file_of() { grep -rlx "source: grafana-oncall/$1" incidents; }

copy_export() { cp -r "$FIX" "$T/export"; }

test_an_export_comes_in_in_one_commit() {
  new_repo
  local before; before=$(commit_count)
  run import grafana-oncall --from "$FIX"; expect_rc 0 "$ERR"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  expect_eq "$(git status --porcelain)" "" "all of it committed"
  expect_out "imported: $SUMMARY"
  expect_eq "$(git log -1 --format=%s)" "import grafana-oncall: $SUMMARY"
  expect_out "self-check sre-primary 2026-03-22T23:00:00Z to 2026-04-05T22:00:00Z: 0 differences"
  run validate; expect_rc 0 "$OUT $ERR"
  expect_file_has .incident/oncall/sre-primary.yaml "source: grafana-oncall/$PRIMARY"
  expect_file_has .incident/oncall/sre-primary.yaml '- {days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}'
  expect_eq "$(ls .incident/oncall/overrides/sre-primary/)" "grafana-oncall-OVRBBSRE7J4HN.yaml" "the override"
  # Schedule, 5 minutes, carol, 10 minutes, dave and erin; five repeats.
  expect_file_has .incident/escalation.yaml "{notify: [schedule:sre-primary], after: 5m}"
  expect_file_has .incident/escalation.yaml "{notify: [person:carol], after: 10m}"
  expect_file_has .incident/escalation.yaml "{notify: [person:dave, person:erin], after: 1m}"
  expect_file_has .incident/escalation.yaml "repeat: 5"
  expect_file_has .incident/rules.yaml "when: {service: checkout}"
  run list --all --json; expect_rc 0
  expect_json 'length' 50
  # A resolved group with a resolution note.
  local group; group=$(jq -r '[.results[] | select(.state == "resolved")][0].id' "$FIX/alert_groups.json")
  run show "$(basename "$(file_of "$group")" .yaml)" --json; expect_rc 0
  expect_json .status resolved
  expect_json .title "$(jq -r --arg g "$group" '.results[] | select(.id == $g) | .title' "$FIX/alert_groups.json")"
  expect_json '.timeline[0].type' opened
  expect_json '[.timeline[] | .source // "" | startswith("grafana-oncall/")] | all' true
  run oncall who sre-primary --at 2026-03-30T10:00 --json; expect_rc 0
  expect_json '[.[].person] | join(",")' dave
  run page tick; expect_rc 0
  run notify list --json; expect_json length 0
}

test_oncall_who_agrees_with_the_final_shifts_every_hour() {
  new_repo
  run import grafana-oncall --from "$FIX"; expect_rc 0 "$ERR"
  who_every_hour sre-primary gr-hours "$FIX/schedules/$PRIMARY/final_shifts.json" gr-check-who "$FIX" "$PRIMARY"
}

test_mtta_and_mttr_go_on_across_the_move() {
  new_repo
  run import grafana-oncall --from "$FIX"; expect_rc 0 "$ERR"
  mtta_mttr_as gr-times "$FIX"
}

test_a_second_import_changes_nothing_and_a_changed_one_exactly_what_changed() {
  new_repo
  run import grafana-oncall --from "$FIX"; expect_rc 0
  local before; before=$(commit_count)
  run import grafana-oncall --from "$FIX" --apply; expect_rc 0
  expect_out "nothing changed: 5 people (5 unchanged), 3 schedules (1 unchanged, 2 left out)"
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "no file touched"
  copy_export
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
u = json.load(open(d + "/users.2.json"))
u["results"][1]["timezone"] = "Europe/Lisbon"   # erin, on the second page
json.dump(u, open(d + "/users.2.json", "w"), indent=2)
g = json.load(open(d + "/alert_groups.2.json"))
g["results"][3]["title"] = "Retitled in OnCall"
json.dump(g, open(d + "/alert_groups.2.json", "w"), indent=2)
EOF
  local group; group=$(jq -r '.results[3].id' "$T/export/alert_groups.2.json")
  run import grafana-oncall --from "$T/export" --apply; expect_rc 0 "$ERR"
  expect_out "5 people (1 updated, 4 unchanged)"
  expect_out "50 incidents (1 updated, 49 unchanged)"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  expect_eq "$(git diff --name-only HEAD~1 | sort | tr '\n' ' ')" \
    "$(printf '%s\n' .incident/people.yaml "$(file_of "$group")" | sort | tr '\n' ' ')" \
    "only erin's entry and that group's file"
  expect_file_has .incident/people.yaml "time_zone: Europe/Lisbon"
}

test_the_plan_says_what_cannot_come_in_and_writes_nothing() {
  new_repo
  local before; before=$(commit_count)
  run import grafana-oncall --from "$FIX" --plan --json; expect_rc 0
  expect_json '.applied' false
  expect_json '[.items[] | select(.kind == "schedule" and .fit == "none") | .notes[]] | join(" ") | test("an iCal schedule: its shifts are in the calendar at https://calendar.example.com/oncall/database.ics")' true
  expect_json '[.items[] | select(.kind == "schedule" and .fit == "none") | .notes[]] | join(" ") | test("shift Patch day: monthly turns cannot be held here")' true
  expect_json '[.items[] | select(.kind == "policy") | .notes[]] | join(" ") | test("OnCall repeats at once after the last step; here a minute later")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "bob") | .notes[]] | join(" ") | test("to do: sms: OnCall does not export the number")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "dave") | .notes[]] | join(" ") | test("push to the OnCall app")' true
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
}

test_a_malformed_export_is_refused_located_and_nothing_written() {
  new_repo
  copy_export
  local before; before=$(commit_count)
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
s = json.load(open(d + "/on_call_shifts.json"))
s["results"][1]["by_day"][2] = "WEDNESDAY"
json.dump(s, open(d + "/on_call_shifts.json", "w"), indent=2)
EOF
  run import grafana-oncall --from "$T/export"; expect_rc 4
  expect_err 'on_call_shifts.json: $.results[1].by_day[2]: expected a day (MO ... SU), found "WEDNESDAY"'
  cp "$FIX/on_call_shifts.json" "$T/export/"
  rm "$T/export/alert_groups.2.json"
  run import grafana-oncall --from "$T/export"; expect_rc 4
  expect_err 'alert_groups.json: $: the API says more pages follow, but alert_groups.2.json is missing: save every page'
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
}

test_strict_refuses_a_schedule_that_disagrees_with_the_final_shifts() {
  new_repo
  copy_export
  # The final shifts say dave, not erin, for the first office hours of the window.
  python3 - "$T/export/schedules/$PRIMARY/final_shifts.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
row = d["results"][1]
assert row["user_username"] == "erin"
row.update(user_pk="UDV8H6LYQ3TSG", user_email="dave@example.com", user_username="dave")
json.dump(d, open(p, "w"), indent=2)
EOF
  local before; before=$(commit_count)
  run import grafana-oncall --from "$T/export" --strict; expect_rc 6
  expect_out "self-check sre-primary 2026-03-22T23:00:00Z to 2026-04-05T22:00:00Z: 1 difference"
  expect_out "2026-03-23T08:00:00Z to 2026-03-23T16:00:00Z: Grafana OnCall has dave, here erin"
  expect_err "1 self-check difference: nothing written (--strict)"
  expect_eq "$(commit_count)" "$before" "no commit"
}

test_a_shift_in_another_zone_is_said_to_hand_off_differently() {
  new_repo
  copy_export
  # The Weekly shift in UTC, as the web UI makes it: 08:00Z is 09:00 in winter only.
  python3 - "$T/export/on_call_shifts.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["results"][0]["time_zone"] = None
d["results"][0]["start"] = d["results"][0]["rotation_start"] = "2026-01-05T08:00:00"
json.dump(d, open(p, "w"), indent=2)
EOF
  run import grafana-oncall --from "$T/export" --plan; expect_rc 0
  expect_out "layer Weekly: OnCall hands it off at the same UTC time, here at the same Europe/Berlin time"
  expect_out_re "schedule +sre-primary .* approximate"
}

test_an_incident_edited_by_hand_is_kept() {
  new_repo
  run import grafana-oncall --from "$FIX"; expect_rc 0
  local group f; group=$(jq -r '[.results[] | select(.state == "resolved")][0].id' "$FIX/alert_groups.json")
  f=$(file_of "$group")
  sed -i 's/^title: .*/title: "Edited by hand"/' "$f"
  git commit -qam "by hand"
  local before; before=$(commit_count)
  run import grafana-oncall --from "$FIX" --apply; expect_rc 0 "$ERR"
  expect_out_re "incident +$(basename "$f" .yaml) +grafana-oncall/$group +kept .*changed here since it was imported"
  expect_out "50 incidents (49 unchanged, 1 kept as changed here)"
  expect_eq "$(commit_count)" "$before" "nothing to write"
  expect_file_has "$f" 'title: "Edited by hand"'
  # Without the file (and the dates the rest carry): the grafana export's rows name each group's title.
  run import grafana-oncall --from "$FIX" --plan --json; expect_rc 0
  expect_json '[.items[] | select(.kind == "incident") | .notes[0]] | map(select(test("\\((checkout|payments)\\)$"))) | length' 50
}

run_suite
