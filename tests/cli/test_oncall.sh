#!/usr/bin/env bash
# incident oncall: schedules in .incident/oncall/ answered hour by hour against
# an independent model (tests/cli/oncall_expect.py, Python's zoneinfo) across
# daylight-saving changes; iCal checked with Python's icalendar; overrides
# written, refused and taken back; two clones that agree after sync; validate's
# located errors; the calendar over serve; a symlink that leads out.
source "$(dirname "$0")/lib.sh"

EXPECT="$SOURCE_DIR/tests/cli/oncall_expect.py"
PY=/usr/bin/python3   # Debian's, with python3-yaml and python3-icalendar
TOKEN="oncall-token-$$"

write_people() {
  mkdir -p .incident
  cat >.incident/people.yaml <<'YAML'
people:
  alice: {name: Alice, email: alice@example.com, time_zone: Europe/Berlin, contact: [{email: alice@example.com}]}
  bob: {name: Bob, email: bob@example.com}
  carol: {name: Carol, email: carol@example.com}
  dave: {name: Dave, email: dave@example.com}
  erin: {name: Erin, email: erin@example.com}
YAML
}

# The schedules: sre (Europe/Berlin, a weekly layer under a restricted daily
# one, two hand-written overrides), ny (a daily hand-off at 02:30, which does
# not exist on 2026-03-08) and late (01:30, which happens twice on 2026-11-01).
write_schedules() {
  mkdir -p .incident/oncall
  cat >.incident/oncall/sre.yaml <<'YAML'
name: SRE primary
time_zone: Europe/Berlin
layers:
  - name: weekly
    start: 2026-01-05T09:00
    rotation: weekly
    shift: 1
    members: [alice, bob@example.com, carol]
  - name: office-hours
    start: 2026-01-05T09:00
    rotation: daily
    members: [dave, erin]
    restrict:
      - {days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}
overrides:
  - {from: 2026-03-28T12:00, to: 2026-03-29T12:00, who: erin, reason: cover}
  - {from: "2026-04-20T08:00:00+02:00", to: "2026-04-21T08:00:00+02:00", who: bob, instead_of: alice, reason: swap}
YAML
  cat >.incident/oncall/ny.yaml <<'YAML'
name: NY daily
time_zone: America/New_York
layers:
  - name: daily
    start: 2026-03-01T02:30
    rotation: daily
    members: [alice, bob, carol]
YAML
  cat >.incident/oncall/late.yaml <<'YAML'
name: NY late
time_zone: America/New_York
layers:
  - name: nightly
    start: 2026-10-25T01:30
    rotation: daily
    members: [alice, bob]
YAML
}

with_schedules() {
  new_repo
  write_people
  write_schedules
  git add .incident && git commit -qm "on-call schedules"
}

# who_hours DIR SCHEDULE START COUNT OUT: `incident oncall who SCHEDULE --at T
# --json` in DIR for each of COUNT hours from START, two at a time; each
# answer in OUT/T.out, OUT/T.err and OUT/T.rc.
who_hours() {
  local dir=$1 key=$2 start=$3 count=$4 out=$5
  mkdir -p "$out"
  "$PY" "$EXPECT" hours "$start" "$count" |
    xargs -P2 -I{} sh -c 'cd "$1" && "$0" oncall who "$2" --at "$3" --json >"$4/$3.out" 2>"$4/$3.err"; echo $? >"$4/$3.rc"' \
      "$INCIDENT_BIN" "$dir" "$key" {} "$out"
  [ "$(find "$out" -name '*.rc' | wc -l)" -eq "$count" ] || fail "who_hours: not $count answers"
}

# who_is FILTER EXPECTED: `oncall who --json` output, each person as
# "person source", sorted, joined by ", ".
who_is() { expect_json '[.[] | "\(.person) \(.source)"] | sort | join(", ")' "$1"; }

test_who_follows_the_rotation_hour_by_hour_across_daylight_saving() {
  with_schedules
  run validate; expect_rc 0 "the schedules are valid"
  # 8 weeks, one `oncall who --at` an hour, across 2026-03-29 (02:00 CET -> 03:00 CEST).
  # A sanitizer build (several times slower to start) walks the two weeks around it.
  local from=2026-03-09T00:00:00Z hours=1344
  [ "${INCIDENT_SANITIZED:-0}" = 1 ] && { from=2026-03-23T00:00:00Z; hours=336; }
  who_hours "$T/repo" sre "$from" "$hours" "$T/who"
  "$PY" "$EXPECT" check-who "$T/repo" sre "$T/who" "$from" "$hours" >/dev/null 2>"$T/check.err" ||
    fail "oncall who disagrees with the model:
$(cat "$T/check.err")"
  # The model checked by hand on the Monday after the change (09:00 and 17:00 CEST).
  run oncall who sre --at 2026-03-30T06:59:59Z --json; expect_rc 0; who_is "carol layer weekly"
  expect_json '.[0] | "\(.schedule) \(.name) \(.email)"' "sre Carol carol@example.com"
  run oncall who sre --at 2026-03-30T07:00:00Z --json; expect_rc 0; who_is "dave layer office-hours"
  expect_json '.[0] | "\(.from) \(.until)"' "2026-03-30T07:00:00Z 2026-03-30T15:00:00Z"
  run oncall who sre --at 2026-03-30T15:00:00Z --json; expect_rc 0; who_is "alice layer weekly"
  run oncall who sre --at 2026-03-30T09:00 --json; expect_rc 0; who_is "dave layer office-hours"  # local: 07:00Z
  run oncall who sre --at 2026-03-29T01:00:00Z --json; expect_rc 0; who_is "erin override"        # 03:00 CEST
  expect_json '.[0].reason' cover
  # Before the first hand-off nobody is on call: no object.
  run oncall who sre --at 2026-01-05T07:59:59Z --json; expect_rc 0; expect_json length 0

  # New York at 02:30 daily: 2026-03-08 02:30 does not exist -> 03:00 EDT (07:00Z).
  run oncall shifts ny --from 2026-03-06T00:00:00Z --to 2026-03-11T00:00:00Z --json; expect_rc 0
  printf '%s\n' "$OUT" >"$T/ny.json"
  expect_json '[.[] | .from] | join(" ")' \
    "2026-03-06T00:00:00Z 2026-03-06T07:30:00Z 2026-03-07T07:30:00Z 2026-03-08T07:00:00Z 2026-03-09T06:30:00Z 2026-03-10T06:30:00Z"
  expect_json '.[-1].until' 2026-03-11T00:00:00Z
  "$PY" "$EXPECT" check-shifts "$T/repo" ny 2026-03-06T00:00:00Z 2026-03-11T00:00:00Z "$T/ny.json" >/dev/null 2>"$T/check.err" ||
    fail "ny shifts disagree with the model: $(cat "$T/check.err")"
  run oncall who ny --at 2026-03-08T06:59:59Z --json; expect_rc 0; who_is "alice layer daily"
  run oncall who ny --at 2026-03-08T03:00 --json; expect_rc 0; who_is "bob layer daily"
  expect_json '.[0] | "\(.from) \(.until)"' "2026-03-08T07:00:00Z 2026-03-09T06:30:00Z"
  # 01:30 on 2026-11-01 happens twice: the first (EDT, 05:30Z); the next day 01:30 EST.
  run oncall shifts late --from 2026-10-30T00:00:00Z --to 2026-11-03T00:00:00Z --json; expect_rc 0
  printf '%s\n' "$OUT" >"$T/late.json"
  expect_json '[.[] | .from] | join(" ")' \
    "2026-10-30T00:00:00Z 2026-10-30T05:30:00Z 2026-10-31T05:30:00Z 2026-11-01T05:30:00Z 2026-11-02T06:30:00Z"
  "$PY" "$EXPECT" check-shifts "$T/repo" late 2026-10-30T00:00:00Z 2026-11-03T00:00:00Z "$T/late.json" >/dev/null 2>"$T/check.err" ||
    fail "late shifts disagree with the model: $(cat "$T/check.err")"
}

test_ical_holds_exactly_the_shifts() {
  with_schedules
  local from=2026-03-23T00:00:00Z to=2026-04-27T00:00:00Z
  run oncall shifts sre --from $from --to $to --json; expect_rc 0
  printf '%s\n' "$OUT" >"$T/shifts.json"
  "$PY" "$EXPECT" check-shifts "$T/repo" sre $from $to "$T/shifts.json" >/dev/null 2>"$T/check.err" ||
    fail "sre shifts disagree with the model: $(cat "$T/check.err")"
  expect_json '[.[] | select(.source == "override")] | length > 0' true
  run oncall ical sre --from $from --to $to --at 2026-03-20T12:00:00Z; expect_rc 0
  cp "$T/.out" "$T/1.ics"   # the bytes as printed (CRLF)
  "$PY" "$EXPECT" check-ical "$T/1.ics" "$T/shifts.json" "$T/repo" sre >/dev/null 2>"$T/check.err" ||
    fail "the calendar is not the shifts: $(cat "$T/check.err")"
  # Again, fetched a day later: the same events keep their UIDs.
  run oncall ical sre --from $from --to $to --at 2026-03-21T12:00:00Z; expect_rc 0
  cp "$T/.out" "$T/2.ics"
  "$PY" "$EXPECT" uids "$T/1.ics" >"$T/1.uids"; "$PY" "$EXPECT" uids "$T/2.ics" >"$T/2.uids"
  [ -s "$T/1.uids" ] || fail "no UIDs"
  cmp -s "$T/1.uids" "$T/2.uids" || fail "the UIDs changed between two runs"
  expect_eq "$(wc -l <"$T/1.uids")" "$(jq length "$T/shifts.json")" "one UID a shift"
  # One person's calendar is that person's shifts.
  run oncall shifts sre --from $from --to $to --who alice --json; expect_rc 0
  printf '%s\n' "$OUT" >"$T/alice.json"
  expect_json '[.[] | .person] | unique | join(",")' alice
  "$PY" "$EXPECT" check-shifts "$T/repo" sre $from $to "$T/alice.json" alice >/dev/null 2>"$T/check.err" ||
    fail "alice's shifts disagree with the model: $(cat "$T/check.err")"
  run oncall ical sre --who alice --from $from --to $to --at 2026-03-20T12:00:00Z; expect_rc 0
  cp "$T/.out" "$T/alice.ics"
  "$PY" "$EXPECT" check-ical "$T/alice.ics" "$T/alice.json" "$T/repo" sre >/dev/null 2>"$T/check.err" ||
    fail "alice's calendar is not her shifts: $(cat "$T/check.err")"
  # CSV: the header, then one line a shift.
  run oncall shifts sre --from $from --to $to --format csv; expect_rc 0
  expect_eq "$(head -1 <<<"$OUT" | tr -d "\r")" "person,email,from,until,source"
  expect_eq "$(($(wc -l <<<"$OUT") - 1))" "$(jq length "$T/shifts.json")" "csv lines"
}

test_an_override_replaces_one_person_and_is_taken_back() {
  with_schedules
  local before dir=.incident/oncall/overrides/sre
  before=$(commit_count)
  # Week of 2026-03-09: alice (weekly); Saturday 10:00 to Sunday 10:00 CET is 09:00Z to 09:00Z.
  local args=(--who bob --instead-of alice --from 2026-03-14T10:00 --to 2026-03-15T10:00 --reason "family visit")
  run oncall override sre "${args[@]}" --dry-run; expect_rc 0
  expect_eq "$(commit_count)" "$before" "a dry run commits nothing"
  expect_eq "$(git status --porcelain --untracked-files=all)" "" "a dry run writes nothing"
  expect_no_file "$dir"
  run oncall who sre --at 2026-03-14T12:00:00Z --json; expect_rc 0; who_is "alice layer weekly"
  # Refused, with nothing written.
  run oncall override sre --who bob --instead-of alice --from 2026-03-15T10:00 --to 2026-03-14T10:00; expect_rc 2 "to before from"
  run oncall override sre --who bob --from 2026-03-14T10:00 --to 2026-03-14T10:00; expect_rc 2 "to equal to from"
  run oncall override sre --who zed --from 2026-03-14T10:00 --to 2026-03-15T10:00; expect_rc 2 "an unknown person"
  run oncall override sre --who bob --instead-of zed --from 2026-03-14T10:00 --to 2026-03-15T10:00; expect_rc 2 "an unknown instead-of"
  expect_eq "$(commit_count)" "$before" "a refused override commits nothing"
  expect_eq "$(git status --porcelain --untracked-files=all)" "" "a refused override writes nothing"
  # Written and committed.
  run oncall override sre "${args[@]}"; expect_rc 0
  local id; id=$(tail -1 <<<"$OUT" | tr -d '[:space:]')
  [ -n "$id" ] || fail "override printed no id"
  expect_file "$dir/$id.yaml"
  expect_eq "$(commit_count)" "$((before + 1))" "one commit"
  expect_eq "$(git status --porcelain --untracked-files=all)" "" "committed"
  run oncall who sre --at 2026-03-14T09:00:00Z --json; expect_rc 0; who_is "bob override"
  expect_json '.[0] | "\(.override) \(.reason) \(.from) \(.until)"' "$id family visit 2026-03-14T09:00:00Z 2026-03-15T09:00:00Z"
  run oncall who sre --at 2026-03-14T08:59:59Z --json; expect_rc 0; who_is "alice layer weekly"
  run oncall who sre --at 2026-03-15T09:00:00Z --json; expect_rc 0; who_is "alice layer weekly"
  run oncall shifts sre --from 2026-03-14T00:00:00Z --to 2026-03-16T00:00:00Z --json; expect_rc 0
  expect_json '[.[] | "\(.person) \(.from) \(.until) \(.source)"] | join(", ")' \
    "alice 2026-03-14T00:00:00Z 2026-03-14T09:00:00Z layer weekly, bob 2026-03-14T09:00:00Z 2026-03-15T09:00:00Z override, alice 2026-03-15T09:00:00Z 2026-03-16T00:00:00Z layer weekly"
  run oncall overrides sre --json; expect_rc 0; expect_out "$id"
  run oncall overrides sre; expect_rc 0; expect_out "$id"
  # Instead of alice only while she is on call: Tuesday 12:00-18:00 CET, dave has office hours until 17:00.
  run oncall override sre --who bob --instead-of alice --from 2026-03-10T12:00 --to 2026-03-10T18:00 --no-commit; expect_rc 0
  local id2; id2=$(tail -1 <<<"$OUT" | tr -d '[:space:]')
  expect_file "$dir/$id2.yaml"
  expect_eq "$(commit_count)" "$((before + 1))" "--no-commit commits nothing"
  run oncall who sre --at 2026-03-10T11:00:00Z --json; expect_rc 0; who_is "dave layer office-hours"
  run oncall who sre --at 2026-03-10T16:30:00Z --json; expect_rc 0; who_is "bob override"
  git add -A && git commit -qm "the second override, by hand"
  # Instead of someone who is not on call then: written, with a warning that it changes nothing.
  run oncall override sre --who bob --instead-of erin --from 2026-03-14T10:00 --to 2026-03-14T12:00 --dry-run
  expect_rc 0; expect_err "warning: erin is not on call in sre"
  # Taken back: one commit, the file gone, alice again; the other stays.
  before=$(commit_count)
  run oncall override sre --remove nosuchid; [ "$RC" -ne 0 ] || fail "removing an unknown id succeeded"
  expect_eq "$(commit_count)" "$before" "an unknown id commits nothing"
  run oncall override sre --remove "$id"; expect_rc 0
  expect_eq "$(commit_count)" "$((before + 1))" "one commit"
  expect_no_file "$dir/$id.yaml"
  expect_eq "$(git status --porcelain --untracked-files=all)" "" "committed"
  run oncall who sre --at 2026-03-14T12:00:00Z --json; expect_rc 0; who_is "alice layer weekly"
  run oncall who sre --at 2026-03-10T16:30:00Z --json; expect_rc 0; who_is "bob override"
  run oncall overrides sre --json; expect_rc 0
  grep -qF "$id" <<<"$OUT" && fail "the removed override is still listed"
}

test_two_clones_with_an_override_each_agree_after_sync() {
  two_clones
  write_people; write_schedules
  git add .incident && git commit -qm "on-call schedules" && git push -q origin HEAD:main
  cd "$T/b" || exit 1
  git pull -q --rebase origin main 2>/dev/null || fail "pull in b failed"
  expect_file "$T/b/.incident/oncall/sre.yaml"
  # Tuesday 2026-03-10, 08:00-20:00 CET: alice has the week, dave the office hours.
  cd "$T/a" && run oncall override sre --who bob --instead-of alice --from 2026-03-10T08:00 --to 2026-03-10T20:00 --reason "from a"
  expect_rc 0
  cd "$T/b" && run oncall override sre --who erin --instead-of dave --from 2026-03-10T08:00 --to 2026-03-10T20:00 --reason "from b"
  expect_rc 0
  cd "$T/a" && run sync; expect_rc 0 "sync in a"
  cd "$T/b" && run sync; expect_rc 0 "sync in b"
  cd "$T/a" && run sync; expect_rc 0 "sync in a again"
  expect_eq "$(git -C "$T/a" rev-parse HEAD)" "$(git -C "$T/b" rev-parse HEAD)" "both clones at one commit"
  expect_eq "$(find "$T/a/.incident/oncall/overrides/sre" -name '*.yaml' | wc -l)" 2 "two override files in a"
  expect_eq "$(find "$T/b/.incident/oncall/overrides/sre" -name '*.yaml' | wc -l)" 2 "two override files in b"
  who_hours "$T/a" sre 2026-03-09T00:00:00Z 168 "$T/wa"
  who_hours "$T/b" sre 2026-03-09T00:00:00Z 168 "$T/wb"
  diff -r "$T/wa" "$T/wb" >"$T/diff" || fail "the clones answer differently: $(head -20 "$T/diff")"
  "$PY" "$EXPECT" check-who "$T/a" sre "$T/wa" 2026-03-09T00:00:00Z 168 >/dev/null 2>"$T/check.err" ||
    fail "oncall who in the clones disagrees with the model:
$(cat "$T/check.err")"
  cd "$T/a" || exit 1
  run oncall who sre --at 2026-03-10T07:30:00Z --json; expect_rc 0; who_is "bob override"     # 08:30: a's
  expect_json '.[0].reason' "from a"
  run oncall who sre --at 2026-03-10T11:00:00Z --json; expect_rc 0; who_is "erin override"    # 12:00: b's
  expect_json '.[0].reason' "from b"
  run oncall who sre --at 2026-03-10T19:00:00Z --json; expect_rc 0; who_is "alice layer weekly"
  expect_eq "$(jq -r '[.[] | .person] | join(",")' "$T/wb/2026-03-10T11:00:00Z.out")" erin "b agrees at 12:00"
  expect_eq "$(jq -r '[.[] | .person] | join(",")' "$T/wb/2026-03-10T07:00:00Z.out")" bob "b agrees at 08:00"
}

test_validate_locates_each_schedule_and_people_error() {
  with_schedules
  run validate; expect_rc 0
  cat >.incident/oncall/bad.yaml <<'YAML'
name: Broken
time_zone: Mars/Olympus
layers:
  - name: weekly
    start: 2026-01-05T09:00
    rotation: fortnightly
    members:
      - alice
      - zed
    restrict:
      - days: [mon]
        from: "9am"
        to: "17:00"
combine: both
YAML
  run validate; expect_rc 6
  expect_out ".incident/oncall/bad.yaml:2:12:"    # the time zone
  expect_out ".incident/oncall/bad.yaml:6:15:"    # the rotation
  expect_out ".incident/oncall/bad.yaml:9:9:"     # zed
  expect_out ".incident/oncall/bad.yaml:12:15:"   # "9am"
  expect_out ".incident/oncall/bad.yaml:14:10: error: combine: expected last (the last layer with someone on call) or all"
  expect_out_re "bad\.yaml:9:9:.*zed"
  expect_out_re "bad\.yaml:2:12:.*Mars/Olympus"
  expect_eq "$(grep -c 'oncall/sre.yaml' <<<"$OUT")" 0 "the good schedule is not blamed"
  run oncall who bad; expect_rc 4; expect_err ".incident/oncall/bad.yaml:"
  rm .incident/oncall/bad.yaml
  run validate; expect_rc 0
  # An override file that names nobody.
  run oncall override sre --who bob --from 2026-03-14T10:00 --to 2026-03-15T10:00; expect_rc 0
  local id; id=$(tail -1 <<<"$OUT" | tr -d '[:space:]')
  local f=.incident/oncall/overrides/sre/$id.yaml
  grep -q 'bob' "$f" || fail "the override file does not name bob: $(cat "$f")"
  sed -i 's/\bbob\(@example\.com\)\?\b/zed/' "$f"
  run validate; expect_rc 6; expect_out "$f:"
  git checkout -q -- "$f"
  run validate; expect_rc 0
  # people.yaml: a contact method nobody knows.
  cat >>.incident/people.yaml <<'YAML'
  frank:
    name: Frank
    email: frank@example.com
    contact:
      - pager: "+49 30 1234567"
YAML
  run validate; expect_rc 6
  expect_out ".incident/people.yaml:11:9:"
  expect_out_re "people\.yaml:11:9:.*pager"
}

# get PATH [BEARER]: sets STATUS, CTYPE and OUT (the body). Python's standard
# library, not curl: a fresh machine has no curl.
get() {
  read -r STATUS CTYPE < <(python3 - "$URL$1" "${2:-}" "$T/body" <<'PY'
import sys, urllib.request, urllib.error
url, bearer, body = sys.argv[1:4]
req = urllib.request.Request(url, headers={"Authorization": "Bearer " + bearer} if bearer else {})
try:
    r = urllib.request.urlopen(req, timeout=10)
    status, ctype, data = r.status, r.headers.get("Content-Type", ""), r.read()
except urllib.error.HTTPError as e:
    status, ctype, data = e.code, e.headers.get("Content-Type", ""), e.read()
open(body, "wb").write(data)
print(status, ctype.replace(" ", ""))
PY
)
  OUT=$(cat "$T/body")
}

test_serve_gives_the_calendar_to_the_token_only() {
  with_schedules
  start_serve
  get "/v1/oncall/sre.ics?token=$TOKEN"
  expect_eq "$STATUS" 200 "token in the query"
  [[ $(head -c 15 "$T/body") == "BEGIN:VCALENDAR" ]] || fail "the body does not start with BEGIN:VCALENDAR"
  grep -q '^END:VCALENDAR' "$T/body" || fail "the body does not end the calendar"
  [[ $CTYPE == text/calendar* ]] || fail "content type '$CTYPE', expected text/calendar"
  get /v1/oncall/sre.ics "$TOKEN"
  expect_eq "$STATUS" 200 "token in the header"
  [[ $(head -c 15 "$T/body") == "BEGIN:VCALENDAR" ]] || fail "the body does not start with BEGIN:VCALENDAR (header)"
  get "/v1/oncall/sre.ics?token=${TOKEN}x"; expect_eq "$STATUS" 401 "wrong token in the query"
  grep -q 'BEGIN:VCALENDAR' "$T/body" && fail "a wrong token got the calendar"
  get /v1/oncall/sre.ics wrong; expect_eq "$STATUS" 401 "wrong token in the header"
  get /v1/oncall/sre.ics; expect_eq "$STATUS" 401 "no token"
  get "/v1/oncall/nosuch.ics?token=$TOKEN"; [ "$STATUS" != 200 ] || fail "an unknown schedule got 200"
  stop_serve
  expect_eq "$SERVE_RC" 0 "serve's exit code after SIGTERM"
  grep -qF "$TOKEN" "$T/serve.log" && fail "the log shows the token: $(grep -F "$TOKEN" "$T/serve.log" | head -2)"
  true
}

test_a_schedule_symlinked_out_of_the_repository_is_refused() {
  with_schedules
  ln -s /etc/passwd .incident/oncall/evil.yaml
  run oncall who evil; expect_rc 4
  grep -q 'root:' <<<"$ERR$OUT" && fail "the output shows /etc/passwd"
  local c
  for c in "oncall who evil --json" "oncall shifts evil --from 2026-03-09T00:00:00Z --to 2026-03-10T00:00:00Z" \
           "oncall ical evil --from 2026-03-09T00:00:00Z --to 2026-03-10T00:00:00Z" "oncall list" "oncall who" "validate"; do
    # shellcheck disable=SC2086
    run $c
    grep -q 'root:' <<<"$ERR$OUT" && fail "'incident $c' shows /etc/passwd"
  done
  rm .incident/oncall/evil.yaml
  mv .incident/people.yaml "$T/people.yaml" && ln -s /etc/passwd .incident/people.yaml
  run oncall who sre --at 2026-03-10T12:00:00Z; [ "$RC" -ne 0 ] || fail "a people.yaml leading out was read"
  grep -q 'root:' <<<"$ERR$OUT" && fail "the output shows /etc/passwd (people.yaml)"
  true
}

test_completion_offers_schedules_and_people() {
  with_schedules
  run __complete oncall who ""; expect_rc 0; expect_out "sre"
  run __complete oncall override sre --who ""; expect_out "alice"; expect_out "dave"
  run __complete assign 1 ""; expect_out "bob"
}

run_suite
