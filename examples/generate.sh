#!/usr/bin/env bash
# Regenerates the example incident history in examples/ by driving the real
# binary with backfilled times (--at), so every file is what the tool writes.
# Deterministic apart from each incident's random uid.
# Usage: examples/generate.sh [path/to/incident]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${1:-$here/../build/incident}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/.incident"
cp "$here/.incident/config.yaml" "$here/.incident/rules.yaml" "$here/.incident/rules-tests.yaml" "$work/.incident/"
cd "$work"
git init -q && git config user.email gen@example.com && git config user.name gen
inc() { "$bin" "$@" --no-commit >/dev/null; }
id() { "$bin" list --all --json | jq -r '.[-1].id'; }

t() { date -u -d "2026-09-28T00:00:00Z + $1 minutes" +%Y-%m-%dT%H:%M:%SZ; }

RANDOM=20261122
services=(checkout payments search auth api-gateway email office-wifi vpn warehouse-scanners)
categories=(software software software security network software network network hardware)
people=(alice@example.com bob@example.com carol@example.com dave@example.com erin@example.com frank@example.com)
titles=(
  "Checkout latency above 3 s" "Card payments declined for EU customers" "Search returns empty results"
  "Login failures after deploy" "API gateway 502s on /orders" "Order confirmation emails delayed"
  "Office Wi-Fi drops every few minutes" "VPN refuses new connections" "Warehouse scanners cannot sync"
)
levels=(high medium low)
kinds=(outage degradation intermittent)

for n in $(seq 0 33); do
  s=$((RANDOM % ${#services[@]}))
  start=$((n * 2280 + RANDOM % 600))             # spread over ~54 days
  impact=${levels[$((RANDOM % 3))]}; urgency=${levels[$((RANDOM % 3))]}
  reporter=${people[$((RANDOM % 6))]}; responder=${people[$((RANDOM % 6))]}
  team=service-desk; [ "${categories[$s]}" = network ] && team=network
  drill=(); [ $((n % 11)) -eq 5 ] && drill=(--drill)
  detected=$((start - 2 - RANDOM % 10))
  # When the impact began is known for about half (from dashboards, afterwards); no RANDOM
  # draw here, so the rest of the history stays as it was.
  started=(); [ $((n % 2)) -eq 0 ] && started=(--started-at "$(t $((detected - 4 - n % 9)))")
  INCIDENT_USER=$reporter inc open "${titles[$s]}" --service "${services[$s]}" --category "${categories[$s]}" \
    --team "$team" --at "$(t $start)" --detected-at "$(t $detected)" "${started[@]}" \
    -d "Reported by $reporter. Symptoms seen by customers and monitoring; see the timeline." "${drill[@]}"
  i=$(id)
  # The newest few stay in early states so the example has a live backlog.
  stage=6; [ "$n" -ge 29 ] && stage=$((n - 29))
  [ "$stage" -ge 1 ] || continue
  INCIDENT_USER=$responder inc triage "$i" --impact "$impact" --urgency "$urgency" --subcategory "${kinds[$((RANDOM % 3))]}" --at "$(t $((start + 3)))"
  [ "$stage" -ge 2 ] || continue
  ack=$((start + 4 + RANDOM % 40))
  INCIDENT_USER=$responder inc ack "$i" --at "$(t $ack)"
  INCIDENT_USER=$responder inc assign "$i" "$responder" --role commander --at "$(t $((ack + 1)))"
  if [ $((RANDOM % 3)) -eq 0 ]; then
    target=sre; [ "${categories[$s]}" = security ] && target=security
    [ "$team" = network ] && target=network
    INCIDENT_USER=$responder inc escalate "$i" --to L2 --team "$target" --reason "needs $target expertise" --at "$(t $((ack + 10)))"
  fi
  INCIDENT_USER=$responder inc note "$i" "Investigating: checking recent deploys and dashboards" --at "$(t $((ack + 12)))"
  [ "$stage" -ge 3 ] || continue
  mitig=$((ack + 20 + RANDOM % 90))
  INCIDENT_USER=$responder inc update "$i" --status mitigated -m "Impact mitigated; customers can proceed" --at "$(t $mitig)"
  [ "$stage" -ge 4 ] || continue
  res=$((mitig + 10 + RANDOM % 400))
  code=fixed; [ $((RANDOM % 4)) -eq 0 ] && code=rollback
  INCIDENT_USER=$responder inc resolve "$i" --code $code --summary "Root cause addressed; service restored" --at "$(t $res)"
  if [ "$n" -eq 7 ]; then   # a resolution that did not hold
    INCIDENT_USER=$reporter inc reopen "$i" --reason "errors came back" --at "$(t $((res + 60)))"
    res=$((res + 180))
    INCIDENT_USER=$responder inc resolve "$i" --code fixed --summary "Second fix: connection pool resized" --at "$(t $res)"
  fi
  [ "$stage" -ge 6 ] || continue
  priority=$("$bin" show "$i" --json | jq -r .priority)
  if [ "$priority" = P1 ]; then
    due=$(date -u -d "2026-09-28 + $(( (res + 20160) / 1440 )) days" +%Y-%m-%d)
    INCIDENT_USER=$responder inc action add "$i" "Alert on ${services[$s]} saturation before customers notice" \
      --owner "$responder" --due "$due" --type prevent --at "$(t $((res + 1400)))"
    INCIDENT_USER=$responder inc action add "$i" "Runbook: fail over ${services[$s]} in under 5 minutes" \
      --owner "$reporter" --due "$due" --type mitigate --at "$(t $((res + 1410)))"
    INCIDENT_USER=$responder inc postmortem "$i" --at "$(t $((res + 1440)))"
    python3 "$here/fill-postmortem.py" "postmortems/$i.md" "${services[$s]}"
  elif [ "$priority" = P2 ]; then
    INCIDENT_USER=$responder inc postmortem "$i" --at "$(t $((res + 1440)))"
  fi
  if [ $((n % 4)) -eq 0 ]; then
    for a in 1 2 3; do INCIDENT_USER=$responder inc note "$i" "Left a message for $reporter" --contact-attempt --at "$(t $((res + a * 600)))"; done
    INCIDENT_USER=$responder inc close "$i" --at "$(t $((res + 2880)))"
  else
    INCIDENT_USER=$responder inc close "$i" --confirmed-by "$reporter" --at "$(t $((res + 2880)))"
  fi
  # refresh after closing: final status, the whole timeline
  [ -f "postmortems/$i.md" ] && INCIDENT_USER=$responder inc postmortem "$i" --at "$(t $((res + 2900)))"
done

"$bin" list --all >/dev/null   # every file still reads back
rm -rf "$here/incidents" "$here/postmortems"
cp -r "$work/incidents" "$work/postmortems" "$here/"
echo "examples: $(ls "$here"/incidents/*.yaml | wc -l) incidents, $(ls "$here"/postmortems/*.md | wc -l) postmortems"
