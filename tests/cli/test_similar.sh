#!/usr/bin/env bash
# incident similar: a planted pattern (five bicycle thefts in one car park at
# night among 2 000 incidents) is found first, and every score is the sum of
# the parts shown.
source "$(dirname "$0")/lib.sh"

# One incident file, written directly (2 000 through `open` would take a
# minute), with shell builtins only: no process per file, so seeding stays
# quick on a loaded machine.
# write_incident N CATEGORY SUBCATEGORY LOCATION WHEN TAGS TITLE
write_incident() {
  local uid
  printf -v uid '%012d' "$1"
  printf '%s\n' "id: INC-$1" "uid: 00000000-0000-4000-8000-$uid" "title: $7" "status: resolved" "drill: false" \
    "category: $2" "subcategory: $3" "service: site" "priority: P3" "tags: [$6]" "location: $4" \
    "started_at: $5" "opened_at: $5" "timeline:" "  - {at: $5, by: guard@example.com, type: opened, text: seeded}" \
    >"incidents/INC-$1.yaml"
}

# 1 995 incidents of every kind, then the five planted ones: INC-1996..INC-2000.
seeded_repository() {
  new_repo
  RANDOM=17
  local kinds=("security theft" "security vandalism" "security intrusion" "security lost-property" \
    "network outage" "network latency" "facilities power" "facilities hvac" "security phishing")
  local places=("Site A/Car park B/Level 0" "Site A/Car park B/Level -2" "Site A/Lobby" "Site A/Office 2" \
    "Site B/Car park C" "Site B/Warehouse" "Site C/Reception")
  local titles=("Laptop stolen from desk" "Graffiti on the west wall" "Door forced at night" "Wallet handed in" \
    "Core switch down" "Slow VPN for remote staff" "Power cut in building" "Air conditioning failed" \
    "Phishing mail reported")
  local n kind place day hour
  for ((n = 1; n <= 1995; n++)); do
    kind=${kinds[RANDOM % 9]}
    place=${places[RANDOM % 7]}
    printf -v day '%02d' $((1 + RANDOM % 28))
    printf -v hour '%02d' $((RANDOM % 24))
    write_incident "$n" "${kind% *}" "${kind#* }" "$place" "2026-10-${day}T${hour}:15:00Z" "" \
      "${titles[RANDOM % 9]}"
  done
  # Decoys that share one or two parts with the pattern.
  write_incident 7 security theft "Site B/Office 3" 2026-10-06T14:00:00Z "" "Bicycle stolen from the office corridor"
  write_incident 8 security vandalism "Site A/Car park B/Level -1" 2026-10-13T02:10:00Z "car-park" "Mirror of a car broken"
  # The pattern: Tuesday nights, level -1 of car park B, bicycles.
  write_incident 1996 security theft "Site A/Car park B/Level -1" 2026-10-06T02:05:00Z "car-park, night" "Bicycle stolen from rack 3, lock cut"
  write_incident 1997 security theft "Site A/Car park B/Level -1" 2026-10-13T01:50:00Z "car-park, night" "Second bicycle taken from the rack, cable lock cut"
  write_incident 1998 security theft "Site A/Car park B/Level -1" 2026-10-20T02:40:00Z "car-park" "E-bike stolen, lock cut at the bicycle rack"
  write_incident 1999 security theft "Site A/Car park B/Level -1" 2026-10-27T02:20:00Z "car-park, night" "Bicycle rack again, another lock cut overnight"
  write_incident 2000 security theft "Site A/Car park B/Level -1" 2026-11-03T02:30:00Z "night" "Bicycle missing from car park rack"
  git add incidents && git commit -qm "seeded" || fail "seeding failed"
}

test_the_planted_pattern_ranks_first_and_each_score_adds_up() {
  seeded_repository
  run similar 1996 --limit 4 --json; expect_rc 0
  expect_json '.compared' 1999
  expect_json '[.similar[].id] | sort | join(" ")' "INC-1997 INC-1998 INC-1999 INC-2000"
  # Each score is the sum of its parts' contributions, each part its weight x value.
  run similar 1996 --limit 50 --json; expect_rc 0
  expect_json '[.similar[] | ((([.parts[].contribution] | add) * 10000 | round) == (.score * 10000 | round))] | all' true
  expect_json '[.similar[].parts[] | ((.contribution * 10000 | round) - (.weight * .value * 10000 | round) | fabs) <= 1] | all' true
  expect_json '[.similar[0].parts[].name] | join(" ")' "category location time tags text"
  expect_json '[.similar[].parts[] | .weight] | unique | join(" ")' "0.1 0.2 0.25"
  expect_json '.similar[0].parts[0].why' "same security/theft"
  # The decoys come after the pattern.
  expect_json '[.similar[].id] | index("INC-8") > 3' true
  # The table says the same, and the parts' weights.
  run similar 1996 --limit 4; expect_rc 0
  expect_out_re "INC-199[789] +0\.[6-9][0-9] +0\.20 +0\.25"
  expect_out "category 0.20, location 0.25"
  # The location field through the registry: filters and reports.
  run list --where 'location~"car park b/level -1"' --json; expect_rc 0
  expect_json '[.[].id] | join(" ")' "INC-8 INC-1996 INC-1997 INC-1998 INC-1999 INC-2000"
  run report --by location --since 2026-10-01 --until 2026-12-01; expect_rc 0
  expect_out_re "Site A/Car park B/Level -1 +6 "
}

test_similar_refuses_bad_input_and_reports_unreadable_files() {
  seeded_repository
  run similar 99999; expect_rc 3
  run similar 1996 --limit 0; expect_rc 2
  echo "id: [" >incidents/INC-5.yaml
  run similar 1996 --limit 2 --json; expect_rc 4; expect_json '.similar | length' 2
  expect_err "INC-5.yaml"
}

test_open_names_similar_open_incidents_and_update_links_them() {
  seeded_repository
  sed -i 's/^status: resolved/status: investigating/' incidents/INC-1999.yaml incidents/INC-2000.yaml
  git commit -qam "two still open"
  run open "Bicycle stolen from the rack, lock cut" --category security --subcategory theft --tag car-park \
    --location "Site A/Car park B/Level -1" --started-at 2026-11-10T02:15:00Z --similar
  expect_rc 0; expect_out "INC-2001"
  expect_err_re "similar open incidents: INC-(1999|2000) \(0\.[5-9][0-9]\), INC-(1999|2000) \(0\.[5-9][0-9]\)$"
  expect_err "incident update INC-2001 --related INC-"
  grep -q "INC-199[678]" <<<"$ERR" && fail "resolved incidents are no hint: $ERR"
  # Nothing alike, or not asked (stderr is no terminal here): no hint.
  run open "Air conditioning failed on floor 3" --category facilities --subcategory hvac --similar; expect_rc 0
  [ -z "$ERR" ] || fail "a hint for nothing alike: $ERR"
  run open "Bicycle stolen from the rack, lock cut" --category security --subcategory theft; expect_rc 0
  [ -z "$ERR" ] || fail "a hint nobody asked for: $ERR"
  # Linking afterwards.
  run update 2001 --related 1999 --related INC-2000; expect_rc 0; expect_out "INC-2001: related: related to INC-1999, INC-2000"
  run show 2001 --json; expect_json '.related | join(" ")' "INC-1999 INC-2000"
  expect_json '.timeline[-1].type' related
  expect_json '.timeline[-1].ids' "INC-1999,INC-2000"
  run update 2001 --related 1999; expect_rc 5; expect_err "already related"
  run update 2001 --related 9999; expect_rc 3
  run update 2001 --related 2001; expect_rc 2
  run update 1996 --related 2001; expect_rc 0  # resolved, not closed: it may still be linked
}

run_suite
