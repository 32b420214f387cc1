#!/usr/bin/env bash
# The whole lifecycle from a shell: every step, its JSON, its commit.
source "$(dirname "$0")/lib.sh"

open_p1() {
  run open "Checkout latency above 3 s" --service checkout --impact high --urgency high \
    --at 2026-11-22T03:04:05Z --detected-at 2026-11-22T03:01:00Z --tag customer-facing "$@"
}

test_full_walk_one_commit_per_change() {
  new_repo
  local base; base=$(commit_count)
  open_p1; expect_rc 0; expect_eq "$OUT" "INC-1" "open prints the id"
  run triage INC-1 --category network --subcategory outage --at 2026-11-22T03:05:00Z --json
  expect_rc 0; expect_json .status triaged; expect_json .priority P1
  expect_json .priority_reason "matrix: impact=high x urgency=high -> P1"
  run ack 1 --by bob@example.com --at 2026-11-22T03:09:00Z --json
  expect_rc 0; expect_json .status investigating; expect_json .acknowledged_at 2026-11-22T03:09:00Z
  expect_json .assignee bob@example.com
  run assign 1 carol@example.com --role comms --at 2026-11-22T03:10:00Z --json
  expect_rc 0; expect_json .roles.comms carol@example.com
  run escalate 1 --reason "needs database expertise" --at 2026-11-22T03:20:00Z --json
  expect_rc 0; expect_json .tier L2
  expect_json '.timeline[-1] | "\(.type) \(.kind) \(.from) \(.to)"' "escalated functional L1 L2"
  run escalate 1 --hierarchical --at 2026-11-22T03:25:00Z --json
  expect_rc 0; expect_json '.timeline[-1].to' desk-lead@example.com
  run update 1 --status mitigated --message "failed over to replica" --at 2026-11-22T03:40:00Z --json
  expect_rc 0; expect_json .status mitigated; expect_json .mitigated_at 2026-11-22T03:40:00Z
  run note 1 "pool size was 10" --at 2026-11-22T03:45:00Z
  expect_rc 0
  run resolve 1 --code fixed --summary "pool resized to 50" --at 2026-11-22T04:00:00Z --json
  expect_rc 0; expect_json .status resolved; expect_json .resolution.code fixed
  expect_json .resolved_at 2026-11-22T04:00:00Z
  run postmortem 1 --at 2026-11-23T10:00:00Z
  expect_rc 0; expect_file postmortems/INC-1.md
  expect_file_has postmortems/INC-1.md "Blameless postmortem"
  fill_required   # the people write their part
  git commit -qm "INC-1: postmortem written" postmortems/INC-1.md   # and commit it
  run close 1 --confirmed-by alice@example.com --at 2026-11-23T11:00:00Z --json
  expect_rc 0; expect_json .status closed; expect_json .closed_at 2026-11-23T11:00:00Z
  expect_json '.timeline | length' 11
  expect_json '[.timeline[].type] | join(",")' \
    "opened,triaged,acknowledged,role_handoff,escalated,escalated,status,note,resolved,postmortem,closed"
  expect_eq "$(( $(commit_count) - base ))" 12 "one commit per change, and the people's postmortem"
  expect_eq "$(git log -1 --format=%s)" "INC-1: closed: Checkout latency above 3 s"
  expect_eq "$(git status --porcelain incidents)" "" "incident committed after the walk"
}

test_show_and_list() {
  new_repo
  open_p1 >/dev/null
  run open "Printer on fire" --service office --impact low --urgency low --at 2026-11-22T05:00:00Z
  run show INC-1
  expect_rc 0; expect_out "Checkout latency above 3 s"; expect_out "Timeline"
  run show 1 --json
  expect_rc 0; expect_json .id INC-1; expect_json '.tags[0]' customer-facing
  expect_json '.detected_at' 2026-11-22T03:01:00Z
  [ "$(jq -r .uid <<<"$OUT" | wc -c)" -eq 37 ] || fail "uid is a UUID"
  run list
  expect_rc 0; expect_out "INC-1"; expect_out "INC-2"; expect_out "TITLE"
  run list --priority P5 --json
  expect_rc 0; expect_json 'length' 1; expect_json '.[0].id' INC-2
  run list --service checkout,office --status open --json
  expect_json 'length' 2
  run list --status bogus
  expect_rc 2; expect_err "unknown status"
}

test_refusals_exit_5_and_say_what_to_do() {
  new_repo
  open_p1 >/dev/null
  run update 1 --status resolved
  expect_rc 5; expect_err "incident resolve INC-1 --code"
  run update 1 --status closed
  expect_rc 5; expect_err "incident close INC-1"
  run close 1
  expect_rc 5; expect_err "only resolved incidents can be closed"; expect_err "hint:"
  run reopen 1
  expect_rc 5; expect_err "only resolved incidents can be reopened"
  run note 1 "called" --contact-attempt
  expect_rc 5; expect_err "resolve it first"
  run ack 1; expect_rc 0
  run ack 1
  expect_rc 5; expect_err "already acknowledged"
  run escalate 1 --to L3; expect_rc 0
  run escalate 1
  expect_rc 5; expect_err "top tier"; expect_err "--hierarchical"
  run escalate 1 --hierarchical; expect_rc 0
  run escalate 1 --hierarchical
  expect_rc 5; expect_err "every manager"
  run resolve 1 --code nonsense --summary x
  expect_rc 2; expect_err "unknown resolution code"
  run resolve 1 --code fixed --summary "done"; expect_rc 0
  run resolve 1 --code fixed --summary "again"
  expect_rc 5; expect_err "already resolved"
  run close 1
  expect_rc 5; expect_err "0 of 3 contact attempts"; expect_err "--confirmed-by"
  run close 1 --confirmed-by alice@example.com
  expect_rc 5; expect_err "needs a postmortem"; expect_err "incident postmortem INC-1"
  run postmortem 1; expect_rc 0
  run close 1 --confirmed-by alice@example.com
  expect_rc 5; expect_err "postmortem is not complete"
  fill_required
  git commit -qm "INC-1: postmortem written" postmortems/INC-1.md
  run close 1 --confirmed-by alice@example.com; expect_rc 0
  run reopen 1
  expect_rc 5; expect_err "never reopened"; expect_err "incident open --related INC-1"
  run note 1 "after the fact"; expect_rc 0
  run assign 1 bob@example.com
  expect_rc 5; expect_err "closed"
  run open "Checkout latency again" --related INC-1
  expect_rc 0; expect_eq "$OUT" INC-2
  run show 2 --json; expect_json '.related[0]' INC-1
}

test_reopen_resolved_and_contact_attempts_close() {
  new_repo
  run open "Slow search" --impact low --urgency medium --at -3h; expect_rc 0
  run show 1 --json; expect_json .priority P4
  run resolve 1 --code workaround --summary "restarted" --at -2h; expect_rc 0
  run reopen 1 --reason "slow again" --at -1h --json
  expect_rc 0; expect_json .status investigating; expect_json .resolution null; expect_json .resolved_at null
  run resolve 1 --code fixed --summary "index rebuilt"; expect_rc 0
  for i in 1 2; do run note 1 "no answer $i" --contact-attempt; expect_rc 0; done
  run close 1
  expect_rc 5; expect_err "2 of 3 contact attempts"
  run note 1 "voicemail" --contact-attempt
  run close 1 --json
  expect_rc 0; expect_json .status closed; expect_json '.timeline[-1].contact_attempts' 3
}

test_dry_run_writes_nothing() {
  new_repo
  open_p1 >/dev/null
  local before; before=$(commit_count); cp incidents/INC-1.yaml "$T/before.yaml"
  run ack 1 --dry-run
  expect_rc 0; expect_out "dry run"
  cmp -s incidents/INC-1.yaml "$T/before.yaml" || fail "dry run changed the file"
  run open "not really" --dry-run
  expect_rc 0; expect_no_file incidents/INC-2.yaml
  expect_eq "$(commit_count)" "$before"
}

test_no_commit_and_not_a_git_repo() {
  new_repo
  open_p1 --no-commit >/dev/null
  expect_file incidents/INC-1.yaml
  expect_eq "$(git status --porcelain incidents)" "?? incidents/INC-1.yaml"
  mkdir "$T/plain" && mkdir "$T/plain/.incident"
  run -C "$T/plain" open "no git here"
  expect_rc 0; expect_err "not a git repository"; expect_file "$T/plain/incidents/INC-1.yaml"
  expect_no_file "$T/plain/.git"
}

test_actor_time_and_repo_discovery() {
  new_repo
  mkdir -p deep/below
  (cd deep/below && run open "from a subdirectory" --at 2026-01-02T03:04:05+01:00)
  expect_file incidents/INC-1.yaml
  expect_file_has incidents/INC-1.yaml "opened_at: 2026-01-02T02:04:05Z"
  INCIDENT_USER=zed@example.com run note 1 "hi"
  expect_file_has incidents/INC-1.yaml "by: zed@example.com, type: note"
  run note 1 "as bob" --by bob@example.com
  expect_file_has incidents/INC-1.yaml "by: bob@example.com, type: note"
  run note 1 "bad time" --at yesterday-ish
  expect_rc 2; expect_err "--at"
  run note 1 "before it existed" --at 2025-01-01T00:00:00Z
  expect_rc 2; expect_err "is before INC-1 was opened"
  run -C "$T" list
  expect_rc 1; expect_err "not an incident repository"; expect_err "incident init"
  run init "$T/repo"
  expect_rc 5; expect_err "already an incident repository"
}

test_times_in_the_future_are_refused_for_what_happened() {
  new_repo
  run open "now" ; expect_rc 0
  local before; before=$(cat incidents/INC-1.yaml)
  run ack 1 --at +1d; expect_rc 2; expect_err "--at: "; expect_err "is in the future"; expect_err "-15m, not +15m"
  run open "typo" --detected-at +2h; expect_rc 2; expect_err "--detected-at: "
  run open "typo" --started-at 2099-01-01T00:00:00Z; expect_rc 2; expect_err "--started-at: "
  expect_eq "$(cat incidents/INC-1.yaml)" "$before" "nothing written"
  expect_no_file incidents/INC-2.yaml
  run note 1 "clock skew" --at +2m; expect_rc 0  # within the allowance
  run sla --at +1h; expect_rc 0                  # a look ahead is not an event
  run report --until 2099-01-01; expect_rc 0
}

test_backfilled_events_stay_in_time_order() {
  new_repo
  run open "late entry" --at 2026-11-22T10:00:00Z
  run note 1 "later" --at 2026-11-22T12:00:00Z
  run note 1 "earlier" --at 2026-11-22T11:00:00Z
  run show 1 --json
  expect_json '[.timeline[].text] | join("|")' "late entry|earlier|later"
}

test_hand_written_comments_and_layout_survive_changes() {
  new_repo
  run open "Checkout errors" --service checkout; expect_rc 0
  # A person annotates the file: comments above fields, blank lines between
  # groups, a comment between events, a note at the end.
  python3 - <<'PY'
p = 'incidents/INC-1.yaml'
s = open(p).read()
s = '# Incident record: keep the comments below.\n' + s
s = s.replace('title: Checkout errors\n', '# The title customers saw on the status page\ntitle: Checkout errors\n\n')
s = s.replace('service: checkout\n', 'service: checkout  # the web shop, not the app\n')
s = s.replace('timeline:\n', '\n# What happened, oldest first\ntimeline:\n')
s += '  # (more events are added below)\n# end of file\n'
open(p, 'w').write(s)
PY
  cp incidents/INC-1.yaml "$T/hand.yaml"
  run note 1 "Rolled back the deploy"; expect_rc 0
  run ack 1; expect_rc 0
  run resolve 1 --code fixed --summary "Rollback restored checkout"; expect_rc 0
  local f=incidents/INC-1.yaml
  for line in '# Incident record: keep the comments below.' '# The title customers saw on the status page' \
      'service: checkout  # the web shop, not the app' '# What happened, oldest first' \
      '  # (more events are added below)' '# end of file'; do
    grep -qxF -- "$line" "$f" || fail "lost the line '$line'"
  done
  # The blank lines are where they were, the changed fields are changed,
  # and the new events follow the old ones in order.
  grep -A1 -xF 'title: Checkout errors' "$f" | tail -1 | grep -qx '' || fail "the blank line after title is gone"
  expect_eq "$(grep -n 'type: note' "$f" | cut -d: -f1)" "$(( $(grep -n 'type: opened' "$f" | cut -d: -f1) + 1 ))" "the note follows the opening event"
  grep -qx 'status: resolved' "$f" || fail "status not changed"
  run show 1 --json; expect_rc 0
  expect_json '.status' resolved; expect_json '.timeline[1].text' 'Rolled back the deploy'
  expect_json '.service' checkout
  expect_eq "$(grep -c 'type: ' "$f")" "$(jq '.timeline | length' <<<"$OUT")" "one line per event"
  run validate "$f"; expect_rc 0
  # A file the tool wrote itself stays exactly as the tool writes it.
  run open "Second"; expect_rc 0
  cp incidents/INC-2.yaml "$T/tool.yaml"
  run note 2 "x"; expect_rc 0
  expect_eq "$(diff "$T/tool.yaml" incidents/INC-2.yaml | grep -c '^[<>]')" "1" "one line added"
}

run_suite
