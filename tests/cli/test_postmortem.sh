#!/usr/bin/env bash
# Postmortems: templates, regeneration that keeps human writing, --check,
# action items and the close policy.
source "$(dirname "$0")/lib.sh"

resolved_p1() {
  new_repo
  run open "Checkout down" --service checkout --impact high --urgency high --at 2026-11-20T10:00:00Z
  run ack 1 --at 2026-11-20T10:05:00Z
  run assign 1 bob@example.com --role commander --at 2026-11-20T10:06:00Z
  run resolve 1 --code fixed --summary "pool resized" --at 2026-11-20T11:00:00Z
}

test_regeneration_keeps_human_writing() {
  resolved_p1
  run postmortem 1 --at 2026-11-21T09:00:00Z; expect_rc 0; expect_out "wrote postmortems/INC-1.md"
  expect_file_has postmortems/INC-1.md "Blameless postmortem"
  fill_section postmortems/INC-1.md "## Summary" "A sentence only a human wrote."
  echo "A closing paragraph added at the end by hand." >>postmortems/INC-1.md
  run postmortem 1; expect_rc 0; expect_out "up to date"
  run action add 1 "Alert on pool saturation" --owner bob --due 2026-12-01 --type prevent --at 2026-11-21T10:00:00Z
  run postmortem 1 --at 2026-11-21T11:00:00Z
  expect_rc 0; expect_out "refreshed"
  expect_file_has postmortems/INC-1.md "A sentence only a human wrote."
  expect_file_has postmortems/INC-1.md "A closing paragraph added at the end by hand."
  expect_file_has postmortems/INC-1.md "| 1 | Alert on pool saturation | prevent | bob | 2026-12-01 | open |"
  run postmortem 1 --force --at 2026-11-21T12:00:00Z
  expect_rc 0
  if grep -q "A sentence only a human wrote." postmortems/INC-1.md; then fail "--force kept human text"; fi
}

test_timeline_matches_the_incident_event_for_event() {
  resolved_p1
  run postmortem 1 --at 2026-11-21T09:00:00Z
  run show 1 --json
  local events rows
  events=$(jq -r '.timeline[] | "\(.at) \(.type)"' <<<"$OUT")
  rows=$(sed -n '/incident:begin timeline/,/incident:end timeline/p' postmortems/INC-1.md |
         grep -E '^\| [0-9]{4}-' | awk -F'|' '{gsub(/ /,"",$2); gsub(/ /,"",$4); print $2" "$4}')
  expect_eq "$rows" "$events" "timeline rows = events"
}

test_time_to_detect_agrees_with_list() {
  # detected - started, in the postmortem and in list's ttd alike.
  new_repo
  run open "Checkout down" --service checkout --impact high --urgency high --at 2026-11-20T10:00:00Z \
    --started-at 2026-11-20T09:41:00Z --detected-at 2026-11-20T09:53:00Z
  run open "Unknown start" --service search --at 2026-11-20T10:00:00Z --detected-at 2026-11-20T09:55:00Z
  local id
  for id in 1 2; do
    run resolve "$id" --code fixed --summary "back to normal" --at 2026-11-20T11:00:00Z; expect_rc 0
    run postmortem "$id" --at 2026-11-21T09:00:00Z; expect_rc 0
  done
  run list --all --fields id,ttd; expect_rc 0
  expect_eq "$(awk '$1 == "INC-1" {print $2}' <<<"$OUT")" "12m" "list's ttd of INC-1"
  expect_eq "$(awk '$1 == "INC-2" {print $2}' <<<"$OUT")" "-" "list's ttd of INC-2"
  expect_file_has postmortems/INC-1.md "| **Time to detect** | 12m |"
  expect_file_has postmortems/INC-2.md "| **Time to detect** | n/a |"
  # And in every shipped example with a postmortem.
  local row pm
  while read -r id row; do
    pm="$SOURCE_DIR/examples/postmortems/$id.md"
    [ -f "$pm" ] || continue
    [ "$row" = "-" ] && row="n/a"
    grep -qF "| **Time to detect** | $row |" "$pm" || fail "$id: list says $row, the postmortem disagrees"
  done < <(cd "$SOURCE_DIR/examples" && "$INCIDENT_BIN" list --all --fields id,ttd | tail -n +2)
}

test_templates_and_custom_template() {
  resolved_p1
  run postmortem 1 --template pagerduty; expect_rc 0
  expect_file_has postmortems/INC-1.md "incident review (INC-1)"
  run postmortem 1 --template atlassian --force; expect_rc 0
  expect_file_has postmortems/INC-1.md "## Five whys"
  mkdir -p .incident/templates
  printf '<!-- incident:begin h -->\n# {{id}}: {{title}} ({{ttr}})\n<!-- incident:end h -->\n## Notes\n<!-- incident:required -->\n' \
    >.incident/templates/short.md.mustache
  run postmortem 1 --template short --force; expect_rc 0
  expect_file_has postmortems/INC-1.md "# INC-1: Checkout down (1h)"
  run postmortem 1 --check; expect_rc 6; expect_out "section 'Notes' is empty"
  printf '{{#broken}}\n' >.incident/templates/bad.md.mustache
  run postmortem 1 --template bad --force; expect_rc 4
  run postmortem 1 --template nonesuch; expect_rc 2; expect_err "no postmortem template named 'nonesuch'"
}

test_check_reports_each_failure_kind() {
  resolved_p1
  run postmortem 1 --check
  expect_rc 6; expect_out "there is no postmortem yet"
  run postmortem 1 --at 2026-11-21T09:00:00Z
  run postmortem 1 --check --json
  expect_rc 6; expect_json .complete false; expect_json .exists true
  expect_json '.problems | length' 5; expect_json '.problems[0]' "section 'Summary' is empty"
  expect_json .meeting_due 2026-11-27T11:00:00Z
  run sla --all --json --at 2026-11-22T00:00:00Z
  expect_json '.incidents[0].postmortem_due' 2026-11-27T11:00:00Z
  fill_required
  run postmortem 1 --check; expect_rc 0; expect_out "complete"
  run action add 1 "No owner yet" --due 2026-12-01
  run action add 1 "No date yet" --owner carol
  run postmortem 1 --check
  expect_rc 6
  expect_out "action item 1 'No owner yet' has no owner"
  expect_out "action item 2 'No date yet' has no due date"
  # Fixed from the command line, not by editing the file.
  run action edit 1 1 --owner bob; expect_rc 0; expect_out "INC-1: action_edited"
  run action edit 1 2 --due 2026-12-15 --title "Dated now" --json; expect_rc 0
  expect_json '.actions[1] | "\(.title) \(.owner) \(.due)"' "Dated now carol 2026-12-15"
  expect_json '.timeline[-1] | "\(.type) \(.action) \(.due) \(.title)"' "action_edited 2 2026-12-15 Dated now"
  run postmortem 1 --check; expect_rc 0
  run action edit 1 1 --owner bob; expect_rc 5; expect_err "already says so"
  run action edit 1 1; expect_rc 2; expect_err "say what changes"
  run action edit 1 1 --title ""; expect_rc 2
  run action edit 1 9 --owner bob; expect_rc 3
}

test_close_policy_for_p1() {
  resolved_p1
  run close 1 --confirmed-by reporter@example.com
  expect_rc 5; expect_err "needs a postmortem"
  run postmortem 1
  run close 1 --confirmed-by reporter@example.com
  expect_rc 5; expect_err "postmortem is not complete: section 'Summary' is empty"
  expect_err "incident postmortem INC-1 --check"
  fill_required
  git commit -qm "INC-1: postmortem" postmortems/INC-1.md
  run close 1 --confirmed-by reporter@example.com --json
  expect_rc 0; expect_json .status closed
  # a P3 needs no postmortem; a configured problem link is enforced
  sed -i 's/^  problem_required_for: \[\].*/  problem_required_for: [P3]/' .incident/config.yaml
  run open "Minor" --impact medium --urgency medium
  run resolve 2 --code fixed --summary ok
  run close 2 --confirmed-by x
  expect_rc 5; expect_err "needs a problem record"
}

test_close_rests_on_the_committed_postmortem() {
  resolved_p1
  run postmortem 1; expect_rc 0
  fill_required  # complete in the work tree, not committed
  run close 1 --confirmed-by reporter@example.com
  expect_rc 5; expect_err "postmortems/INC-1.md has changes that are not committed"
  expect_err "commit it first (git commit"
  run show 1 --json; expect_json .status resolved
  git add postmortems/INC-1.md  # staged is not committed either
  run close 1 --confirmed-by reporter@example.com; expect_rc 5
  git commit -qm "INC-1: postmortem" postmortems/INC-1.md
  run close 1 --confirmed-by reporter@example.com; expect_rc 0
}

test_close_without_a_commit_checks_the_work_tree() {
  resolved_p1
  run postmortem 1; expect_rc 0
  fill_required
  run close 1 --confirmed-by reporter@example.com --no-commit; expect_rc 0
}

test_action_items_add_done_list() {
  resolved_p1
  run action add 1 "Alert on saturation" --owner bob --due 2026-11-25 --type prevent --tracker https://t/1 --json
  expect_rc 0; expect_json '.actions[0].id' 1; expect_json '.actions[0].tracker' https://t/1
  run action add 1 "Runbook" --owner carol --due 2026-12-30 --type process
  run action add 1 "Bad type" --type sometimes; expect_rc 2
  run action add 1 "Bad date" --due tomorrow; expect_rc 2; expect_err "YYYY-MM-DD"
  run action list --overdue --at 2026-12-01T00:00:00Z --json
  expect_rc 0; expect_json 'length' 1; expect_json '.[0].title' "Alert on saturation"
  run action list --owner carol --json; expect_json '.[0].id' 2
  run action done 1 1; expect_rc 0
  run action done 1 1; expect_rc 5; expect_err "already done"
  run action done 1 9; expect_rc 3
  run action list --overdue --at 2026-12-01T00:00:00Z; expect_out "no action items"
  run action list 1
  expect_out "Alert on saturation"; expect_out "done"
  expect_file_has incidents/INC-1.yaml "{id: 1, title: Alert on saturation, owner: bob, due: 2026-11-25, type: prevent, status: done, tracker: https://t/1}"
}

test_example_p1_postmortem_renders_and_matches() {
  local pm="$SOURCE_DIR/examples/postmortems/INC-28.md" inc="$SOURCE_DIR/examples/incidents/INC-28.yaml"
  expect_file "$pm"
  grep -q '^priority: P1$' "$inc" || fail "INC-28 is not the example P1"
  pandoc -f gfm -t html "$pm" -o "$T/pm.html" 2>"$T/pandoc.err" || fail "pandoc failed: $(cat "$T/pandoc.err")"
  grep -q "<table>" "$T/pm.html" || fail "no table in the rendered postmortem"
  grep -q "<h2[^>]*>Summary</h2>" "$T/pm.html" || fail "no Summary heading"
  run -C "$SOURCE_DIR/examples" postmortem 28 --check; expect_rc 0
  run -C "$SOURCE_DIR/examples" show 28 --json
  local events rows
  events=$(jq -r '.timeline[] | "\(.at) \(.type)"' <<<"$OUT")
  rows=$(sed -n '/incident:begin timeline/,/incident:end timeline/p' "$pm" |
         grep -E '^\| [0-9]{4}-' | awk -F'|' '{gsub(/ /,"",$2); gsub(/ /,"",$4); print $2" "$4}')
  expect_eq "$rows" "$events" "example timeline rows = events"
}

run_suite
