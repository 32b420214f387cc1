#!/usr/bin/env bash
# incident import opsgenie, end to end, on tests/data/import/opsgenie (an
# export shaped as Opsgenie's API documents it; its README says which
# definitions): everything comes in, in one commit, schedules with every
# rotation on call at once (combine: all); `oncall who` agrees with the
# export's own timeline every hour of its window; MTTA and MTTR from `report`
# equal those computed from the export's timestamps (import_expect.py); a
# second import changes nothing, a changed export updates exactly what
# changed; the plan names what cannot come in and why; a malformed export is
# refused, located, with nothing written; --strict refuses a schedule that
# disagrees with the export's timeline.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

FIX="$SOURCE_DIR/tests/data/import/opsgenie"
EXPECT="$SOURCE_DIR/tests/cli/import_expect.py"
PRIMARY=ebcefd08-a918-42c9-9e78-4bb99e7b4bdf  # the fixture's SRE_Primary
SUMMARY="5 people (5 new), 3 schedules (2 new, 1 left out), 1 override (1 new), 1 policy (1 new), 2 services (2 left out), 53 incidents (53 new)"

# The id here of the alert or incident Opsgenie numbered $1 (its tinyId).
by_number() { basename "$(grep -rlx "source_number: \"$1\"" incidents)" .yaml; }

copy_export() { cp -r "$FIX" "$T/export"; }

test_an_export_comes_in_in_one_commit() {
  new_repo
  local before; before=$(commit_count)
  run import opsgenie --from "$FIX"; expect_rc 0 "$ERR"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  expect_eq "$(git status --porcelain)" "" "all of it committed"
  expect_out "imported: $SUMMARY"
  expect_eq "$(git log -1 --format=%s)" "import opsgenie: $SUMMARY"
  expect_out "self-check sre-primary 2026-03-22T23:00:00Z to 2026-04-05T22:00:00Z: 0 differences"
  run validate; expect_rc 0 "$OUT $ERR"
  expect_file_has .incident/oncall/sre-primary.yaml "source: opsgenie/$PRIMARY"
  expect_file_has .incident/oncall/sre-primary.yaml "combine: all"
  expect_file_has .incident/oncall/database-follow-the-sun.yaml "restrict:"
  expect_eq "$(ls .incident/oncall/overrides/sre-primary/ | wc -l)" 1 "one override file"
  # Rules at 0, 5, 15 and 15 minutes, again 10 minutes after the last.
  expect_file_has .incident/escalation.yaml "{notify: [schedule:sre-primary], after: 5m}"
  expect_file_has .incident/escalation.yaml "{notify: [person:carol], after: 10m}"
  expect_file_has .incident/escalation.yaml "{notify: [person:dave, person:erin], after: 10m}"
  expect_file_has .incident/escalation.yaml "repeat: 1"
  run list --all --json; expect_rc 0
  expect_json 'length' 53
  # Alert 1001: acknowledged by carol, a note, closed: resolved here.
  local id; id=$(by_number 1001)
  run show "$id" --json; expect_rc 0
  expect_json .title "Checkout synthetic check failing"
  expect_json .service checkout
  expect_json .status resolved
  expect_json '[.timeline[].type] | join(",")' "opened,escalated,escalated,acknowledged,note,resolved"
  expect_json '[.timeline[] | select(.type == "note") | .text][0]' "Rolled back the last deploy."
  expect_json '[.timeline[] | .source // "" | startswith("opsgenie/")] | all' true
  # Office hours: the weekly person and the office-hours person, both.
  run oncall who sre-primary --at 2026-03-30T10:00 --json; expect_rc 0
  expect_json '[.[].person] | sort | join(",")' "alice,dave"
  run page tick; expect_rc 0
  run notify list --json; expect_json length 0
}

test_oncall_who_agrees_with_the_timeline_every_hour() {
  new_repo
  run import opsgenie --from "$FIX"; expect_rc 0 "$ERR"
  who_every_hour sre-primary og-hours "$FIX/schedules/$PRIMARY/timeline.json" og-check-who "$FIX" "$PRIMARY"
}

test_mtta_and_mttr_go_on_across_the_move() {
  new_repo
  run import opsgenie --from "$FIX"; expect_rc 0 "$ERR"
  mtta_mttr_as og-times "$FIX"
}

test_a_second_import_changes_nothing() {
  new_repo
  run import opsgenie --from "$FIX"; expect_rc 0
  local before; before=$(commit_count)
  run import opsgenie --from "$FIX"; expect_rc 0
  expect_err "already holds data imported from opsgenie: this is the plan"
  run import opsgenie --from "$FIX" --apply; expect_rc 0
  expect_out "nothing changed: 5 people (5 unchanged), 3 schedules (2 unchanged, 1 left out), 1 override (1 unchanged), 1 policy (1 unchanged)"
  expect_out "53 incidents (53 unchanged)"
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "no file touched"
}

test_a_changed_export_updates_exactly_what_changed() {
  new_repo
  run import opsgenie --from "$FIX"; expect_rc 0
  copy_export
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
u = json.load(open(d + "/users.2.json"))
u["data"][0]["fullName"] = "David Weber"   # dave, on the second page
json.dump(u, open(d + "/users.2.json", "w"), indent=2)
a = json.load(open(d + "/alerts.2.json"))
a["data"][3]["message"] = "Retitled in Opsgenie"
json.dump(a, open(d + "/alerts.2.json", "w"), indent=2)
EOF
  local number; number=$(jq -r '.data[3].tinyId' "$T/export/alerts.2.json")
  local before; before=$(commit_count)
  run import opsgenie --from "$T/export" --apply; expect_rc 0 "$ERR"
  expect_out "5 people (1 updated, 4 unchanged)"
  expect_out "53 incidents (1 updated, 52 unchanged)"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  run show "$(by_number "$number")" --json; expect_json .title "Retitled in Opsgenie"
  expect_eq "$(git diff --name-only HEAD~1 | sort | tr '\n' ' ')" \
    "$(printf '%s\n' .incident/people.yaml "$(grep -rlx "source_number: \"$number\"" incidents)" | sort | tr '\n' ' ')" \
    "only dave's entry and that alert's file"
  expect_file_has .incident/people.yaml "name: David Weber"
}

test_the_plan_names_what_cannot_come_in_and_writes_nothing() {
  new_repo
  local before; before=$(commit_count)
  run import opsgenie --from "$FIX" --plan --json; expect_rc 0
  expect_json '.applied' false
  expect_json '[.items[] | select(.kind == "schedule" and .fit == "none") | .notes[]] | join(" ") | test("a turn of the escalation SRE, the team sre_team: a schedule here turns people only")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "alice") | .notes[]] | join(" ") | test("to do: voice \\+4915123456789")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "alice") | .notes[]] | join(" ") | test("a device cannot be exported")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "bob") | .notes[]] | join(" ") | test("to do: sms \\+4915198765432")' true
  expect_json '[.items[] | select(.kind == "service") | .action] | unique | join(",")' skip
  expect_json '[.items[] | select(.kind == "incident") | .notes[]] | join(" ") | test("left out: notification sent ×")' true
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
  # A whole list missing is said, with what does not come in.
  copy_export
  rm "$T/export/escalations.json"
  run import opsgenie --from "$T/export" --plan; expect_rc 0
  expect_out "note: escalations.json is missing: no escalation policies come in"
}

test_a_malformed_export_is_refused_located_and_nothing_written() {
  new_repo
  copy_export
  local before; before=$(commit_count)
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
a = json.load(open(d + "/alerts.2.json"))
a["data"][2]["createdAt"] = 1773964800
json.dump(a, open(d + "/alerts.2.json", "w"), indent=2)
s = json.load(open(d + "/schedules.json"))
s["data"][0]["rotations"][1]["timeRestriction"]["restrictions"][4]["startDay"] = "fryday"
json.dump(s, open(d + "/schedules.json", "w"), indent=2)
EOF
  run import opsgenie --from "$T/export"; expect_rc 4
  expect_err 'alerts.2.json: $.data[2].createdAt: expected a string, found a number'
  cp "$FIX/alerts.2.json" "$T/export/"
  rm "$T/export/schedules/$PRIMARY.json"  # the list's copy of the schedule is read instead
  run import opsgenie --from "$T/export"; expect_rc 4
  expect_err 'schedules.json: $.data[0].rotations[1].timeRestriction.restrictions[4].startDay: expected a day (monday ... sunday), found "fryday"'
  cp "$FIX/schedules.json" "$T/export/"
  cp "$FIX/schedules/$PRIMARY.json" "$T/export/schedules/"
  mv "$T/export/alerts.2.json" "$T/alerts.2.json"
  run import opsgenie --from "$T/export"; expect_rc 4
  expect_err 'alerts.json: $: the API says more pages follow, but alerts.2.json is missing: save every page'
  # The first page missing: refused too, not read as no alerts at all.
  mv "$T/alerts.2.json" "$T/export/" && rm "$T/export/alerts.json"
  run import opsgenie --from "$T/export"; expect_rc 4
  expect_err 'alerts.2.json: a page after a missing one (alerts.json): save every page'
  # Another tool's export: said so, with the command that reads it.
  run import opsgenie --from "$SOURCE_DIR/tests/data/import/grafana-oncall"; expect_rc 2
  expect_err "users.json is shaped as a grafana-oncall export, not a opsgenie one"
  expect_err "incident import grafana-oncall --from"
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
}

test_strict_refuses_a_schedule_that_disagrees_with_the_timeline() {
  new_repo
  copy_export
  # The timeline says erin, not dave, for the first weekday office hours of the window.
  python3 - "$T/export/schedules/$PRIMARY/timeline.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
office = d["data"]["finalTimeline"]["rotations"][1]["periods"]
erin = next(x["recipient"] for x in office if x["recipient"]["name"] == "erin@example.com")
first_dave = next(x for x in office if x["recipient"]["name"] == "dave@example.com")
first_dave["recipient"] = erin
json.dump(d, open(p, "w"), indent=2)
EOF
  local before; before=$(commit_count)
  run import opsgenie --from "$T/export" --strict; expect_rc 6
  expect_out_re "self-check sre-primary .*: 1 difference"
  expect_out "2026-03-24T08:00:00Z to 2026-03-24T16:00:00Z: Opsgenie has carol, erin, here carol, dave"
  expect_err "1 self-check difference: nothing written (--strict)"
  expect_eq "$(commit_count)" "$before" "no commit"
}

test_an_override_of_some_rotations_is_said_to_differ() {
  new_repo
  copy_export
  python3 - "$T/export/schedules/$PRIMARY/overrides.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
d["data"][0]["rotations"] = d["data"][0]["rotations"][:1]   # only the weekly rotation
d["data"][0]["alias"] = "bob covers thursday"
json.dump(d, open(p, "w"), indent=2)
EOF
  run import opsgenie --from "$T/export"; expect_rc 0 "$ERR"
  expect_out_re "override alias-[0-9a-f]{16}: here it replaces everyone on call; in Opsgenie only rotation Weekly"
  expect_eq "$(ls .incident/oncall/overrides/sre-primary/)" "$(ls .incident/oncall/overrides/sre-primary/ | grep -E '^opsgenie-alias-[0-9a-f]{16}\.yaml$')" "a file name made of the alias"
  run validate; expect_rc 0 "$OUT $ERR"
}

test_a_schedule_kept_as_edited_here_is_the_one_checked() {
  new_repo
  run import opsgenie --from "$FIX"; expect_rc 0
  sed -i 's/^    members: \[dave, erin\]$/    members: [erin, dave]/' .incident/oncall/sre-primary.yaml
  git commit -qam "office hours by hand"
  run import opsgenie --from "$FIX" --plan; expect_rc 0
  expect_out_re "schedule +sre-primary .* kept "
  expect_out "self-check sre-primary 2026-03-22T23:00:00Z to 2026-04-05T22:00:00Z: 10 differences"
  expect_out "2026-03-23T08:00:00Z to 2026-03-23T16:00:00Z: Opsgenie has carol, erin, here carol, dave"
}

run_suite
