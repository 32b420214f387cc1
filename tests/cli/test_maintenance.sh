#!/usr/bin/env bash
# Maintenance windows end to end: `maintenance add` writes and commits a
# window; an incident of a service in it is recorded but pages nobody (its
# timeline says which window and why), neither when it opens nor at a later
# tick, inside or after the window; another service's incident pages; `end`
# closes a window; validate locates a bad window file. Pages go to an SMTP
# server that is not there (127.0.0.1:1), so each stays queued in the outbox
# and `notify list` counts them.
source "$(dirname "$0")/lib.sh"

# A repository whose P1s page alice by email at once, and again after 5 minutes.
paging_repo() {
  new_repo
  cat >.incident/people.yaml <<'EOF'
people:
  alice: {name: Alice, email: alice@example.com, contact: [{email: alice@example.com}]}
EOF
  cat >.incident/escalation.yaml <<'EOF'
policies:
  sre:
    steps:
      - {notify: [person:alice], after: 5m}
      - {notify: [person:alice], after: 5m}
by_priority: {P1: sre}
EOF
  cat >>.incident/config.yaml <<'EOF'
smtp: {url: "smtp://127.0.0.1:1", from: pager@example.com}
EOF
  git add -A && git commit -qm "paging"
}

pages() { "$INCIDENT_BIN" notify list --json | jq length; }
in_minutes() { date -u -d "+$1 min" +%Y-%m-%dT%H:%M:%SZ; }

test_an_incident_in_a_window_is_recorded_and_pages_nobody() {
  paging_repo
  local before; before=$(commit_count)
  run maintenance add --service checkout --from -1h --to +2h --reason "database upgrade" --id db-upgrade
  expect_rc 0; expect_out db-upgrade
  expect_file .incident/maintenance/db-upgrade.yaml
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  expect_eq "$(git status --porcelain)" "" "the window is committed"
  run maintenance list --json; expect_rc 0
  expect_json '.[0].id + " " + .[0].state + " " + (.[0].services | join(","))' "db-upgrade active checkout"
  run maintenance list; expect_out "database upgrade"; expect_out_re "db-upgrade +checkout .* active"

  run open "Checkout errors" --service checkout --impact high --urgency high; expect_rc 0
  expect_err "in maintenance window db-upgrade (database upgrade, until"
  run show INC-1 --json
  expect_json .priority P1
  expect_json '[.timeline[] | select(.type == "paged") | "\(.maintenance) \(.outcome)"] | join(",")' \
    "db-upgrade not paged"
  expect_json '[.timeline[] | select(.type == "paged") | .text] | .[0] | test("^in maintenance window db-upgrade \\(database upgrade, until .*\\): nobody paged$")' true
  expect_eq "$(pages)" 0 "nobody paged when it opened"

  # Later ticks, inside the window and after it: still nobody.
  run page tick --at "$(in_minutes 30)"; expect_rc 0; expect_no_out
  run page tick --at "$(in_minutes 300)"; expect_rc 0; expect_no_out
  expect_eq "$(pages)" 0 "nobody paged later"
  run show INC-1 --json
  expect_json '[.timeline[] | select(.type == "paged")] | length' 1

  # Another service is not in maintenance: its incident pages.
  run open "Search down" --service search --impact high --urgency high; expect_rc 0
  expect_eq "$(pages)" 1 "the other service pages alice"
  run show INC-2 --json
  expect_json '[.timeline[] | select(.type == "paged") | "\(.person) \(.outcome)"] | join(",")' "alice queued"
}

test_end_closes_a_window_and_paging_resumes() {
  paging_repo
  run maintenance add --service checkout --service payments --from -1h --to +2h --reason "db" --id w1; expect_rc 0
  run maintenance end w1 --json; expect_rc 0
  expect_json .state past
  expect_eq "$(git status --porcelain)" "" "the end is committed"
  run maintenance end w1; expect_rc 0; expect_err "ended already"
  run open "Payments errors" --service payments --impact high --urgency high; expect_rc 0
  expect_eq "$(pages)" 1 "the window is over: alice is paged"

  run maintenance end nope; expect_rc 3
  run maintenance add --service x --from +2h --to +1h --reason r; expect_rc 2; expect_err "ends before it starts"
  run maintenance add --service x --from +1h --to +2h --reason r --id w1; expect_rc 2; expect_err "exists already"
  run maintenance add --service x --from +1h --to +2h --reason r --id planned; expect_rc 0
  run maintenance end planned; expect_rc 2; expect_err "has not begun"
  run maintenance list --json; expect_json '[.[] | .id + " " + .state] | join(",")' "w1 past,planned planned"
}

test_validate_locates_a_bad_window_file() {
  paging_repo
  run maintenance add --service checkout --from -1h --to +2h --reason "upgrade" --id good; expect_rc 0
  run validate; expect_rc 0
  mkdir -p .incident/maintenance
  cat >.incident/maintenance/bad.yaml <<'EOF'
services: [checkout]
from: 2026-12-24T18:00:00Z
to: tomorrow
reason: upgrade
EOF
  run validate; expect_rc 6
  expect_out ".incident/maintenance/bad.yaml:3:5:"
  expect_out_re "bad\.yaml:3:5:.*to: expected RFC 3339"
  expect_eq "$(grep -c 'maintenance/good.yaml' <<<"$OUT")" 0 "the good window is not blamed"
  run maintenance list; expect_rc 4; expect_err ".incident/maintenance/bad.yaml:3:5:"
  # The pager does not trust a window it cannot read: it pages, and says so.
  run open "Checkout errors" --service search --impact high --urgency high; expect_rc 0
  expect_err "bad.yaml:3:5"
  expect_eq "$(pages)" 1
}

run_suite
