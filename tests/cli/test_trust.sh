#!/usr/bin/env bash
# Trusting the repository less: templates from it are bounded, ids renumbered
# by sync are never taken for someone else's incident, business-hours clocks,
# and the merge driver never writes what the tool would refuse.
source "$(dirname "$0")/lib.sh"

# A P1 with a few timeline events, and a custom template named NAME holding TEXT.
incident_with_template() {
  new_repo
  run open "Checkout down" --service checkout --impact high --urgency high --at 2026-11-20T10:00:00Z
  for i in 1 2 3 4; do run note 1 "step $i" --at 2026-11-20T10:0$i:00Z; done
  mkdir -p .incident/templates
  printf '%s' "$2" >".incident/templates/$1.md.mustache"
}

test_a_template_that_would_explode_is_refused_at_its_tag() {
  incident_with_template bomb "$(printf 'head\n'; for _ in $(seq 14); do printf '{{#timeline}}'; done; printf x;
                                for _ in $(seq 14); do printf '{{/timeline}}'; done)"
  local before; before=$(commit_count)
  ( limit_memory_to_mb 1500; timeout 20 "$INCIDENT_BIN" postmortem 1 --template bomb >"$T/.out" 2>"$T/.err" )
  RC=$?; ERR=$(cat "$T/.err")
  expect_rc 4
  expect_err ".incident/templates/bomb.md.mustache:2:"
  expect_err "template refused: would render more than"
  expect_no_file postmortems/INC-1.md
  expect_eq "$(commit_count)" "$before" "nothing committed"
}

test_deeply_nested_sections_are_refused_not_a_crash() {
  incident_with_template deep "$(for _ in $(seq 20000); do printf '{{#missing}}'; done; for _ in $(seq 20000); do printf '{{/missing}}'; done)"
  run postmortem 1 --template deep
  expect_rc 4
  expect_err ".incident/templates/deep.md.mustache:1:385: template refused: sections nest deeper than 32"
}

test_a_message_template_that_is_refused_still_notifies_in_built_in_words() {
  incident_with_template unused ""
  # 20 000 nested sections crashed the renderer.
  { for _ in $(seq 20000); do printf '{{#a}}'; done; for _ in $(seq 20000); do printf '{{/a}}'; done; } \
    >.incident/templates/slack.mustache
  cat >>.incident/config.yaml <<'CFG'
notify:
  - {name: chat, type: slack, url_env: CHAT_URL, template: slack}
CFG
  run note 1 "restarted pods" --dry-run
  expect_rc 0
  expect_out "restarted pods"
}

# P3 on business time: three and twenty working days (09:00-17:00 UTC, Monday to Friday).
working_days_repo() {
  new_repo
  sed -i 's/P3: {respond: 4h, resolve: 3d}/P3: {respond: 3d, resolve: 20d, business_hours: true}/' .incident/config.yaml
  git commit -qam "P3 in working days"
}

test_business_hours_clocks_count_in_working_days() {
  working_days_repo
  run open "Slow reports" --impact medium --urgency medium --at 2026-11-23T09:00:00Z; expect_rc 0
  run sla --at 2026-11-23T09:00:00Z; expect_rc 0
  expect_out "ok 3d left business time"
  expect_out "ok 20d left business time"
  run sla --at 2026-11-24T13:00:00Z; expect_out "ok 1d 4h left business time"
  run sla --json --at 2026-11-23T09:00:00Z
  expect_json '.incidents[0].respond.due' 2026-11-25T17:00:00Z
  expect_json '.incidents[0].resolve.due' 2026-12-18T17:00:00Z
}

test_business_hours_without_a_working_day_is_refused_located() {
  working_days_repo
  sed -i 's/days: \[mon, tue, wed, thu, fri\]/days: []/' .incident/config.yaml
  run validate; expect_rc 6
  expect_out_re "config.yaml:[0-9]+:[0-9]+: error: business_hours.days"
  expect_err_re "config.yaml:[0-9]+:[0-9]+: business_hours.days: name at least one working day"
  # The responders go on meanwhile, on the built-in working days.
  run open "Slow reports" --impact medium --urgency medium --at 2026-11-23T09:00:00Z; expect_rc 0
  expect_err "days: name at least one working day"
  run sla --at 2026-11-23T09:00:00Z; expect_rc 0; expect_out "ok 3d left business time"
}

test_the_loader_and_validate_agree_on_types() {
  new_repo
  run open "Checkout down" --service checkout --at 2026-11-20T10:00:00Z
  sed -i 's/^tags: .*/tags: 7/' incidents/INC-1.yaml
  grep -q '^tags: 7$' incidents/INC-1.yaml || sed -i '$a tags: 7' incidents/INC-1.yaml
  run validate; expect_rc 6; expect_out_re "INC-1.yaml:[0-9]+:7: error: tags: expected a list or null, found a whole number"
  run show 1; expect_rc 4; expect_err_re "INC-1.yaml:[0-9]+:7: tags: expected a list or null, found a whole number"
  sed -i 's/^tags: 7$/tags: [7]/' incidents/INC-1.yaml
  run show 1; expect_rc 4; expect_err 'tags: list items must be strings, found a whole number (7; quote it for text: "7")'
  run validate; expect_rc 6; expect_out "tags.0: expected a string, found a whole number"
  sed -i 's/^tags: \[7\]$/tags: ["7"]/' incidents/INC-1.yaml
  run show 1 --json; expect_rc 0; expect_json '.tags[0]' 7
  run validate; expect_rc 0
}

test_two_attachments_of_one_name_are_a_conflict_and_validate_names_them() {
  two_clones
  cd "$T/a" && echo "from a" >"$T/fa" && run attach 1 "$T/fa" --name ev.txt; expect_rc 0
  run sync; expect_rc 0
  cd "$T/b" && echo "from b" >"$T/fb" && run attach 1 "$T/fb" --name ev.txt; expect_rc 0
  run sync; expect_rc 1
  expect_err "both sides attached a different file named 'ev.txt'"
  expect_eq "$(git status --porcelain)" "" "this clone as it was"
  expect_eq "$(sed -n '/^attachments:/,/^timeline:/p' incidents/INC-1.yaml | grep -c 'name: ev.txt')" 1 "one record"
  run attachments 1 --verify; expect_rc 0
  # A hand resolution that keeps both records is named by validate.
  python3 - <<'PY'
import re
p = "incidents/INC-1.yaml"
s = open(p).read()
m = re.search(r"(?m)^attachments:\n((?:  .*\n)+)", s)
s = s[:m.end()] + m.group(1) + s[m.end():]
open(p, "w").write(s)
PY
  run validate; expect_rc 6; expect_out_re "INC-1.yaml:[0-9]+:[0-9]+: error: attachments: 'ev.txt' is named twice"
}

run_suite
