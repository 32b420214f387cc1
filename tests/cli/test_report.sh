#!/usr/bin/env bash
# Reports, the --where language, output formats and the index cache, on a
# copy of the example repository.
source "$(dirname "$0")/lib.sh"

PERIOD=(--since 2026-09-01 --until 2026-11-22)

examples_repo() {
  cp -r "$SOURCE_DIR/examples" "$T/repo" && cd "$T/repo" || exit 1
  git init -q && git add -A && git commit -qm examples
  # As if checked out a while ago: the cache only trusts files older than 2 s.
  find incidents -name '*.yaml' -exec touch -d '1 hour ago' {} +
}

# Python with the YAML loader the other suites use: timestamps stay strings.
PY_PRELUDE='
import csv, glob, io, json, math, statistics, sys, yaml
from datetime import datetime, timedelta
class Loader(yaml.SafeLoader): pass
Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
def load(path): return yaml.load(open(path), Loader=Loader)
def ts(s): return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ") if s else None
'

test_report_figures_equal_an_independent_computation() {
  examples_repo
  run report "${PERIOD[@]}" --json
  expect_rc 0
  echo "$OUT" >"$T/report.json"
  run report "${PERIOD[@]}" --by priority --json
  echo "$OUT" >"$T/by-priority.json"
  python3 - "$T/report.json" "$T/by-priority.json" <<PY || fail "report figures differ from the independent computation"
$PY_PRELUDE
rep = json.load(open(sys.argv[1])); by = json.load(open(sys.argv[2]))
now, since, until = ts(rep["generated_at"]), ts(rep["since"]), ts(rep["until"])
units = {"m": 60, "h": 3600, "d": 86400}
cfg = load(".incident/config.yaml")
targets = {p: {k: int(v[:-1]) * units[v[-1]] for k, v in t.items()} for p, t in cfg["sla"].items()}
incs = [load(f) for f in glob.glob("incidents/*.yaml")]
pop = [i for i in incs if not i.get("drill") and since <= ts(i["opened_at"]) < until]
def done(i): return ts(i.get("resolved_at")) or (ts(i.get("closed_at")) if i["status"] == "closed" else None)
def stat(xs):
    xs = sorted(xs)
    if not xs: return {"n": 0, "mean": None, "median": None, "p90": None}
    r = lambda v: round(v * 10) / 10
    return {"n": len(xs), "mean": r(sum(xs) / len(xs)), "median": r(statistics.median(xs)),
            "p90": r(xs[math.ceil(0.9 * len(xs)) - 1])}
def secs(a, b): return (ts(b) - ts(a)).total_seconds()
def clock(i, key, stop):
    t = targets.get(i.get("priority") or "", {}).get(key)
    if not t: return None
    opened = ts(i["opened_at"])
    if stop: return "met" if (stop - opened).total_seconds() <= t else "missed"
    return "missed" if (now - opened).total_seconds() >= t else None
def compliance(key, stop_of, group):
    states = [clock(i, key, stop_of(i)) for i in group]
    met, missed = states.count("met"), states.count("missed")
    return {"met": met, "missed": missed, "percent": round(1000 * met / (met + missed)) / 10 if met + missed else None}
def figures(group, backlog_group):
    backlog = [i for i in backlog_group if ts(i["opened_at"]) < until and not (done(i) and done(i) <= until)]
    esc = [e for i in group for e in i.get("timeline") or [] if e["type"] == "escalated"]
    return {
        "incidents": len(group),
        "resolved": sum(1 for i in group if i.get("resolved_at")),
        "backlog": len(backlog),
        "backlog_age": stat([(until - ts(i["opened_at"])).total_seconds() for i in backlog]),
        "mttd": stat([secs(i["started_at"], i["detected_at"]) for i in group if i.get("started_at") and i.get("detected_at")]),
        "mtta": stat([secs(i["opened_at"], i["acknowledged_at"]) for i in group if i.get("acknowledged_at")]),
        "mttr": stat([secs(i["opened_at"], i["resolved_at"]) for i in group if i.get("resolved_at")]),
        "respond": compliance("respond", lambda i: ts(i.get("acknowledged_at")), group),
        "resolve": compliance("resolve", done, group),
        "functional": sum(1 for e in esc if e.get("kind") != "hierarchical"),
        "reopens": sum(1 for i in group for e in i.get("timeline") or [] if e["type"] == "reopened"),
    }
def tool(m):
    return {"incidents": m["incidents"], "resolved": m["resolved"], "backlog": m["backlog"],
            "backlog_age": m["backlog_age"], "mttd": m["mttd"], "mtta": m["mtta"],
            "mttr": m["mttr"], "respond": m["sla"]["respond"], "resolve": m["sla"]["resolve"],
            "functional": m["escalations"]["functional"], "reopens": m["reopens"]}
ok = True
def same(what, mine, theirs):
    global ok
    if mine != theirs:
        print(what, "\n  independent:", mine, "\n  tool:       ", theirs, file=sys.stderr); ok = False
nondrill = [i for i in incs if not i.get("drill")]
same("total", figures(pop, nondrill), tool(rep["total"]))
assert rep["total"]["incidents"] > 20 and rep["total"]["mtta"]["n"] > 20 and rep["total"]["mttd"]["n"] > 10, \
    "the example must exercise the figures"
for g in by["groups"]:
    key = g["key"]
    sel = lambda xs: [i for i in xs if (i.get("priority") or "(none)") == key]
    same("priority " + key, figures(sel(pop), sel(nondrill)), tool(g))
sys.exit(0 if ok else 1)
PY
}

test_report_formats_parse_with_standard_tools() {
  examples_repo
  run report "${PERIOD[@]}" --by service --format json
  expect_rc 0
  echo "$OUT" >"$T/r.json"
  jq -e '.total.incidents > 0 and (.groups | length) > 3' "$T/r.json" >/dev/null || fail "jq cannot read report json"
  run report "${PERIOD[@]}" --by service --format ndjson
  expect_rc 0
  echo "$OUT" >"$T/r.ndjson"
  [ "$(jq -c 'select(.record == "group")' "$T/r.ndjson" | wc -l)" -eq "$(jq '.groups | length' "$T/r.json")" ] ||
    fail "ndjson group records differ from json groups"
  jq -se 'map(select(.record == "total")) | length == 1 and .[0].incidents > 0' "$T/r.ndjson" >/dev/null ||
    fail "no total record"
  run report "${PERIOD[@]}" --by service --format csv
  expect_rc 0
  printf '%s' "$OUT" >"$T/r.csv"
  run report "${PERIOD[@]}" --by service --format markdown
  expect_rc 0; expect_out "| total |"; expect_out "## Effort per person"
  run report "${PERIOD[@]}" --by service --format html
  expect_rc 0
  echo "$OUT" >"$T/report.html"
  python3 - "$T" "$SOURCE_DIR/schemas" <<PY || fail "a report format does not parse"
$PY_PRELUDE
import jsonschema
from html.parser import HTMLParser
tmp, schemas = sys.argv[1:3]
doc = json.load(open(tmp + "/r.json"))
schema = json.load(open(schemas + "/report.schema.json"))
jsonschema.Draft7Validator.check_schema(schema)
jsonschema.validate(doc, schema)
rows = list(csv.DictReader(open(tmp + "/r.csv", newline="")))
assert len(rows) == len(doc["groups"]) + 1, "one csv row per group and a total"
assert rows[-1]["group"] == "total" and int(rows[-1]["incidents"]) == doc["total"]["incidents"]
assert float(rows[-1]["mttr_mean_s"]) == doc["total"]["mttr"]["mean"]
class Check(HTMLParser):
    void = {"meta", "br", "img", "link", "input", "hr", "circle", "line", "rect", "polyline"}
    def __init__(self):
        super().__init__(); self.stack = []; self.count = {}
    def handle_starttag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
        if tag not in self.void: self.stack.append(tag)
    def handle_startendtag(self, tag, attrs):
        self.count[tag] = self.count.get(tag, 0) + 1
    def handle_endtag(self, tag):
        if tag in self.void: return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()
p = Check(); p.feed(open(tmp + "/report.html").read()); p.close()
assert not p.stack, f"unclosed {p.stack}"
assert p.count.get("svg") == 3, p.count.get("svg")
assert p.count.get("rect", 0) > 10 and p.count.get("table", 0) >= 3
assert "script" not in p.count and "link" not in p.count, "the page must be self-contained"
PY
}

test_html_report_renders_in_headless_chromium() {
  examples_repo
  run report "${PERIOD[@]}" --by service --format html
  expect_rc 0
  echo "$OUT" >"$T/report.html"
  local chromium
  chromium=$(command -v chromium || command -v chromium-browser) || { fail "chromium is not installed"; return; }
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$T/chrome" \
    --window-size=1200,2400 --screenshot="$T/shot.png" "file://$T/report.html" >"$T/chrome.log" 2>&1
  expect_file "$T/shot.png"
  python3 - "$T/shot.png" <<'PY' || fail "the screenshot is blank"
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, width, height = 8, b"", 0, 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR": width, height = struct.unpack(">II", body[:8])
    if kind == b"IDAT": idat += body
    pos += 12 + n
pixels = zlib.decompress(idat)
assert width >= 1000 and height >= 1000, (width, height)
# A blank page is one colour; the report has text, bars in several colours and lines.
assert len(set(pixels)) > 50, f"only {len(set(pixels))} distinct byte values"
PY
}

test_list_formats_parse_with_standard_tools() {
  examples_repo
  run list --all --format json
  expect_rc 0
  echo "$OUT" >"$T/l.json"
  local n
  n=$(jq length "$T/l.json")
  [ "$n" -eq 34 ] || fail "list --all --format json has $n incidents"
  run list --all --format ndjson
  [ "$(jq -c .id <<<"$OUT" | wc -l)" -eq "$n" ] || fail "ndjson lines"
  run list --all --format csv --fields id,priority,title,opened,ttr
  printf '%s' "$OUT" >"$T/l.csv"
  run list --all --format markdown --fields id,title
  expect_out "| id | title |"; expect_out "| INC-28 |"
  run list --all --format html
  echo "$OUT" >"$T/l.html"
  python3 - "$T" "$SOURCE_DIR/schemas" <<PY || fail "a list format does not parse"
$PY_PRELUDE
import jsonschema
from html.parser import HTMLParser
tmp, schemas = sys.argv[1:3]
doc = json.load(open(tmp + "/l.json"))
jsonschema.validate(doc, json.load(open(schemas + "/list.schema.json")))
rows = list(csv.reader(open(tmp + "/l.csv", newline="")))
assert rows[0] == ["id", "priority", "title", "opened", "ttr"], rows[0]
assert len(rows) == len(doc) + 1
by_id = {r[0]: r for r in rows[1:]}
for d in doc:
    assert by_id[d["id"]][4] == ("" if d["ttr"] is None else str(d["ttr"])), d["id"]
cells = []
class P(HTMLParser):
    def handle_starttag(self, tag, attrs):
        if tag == "td": cells.append(tag)
P().feed(open(tmp + "/l.html").read())
assert len(cells) == len(doc) * 7, len(cells)
PY
}

test_csv_and_markdown_cells_are_inert() {
  new_repo
  run open '=HYPERLINK("http://evil.example")' --service '@SUM(1+1)'
  expect_rc 0
  run open '<img src=x onerror=alert(1)> <a href="https://evil.example">x</a> <script>alert(2)</script>'
  expect_rc 0
  run list --format csv --fields id,service,title
  expect_rc 0
  printf '%s' "$OUT" >"$T/defused.csv"
  run list --format csv --fields id,service,title --raw
  expect_rc 0
  printf '%s' "$OUT" >"$T/raw.csv"
  run report --by service --format csv
  expect_rc 0
  printf '%s' "$OUT" >"$T/report.csv"
  python3 - "$T" <<'PY' || fail "CSV cells"
import csv, sys
tmp = sys.argv[1]
def rows(name): return {r[0]: r for r in csv.reader(open(f"{tmp}/{name}", newline=""))}
d, r, rep = rows("defused.csv"), rows("raw.csv"), rows("report.csv")
assert d["INC-1"][2] == "'=HYPERLINK(\"http://evil.example\")", d["INC-1"]
assert d["INC-1"][1] == "'@SUM(1+1)", d["INC-1"]
assert r["INC-1"][2] == "=HYPERLINK(\"http://evil.example\")", r["INC-1"]
assert r["INC-1"][1] == "@SUM(1+1)", r["INC-1"]
assert "'@SUM(1+1)" in rep, sorted(rep)
assert not any(c[:1] in "=+-@" for row in csv.reader(open(f"{tmp}/defused.csv", newline="")) for c in row if c)
PY
  grep -qF "\"'=HYPERLINK(" "$T/defused.csv" || fail "a defused cell is not quoted"
  run list --format markdown --fields id,title
  expect_rc 0
  command -v pandoc >/dev/null || { fail "pandoc is not installed"; return; }
  pandoc -f gfm -t html <<<"$OUT" >"$T/list.html" || fail "pandoc cannot read the markdown"
  grep -qiE '<(img|a|script)[ >]' "$T/list.html" && fail "markdown cells rendered as HTML: $(cat "$T/list.html")"
  grep -qF '&lt;img src=x onerror=alert(1)&gt;' "$T/list.html" || fail "the title is not shown as text"
  run list --format markdown --raw
  expect_rc 2; expect_err "--raw applies to --format csv only"
}

test_where_sort_limit_fields() {
  examples_repo
  run list --where 'priority<=P2 and status!=closed'
  expect_rc 0; expect_out "INC-34"
  run list --where 'service in (payments, checkout) and opened>=2026-11-01' --sort -opened --fields id,service --format csv
  expect_rc 0
  expect_eq "$(sed -n 2p <<<"$OUT" | tr -d '\r')" "INC-34,payments"
  run list --all --sort priority,-ttr --limit 3 --json --fields id,priority,ttr
  expect_json 'length' 3
  expect_json '.[0].priority' P1
  expect_json '.[1].priority' P2
  expect_json '.[1].ttr >= .[2].ttr' true
  run list --where 'priority=P2' --sort -ttr --json --fields ttr
  expect_json '[.[].ttr] == ([.[].ttr] | sort | reverse)' true
  run list --where 'tag:nope'
  expect_rc 0; expect_no_out
  run list --where 'title~"scanners" and not drill' --json
  expect_json 'map(select(.title | test("scanners"; "i") | not)) | length' 0
  run list --where 'priority<=P2 and'
  expect_rc 2; expect_err "column 17: expected a field name, found the end"; expect_err "                  ^"
  run list --where 'age>soon'
  expect_rc 2; expect_err "column 5: 'soon' is not a duration"
  run list --sort nope
  expect_rc 2; expect_err "--sort: unknown field 'nope'"
  run list --format yaml
  expect_rc 2
  run sla --where 'service=auth' --all --json
  expect_rc 0; expect_json '[.incidents[].id] | length > 0' true
  run action list --where 'service=payments' --json
  expect_rc 0; expect_json '[.[].incident] | unique' '[
  "INC-28"
]'
}

test_default_period_includes_what_was_just_opened() {
  new_repo
  run open "Printer jam" -s office --impact low --urgency low
  run report --json
  expect_rc 0; expect_json .total.incidents 1; expect_json .total.backlog 1
  run report --by year
  expect_rc 2
}

test_location_is_queryable_and_groupable() {
  new_repo
  run open "Badge readers down" --location "Berlin HQ" --impact high --urgency high; expect_rc 0
  run open "Wi-Fi flaky" --location "Berlin HQ"; expect_rc 0
  run open "Printer jam" --location Lisbon; expect_rc 0
  run open "Checkout slow"; expect_rc 0
  run list --where 'location = "Berlin HQ"' --fields id,location --format csv
  expect_rc 0; expect_eq "$(tr -d '\r' <<<"$OUT")" $'id,location\nINC-1,Berlin HQ\nINC-2,Berlin HQ'
  run list --sort location --fields id --format csv   # a missing value sorts first
  expect_rc 0; expect_eq "$(tr -d '\r' <<<"$OUT")" $'id\nINC-4\nINC-1\nINC-2\nINC-3'
  run report --by location --json
  expect_rc 0
  expect_json '.by' location
  expect_json '[.groups[] | "\(.key)=\(.incidents)"] | join(" ")' "(none)=1 Berlin HQ=2 Lisbon=1"
  # Grouping by a scale keeps the scale's order; by a time or a count is refused.
  run report --by impact --json
  expect_rc 0; expect_json '[.groups[].key] | join(" ")' "high (none)"
  run ack 4; expect_rc 0
  run report --by status --json   # the lifecycle's order, not the alphabet's
  expect_rc 0; expect_json '[.groups[].key] | join(" ")' "open investigating"
  run report --by ttr
  expect_rc 2; expect_err "cannot group by 'ttr'"; expect_err "location"
}

test_index_cache_is_used_rebuilt_and_bypassed() {
  examples_repo
  local cache=.git/incident/index
  run list --all --json --fields id,title; echo "$OUT" >"$T/first"
  expect_file "$cache"
  # A hand edit of the same length is seen (size, times and inode are the key).
  sed -i 's/^title: Search returns empty results$/title: Search returns EMPTY results/' incidents/INC-32.yaml
  run list --all --json --fields id,title
  expect_json '.[] | select(.id == "INC-32") | .title' "Search returns EMPTY results"
  # A corrupt cache is rebuilt silently.
  head -c 100 /dev/urandom >"$cache"
  run list --all --json --fields id,title
  expect_rc 0; [ -z "$ERR" ] || fail "a corrupt cache must be silent: $ERR"
  expect_json 'length' 34
  cmp -s <(head -c 8 "$cache") <(printf 'INCIDX\0\0') || fail "cache not rewritten"
  # A truncated one too, and a removed file disappears from the list.
  truncate -s 50 "$cache"
  git rm -q incidents/INC-2.yaml
  run list --all --json
  expect_json 'length' 33
  # --no-cache neither reads nor writes it.
  rm -f "$cache"
  run list --no-cache
  expect_rc 0; expect_no_file "$cache"
  # A broken file is reported every time, never cached as good.
  echo 'id: [' >incidents/INC-3.yaml
  run list; expect_rc 4; expect_err "INC-3.yaml"
  run list; expect_rc 4; expect_err "INC-3.yaml"
  # Single-incident commands do not read the others.
  run show INC-4; expect_rc 0
}

# A paged incident as the pager writes one: `paged` events, one per person and
# contact method; "not paged" attempts are no pages.
paged_incident() {  # ID OPENED ACK|- PAGE-LINES
  local ack=""
  [ "$3" = - ] || ack="acknowledged_at: $3"
  cat >"incidents/$1.yaml" <<YAML
id: $1
title: Checkout down $1
status: $([ "$3" = - ] && echo open || echo investigating)
service: checkout
priority: P1
opened_at: $2
$ack
timeline:
  - {at: $2, by: alertmanager, type: opened, text: Checkout down}
$4
YAML
}

test_report_paging_section() {
  new_repo
  # 2026-11-02 is a Monday; business hours are the defaults, 09:00-17:00 UTC.
  paged_incident INC-1 2026-11-02T10:00:00Z 2026-11-02T10:15:00Z \
"  - {at: 2026-11-02T10:02:00Z, by: pager, type: paged, text: 'step 1: alice by email', policy: sre, step: 1, round: 1, person: alice, method: email, outcome: queued, delivery: page-a-1}
  - {at: 2026-11-02T10:12:00Z, by: pager, type: paged, text: 'step 2: bob by sms', policy: sre, step: 2, round: 1, person: bob, method: sms, outcome: queued, delivery: page-a-2}
  - {at: 2026-11-02T10:12:00Z, by: pager, type: paged, text: 'step 2: carol: no contact', policy: sre, step: 2, round: 1, person: carol, outcome: not paged}
  - {at: 2026-11-02T10:15:00Z, by: bob, type: acknowledged, from: open, to: investigating}"
  paged_incident INC-2 2026-11-02T22:00:00Z - \
"  - {at: 2026-11-02T22:01:00Z, by: pager, type: paged, text: 'step 1: alice by email', policy: sre, step: 1, round: 1, person: alice, method: email, outcome: queued, delivery: page-b-1}"
  paged_incident INC-3 2026-11-03T09:00:00Z - ""
  git add -A && git commit -qm paged
  run report --since 2026-11-01 --until 2026-11-08 --json
  expect_rc 0
  expect_json '.paging.incidents' 2
  expect_json '.paging.time_to_first_page | [.n, .median, .p90] | @csv' '2,90,120'
  expect_json '.paging.pages' 3
  expect_json '.paging.pages_per_incident | [.mean, .max] | @csv' '1.5,2'
  expect_json '.paging.acknowledged_by_step | map("\(.step):\(.incidents)") | join(" ")' '2:1'
  expect_json '.paging.acknowledged_before_any_page' 0
  expect_json '.paging.people | map("\(.person):\(.pages):\(.out_of_hours)") | join(" ")' 'alice:2:1 bob:1:0'
  echo "$OUT" >"$T/r.json"
  python3 - "$T/r.json" "$SOURCE_DIR/schemas/report.schema.json" <<'PY' || fail "paging report does not match its schema"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
PY
  run report --since 2026-11-01 --until 2026-11-08
  expect_rc 0; expect_out "Pages per person"; expect_out "Acknowledged at step"
  # Nothing paged in the period: no section, null in JSON.
  run report --since 2026-11-03 --until 2026-11-08 --json
  expect_rc 0; expect_json '.paging' null
  run report --since 2026-11-03 --until 2026-11-08
  grep -q "Paging" <<<"$OUT" && fail "a Paging section without a paged incident"
}

run_suite
