#!/usr/bin/env bash
# Alert storms: one Alertmanager group of 9 000 alerts (a fleet-wide outage),
# through open --from-alert and through incident serve, opens one incident
# of readable size; a storm of webhooks cut by SIGTERM loses nothing serve
# answered 2xx (group commit: an answer only once its commit exists).
source "$(dirname "$0")/lib.sh"

TOKEN="test-token-$$"

# fleet_group FILE N: an Alertmanager webhook (version 4) of N alerts in one
# group, four alert names, every tenth alert resolved; ~670 bytes an alert.
fleet_group() {
  python3 - "$@" <<'PY'
import json, sys
path, n = sys.argv[1], int(sys.argv[2])
names = ["NodeDown", "DiskFull", "HighLatency", "PodCrashLooping"]
alerts = [{
    "status": "resolved" if i % 10 == 0 else "firing",
    "labels": {"alertname": names[i % 4], "instance": "node-%05d.prod.example:9100" % i, "job": "node",
               "service": "fleet", "severity": "critical", "region": "eu-west-%d" % (i % 3)},
    "annotations": {"summary": "Fleet-wide outage", "description": "%s on node-%05d: %s" % (names[i % 4], i, "x" * 200)},
    "startsAt": "2026-11-22T02:%02d:00Z" % (i % 60), "endsAt": "0001-01-01T00:00:00Z",
    "generatorURL": "http://prometheus.example:9090/graph?g0.expr=up%%3D%%3D0&node=%d" % i,
    "fingerprint": "%016x" % (i * 7919 + 1)} for i in range(n)]
with open(path, "w") as f:
    json.dump({"version": "4", "groupKey": "{}:{service=\"fleet\"}", "truncatedAlerts": 0, "status": "firing",
               "receiver": "incident", "groupLabels": {"service": "fleet"},
               "commonLabels": {"service": "fleet", "severity": "critical"},
               "commonAnnotations": {"summary": "Fleet-wide outage"},
               "externalURL": "http://alertmanager.example:9093", "alerts": alerts}, f)
PY
}

incidents() { find incidents -name '*.yaml' 2>/dev/null | wc -l; }
file_size() { stat -c %s "$1" 2>/dev/null || echo missing; }

# expect_fleet_incident: INC-1, the only incident, keeps the group's count,
# its first alerts and a digest, and is far smaller than the body.
expect_fleet_incident() {
  expect_eq "$(incidents)" 1 "one incident for the group"
  local size; size=$(file_size incidents/INC-1.yaml)
  [[ "$size" =~ ^[0-9]+$ && "$size" -lt 131072 ]] || fail "incidents/INC-1.yaml is $size bytes, not well under 1 MB"
  run show 1 --json
  expect_json .dedup_key '{}:{service="fleet"}'
  expect_json '.description | startswith("Group of 9000 alerts (8100 firing, 900 resolved)")' true
  expect_json '.description | contains("The other 8990, by alert name:")' true
  expect_json '.description | contains("node-00009.prod") and (contains("node-00010.prod") | not)' true
}

test_a_group_of_9000_alerts_opens_one_small_incident_from_the_cli() {
  new_repo
  fleet_group "$T/fleet.json" 9000
  [ "$(file_size "$T/fleet.json")" -gt 5000000 ] || fail "the body is only $(file_size "$T/fleet.json") bytes"
  local before; before=$(commit_count)
  run open --from-alert "$T/fleet.json"
  expect_rc 0 "before: exit 4, file too large"
  expect_eq "$OUT" "INC-1 opened"
  expect_fleet_incident
  expect_eq "$(git status --porcelain)" "" "committed"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  git log -1 --format=%s | grep -q '^INC-1: opened' || fail "HEAD is not INC-1's opening: $(git log -1 --format=%s)"
  run validate; expect_rc 0
}

test_a_group_of_9000_alerts_posted_to_serve_is_committed_before_the_answer() {
  new_repo
  fleet_group "$T/fleet.json" 9000
  start_serve
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" POST "$URL/v1/alerts/alertmanager" --token "$TOKEN" \
    --data "$T/fleet.json" >"$T/.http"
  OUT=$(tail -n +2 "$T/.http")
  expect_eq "$(head -1 "$T/.http")" 200 "before: 500, file too large"
  expect_json '.incidents | length' 1
  expect_json '.incidents[0] | "\(.id) \(.outcome) \(.count)"' "INC-1 opened 1"
  # While serve still runs: the answer came after the commit.
  git show HEAD:incidents/INC-1.yaml 2>/dev/null | grep -q 'Group of 9000 alerts' || fail "HEAD lacks INC-1 at the answer"
  expect_eq "$(git --no-optional-locks status --porcelain)" "" "committed at the answer"
  stop_serve; expect_eq "$SERVE_RC" 0
  expect_fleet_incident
  run validate; expect_rc 0
}

# storm URL PID ANSWERS: 8 threads post 2 000 Alertmanager webhooks of 200
# groups (a few hot, as in an outage) on keep-alive connections as fast as
# they can; SIGTERM goes to PID after 1 s (sooner at 1 000 answers, later if
# none came yet), while they still send. One line per request in ANSWERS:
# "2xx STATUS KEY ID COUNT HEAD" (HEAD: the commit HEAD named when the answer
# came), "refused STATUS KEY" (an answer other than 2xx, or no connection) or
# "cut KEY" (sent, connection lost before the answer). Prints how many were
# answered before SIGTERM, then how many 2xx, refused and cut.
storm() {
  python3 - "$@" "$TOKEN" <<'PY'
import http.client, json, os, random, signal, sys, threading, urllib.parse
url, pid, path, token = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
u = urllib.parse.urlsplit(url)
git = os.path.join(os.getcwd(), ".git")
def head():  # the commit HEAD names now (a ref is replaced by a rename: never half written)
    ref = open(os.path.join(git, "HEAD")).read().split()[-1]
    return open(os.path.join(git, ref)).read().strip()
rnd = random.Random(7)
groups = [int(200 * rnd.random() ** 3) for _ in range(2000)]  # every group, the first few hot
lines, lock, first, thousand = [], threading.Lock(), threading.Event(), threading.Event()
def body(g):
    name = "Storm%03d" % g
    return json.dumps({"version": "4", "groupKey": '{}:{alertname="%s"}' % name, "status": "firing",
        "receiver": "incident", "groupLabels": {"alertname": name},
        "commonLabels": {"alertname": name, "service": "storm", "severity": "warning"},
        "commonAnnotations": {"summary": "Storm group %d" % g},
        "alerts": [{"status": "firing", "labels": {"alertname": name, "service": "storm", "severity": "warning"},
                    "annotations": {"summary": "Storm group %d" % g}, "startsAt": "2026-11-22T03:00:00Z",
                    "fingerprint": "%016x" % g}]}).encode()
def post(conn, g):
    key = '{}:{alertname="Storm%03d"}' % g
    try:
        conn.request("POST", "/v1/alerts/alertmanager", body(g), {"Authorization": "Bearer " + token})
    except OSError:
        conn.close()
        return "refused none " + key
    try:
        r = conn.getresponse()
        data = r.read()
    except (OSError, http.client.HTTPException):
        conn.close()
        return "cut " + key
    if r.will_close:
        conn.close()
    if not 200 <= r.status < 300:
        return "refused %d %s" % (r.status, key)
    o = json.loads(data)["incidents"][0]
    return "2xx %d %s %s %d %s" % (r.status, o["key"], o["id"], o["count"], head())
def worker():
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    while True:
        with lock:
            if not groups:
                return
            g = groups.pop(0)
        line = post(conn, g)
        with lock:
            lines.append(line)
            first.set()
            if len(lines) >= 1000:
                thousand.set()
threads = [threading.Thread(target=worker) for _ in range(8)]
for t in threads:
    t.start()
thousand.wait(1.0)
first.wait(10.0)  # a slow (sanitized) build: not before the first answer
with lock:
    before = len(lines)
os.kill(pid, signal.SIGTERM)
for t in threads:
    t.join()
with open(path, "w") as f:
    f.write("\n".join(lines) + "\n")
count = lambda kind: sum(l.startswith(kind + " ") for l in lines)
print(before, count("2xx"), count("refused"), count("cut"))
PY
}

# committed_events DIR: one JSON line per incident in DIR (a clone of HEAD):
# its id, dedup key and alert events.
committed_events() {
  local f
  for f in "$1"/incidents/*.yaml; do
    (cd "$1" && "$INCIDENT_BIN" show "$(basename "$f" .yaml)" --json) |
      jq -c '{id, key: .dedup_key, alerts: [.timeline[] | select(.type == "alert") | {key, count}]}'
  done
}

# every_answer_on_file ANSWERS EVENTS: each 2xx answer (key, id, count) is
# on file in the final HEAD (EVENTS) and already was in the commit HEAD named
# when the answer came: the incident holds the key; count 1 is its opening,
# count N an alert event with the key and count N. Per key, alert events + 1
# >= 2xx answers; one incident a key. Prints what is missing.
every_answer_on_file() {
  python3 - "$@" <<'PY'
import collections, json, re, subprocess, sys
answers = [l.split(" ")[2:] for l in open(sys.argv[1]).read().split("\n") if l.startswith("2xx ")]
by_key, bad = {}, []
for l in open(sys.argv[2]):
    inc = json.loads(l)
    if inc["key"] in by_key:
        bad.append("two incidents for %s: %s and %s" % (inc["key"], by_key[inc["key"]]["id"], inc["id"]))
    by_key[inc["key"]] = inc
answered = collections.Counter()
for key, iid, count, _ in answers:
    answered[key] += 1
    inc = by_key.get(key)
    if inc is None or inc["id"] != iid:
        bad.append("answered %s %s, HEAD has %s" % (key, iid, inc and inc["id"]))
    elif count != "1" and {"key": key, "count": int(count)} not in inc["alerts"]:
        bad.append("answered %s %s count %s: no such alert event in HEAD" % (key, iid, count))
for key, n in answered.items():
    events = sum(a["key"] == key for a in by_key.get(key, {"alerts": []})["alerts"])
    if events + 1 < n:
        bad.append("%s: %d answers 2xx, %d alert events + the opening in HEAD" % (key, n, events))
# The file each answer names, as the commit HEAD named at the answer holds it.
asked = "".join("%s:incidents/%s.yaml\n" % (sha, iid) for _, iid, _, sha in answers)
out = subprocess.run(["git", "cat-file", "--batch"], input=asked.encode(), capture_output=True, check=True).stdout
for key, iid, count, sha in answers:
    header, out = out.split(b"\n", 1)
    if header.endswith(b" missing"):
        bad.append("answered %s %s before %s was committed (HEAD %s)" % (key, iid, iid, sha))
        continue
    size = int(header.split()[2])
    text, out = out[:size].decode(), out[size + 1:]
    quoted = json.dumps(key)
    event = r"type: alert, key: %s, .*count: %s[,}]" % (re.escape(quoted), count)
    if "dedup_key: %s\n" % quoted not in text or (count != "1" and not re.search(event, text)):
        bad.append("answered %s %s count %s before its commit (HEAD %s)" % (key, iid, count, sha))
print("\n".join(bad[:10]))
PY
}

test_a_storm_cut_by_sigterm_loses_no_answered_alert() {
  new_repo
  start_serve
  local counts before ok refused cut
  counts=$(storm "$URL" "$SERVE" "$T/answers")
  read -r before ok refused cut <<<"$counts"
  wait "$SERVE"; SERVE_RC=$?
  echo "    storm: $before answered before SIGTERM; $ok 2xx, $refused refused, $cut cut; $(commit_count) commits" >&2
  expect_eq "$SERVE_RC" 0 "SIGTERM ends serve with 0"
  grep -q "incident serve: stopped" "$T/serve.log" || fail "no stop line"
  [ "${before:-0}" -gt 0 ] || fail "nothing answered before SIGTERM"
  [ "${ok:-2000}" -lt 2000 ] || fail "the storm ended before SIGTERM: nothing was cut"
  [ "${ok:-0}" -gt 0 ] || fail "no 2xx answer"
  expect_eq "$(git status --porcelain)" "" "every change committed"
  git clone -q "$T/repo" "$T/head"
  committed_events "$T/head" >"$T/events"
  expect_eq "$(every_answer_on_file "$T/answers" "$T/events")" "" "every 2xx answer in HEAD"
  run validate; expect_rc 0
}

run_suite
