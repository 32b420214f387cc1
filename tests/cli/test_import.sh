#!/usr/bin/env bash
# incident import pagerduty, end to end, on tests/data/import/pagerduty (an
# export shaped as PagerDuty's API documents it; its README says which
# pages): everything comes in, in one commit; `oncall who` agrees with the
# export's own final schedule every hour of its window; MTTA and MTTR from
# `report` equal those computed from the export's timestamps
# (import_expect.py); a second import changes nothing, a changed export
# updates exactly what changed; the plan names what cannot come in and why;
# a malformed export is refused, located, with nothing written; --strict
# refuses a schedule that disagrees with the export's.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/import_lib.sh"

FIX="$SOURCE_DIR/tests/data/import/pagerduty"
EXPECT="$SOURCE_DIR/tests/cli/import_expect.py"
PRIMARY=PSR1PRM  # the fixture's "SRE Primary"

# The id here of the incident PagerDuty numbered $1.
by_number() { basename "$(grep -rlx "source_number: \"$1\"" incidents)" .yaml; }

# A copy of the export to change.
copy_export() { cp -r "$FIX" "$T/export"; }

test_an_export_comes_in_in_one_commit() {
  new_repo
  local before; before=$(commit_count)
  run import pagerduty --from "$FIX"; expect_rc 0 "$ERR"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  expect_eq "$(git status --porcelain)" "" "all of it committed"
  expect_out "imported: 5 people (5 new), 2 schedules (1 new, 1 left out), 1 override (1 new), 1 policy (1 new), 2 services (2 new), 50 incidents (50 new)"
  expect_eq "$(git log -1 --format=%s)" "import pagerduty: 5 people (5 new), 2 schedules (1 new, 1 left out), 1 override (1 new), 1 policy (1 new), 2 services (2 new), 50 incidents (50 new)"
  expect_out_re "self-check sre-primary 2026-03-22T23:00:00Z to 2026-04-05T22:00:00Z: 0 differences"
  run validate; expect_rc 0 "$OUT $ERR"
  expect_file .incident/oncall/sre-primary.yaml
  expect_file_has .incident/oncall/sre-primary.yaml "source: pagerduty/$PRIMARY"
  expect_eq "$(ls .incident/oncall/overrides/sre-primary/ | wc -l)" 1 "one override file"
  expect_file_has .incident/people.yaml "source: pagerduty/"
  expect_file_has .incident/escalation.yaml "steps:"
  expect_file_has .incident/rules.yaml "when: {service: checkout}"
  run list --all --json; expect_rc 0
  expect_json 'length' 50
  expect_eq "$(grep -rl '^source: pagerduty/' incidents | wc -l)" 50 "each knows where it came from"
  # The incident numbered 1001 in PagerDuty, with its timeline.
  local id; id=$(by_number 1001)
  run show "$id" --json; expect_rc 0
  expect_json .source_number 1001
  expect_json '.timeline[0].type' opened
  expect_json '[.timeline[] | .source // "" | startswith("pagerduty/")] | all' true
  # The policy pages the schedule, then carol, then dave and erin, twice over.
  run oncall who sre-primary --at 2026-03-30T10:00 --json; expect_rc 0
  expect_json '.[0].person' dave
  # History pages nobody, not even its open incidents.
  run page tick; expect_rc 0
  run notify list --json; expect_json length 0
}

test_oncall_who_agrees_with_the_export_every_hour() {
  new_repo
  run import pagerduty --from "$FIX"; expect_rc 0 "$ERR"
  who_every_hour sre-primary hours "$FIX/schedules/$PRIMARY.json" check-who "$FIX" "$PRIMARY"
}

test_mtta_and_mttr_go_on_across_the_move() {
  new_repo
  run import pagerduty --from "$FIX"; expect_rc 0 "$ERR"
  mtta_mttr_as times "$FIX"
}

test_a_second_import_changes_nothing() {
  new_repo
  run import pagerduty --from "$FIX"; expect_rc 0
  local before; before=$(commit_count)
  # Without --apply, once data is here: the plan, nothing written.
  run import pagerduty --from "$FIX"; expect_rc 0
  expect_err "already holds data imported from pagerduty: this is the plan"
  expect_out "plan: 5 people (5 unchanged)"
  run import pagerduty --from "$FIX" --apply; expect_rc 0
  expect_out "nothing changed: 5 people (5 unchanged), 2 schedules (1 unchanged, 1 left out), 1 override (1 unchanged)"
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "no file touched"
}

test_a_changed_export_updates_exactly_what_changed() {
  new_repo
  run import pagerduty --from "$FIX"; expect_rc 0
  copy_export
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
u = json.load(open(d + "/users.2.json"))
u["users"][0]["name"] = "David Weber"   # dave, on the second page
json.dump(u, open(d + "/users.2.json", "w"), indent=2)
i = json.load(open(d + "/incidents.json"))
i["incidents"][3]["title"] = "Retitled in PagerDuty"
json.dump(i, open(d + "/incidents.json", "w"), indent=2)
EOF
  local number; number=$(jq -r '.incidents[3].incident_number' "$T/export/incidents.json")
  local before; before=$(commit_count)
  run import pagerduty --from "$T/export" --apply; expect_rc 0 "$ERR"
  expect_out "5 people (1 updated, 4 unchanged)"
  expect_out "50 incidents (1 updated, 49 unchanged)"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  local id; id=$(by_number "$number")
  run show "$id" --json; expect_json .title "Retitled in PagerDuty"
  expect_eq "$(git diff --name-only HEAD~1 | sort | tr '\n' ' ')" \
    "$(printf '%s\n' .incident/people.yaml "$(grep -rlx "source_number: \"$number\"" incidents)" | sort | tr '\n' ' ')" \
    "only dave's entry and that incident's file"
  expect_file_has .incident/people.yaml "name: David Weber"
}

test_the_plan_names_what_cannot_come_in_and_writes_nothing() {
  new_repo
  local before; before=$(commit_count)
  run import pagerduty --from "$FIX" --plan --json; expect_rc 0
  expect_json '.applied' false
  expect_json '[.items[] | select(.kind == "schedule" and .fit == "none") | .notes[]] | join(" ") | test("5400 s is not a whole number of hours")' true
  expect_json '[.items[] | select(.kind == "service" and .fit == "approximate") | .notes[]] | join(" ") | test("use_support_hours")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "alice") | .notes[]] | join(" ") | test("device token cannot be exported")' true
  expect_json '[.items[] | select(.kind == "person" and .name == "bob") | .notes[]] | join(" ") | test("to do: sms \\+4915198765432")' true
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
  expect_no_file .incident/people.yaml
}

test_people_already_here_are_matched_by_email_and_kept() {
  new_repo
  cat >.incident/people.yaml <<'EOF'
# Our people: edited by hand.
people:
  ali:                    # Alice goes by ali here
    name: Alice S.
    email: ALICE@example.com
EOF
  git add -A && git commit -qm people
  run import pagerduty --from "$FIX"; expect_rc 0 "$ERR"
  expect_out_re "person +ali +pagerduty/[A-Z0-9]+ +matched"
  expect_file_has .incident/people.yaml "# Our people: edited by hand."
  expect_file_has .incident/people.yaml "ali:                    # Alice goes by ali here"
  expect_file_has .incident/oncall/sre-primary.yaml "members: [ali, bob, carol]"
  run validate; expect_rc 0 "$OUT $ERR"
}

test_a_malformed_export_is_refused_located_and_nothing_written() {
  new_repo
  copy_export
  local before; before=$(commit_count)
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
u = json.load(open(d + "/users.2.json"))
u["users"][1]["email"] = 42
json.dump(u, open(d + "/users.2.json", "w"), indent=2)
EOF
  run import pagerduty --from "$T/export"; expect_rc 4
  expect_err 'users.2.json: $.users[1].email: expected a string, found a number'
  printf '{"services": [\n  {"id": "P1",\n' >"$T/export/services.json"
  cp "$FIX/users.2.json" "$T/export/users.2.json"
  run import pagerduty --from "$T/export"; expect_rc 4
  expect_err_re 'services.json:3:[0-9]+: not JSON'
  run import pagerduty --from "$T/nowhere"; expect_rc 2; expect_err "not a directory"
  expect_eq "$(commit_count)" "$before" "no commit"
  expect_eq "$(git status --porcelain)" "" "nothing written"
}

test_strict_refuses_a_schedule_that_disagrees_with_the_export() {
  new_repo
  copy_export
  # The export says erin, not dave, for the first weekday office hours of the window.
  python3 - "$T/export/schedules/$PRIMARY.json" <<'EOF'
import json, sys
p = sys.argv[1]
d = json.load(open(p))
users = {e["user"]["id"]: e["user"] for e in d["schedule"]["final_schedule"]["rendered_schedule_entries"]}
entries = d["schedule"]["final_schedule"]["rendered_schedule_entries"]
first = next(e for e in entries if e["user"]["summary"] in ("Dave Weber", "Erin Novak"))
other = next(u for u in users.values() if u["summary"] in ("Dave Weber", "Erin Novak") and u["id"] != first["user"]["id"])
first["user"] = other
json.dump(d, open(p, "w"), indent=2)
EOF
  local before; before=$(commit_count)
  run import pagerduty --from "$T/export" --strict; expect_rc 6
  expect_out_re "self-check sre-primary .*: 1 difference"
  expect_err "1 self-check difference: nothing written (--strict)"
  expect_eq "$(commit_count)" "$before" "no commit"
  run import pagerduty --from "$T/export"; expect_rc 0
  expect_out_re "PagerDuty has (dave|erin), here (dave|erin)"
}

test_hand_edits_of_imported_entries_and_files_are_kept() {
  new_repo
  run import pagerduty --from "$FIX"; expect_rc 0
  sed -i 's/^      - {email: alice@example.com}$/      - {email: alice@example.com}\n      - {push: oncall-alice}  # by hand/' .incident/people.yaml
  sed -i 's/^    repeat: 1$/    repeat: 2/' .incident/escalation.yaml
  sed -i 's/^    members: \[alice, bob, carol\]$/    members: [bob, alice, carol]/' .incident/oncall/sre-primary.yaml
  git commit -qam "by hand"
  copy_export
  python3 - "$T/export" <<'EOF'
import json, sys
d = sys.argv[1]
u = json.load(open(d + "/users.json"))
u["users"][0]["name"] = "Alice S."          # alice changed there too
json.dump(u, open(d + "/users.json", "w"), indent=2)
EOF
  local before; before=$(commit_count)
  run import pagerduty --from "$T/export" --apply; expect_rc 0 "$ERR"
  expect_out_re "person +alice .* kept .*changed here since it was imported"
  expect_out_re "policy +sre .* kept "
  expect_out_re "schedule +sre-primary .* kept "
  expect_eq "$(commit_count)" "$before" "nothing to write"
  expect_file_has .incident/people.yaml "{push: oncall-alice}  # by hand"
  expect_file_has .incident/escalation.yaml "repeat: 2"
  expect_file_has .incident/oncall/sre-primary.yaml "members: [bob, alice, carol]"
}

test_what_the_export_leaves_unsaid_is_said_in_the_plan() {
  new_repo
  copy_export
  python3 - "$T/export" <<'EOF'
import json, sys, glob
d = sys.argv[1]
def load(p): return json.load(open(d + "/" + p))
def save(p, v): json.dump(v, open(d + "/" + p, "w"), indent=2)
p = load("escalation_policies.json")
p["escalation_policies"][0]["escalation_rules"][1]["targets"][0]["id"] = "PDB7FTS"   # carol's step: a schedule not brought in
p["escalation_policies"][0]["escalation_rules"][2]["escalation_delay_in_minutes"] = 0
save("escalation_policies.json", p)
o = load("schedules/PSR1PRM/overrides.json")
o["overrides"].append(dict(o["overrides"][0], id="POV5BAD", end=o["overrides"][0]["start"]))
save("schedules/PSR1PRM/overrides.json", o)
u = load("users.json")
u["users"][2]["time_zone"] = "Europe/Berlln"
save("users.json", u)
i = load("incidents.2.json")
i["incidents"].append(load("incidents.json")["incidents"][0])   # a page that shifted: the same incident twice
save("incidents.2.json", i)
sched = load("schedules/PSR1PRM.json")
sched["schedule"]["schedule_layers"][0]["start"] = "2026-01-19T12:00:00+01:00"   # a layer that joined midway
save("schedules/PSR1PRM.json", sched)
first = load("incidents.json")["incidents"][0]["id"]
l = load("incidents/%s/log_entries.json" % first)
l["log_entries"] = [e for e in l["log_entries"] if e["type"] != "resolve_log_entry"]
save("incidents/%s/log_entries.json" % first, l)
EOF
  run import pagerduty --from "$T/export"; expect_rc 0 "$ERR"
  expect_out "50 incidents (50 new)"
  expect_out "step 2 left out: nobody here; step 1 waits its 10 minutes too"
  expect_out "a delay of 0 minutes is 1 here"
  expect_out "left out: override POV5BAD: it ends before it starts"
  expect_out "time zone 'Europe/Berlln' is not an IANA time zone: left out"
  expect_file_has .incident/oncall/sre-primary.yaml "on_call_from: 2026-01-19T12:00"
  expect_out_re "no resolve entry in its log: resolved at"
  expect_file_has .incident/escalation.yaml "{notify: [schedule:sre-primary], after: 15m}"
  expect_file_has .incident/escalation.yaml "{notify: [person:dave, person:erin], after: 1m}"
  expect_eq "$(grep -rlx 'source_number: "1001"' incidents | xargs grep -c '^status: resolved')" 1 "resolved, as its status says"
  run validate; expect_rc 0 "$OUT $ERR"
  # A page that says more follow, missing: refused, nothing written.
  rm "$T/export/users.2.json"
  local before; before=$(commit_count)
  run import pagerduty --from "$T/export" --apply; expect_rc 4
  expect_err 'users.json: $: the API says more pages follow, but users.2.json is missing: save every page'
  expect_eq "$(commit_count)" "$before" "no commit"
}

run_suite
