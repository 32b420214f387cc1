#!/usr/bin/env bash
# Notifications against a real HTTP receiver on 127.0.0.1: every target's
# payload shape, signatures, escaping and limits, retries, timeouts and the
# outbox.
source "$(dirname "$0")/lib.sh"

requests() { wc -l <"$T/requests.log"; }
# body N: the body of the Nth request (1-based)
body() { sed -n "${1}p" "$T/requests.log" | jq -r .body; }
header() { sed -n "${1}p" "$T/requests.log" | jq -r ".headers[\"$2\"]"; }

# notify_repo TYPES...: a repository with one target per type, all events.
notify_repo() {
  new_repo
  {
    echo "web_url: https://git.example.com/ops/incidents/-/blob/main/"
    echo "notify_delivery: {connect_timeout: 1s, timeout: 2s, attempts: 3, backoff: 0s, max_retry_after: 5s}"
    echo "notify:"
    local t
    for t in "$@"; do
      echo "  - {name: $t-target, type: $t, url_env: ${t^^}_URL$( [ "$t" = webhook ] && echo ", secret_env: WEBHOOK_SECRET")}"
    done
  } >>.incident/config.yaml
  git commit -qam "notify targets"
  export WEBHOOK_SECRET="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  for t in "$@"; do export "${t^^}_URL=http://127.0.0.1:$PORT/$t/SECRET-TOKEN-123"; done
}

test_every_target_gets_its_native_payload() {
  start_receiver
  notify_repo slack teams discord mattermost googlechat webhook
  run open "Checkout down" --service checkout --impact high --urgency high
  expect_rc 0
  expect_eq "$(requests)" 6
  python3 - "$T/requests.log" <<'PY' || fail "payload shapes (see above)"
import base64, hashlib, hmac, json, os, sys
reqs = {json.loads(l)["path"].split("/")[1]: json.loads(l) for l in open(sys.argv[1])}
def check(cond, msg):
    if not cond:
        print("payload check failed:", msg, file=sys.stderr); sys.exit(1)
for name, r in reqs.items():
    check(r["method"] == "POST", name + " method")
    check(r["headers"]["content-type"] == "application/json", name + " content type")
    check(r["headers"]["user-agent"].startswith("incident/"), name + " user agent")
b = {k: json.loads(v["body"]) for k, v in reqs.items()}
s = b["slack"]
check("INC-1" in s["text"] and s["blocks"][0]["type"] == "header", "slack text/header")
check(s["blocks"][0]["text"]["type"] == "plain_text" and len(s["blocks"][0]["text"]["text"]) <= 150, "slack header")
check(s["blocks"][1]["type"] == "section" and s["blocks"][1]["text"]["type"] == "mrkdwn", "slack section")
check(len(s["blocks"][1]["fields"]) <= 10, "slack fields")
check(s["blocks"][2]["type"] == "context" and "git.example.com" in s["blocks"][2]["elements"][0]["text"], "slack link")
t = b["teams"]
check(t["type"] == "message", "teams type")
a = t["attachments"][0]
check(a["contentType"] == "application/vnd.microsoft.card.adaptive", "teams content type")
check(a["content"]["type"] == "AdaptiveCard" and a["content"]["version"] == "1.4", "teams card")
check(any(x["type"] == "FactSet" for x in a["content"]["body"]), "teams facts")
check(a["content"]["actions"][0]["type"] == "Action.OpenUrl", "teams action")
d = b["discord"]
e = d["embeds"][0]
check(len(d["content"]) <= 2000 and len(e["title"]) <= 256 and len(e["description"]) <= 4096, "discord limits")
check(isinstance(e["color"], int) and e["color"] == 0xD00000, "discord colour")
check(len(e["fields"]) <= 25 and all(len(f["value"]) <= 1024 for f in e["fields"]), "discord fields")
check(d["allowed_mentions"] == {"parse": []}, "discord mentions off")
m = b["mattermost"]
check(m["attachments"][0]["color"].startswith("#") and m["attachments"][0]["title_link"].endswith("incidents/INC-1.yaml"), "mattermost")
g = b["googlechat"]
check(g["cardsV2"][0]["card"]["header"]["title"].startswith("INC-1") and g["text"], "google chat card")
w = b["webhook"]
check(w["type"] == "incident.opened" and w["data"]["incident"]["id"] == "INC-1", "webhook body")
check(w["data"]["event"]["type"] == "opened", "webhook event")
h = reqs["webhook"]["headers"]
key = base64.b64decode(os.environ["WEBHOOK_SECRET"][len("whsec_"):])
signed = (h["webhook-id"] + "." + h["webhook-timestamp"] + "." + reqs["webhook"]["body"]).encode()
expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
check(h["webhook-signature"] == expected, "standard webhooks signature")
check(h["webhook-id"].startswith("msg_"), "webhook id")
PY
  run ack 1; expect_rc 0
  expect_eq "$(requests)" 12 "ack notifies as 'updated'"
  run note 1 "just a note"; expect_eq "$(requests)" 12 "notes do not notify"
}

test_hostile_title_is_escaped_and_truncated_everywhere() {
  start_receiver
  notify_repo slack teams discord mattermost googlechat webhook
  local title
  title="<script>alert(1)</script> & @everyone 🔥 $(head -c 5000 /dev/zero | tr '\0' 'x')"
  run open "$title" --impact high --urgency high
  expect_rc 0; expect_eq "$(requests)" 6
  python3 - "$T/requests.log" <<'PY' || fail "escaping or limits"
import json, sys
reqs = {json.loads(l)["path"].split("/")[1]: json.loads(json.loads(l)["body"]) for l in open(sys.argv[1])}
def check(c, m):
    if not c: print("failed:", m, file=sys.stderr); sys.exit(1)
s = reqs["slack"]
check("<script>" not in s["text"] and "&lt;script&gt;" in s["text"] and "&amp;" in s["text"], "slack fallback escaped")
check(len(s["blocks"][0]["text"]["text"]) <= 150 and s["blocks"][0]["text"]["text"].endswith("…"), "slack header cut")
check(len(s["text"]) <= 3000, "slack text limit")
d = reqs["discord"]; e = d["embeds"][0]
total = len(e["title"]) + len(e["description"]) + sum(len(f["name"]) + len(f["value"]) for f in e["fields"])
check(total <= 6000 and len(e["title"]) <= 256 and len(d["content"]) <= 2000, "discord limits")
check("@everyone" not in d["content"], "no mass mention")
check("🔥" in e["title"], "emoji kept")
m = reqs["mattermost"]
check(len(m["text"]) <= 4000, "mattermost limit")
t = reqs["teams"]["attachments"][0]["content"]["body"][0]["text"]
check(len(t) <= 500, "teams title limit")
g = reqs["googlechat"]
check(len(g["cardsV2"][0]["card"]["header"]["title"]) <= 200, "google chat limit")
check(reqs["webhook"]["data"]["incident"]["title"].startswith("<script>"), "webhook carries the exact title")
PY
}

test_mentions_and_markup_reach_no_chat_tool() {
  start_receiver
  notify_repo slack teams discord mattermost googlechat
  run open '<users/all> <!channel> <!here> @here @all <a href="https://evil.example">x</a> R&D' --impact high --urgency high
  expect_rc 0; expect_eq "$(requests)" 5
  run update 1 -m "$(printf '<%.0s' $(seq 1 5000))"
  expect_rc 0; expect_eq "$(requests)" 10
  python3 - "$T/requests.log" <<'PY' || fail "a chat tool would read markup or a mention"
import json, re, sys
def check(c, m):
    if not c: print("failed:", m, file=sys.stderr); sys.exit(1)
for line in open(sys.argv[1]):
    r = json.loads(line); tool = r["path"].split("/")[1]; b = json.loads(r["body"])
    if tool == "slack":
        texts = [b["text"], b["blocks"][1]["text"]["text"]] + [f["text"] for f in b["blocks"][1]["fields"]]
    elif tool == "mattermost":
        a = b["attachments"][0]
        texts = [b["text"], a["fallback"], a["title"], a["text"]] + [f["value"] for f in a["fields"]]
    elif tool == "googlechat":
        card = b["cardsV2"][0]["card"]; w = card["sections"][0]["widgets"]
        texts = [b["text"], card["header"]["title"]] + [x["decoratedText"]["text"] for x in w if "decoratedText" in x] \
              + [x["textParagraph"]["text"] for x in w if "textParagraph" in x]
    elif tool == "teams":
        body = b["attachments"][0]["content"]["body"]
        texts = [body[0]["text"], body[1]["text"]] + [f["value"] for f in body[2]["facts"]]
    else:
        texts = [b["content"], b["embeds"][0]["title"], b["embeds"][0]["description"]]
    for t in texts:
        if tool in ("slack", "mattermost", "googlechat"):
            check("<" not in t and ">" not in t, f"{tool}: raw markup in {t[:80]!r}")
            check(not re.search(r"&(?!amp;|lt;|gt;)", t), f"{tool}: broken entity in {t[-40:]!r}")
        else:
            check(not re.search(r"(?<!\\)(\\\\)*[<>]", t), f"{tool}: unescaped bracket in {t[:80]!r}")
            check(not re.search(r"(?<!\\)(\\\\)*\\…", t), f"{tool}: a backslash escapes the cut in {t[-40:]!r}")
        if tool in ("mattermost", "discord", "teams"):  # Slack and Google Chat mention only by <…>
            check(not re.search(r"@(here|all|channel)", t), f"{tool}: mention in {t[:80]!r}")
PY
}

test_500_then_200_is_delivered_once() {
  start_receiver 500 200
  notify_repo slack
  run open "Retry me"
  expect_rc 0; expect_err "notified slack-target"
  expect_eq "$(requests)" 2
  expect_eq "$(body 1)" "$(body 2)" "the same message retried"
  run notify list; expect_out "the outbox is empty"
}

test_429_with_retry_after_waits_and_delivers() {
  start_receiver 429:1 200
  notify_repo discord
  run open "Rate limited"
  expect_rc 0; expect_eq "$(requests)" 2
  local gap
  gap=$(jq -s '.[1].time - .[0].time' "$T/requests.log")
  python3 -c "import sys; sys.exit(0 if $gap >= 0.95 else 1)" || fail "did not wait for Retry-After (gap $gap s)"
}

test_4xx_is_not_retried_and_is_kept() {
  start_receiver 400
  notify_repo mattermost
  run open "Bad request"
  expect_rc 0; expect_eq "$(requests)" 1
  expect_err "HTTP 400"; expect_err "kept in the outbox"
  run notify list --json; expect_json 'length' 1; expect_json '.[0].last_error' "HTTP 400"
}

test_refused_then_flushed_exactly_once() {
  start_receiver
  notify_repo slack webhook
  local good=$PORT
  stop_receiver
  export SLACK_URL="http://127.0.0.1:$good/slack/SECRET-TOKEN-123" WEBHOOK_URL="http://127.0.0.1:$good/webhook/SECRET-TOKEN-123"
  run open "Chat is down too"
  expect_rc 0; expect_eq "$OUT" INC-1; expect_file incidents/INC-1.yaml
  expect_err "kept in the outbox"
  run notify list --json; expect_json 'length' 2
  run notify flush
  expect_rc 1; expect_err "still undelivered"
  start_receiver
  export SLACK_URL="http://127.0.0.1:$PORT/slack/SECRET-TOKEN-123" WEBHOOK_URL="http://127.0.0.1:$PORT/webhook/SECRET-TOKEN-123"
  run notify flush --json
  expect_rc 0; expect_json .delivered 2; expect_json .remaining 0
  expect_eq "$(requests)" 2
  run notify flush; expect_rc 0; expect_out "the outbox is empty"
  expect_eq "$(requests)" 2 "delivered exactly once"
  grep -q '"webhook-signature"' "$T/requests.log" || fail "flushed webhook is signed"
}

test_server_that_never_answers_times_out() {
  start_receiver hang
  notify_repo slack
  sed -i 's/notify_delivery: .*/notify_delivery: {connect_timeout: 1s, timeout: 1s, attempts: 1}/' .incident/config.yaml
  local start=$SECONDS
  run open "Timeout"
  expect_rc 0; expect_file incidents/INC-1.yaml
  [ $((SECONDS - start)) -le 5 ] || fail "took $((SECONDS - start)) s"
  expect_err "Timeout was reached"
  run notify list --json; expect_json 'length' 1
}

test_secrets_never_printed() {
  start_receiver 500 500 500
  notify_repo slack
  run open "Secret check"
  run notify list --json
  run notify flush
  if grep -rq "SECRET-TOKEN-123" "$T/.out" "$T/.err" "$(git rev-parse --git-dir)/incident/outbox"; then
    fail "the URL leaked"
  fi
  printf 'notify:\n  - {name: x, type: slack, url: https://hooks.example.com/x}\n' >.incident/config.yaml
  # The responders' commands go on (nothing is notified, and they say why); validate fails.
  run list; expect_rc 0; expect_err "secrets never go in the repository"; expect_err "nothing is notified"
  run validate; expect_rc 6; expect_out ".incident/config.yaml:2:28:"
}

test_unset_variable_skips_with_warning_and_flags() {
  start_receiver
  notify_repo slack
  unset SLACK_URL
  run open "No URL"; expect_rc 0; expect_err "SLACK_URL is not set"
  export SLACK_URL="http://127.0.0.1:$PORT/slack/x"
  run open "Quiet" --no-notify; expect_rc 0
  run open "Preview" --dry-run
  expect_rc 0; expect_out "would notify slack-target (slack, opened)"; expect_out '"blocks"'
  expect_eq "$(requests)" 0
  run notify test slack-target; expect_rc 0; expect_out "delivered a test message"
  expect_eq "$(requests)" 1
  run notify test nope; expect_rc 2
}

test_hung_targets_share_one_budget_and_a_kill_loses_nothing() {
  start_receiver hang hang hang hang
  notify_repo slack mattermost
  sed -i 's/notify_delivery: .*/notify_delivery: {connect_timeout: 30s, timeout: 30s, attempts: 3, budget: 2s}/' .incident/config.yaml
  git commit -qam "a 2s budget"
  local start=$SECONDS
  run open "Both hang"; expect_rc 0
  # One budget for both targets at once (not 2 x 30 s x 3 attempts), and the change is committed.
  [ $((SECONDS - start)) -le 6 ] || fail "took $((SECONDS - start)) s"
  expect_err "budget"; expect_eq "$(git status --porcelain)" ""
  run notify list --json; expect_json length 2
  # Killed in the middle of delivering: the messages are in the outbox already.
  "$INCIDENT_BIN" open "Killed while sending" >/dev/null 2>&1 &
  local pid=$!
  sleep 1
  kill -9 "$pid"; wait "$pid" 2>/dev/null
  run notify list --json; expect_json length 4
  expect_json '[.[] | select(.incident == "INC-2")] | length' 2
  # The receiver answers again: a flush delivers each queued message exactly once.
  run notify flush; expect_rc 0
  local answered
  answered=$(jq -s '[.[] | select(.answer == "200" and (.body | contains("Killed while sending")))] | length' "$T/requests.log")
  expect_eq "$answered" 2 "each killed message delivered once"
  run notify flush; expect_rc 0; expect_out "the outbox is empty"
  run notify list --json; expect_json length 0
  # An unset URL variable queues with a warning instead of dropping the message.
  unset MATTERMOST_URL
  run note 1 "still down" --no-notify; expect_rc 0
  run update 1 --status investigating; expect_rc 0; expect_err "MATTERMOST_URL is not set; kept in the outbox"
}

test_retry_after_leaves_messages_not_due_and_flush_keeps_its_budget() {
  start_receiver 429:3600 429:3600 429:3600 429:3600 429:3600 429:3600
  notify_repo slack
  # A change: the receiver's Retry-After is the reason given, not the budget.
  run open "Rate limited at once"; expect_rc 0
  expect_err "the receiver asked to retry after 3600 s; kept in the outbox"
  grep -qF "budget" <<<"$ERR" && fail "blames the budget: $ERR"
  expect_eq "$(requests)" 1
  local SLACK=$SLACK_URL i
  unset SLACK_URL
  for i in 1 2 3 4 5; do run open "Queued $i"; expect_rc 0; done
  export SLACK_URL=$SLACK
  local start=$SECONDS
  run notify flush --budget 2s
  expect_rc 1; expect_out "asked to retry after 3600 s"
  [ $((SECONDS - start)) -le 4 ] || fail "flush took $((SECONDS - start)) s"
  expect_eq "$(requests)" 2 "asked once: the others to that target wait as long"
  run notify list --json; expect_json length 6
  expect_json '[.[] | select(.not_before != "")] | length' 6
  # Not due: a second flush does not contact the receiver.
  run notify flush --budget 2s --json
  expect_rc 1; expect_json .delivered 0; expect_json .remaining 6
  expect_json '[.results[] | select(.outcome == "not due")] | length' 6
  expect_eq "$(requests)" 2 "nothing is sent before its not_before"
  run notify flush --budget soon; expect_rc 2
}

test_notify_test_says_it_is_a_test() {
  start_receiver
  notify_repo webhook slack
  run notify test webhook-target; expect_rc 0
  run notify test slack-target; expect_rc 0
  expect_eq "$(body 1 | jq -r .type)" "incident.test"
  body 2 | grep -qF "Test message from incident" || fail "the chat message does not say it is a test"
  grep -qF "INC-0" "$T/requests.log" && fail "a test names an incident"
  true
}

test_template_linked_out_of_the_repository_is_not_read() {
  start_receiver
  notify_repo slack discord
  mkdir -p .incident/templates
  echo "OUTSIDE-SECRET {{title}}" >"$T/outside.mustache"
  ln -s "$T/outside.mustache" .incident/templates/notify-slack.mustache
  echo "Own words: {{title}}" >.incident/templates/notify-discord.mustache
  git add .incident/templates && git commit -qm templates
  run open "Checkout down"
  expect_rc 0; expect_file incidents/INC-1.yaml
  expect_err ".incident/templates/notify-slack.mustache"; expect_err "gets the built-in message text"
  expect_eq "$(requests)" 2
  grep -qF "OUTSIDE-SECRET" "$T/requests.log" "$T/.out" "$T/.err" && fail "the linked file was read"
  jq -r 'select(.path | startswith("/slack")) | .body' "$T/requests.log" | grep -qF "Opened by alice@example.com: Checkout down" \
    || fail "slack did not get the built-in text"
  jq -r 'select(.path | startswith("/discord")) | .body' "$T/requests.log" | grep -qF "Own words: Checkout down" \
    || fail "a template inside the repository is used"
}

run_suite
