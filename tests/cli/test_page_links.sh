#!/usr/bin/env bash
# Acknowledge links: incident serve's GET and POST /v1/page/UID, with no
# bearer token (the HMAC signature authorises them). Links are signed here
# with python3's hmac, as docs/alert-intake.md says they are made; GET
# writes nothing, POST acknowledges or resolves as the person, and anything
# wrong, altered, expired, unknown or resolved writes nothing.
source "$(dirname "$0")/lib.sh"

TOKEN="test-token-$$"
KEY="link-key-for-the-tests-$$"
LATER=4102444800   # 2100-01-01: not expired
EARLIER=1600000000 # 2020-09-13: expired

# link UID WHO EXP [KEY]: the path and query of a signed acknowledge link.
link() {
  python3 - "$1" "$2" "$3" "${4:-$KEY}" <<'PY'
import hashlib, hmac, sys, urllib.parse
uid, who, exp, key = sys.argv[1:5]
sig = hmac.new(key.encode(), f"{uid}\n{who}\n{exp}".encode(), hashlib.sha256).hexdigest()
print(f"/v1/page/{uid}?" + urllib.parse.urlencode({"who": who, "exp": exp, "sig": sig}))
PY
}

# page GET|POST LINK [FIELD=VALUE...]: GET the link as it is, or POST its
# query's fields (and these) as a form to its path, as the page's buttons
# do. Sets STATUS, TYPE (the Content-Type) and OUT (the body).
page() {
  python3 - "$URL" "$@" >"$T/.http" <<'PY'
import sys, urllib.error, urllib.parse, urllib.request
base, method, link = sys.argv[1:4]
path, _, query = link.partition("?")
if method == "GET":
    req = urllib.request.Request(base + link)
else:
    fields = urllib.parse.parse_qsl(query, keep_blank_values=True) + [a.split("=", 1) for a in sys.argv[4:]]
    req = urllib.request.Request(base + path, data=urllib.parse.urlencode(fields).encode(), method="POST",
                                 headers={"Content-Type": "application/x-www-form-urlencoded"})
try:
    with urllib.request.urlopen(req, timeout=30) as r:
        status, kind, body = r.status, r.headers.get("Content-Type"), r.read().decode()
except urllib.error.HTTPError as e:
    status, kind, body = e.code, e.headers.get("Content-Type"), e.read().decode()
print(status)
print(kind)
print(body, end="")
PY
  STATUS=$(sed -n 1p "$T/.http")
  TYPE=$(sed -n 2p "$T/.http")
  OUT=$(tail -n +3 "$T/.http")
}

# A repository with bob in people.yaml and INC-1 open, its title hostile
# HTML; UID is INC-1's uid.
repo_with_an_incident() {
  new_repo
  cat >.incident/people.yaml <<'YAML'
people:
  bob: {name: Bob, email: bob@ops.example.com}
YAML
  git add .incident/people.yaml && git commit -qm "people"
  run open '<script>alert(1)</script> checkout "down" & out' --service checkout --impact high --urgency high
  expect_rc 0
  run show INC-1 --json; UID_=$(jq -r .uid <<<"$OUT")
  [ -n "$UID_" ] && [ "$UID_" != null ] || fail "INC-1 has no uid"
}

# Nothing written since `commit_count` was $1: no commit, no change in the tree.
expect_nothing_written() {
  expect_eq "$(commit_count)" "$1" "no commit"
  expect_eq "$(git status --porcelain)" "" "no file changed"
}

test_get_shows_the_incident_escaped_and_writes_nothing() {
  repo_with_an_incident
  export INCIDENT_LINK_KEY=$KEY
  start_serve
  local before; before=$(commit_count)
  page GET "$(link "$UID_" bob $LATER)"
  expect_eq "$STATUS" 200; expect_eq "$TYPE" "text/html; charset=utf-8"
  expect_out '&lt;script&gt;alert(1)&lt;/script&gt; checkout &quot;down&quot; &amp; out'
  grep -q '<script' <<<"$OUT" && fail "the title reached the page unescaped"
  grep -qiE '(src|href)=' <<<"$OUT" && fail "the page loads something from elsewhere"
  expect_out "INC-1"; expect_out "Priority <b>P"; expect_out "status <b>open</b>"; expect_out "opened"
  expect_out "<form method=\"post\" action=\"$UID_\">"
  expect_out '<input type="hidden" name="action" value="ack">'
  expect_out '<textarea name="summary" required>'
  expect_out "<input type=\"hidden\" name=\"sig\" value=\"$(link "$UID_" bob $LATER | sed 's/.*sig=//')\">"
  expect_nothing_written "$before"
  # Only these paths and methods go without the token.
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" GET "$URL/v1/page/$UID_/x" >"$T/.w"
  expect_eq "$(head -1 "$T/.w")" 401
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" POST "$URL/v1/alerts/alertmanager" --data /dev/null >"$T/.w"
  expect_eq "$(head -1 "$T/.w")" 401
  stop_serve; expect_eq "$SERVE_RC" 0
  grep -q "$KEY" "$T/serve.log" && fail "the log shows the key"
  grep -q "sig=" "$T/serve.log" && fail "the log shows a signature"
}

test_post_acknowledges_as_the_person_once() {
  repo_with_an_incident
  export INCIDENT_LINK_KEY=$KEY
  start_serve
  local before; before=$(commit_count)
  page POST "$(link "$UID_" bob $LATER)" action=ack
  expect_eq "$STATUS" 200; expect_out "Acknowledged INC-1 as bob"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  run show INC-1 --json
  expect_json .status investigating; expect_json .assignee bob@ops.example.com
  expect_json '[.timeline[] | select(.type == "acknowledged") | .by] | join(",")' bob@ops.example.com
  # Again: said calmly, nothing written.
  page POST "$(link "$UID_" bob $LATER)" action=ack
  expect_eq "$STATUS" 200; expect_out "INC-1 was already acknowledged by bob@ops.example.com"
  expect_nothing_written $((before + 1))
  # The page says so and offers only to resolve.
  page GET "$(link "$UID_" bob $LATER)"
  expect_eq "$STATUS" 200; expect_out "Acknowledged by bob@ops.example.com"
  grep -q 'value="ack"' <<<"$OUT" && fail "an acknowledged incident offers to acknowledge"
  stop_serve; expect_eq "$SERVE_RC" 0
}

test_wrong_altered_or_expired_links_get_403_and_write_nothing() {
  repo_with_an_incident
  export INCIDENT_LINK_KEY=$KEY
  start_serve
  local before good bad; before=$(commit_count)
  good=$(link "$UID_" bob $LATER)
  for bad in "${good%?}$([ "${good: -1}" = 0 ] && echo 1 || echo 0)" \
             "${good/who=bob/who=mallory}" \
             "${good/exp=$LATER/exp=$((LATER + 1))}" \
             "$(link "$UID_" bob $EARLIER)" \
             "$(link "$UID_" bob 12x)" \
             "$(link "$UID_" bob $LATER another-key-of-16-bytes)"; do
    page GET "$bad"; expect_eq "$STATUS" 403 "GET $bad"
    page POST "$bad" action=ack; expect_eq "$STATUS" 403 "POST $bad"
  done
  page GET "$(link "$UID_" bob $EARLIER)"; expect_out "the link expired at 2020-09-13T12:26:40Z"
  page GET "${good/who=bob/who=mallory}"; expect_out "signature does not match"
  # Missing parts: 400; a signed link to an incident that does not exist: 404.
  page GET "${good%&sig=*}"; expect_eq "$STATUS" 400; expect_out "the link lacks sig"
  page POST "$good"; expect_eq "$STATUS" 400; expect_out "action must be ack or resolve (the buttons"
  page POST "$good" action=resolve; expect_eq "$STATUS" 400; expect_out "resolving needs a summary"
  page POST "$good" action=close; expect_eq "$STATUS" 400
  local other=00000000-0000-4000-8000-000000000000
  page GET "$(link $other bob $LATER)"; expect_eq "$STATUS" 404; expect_out "no incident has the uid $other"
  page POST "$(link $other bob $LATER)" action=ack; expect_eq "$STATUS" 404
  expect_nothing_written "$before"
  run show INC-1 --json; expect_json .status open; expect_json .assignee null
  stop_serve; expect_eq "$SERVE_RC" 0
}

test_resolve_from_the_link_then_409() {
  repo_with_an_incident
  export INCIDENT_LINK_KEY=$KEY
  start_serve
  local before; before=$(commit_count)
  page POST "$(link "$UID_" bob $LATER)" action=resolve "summary=Rolled back the deploy"
  expect_eq "$STATUS" 200; expect_out "Resolved INC-1 as bob"
  expect_eq "$(commit_count)" $((before + 1)) "one commit"
  run show INC-1 --json
  expect_json .status resolved; expect_json .resolution.summary "Rolled back the deploy"
  expect_json .resolution.code fixed; expect_json .resolution.by bob@ops.example.com
  page POST "$(link "$UID_" bob $LATER)" action=ack
  expect_eq "$STATUS" 409; expect_out "INC-1 is already resolved"
  page POST "$(link "$UID_" bob $LATER)" action=resolve summary=again
  expect_eq "$STATUS" 409
  expect_nothing_written $((before + 1))
  # The page of a resolved incident has no buttons.
  page GET "$(link "$UID_" bob $LATER)"; expect_eq "$STATUS" 200
  grep -q '<form' <<<"$OUT" && fail "a resolved incident offers a form"
  stop_serve; expect_eq "$SERVE_RC" 0
}

test_without_a_key_the_links_get_503_and_the_rest_works() {
  repo_with_an_incident
  unset INCIDENT_LINK_KEY
  start_serve
  local before; before=$(commit_count)
  page GET "$(link "$UID_" bob $LATER)"
  expect_eq "$STATUS" 503; expect_out "acknowledge links are not configured (serve.link_key_env)"
  page POST "$(link "$UID_" bob $LATER)" action=ack; expect_eq "$STATUS" 503
  python3 "$SOURCE_DIR/tests/cli/webhook_client.py" GET "$URL/healthz" --token "$TOKEN" >"$T/.w"
  expect_eq "$(head -1 "$T/.w")" 200
  stop_serve
  # A key shorter than 16 bytes is refused the same way.
  export INCIDENT_LINK_KEY=short-key
  start_serve
  page POST "$(link "$UID_" bob $LATER short-key)" action=ack
  expect_eq "$STATUS" 503; expect_out "INCIDENT_LINK_KEY is shorter than 16 bytes"
  expect_nothing_written "$before"
  stop_serve; expect_eq "$SERVE_RC" 0
}

test_the_config_names_the_key_variable() {
  repo_with_an_incident
  printf 'serve:\n  link_key_env: PAGE_LINK_KEY\n' >>.incident/config.yaml
  git commit -qam "serve: the link key variable"
  export INCIDENT_LINK_KEY=$KEY
  start_serve
  page GET "$(link "$UID_" bob $LATER)"
  expect_eq "$STATUS" 503; expect_out "PAGE_LINK_KEY is not set"
  stop_serve
  unset INCIDENT_LINK_KEY
  export PAGE_LINK_KEY=$KEY
  start_serve
  page GET "$(link "$UID_" bob $LATER)"; expect_eq "$STATUS" 200
  stop_serve; expect_eq "$SERVE_RC" 0
}

test_page_link_prints_the_link_serve_accepts() {
  repo_with_an_incident
  export INCIDENT_LINK_KEY=$KEY
  run page link INC-1 --person bob
  expect_rc 2; expect_err "serve.public_url is not set"
  printf 'serve:\n  public_url: https://ops.example.com/\n' >>.incident/config.yaml
  git commit -qam "serve: public_url"
  # Signed as the tests sign: uid, who and expiry (--at + --expires).
  run page link INC-1 --person bob --at 2099-12-31T23:00:00Z --expires 1h
  expect_rc 0
  expect_eq "$OUT" "https://ops.example.com$(link "$UID_" bob $LATER)"
  run page link INC-1 --person bob@ops.example.com --json
  expect_rc 0; expect_json .person bob
  local printed; printed=$(jq -r .link <<<"$OUT")
  run page link INC-1 --person mallory
  expect_rc 2; expect_err "--person: no person 'mallory' in .incident/people.yaml"
  run page link INC-1 --person bob --expires 10s
  expect_rc 2; expect_err "--expires: '10s' is not a duration of a minute or more"
  INCIDENT_LINK_KEY=short-key run page link INC-1 --person bob
  expect_rc 2; expect_err "INCIDENT_LINK_KEY is shorter than 16 bytes"
  # serve acknowledges through the printed link (its path and query).
  start_serve
  page POST "/${printed#https://ops.example.com/}" action=ack
  expect_eq "$STATUS" 200; expect_out "Acknowledged INC-1 as bob"
  stop_serve; expect_eq "$SERVE_RC" 0
}

run_suite
