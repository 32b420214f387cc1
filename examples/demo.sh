#!/usr/bin/env bash
# The main job: install what is missing, build, and walk one incident through
# its whole lifecycle on a throw-away copy of the example repository.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
.ci/install-deps
.ci/build >/dev/null

bin="$root/build/incident"
repo=$(mktemp -d "${TMPDIR:-/tmp}/incident-demo.XXXXXX")
trap 'rm -rf "$repo"' EXIT
cp -r examples/.incident examples/incidents examples/postmortems "$repo/"
cd "$repo"
git init -q
git config user.email demo@example.com
git config user.name "Demo"
git add -A && git commit -qm "Example incident history"

step() { printf '\n\033[1m$ incident %s\033[0m\n' "$*"; "$bin" "$@"; }
export INCIDENT_USER=oncall@example.com NO_COLOR=1

echo "Example repository copied to $repo ($(ls incidents/*.yaml | wc -l) incidents)."
step rules test
step list
step sla
id=$("$bin" open "Checkout returns HTTP 500 for 20% of orders" --service checkout --category software \
      --detected-at -12m --at -10m --tag customer-facing \
      -d "Error rate alert fired at 03:01; customers report failed orders.")
echo "opened $id"
step triage "$id" --impact high --urgency medium --subcategory outage --at -8m --explain
step escalate --auto --dry-run
step ack "$id" --at -6m
step assign "$id" alice@example.com --role commander --at -5m
step escalate "$id" --to L2 --reason "needs the checkout service owners" --at -4m
step update "$id" --message "Rolling back release 2026.11.21; next update in 15 minutes" --at -3m
step update "$id" --status mitigated --message "Rollback done, error rate back to normal" --at -2m
step resolve "$id" --code rollback --summary "Release 2026.11.21 rolled back; fix tracked in PRB-12" --at -1m
step close "$id"  || echo "(refused as expected: the reporter has not confirmed yet)"
step close "$id" --confirmed-by oncall@example.com
step postmortem "$id"
step show "$id"
step list --where 'service=checkout' --sort -opened --limit 5
step report --since 2026-09-01 --by priority
"$bin" report --since 2026-09-01 --by service --format html >report.html
echo "HTML report with charts: $repo/report.html"
echo
echo "git log of the walk:"
git log --oneline -9
