#!/usr/bin/env bash
# Runbooks and tasks: a rule attaches a runbook, its checklist becomes the
# incident's tasks, responders tick them off (in two clones at once), the
# postmortem lists them, and close can require them.
source "$(dirname "$0")/lib.sh"

# A rule that attaches the db-failover runbook to incidents of the service db.
runbook_repo() {
  mkdir -p .incident/runbooks
  cat >.incident/runbooks/db-failover.md <<'EOF'
# Database failover

- [Primary dashboard](https://grafana.example.com/d/db-primary)
- https://wiki.example.com/runbooks/db-failover

## Checklist

- [ ] Check replica lag on the dashboard
- [ ] Promote the replica
* [ ] Tell #payments the database moved

```
- [ ] an example in a code block is not a task
```
EOF
  cat >.incident/rules.yaml <<'EOF'
rules:
  - name: database-runbook
    when: {service: db}
    then: {runbook: db-failover}
EOF
  git add .incident && git commit -qm "db runbook"
}

test_a_rule_attaches_a_runbook_whose_checklist_becomes_tasks() {
  new_repo
  runbook_repo
  run rules check
  expect_rc 0
  run open "Primary database down" --service db -p P1 --at 2026-11-22T03:00:00Z
  expect_rc 0
  run show 1 --json
  expect_json '[.tasks[].id] | join(" ")' "check-replica-lag-on-the-dashboard promote-the-replica tell-payments-the-database-moved"
  expect_json '[.tasks[].runbook] | unique | join(" ")' "db-failover"
  expect_json '[.timeline[] | .type] | join(" ")' "opened runbook"
  run show 1
  expect_out "Runbook db-failover  Database failover"
  expect_out "Primary dashboard  https://grafana.example.com/d/db-primary"
  expect_out "https://wiki.example.com/runbooks/db-failover"
  expect_out "Tasks  0 of 3 done"
  run task "done" 1 2 --at 2026-11-22T03:10:00Z --by dba@example.com
  expect_rc 0
  run task "done" 1 promote-the-replica --at 2026-11-22T03:11:00Z
  expect_rc 5
  expect_err "already done by dba@example.com"
  run task "done" 1 nope
  expect_rc 3
  expect_err "see them with: incident task list INC-1"
  run task add 1 "Write the customer notice" --at 2026-11-22T03:12:00Z
  expect_rc 0
  run task list 1
  expect_out_re '2 +\[x\] +promote-the-replica +Promote the replica +db-failover +dba@example.com'
  expect_out_re '4 +\[ \] +write-the-customer-notice +Write the customer notice +- +-'
  # Triage does not attach it twice; an incident of another service gets none.
  run triage 1 --impact high --at 2026-11-22T03:13:00Z
  run show 1 --json
  expect_json '.tasks | length' "4"
  run open "Checkout slow" --service checkout --at 2026-11-22T03:20:00Z
  run show 2 --json
  expect_json '.tasks | length' "0"
  run validate
  expect_rc 0
}

test_close_can_require_every_task_done() {
  new_repo
  runbook_repo
  sed -i 's/^  tasks_required_for: \[\].*/  tasks_required_for: [P1]/; s/^  require_confirmation: true/  require_confirmation: false/' \
    .incident/config.yaml
  sed -i 's/^  required_to_close: \[P1\]/  required_to_close: []/' .incident/config.yaml
  git commit -qam "close needs tasks"
  run open "Primary database down" --service db -p P1 --at 2026-11-22T03:00:00Z
  run resolve 1 --code fixed --summary "failed over" --at 2026-11-22T04:00:00Z
  run close 1 --at 2026-11-22T05:00:00Z
  expect_rc 5
  expect_err "INC-1 is P1 and 3 of its 3 tasks are not done"
  expect_err "incident task done INC-1 TASK"
  for t in 1 2 3; do run task "done" 1 "$t" --at 2026-11-22T04:30:00Z; expect_rc 0; done
  run close 1 --at 2026-11-22T05:00:00Z
  expect_rc 0
  run task add 1 "Late" --at 2026-11-22T05:01:00Z
  expect_rc 5
}

test_two_clones_ticking_different_tasks_merge_and_the_postmortem_lists_them() {
  git init -q --bare "$T/remote.git"
  run init "$T/a"; cd "$T/a" || exit 1
  runbook_repo
  run open "Primary database down" --service db -p P1 --at 2026-11-22T03:00:00Z
  git remote add origin "$T/remote.git" && git push -q -u origin main 2>/dev/null
  git clone -q "$T/remote.git" "$T/b"
  run task "done" 1 1 --at 2026-11-22T03:10:00Z --by alice@example.com
  expect_rc 0
  run sync; expect_rc 0
  cd "$T/b" || exit 1
  run task "done" 1 3 --at 2026-11-22T03:12:00Z --by bob@example.com
  expect_rc 0
  run task add 1 "Check the backups" --at 2026-11-22T03:13:00Z
  run sync
  expect_rc 0
  expect_eq "$(git status --porcelain)" "" "merged without a conflict"
  run show 1 --json
  expect_json '[.tasks[] | select(.done_at != null) | .done_by] | join(" ")' "alice@example.com bob@example.com"
  expect_json '.tasks | length' "4"
  run resolve 1 --code fixed --summary "failed over" --at 2026-11-22T04:00:00Z
  run postmortem 1
  expect_rc 0
  expect_file_has postmortems/INC-1.md "## Checklist"
  expect_file_has postmortems/INC-1.md "| Check replica lag on the dashboard | db-failover | alice@example.com | 2026-11-22T03:10:00Z |"
  expect_file_has postmortems/INC-1.md "| Promote the replica | db-failover | **not done** | - |"
  expect_file_has postmortems/INC-1.md "2 of 4 tasks done."
}

test_a_bad_runbook_is_located_and_a_missing_one_is_named() {
  new_repo
  runbook_repo
  printf '# Broken\n\n- [ ] \n' >.incident/runbooks/db-failover.md
  run validate .incident/runbooks/db-failover.md
  expect_rc 6
  expect_out ".incident/runbooks/db-failover.md:3:1: error: a checklist item with no text"
  run open "Primary database down" --service db --at 2026-11-22T03:00:00Z
  expect_rc 0
  expect_err "the runbook is not attached until it is fixed"
  run show 1 --json
  expect_json '.tasks | length' "0"
  rm .incident/runbooks/db-failover.md
  run rules check
  expect_rc 4
  expect_err "rule database-runbook attaches the runbook db-failover, but there is no .incident/runbooks/db-failover.md"
  printf 'rules:\n  - name: x\n    when: {service: db}\n    then: {runbook: ../../etc/passwd}\n' >.incident/rules.yaml
  run rules check
  expect_rc 4
  expect_err_re "rules\.yaml:4:[0-9]+: runbook: '../../etc/passwd' is not a runbook's name"
}

run_suite
