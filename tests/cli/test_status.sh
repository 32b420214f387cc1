#!/usr/bin/env bash
# The status page: built from the public updates alone, read by real
# clients (headless Chromium, a feed parser, Statuspage's JSON shape),
# deterministic, and published to a branch without touching the work tree.
source "$(dirname "$0")/lib.sh"

AT=2026-12-01T12:00:00Z

# A repository with components, a public open incident, an internal-only
# one, a public resolved one, an alert-born one made public, and two
# maintenance windows (one public).
status_repo() {
  new_repo
  cat >>.incident/config.yaml <<'EOF'
status_page:
  name: Example status
  url: https://status.example.org
  components:
    - {name: API, group: Platform, services: [api]}
    - {name: Checkout, group: Platform, services: [checkout]}
    - {name: Web site, description: The public web site, services: [web]}
EOF
  git commit -qam "status page settings"
  run open "db-primary-7 melted, paged carol@corp.example" -s api -p P1 --at 2026-12-01T10:00:00Z \
    --public-title "Elevated API errors" --public-message "We are investigating errors on the API."
  expect_rc 0
  run note 1 "internal: root cause on host db-primary-7, ask dave@corp.example" --at 2026-12-01T10:05:00Z
  run update 1 --status mitigated -m "A fix is deployed; we are watching." --public --at 2026-12-01T10:30:00Z
  expect_rc 0
  run open "secret internal migration issue" -s web -p P2 --at 2026-12-01T09:00:00Z
  run note 2 "internal-only note, erin@corp.example" --at 2026-12-01T09:10:00Z
  run update 2 -m "internal stakeholder update for execs" --at 2026-12-01T09:20:00Z
  run open "old outage" -s web -p P3 --at 2026-11-20T08:00:00Z --public-title "Slow page loads" \
    --public-message "Pages load slowly for some visitors."
  run resolve 3 --code fixed --summary "internal: rolled back build 4411" --at 2026-11-20T09:00:00Z \
    --public-message "Page loads are back to normal."
  expect_rc 0
  run open --from-alert "$SOURCE_DIR/tests/data/alerts/alertmanager.json" --at 2026-12-01T11:00:00Z
  expect_rc 0
  run update 4 -m "Checkout is slow; we are on it." --public --public-status identified --at 2026-12-01T11:10:00Z
  expect_rc 0
  run maintenance add --service web --from 2026-12-03T08:00:00Z --to 2026-12-03T09:00:00Z \
    --reason "internal: swap the primary" --public "Web site maintenance" --id web-upgrade
  expect_rc 0
  run maintenance add --service api --from 2026-12-02T08:00:00Z --to 2026-12-02T09:00:00Z \
    --reason "hidden window" --id hidden
  expect_rc 0
}

test_status_site_renders_and_holds_only_public_text() {
  status_repo
  run status build "$T/site" --at "$AT"
  expect_rc 0
  expect_out "public incidents"
  for f in index.html style.css history.atom api/v2/summary.json api/v2/status.json \
    incidents/inc-1.html incidents/inc-3.html incidents/inc-4.html; do
    expect_file "$T/site/$f"
  done
  expect_no_file "$T/site/incidents/inc-2.html"
  # Nothing internal: no note, internal title, email address, alert label or window reason.
  local leaks
  leaks=$(grep -rEl -e '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+\.' -e 'db-primary-7|internal|secret|execs|4411' \
    -e 'checkout-1:8080|CheckoutLatencyHigh|p99 is|prometheus|5ef77f1f|hidden window|swap the primary' "$T/site")
  [ -z "$leaks" ] || fail "internal text leaked into: $leaks"
  # A real browser renders the pages; a screenshot is kept.
  local chromium
  chromium=$(command -v chromium || command -v chromium-browser) || { fail "chromium is not installed"; return; }
  local flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking
    --disable-component-update --disable-sync --user-data-dir="$T/chrome")
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$T/site/index.html" >"$T/index.dom" 2>"$T/chrome.log"
  for text in "Major System Outage" "Elevated API errors" "A fix is deployed; we are watching." \
    "Monitoring" "Identified" "Web site maintenance" "Slow page loads" "Degraded performance"; do
    expect_file_has "$T/index.dom" "$text"
  done
  timeout 120 "$chromium" "${flags[@]}" --dump-dom "file://$T/site/incidents/inc-3.html" >"$T/inc3.dom" 2>>"$T/chrome.log"
  expect_file_has "$T/inc3.dom" "Page loads are back to normal."
  expect_file_has "$T/inc3.dom" "Resolved"
  timeout 120 "$chromium" "${flags[@]}" --window-size=420,1280 --screenshot="$T/shot.png" \
    "file://$T/site/index.html" >>"$T/chrome.log" 2>&1
  expect_file "$T/shot.png"
  [ "$(head -c 4 "$T/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ] || fail "the screenshot is not a PNG"
  mkdir -p "${BUILD_DIR:-$SOURCE_DIR/build}/test-artifacts" &&
    cp "$T/shot.png" "${BUILD_DIR:-$SOURCE_DIR/build}/test-artifacts/status-page.png"
  # The feed: one entry per public update, read by a real feed parser.
  /usr/bin/python3 - "$T/site/history.atom" <<'PY' || fail "history.atom is not the feed expected"
import sys, feedparser
f = feedparser.parse(open(sys.argv[1], "rb").read())
assert not f.bozo, f.bozo_exception
assert f.version == "atom10", f.version
titles = [e.title for e in f.entries]
bodies = [e.summary for e in f.entries]
assert len(f.entries) == 5, titles  # 2 on INC-1, 2 on INC-3, 1 on INC-4
assert bodies[0] == "Checkout is slow; we are on it.", bodies
assert "Page loads are back to normal." in bodies
assert len({e.id for e in f.entries}) == 5
assert all(e.link.startswith("https://status.example.org/incidents/") for e in f.entries)
assert f.entries[0].updated == "2026-12-01T11:10:00Z"
PY
  # summary.json, field by field, in Statuspage's shape.
  /usr/bin/python3 - "$T/site/api/v2/summary.json" "$T/site/api/v2/status.json" <<'PY' || fail "summary.json is not in Statuspage's shape"
import json, sys
s = json.load(open(sys.argv[1])); st = json.load(open(sys.argv[2]))
assert list(s) == ["page", "status", "components", "incidents", "scheduled_maintenances"], list(s)
assert set(s["page"]) == {"id", "name", "url", "time_zone", "updated_at"}
assert s["page"]["name"] == "Example status" and s["page"]["url"] == "https://status.example.org"
assert s["page"]["updated_at"] == "2026-12-01T11:10:00Z"
assert s["status"] == {"indicator": "critical", "description": "Major System Outage"}, s["status"]
assert st == {"page": s["page"], "status": s["status"]}
comp = {c["name"]: c for c in s["components"]}
for c in s["components"]:
    assert {"id", "name", "status", "created_at", "updated_at", "position", "description", "showcase",
            "start_date", "group_id", "page_id", "group", "only_show_if_degraded"} <= set(c), c
    assert c["status"] in ("operational", "degraded_performance", "partial_outage", "major_outage",
                           "under_maintenance")
assert comp["Platform"]["status"] == "major_outage"          # its worst member
assert comp["Platform"]["group"] is True and comp["Platform"]["components"] == ["api", "checkout"]
assert comp["API"]["status"] == "degraded_performance"       # P1, mitigated
assert comp["Checkout"]["status"] == "major_outage"          # the alert's incident: P1 (severity critical)
assert comp["API"]["group_id"] == comp["Platform"]["id"]
assert comp["Web site"]["status"] == "operational"
assert [i["name"] for i in s["incidents"]] == ["Elevated API errors", "Service disruption: Checkout"]
i = s["incidents"][0]
assert {"id", "name", "status", "created_at", "updated_at", "monitoring_at", "resolved_at", "impact",
        "shortlink", "started_at", "page_id", "incident_updates", "components"} <= set(i)
assert i["status"] == "monitoring" and i["impact"] == "critical" and i["resolved_at"] is None
assert i["monitoring_at"] == "2026-12-01T10:30:00Z"
assert [u["body"] for u in i["incident_updates"]] == ["A fix is deployed; we are watching.",
                                                     "We are investigating errors on the API."]
assert all({"id", "status", "body", "created_at", "updated_at", "display_at"} <= set(u) for u in i["incident_updates"])
assert s["incidents"][1]["status"] == "identified"
m = s["scheduled_maintenances"]
assert len(m) == 1 and m[0]["name"] == "Web site maintenance" and m[0]["status"] == "scheduled"
assert m[0]["scheduled_for"] == "2026-12-03T08:00:00Z" and m[0]["scheduled_until"] == "2026-12-03T09:00:00Z"
PY
}

test_status_build_is_deterministic_and_publish_leaves_the_work_tree() {
  status_repo
  run status build "$T/one" --at "$AT"; expect_rc 0
  run status build "$T/two" --at "$AT"; expect_rc 0
  diff -r "$T/one" "$T/two" >/dev/null || fail "two builds of the same repository differ"
  echo "# half-done local edit" >>.incident/config.yaml
  git add .incident/config.yaml
  echo "scratch" >notes.txt
  local head status index
  head=$(git rev-parse HEAD); status=$(git status --porcelain); index=$(sha256sum .git/index)
  run status publish --at "$AT"
  expect_rc 0
  expect_out_re '^status-page: [0-9a-f]{12}$'
  expect_eq "$(git rev-parse HEAD)" "$head" "HEAD moved"
  expect_eq "$(git status --porcelain)" "$status" "the work tree or index changed"
  expect_eq "$(sha256sum .git/index)" "$index" "the index was rewritten"
  git ls-tree -r --name-only status-page >"$T/tree"
  expect_file_has "$T/tree" "index.html"
  expect_file_has "$T/tree" "api/v2/summary.json"
  git show status-page:index.html | cmp -s - "$T/one/index.html" || fail "the branch's page differs from the build"
  run status publish --at "$AT"
  expect_rc 0
  expect_out "status-page: unchanged"
  expect_eq "$(git rev-list --count status-page)" "1"
  run update 1 -m "All clear soon." --public --at 2026-12-01T12:30:00Z
  run status publish --at 2026-12-01T12:31:00Z --json
  expect_rc 0
  expect_json .changed true
  expect_eq "$(git rev-list --count status-page)" "2"
  git show status-page:index.html | grep -qF "All clear soon." || fail "the new update is not published"
  compgen -G ".git/incident/status-site*" >/dev/null && fail "publish left its scratch files behind"
  git fsck --no-progress 2>&1 | grep -E 'error|missing' && fail "git fsck complains"
  return 0
}

test_status_publish_refuses_bad_branches() {
  status_repo
  run status publish --branch main
  expect_rc 2
  expect_err "is the branch checked out here"
  run status publish --branch "bad..name"
  expect_rc 2
  expect_err "not a branch name"
  expect_eq "$(git branch --list | wc -l)" "1"
}

test_status_publish_on_change_republishes_and_pushes() {
  git init -q --bare "$T/remote.git"
  git clone -q "$T/remote.git" "$T/a" 2>/dev/null
  cd "$T/a" || exit 1
  run init; expect_rc 0
  cat >>.incident/config.yaml <<'EOF'
status_page:
  components: [{name: API, services: [api]}]
  publish_on_change: true
EOF
  git commit -qam "status page follows"
  git push -q -u origin HEAD:main 2>/dev/null
  run open "internal title" -s api -p P2
  expect_rc 0
  git rev-parse -q --verify refs/heads/status-page >/dev/null && fail "an internal incident published the page"
  run update 1 -m "We are looking into API errors." --public --sync
  expect_rc 0
  git --git-dir="$T/remote.git" show status-page:index.html | grep -qF "We are looking into API errors." ||
    fail "the public update was not pushed to the remote's status-page"
  # A run killed before it published leaves its marker: the next change publishes.
  echo INC-1 >.git/incident/status-publish.pending
  git update-ref -d refs/heads/status-page
  run open "another internal one" -s api
  expect_rc 0
  git rev-parse -q --verify refs/heads/status-page >/dev/null || fail "the pending publish was not completed"
  expect_no_file .git/incident/status-publish.pending
}

test_status_page_follows_auto_sync_unless_told_not_to() {
  git init -q --bare "$T/remote.git"
  git clone -q "$T/remote.git" "$T/a" 2>/dev/null
  cd "$T/a" || exit 1
  run init; expect_rc 0
  printf 'status_page:\n  components: [{name: API, services: [api]}]\n' >>.incident/config.yaml
  git commit -qam "status page"
  git push -q -u origin HEAD:main 2>/dev/null
  export INCIDENT_AUTO_SYNC=1
  run open "API errors" -s api -p P2 --public-message "We are looking into API errors."
  expect_rc 0
  git --git-dir="$T/remote.git" show status-page:index.html | grep -qF "We are looking into API errors." ||
    fail "with auto-sync, the public update was not published"
  printf '  publish_on_change: false\n' >>.incident/config.yaml
  git commit -qam "no republishing"
  run update 1 -m "Still on it." --public
  expect_rc 0
  git --git-dir="$T/remote.git" show status-page:index.html | grep -qF "Still on it." &&
    fail "publish_on_change: false still republished"
  unset INCIDENT_AUTO_SYNC
  return 0
}

test_status_bad_input_is_refused_with_its_place() {
  status_repo
  run update 1 --component Database=major_outage
  expect_rc 2
  expect_err "no component 'Database'"
  expect_err "use one of: API, Checkout, Web site"
  run update 1 --component API
  expect_rc 2
  expect_err "is not NAME=STATE"
  run update 1 --component API=down
  expect_rc 2
  expect_err "unknown state 'down'"
  run update 1 --public
  expect_rc 2
  run update 1 --public-status fixed -m "x" --public
  expect_rc 2
  expect_err "unknown status 'fixed'"
  run update 1 --component Web=major_outage
  expect_rc 2
  run update 1 --component "web site=partial_outage" --at "$AT"
  expect_rc 0
  run status build "$T/site" --at "$AT"
  expect_rc 0
  jq -e '.components[] | select(.name == "Web site") | .status == "partial_outage"' "$T/site/api/v2/summary.json" \
    >/dev/null || fail "the component set by hand is not partial_outage"
  sed -i 's/services: \[web\]}/services: [web]}\n  states: {P1: down}/' .incident/config.yaml
  run status build "$T/site2"
  expect_rc 4
  expect_err_re '\.incident/config\.yaml:[0-9]+:[0-9]+'
  expect_err "unknown state 'down'"
  run validate
  expect_rc 6
  expect_out_re 'config\.yaml:[0-9]+:[0-9]+'
  git checkout -q .incident/config.yaml
  mkdir -p .incident/templates/status
  printf '{{#unclosed}}\n' >.incident/templates/status/index.html
  run status build "$T/site3"
  expect_rc 4
  expect_err "index.html"
  expect_no_file "$T/site3/index.html"
}

run_suite
