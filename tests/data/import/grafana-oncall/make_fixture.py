#!/usr/bin/env python3
# Deterministic generator for the `incident import grafana-oncall --from DIR` fixture.
#
# Run it (Python 3.9+, standard library only) from anywhere:
#
#     python3 tests/data/import/grafana-oncall/make_fixture.py
#
#     python3 tests/data/import/grafana-oncall/make_fixture.py --table   # + per-alert-group table
#
# It (re)writes every JSON file of the fixture next to itself -- users.json,
# users.2.json, personal_notification_rules.json, schedules.json,
# on_call_shifts.json, schedules/<ID>/final_shifts.json, escalation_chains.json,
# escalation_policies.json, integrations.json, routes.json, alert_groups.json,
# alert_groups.2.json, alert_groups/<ID>/alerts.json and resolution_notes.json --
# and prints the "Expected" figures (ids, final shifts, MTTA, MTTR) that
# README.md lists.  Running it twice gives byte-identical files.
#
# The files imitate what Grafana OnCall's public HTTP API v1 returns.  The shapes
# follow grafana/oncall (archived) at commit 3666186a9430dcc65c8ad2999f8353e8fcd298da:
# the serializers in engine/apps/public_api/serializers/, the views in
# engine/apps/public_api/views/, the paginators in
# engine/common/api_helpers/paginators.py and the docs in
# docs/sources/oncall-api-reference/.  Where the docs and the serializers differ,
# the serializers win; README.md lists every such case and every assumption.
#
# Key order inside every object is the order the serializer produces (a field
# the model lacks is skipped by DRF and re-added at the end by to_representation,
# e.g. integrations' "default_route", schedules' "slack" and "type").  Alert
# payloads (stored in a JSON column) come back with the database's key order:
# by key length, then bytewise.

import hashlib
import json
import os
import random
import shutil
import statistics
import sys
from datetime import date, datetime, timedelta, timezone
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261207
UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")

# The OnCall API URL shown on OnCall -> Settings (this one is the example the
# docs' final_shifts script uses); all requests go to ONCALL + /api/v1/...
ONCALL = "https://oncall-prod-us-central-0.grafana.net/oncall"
API = ONCALL + "/api/v1"
GRAFANA = "https://example.grafana.net/"           # organization.grafana_url
PLUGIN = "grafana-oncall-app"                       # PluginID.ONCALL (IRM not enabled)
SLACK_WORKSPACE = "https://example.slack.com"
SLACK_TEAM = "T07EXMPL2K"
SLACK_ALERTS_CHANNEL = "C07SREALRT5"
SLACK_SRE_USER_GROUP = "S07SREONCAL"

# Export instant: the account is saved at this moment.  Open alert groups are
# open now, on_call_now is computed for it; nothing but the final shifts (which
# OnCall computes from the rotations) lies after it.
EXPORT_AT = datetime(2026, 3, 20, 12, 0, 0, tzinfo=UTC)

# final_shifts window: start_date=2026-03-22T23:00&end_date=2026-04-05T22:00
# (the API reads both in UTC), i.e. 2026-03-23 00:00 .. 2026-04-06 00:00 Berlin.
FINAL_START = datetime(2026, 3, 22, 23, 0, 0, tzinfo=UTC)
FINAL_END = datetime(2026, 4, 5, 22, 0, 0, tzinfo=UTC)
FINAL_QUERY = {"start_date": "2026-03-22T23:00", "end_date": "2026-04-05T22:00"}

# alert_groups filter: started_at range (inclusive, UTC), 25 per page.
AG_QUERY = {"started_at": "2026-02-01T00:00:00_2026-03-21T00:00:00", "perpage": "25"}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

# settings.PUBLIC_PRIMARY_KEY_ALLOWED_CHARS (no 0, no O), 12 characters after the prefix
PK_CHARS = "ABCDEFGHIJKLMNPQRSTUVWXYZ123456789"
TOKEN_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_ids = set()


def _register(ident):
    if ident in _ids:
        raise SystemExit("id collision: " + ident)
    _ids.add(ident)
    return ident


def fixed_id(prefix, tail):
    assert len(tail) == 12 and all(c in PK_CHARS for c in tail), tail
    return _register(prefix + tail)


def oc_id(prefix, seed):
    """A stable OnCall public primary key (prefix + 12 chars) derived from a seed string."""
    num = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    out = []
    for _ in range(12):
        num, rem = divmod(num, len(PK_CHARS))
        out.append(PK_CHARS[rem])
    return _register(prefix + "".join(out))


def token(seed, length=25):
    num = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    out = []
    for _ in range(length):
        num, rem = divmod(num, len(TOKEN_CHARS))
        out.append(TOKEN_CHARS[rem])
    return "".join(out)


def hexdigest(seed, n):
    return hashlib.sha256(seed.encode()).hexdigest()[:n]


def drf_dt(dt):
    """DRF DateTimeField / JSON encoder: isoformat in UTC, '+00:00' -> 'Z', microseconds kept."""
    s = dt.astimezone(UTC).isoformat()
    return s[:-6] + "Z" if s.endswith("+00:00") else s


def shift_dt(naive):
    """on_call_shifts 'start'/'rotation_start'/'until': strftime('%Y-%m-%dT%H:%M:%S'), no zone."""
    return naive.strftime("%Y-%m-%dT%H:%M:%S")


def go_time(dt):
    """Alertmanager's RFC 3339 time with milliseconds (as in its webhook body)."""
    dt = dt.astimezone(UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (dt.microsecond // 1000)


def db_json(obj):
    """Key order of a JSON column read back from the database: by length, then bytewise."""
    if isinstance(obj, dict):
        return {k: db_json(obj[k]) for k in sorted(obj, key=lambda k: (len(k.encode()), k.encode()))}
    if isinstance(obj, list):
        return [db_json(v) for v in obj]
    return obj


def write_json(relpath, obj):
    path = os.path.join(HERE, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def fmt_duration(seconds):
    whole = int(seconds)
    h, rem = divmod(whole, 3600)
    m, s = divmod(rem, 60)
    return "%dh%02dm%02d.%06ds" % (h, m, s, round((seconds - whole) * 1e6))


# --- DRF pagination ---------------------------------------------------------

def _url(path, params):
    # rest_framework.utils.urls.replace_query_param/remove_query_param:
    # parse_qs, set/remove the key, urlencode(sorted(items), doseq=True)
    if not params:
        return API + path
    return API + path + "?" + urlencode(sorted(params.items()), doseq=True)


def page_object(path, params, results, page_no, per_page, total):
    """PathPrefixedPagePagination (PageNumberPagination + page_size/current_page_number/total_pages)."""
    pages = max(1, -(-total // per_page))
    nxt = prev = None
    if page_no < pages:
        nxt = _url(path, dict(params, page=str(page_no + 1)))
    if page_no > 1:
        q = dict(params)
        q.pop("page", None)
        if page_no - 1 > 1:
            q["page"] = str(page_no - 1)
        prev = _url(path, q)
    return {
        "count": total,
        "next": nxt,
        "previous": prev,
        "results": results,
        "page_size": per_page,
        "current_page_number": page_no,
        "total_pages": pages,
    }


def write_pages(name, path, params, items, per_page):
    """NAME.json, NAME.2.json, ... each exactly one page object."""
    pages = max(1, -(-len(items) // per_page))
    for p in range(1, pages + 1):
        chunk = items[(p - 1) * per_page:p * per_page]
        fname = name + ".json" if p == 1 else "%s.%d.json" % (name, p)
        write_json(fname, page_object(path, params, chunk, p, per_page, len(items)))
    return pages


# --------------------------------------------------------------------------
# users and personal notification rules
# --------------------------------------------------------------------------

USER_ORDER = ["alice", "bob", "carol", "dave", "erin"]
USERS = {
    # name/job are NOT in the API (the users endpoint has no display name); kept for the report
    "alice": dict(id=fixed_id("U", "ALC7K2QXM4NB"), grafana_id=2, username="alice", name="Alice Schmidt",
                  email="alice@example.com", role="admin", phone=True, timezone="Europe/Berlin",
                  slack={"user_id": "U07ALICE8QX", "team_id": SLACK_TEAM}),
    "bob": dict(id=fixed_id("U", "BB3M9RTW6HJD"), grafana_id=3, username="bob", name="Bob Meyer",
                email="bob@example.com", role="editor", phone=True, timezone="Europe/Berlin",
                slack={"user_id": "U07BOBM3YR2", "team_id": SLACK_TEAM}),
    "carol": dict(id=fixed_id("U", "CR5N4WZP8FKL"), grafana_id=4, username="carol", name="Carol Jones",
                  email="carol@example.com", role="editor", phone=False, timezone="America/New_York",
                  slack=None),
    "dave": dict(id=fixed_id("U", "DV8H6LYQ3TSG"), grafana_id=5, username="dave", name="Dave Weber",
                 email="dave@example.com", role="editor", phone=False, timezone="Europe/Berlin",
                 slack=None),
    "erin": dict(id=fixed_id("U", "ER2J7VSK9XMC"), grafana_id=6, username="erin", name="Erin Novak",
                 email="erin@example.com", role="editor", phone=False, timezone=None,
                 slack=None),
}
BY_ID = {u["id"]: k for k, u in USERS.items()}


def uid(key):
    return USERS[key]["id"]


def user_object(key):
    u = USERS[key]
    # public_api/serializers/users.py UserSerializer.Meta.fields
    return {
        "id": u["id"],
        "grafana_id": u["grafana_id"],
        "email": u["email"],
        "slack": u["slack"],
        "username": u["username"],
        "role": u["role"],
        "is_phone_number_verified": u["phone"],
        "timezone": u["timezone"],
        "teams": [],
    }


# (type, duration seconds or None) per user: default rules, then important rules
NOTIFICATION_RULES = {
    "alice": ([("notify_by_slack", None), ("wait", 300), ("notify_by_phone_call", None)],
              [("notify_by_phone_call", None)]),
    "bob": ([("notify_by_slack", None), ("wait", 900), ("notify_by_sms", None)],
            [("notify_by_sms", None), ("wait", 300), ("notify_by_phone_call", None)]),
    "carol": ([("notify_by_email", None)], [("notify_by_mobile_app_critical", None)]),
    "dave": ([("notify_by_mobile_app", None)], [("notify_by_mobile_app_critical", None)]),
    "erin": ([("notify_by_email", None)], [("notify_by_email", None)]),
}


def notification_rules():
    # views/personal_notifications.py: order_by("user", "important", "order")
    out = []
    for key in USER_ORDER:
        for important, rules in ((False, NOTIFICATION_RULES[key][0]), (True, NOTIFICATION_RULES[key][1])):
            for pos, (typ, dur) in enumerate(rules):
                rid = oc_id("N", "rule/%s/%s/%d" % (key, important, pos))
                obj = {"position": pos, "id": rid, "user_id": uid(key), "type": typ}
                if typ == "wait":
                    obj["duration"] = dur
                obj["important"] = important
                out.append(obj)
    return out


# --------------------------------------------------------------------------
# schedules, shifts and the final-shift computation
# --------------------------------------------------------------------------

SCHED_SRE = fixed_id("S", "SREPRIMARY7K")
SCHED_DB = fixed_id("S", "DBICALFEED9Q")
SCHED_PATCH = fixed_id("S", "PLATMNTHLY4R")

SHIFT_WEEKLY = fixed_id("O", "WKLYSRE3T8KX")
SHIFT_DAILY = fixed_id("O", "DLYSRE5MQ2ZP")
SHIFT_OVERRIDE = fixed_id("O", "VRBBSRE7J4HN")
SHIFT_MONTHLY = fixed_id("O", "MTHPLAT9C6WD")

DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

# Every shift as the model holds it.  "start" is the wall-clock start in the
# shift's time_zone; time_zone None means UTC for a web schedule (web schedules
# call convert_to_ical() without the schedule's zone).
SHIFTS = [
    dict(id=SHIFT_WEEKLY, schedule=SCHED_SRE, name="Weekly", type="rolling_users", time_zone="Europe/Berlin",
         level=0, start=datetime(2026, 1, 5, 9, 0, 0), duration=7 * 86400, frequency="weekly", interval=1,
         week_start="MO", by_day=None, rolling_users=[["alice"], ["bob"], ["carol"]], start_index=0),
    dict(id=SHIFT_DAILY, schedule=SCHED_SRE, name="Office hours", type="rolling_users", time_zone="Europe/Berlin",
         level=1, start=datetime(2026, 1, 5, 9, 0, 0), duration=8 * 3600, frequency="daily", interval=1,
         week_start="MO", by_day=["MO", "TU", "WE", "TH", "FR"], rolling_users=[["dave"], ["erin"]], start_index=0),
    # made in the web UI: time_zone null, start in UTC (= 2026-04-02 18:00 Berlin), 15 h
    dict(id=SHIFT_OVERRIDE, schedule=SCHED_SRE, name="Override", type="override", time_zone=None,
         level=99, start=datetime(2026, 4, 2, 16, 0, 0), duration=15 * 3600, users=["bob"]),
    # made in the web UI: time_zone null (UTC), first day of every month 08:00-16:00 UTC
    dict(id=SHIFT_MONTHLY, schedule=SCHED_PATCH, name="Patch day", type="rolling_users", time_zone=None,
         level=1, start=datetime(2026, 1, 1, 8, 0, 0), duration=8 * 3600, frequency="monthly", interval=1,
         week_start="MO", by_day=None, rolling_users=[["carol"], ["dave"]], start_index=0),
]
SHIFT_BY_ID = {s["id"]: s for s in SHIFTS}


def shift_object(s):
    """public_api/serializers/on_call_shifts.py CustomOnCallShiftSerializer.to_representation."""
    o = {
        "id": s["id"],
        "team_id": None,
        "schedule": s["schedule"],
        "name": s["name"],
        "type": s["type"],
        "time_zone": s["time_zone"],
        "level": s["level"],
        "start": shift_dt(s["start"]),
        "duration": s["duration"],
        "rotation_start": shift_dt(s["start"]),
        "frequency": s.get("frequency"),
        "interval": s.get("interval"),
        "until": None,
        "week_start": s.get("week_start"),
        "by_day": s.get("by_day"),
        "by_month": None,
        "by_monthday": None,
        "users": [uid(k) for k in s.get("users", [])],
        "rolling_users": [[uid(k) for k in g] for g in s.get("rolling_users", [])],
        "start_rotation_from_user_index": s.get("start_index"),
    }
    drop = {"single_event": ["frequency", "interval", "until", "by_day", "by_month", "by_monthday",
                             "week_start", "rolling_users", "start_rotation_from_user_index"],
            "recurrent_event": ["rolling_users", "start_rotation_from_user_index"],
            "rolling_users": ["users"],
            "override": ["level", "frequency", "interval", "until", "by_day", "by_month", "by_monthday",
                         "week_start", "rolling_users", "start_rotation_from_user_index"]}[s["type"]]
    for k in drop:
        o.pop(k, None)
    if s.get("frequency") != "weekly":
        o.pop("week_start", None)
    return o


def zone(s):
    return ZoneInfo(s["time_zone"]) if s["time_zone"] else ZoneInfo("UTC")


def local(naive, tz):
    return naive.replace(tzinfo=tz).astimezone(UTC)


def add_months(naive, k):
    y, m = divmod(naive.month - 1 + k, 12)
    return naive.replace(year=naive.year + y, month=m + 1)


def expand(s, a, b):
    """Events (start, end, user, level, is_override, shift id) of one shift overlapping [a, b).

    Hand-offs keep wall-clock time in the shift's zone: turn k starts at the
    local time base + k steps, and an event ends at local start + duration
    (OnCall: recurring_ical_events re-localizes every occurrence start, and the
    adapter's _normalize() keeps the end's wall-clock time across a DST change).
    Daily rotations with by_day advance on the selected days only
    (CustomOnCallShift._daily_by_day_to_ical)."""
    tz = zone(s)
    dur = timedelta(seconds=s["duration"])
    out = []
    if s["type"] == "override":
        st = local(s["start"], tz)
        if st < b and st + dur > a:
            out.append((st, st + dur, s["users"][0], s["level"], True, s["id"]))
        return out
    groups = s["rolling_users"]
    groups = groups[s["start_index"]:] + groups[:s["start_index"]]
    n = len(groups)
    step = s["interval"]
    k = 0
    turn = 0
    while True:
        if s["frequency"] == "weekly":
            st_naive = s["start"] + timedelta(days=7 * step * k)
        elif s["frequency"] == "monthly":
            st_naive = add_months(s["start"], step * k)
        elif s["frequency"] == "daily":
            st_naive = s["start"] + timedelta(days=k)
            if s["by_day"] and DAYS[st_naive.weekday()] not in s["by_day"]:
                k += 1
                continue
        else:
            raise ValueError(s["frequency"])
        st = local(st_naive, tz)
        en = local(st_naive + dur, tz)
        if st >= b:
            break
        if en > a:
            for user in groups[turn % n]:
                out.append((st, en, user, s["level"], False, s["id"]))
        k += 1
        turn += 1
    return out


def final_shifts(shift_ids, a, b):
    """OnCallSchedule._resolve_schedule: overrides first, then levels from the highest
    down; a lower event only fills time no higher one holds (it is split around it);
    at the same level the earlier event keeps the overlap.  Pieces are not merged
    (two adjacent events of one user stay two rows); rows are cut at [a, b] and
    sorted by (start, shift id), as the final_shifts view returns them."""
    look = timedelta(days=40)
    events = []
    for sid in shift_ids:
        events += expand(SHIFT_BY_ID[sid], a - look, b + look)
    points = sorted({t for e in events for t in (e[0], e[1])} | {a, b})
    pieces = []  # (start, end, user, event)
    for p, q in zip(points, points[1:]):
        if p < a or q > b:
            continue
        cover = [e for e in events if e[0] <= p < e[1]]
        if not cover:
            continue
        best = min(cover, key=lambda e: (not e[4], -e[3], e[0]))
        if pieces and pieces[-1][3] == best and pieces[-1][1] == p:
            pieces[-1] = (pieces[-1][0], q, best[2], best)
        else:
            pieces.append((p, q, best[2], best))
    pieces.sort(key=lambda x: (x[0], x[3][5]))
    return [(s, e, u) for s, e, u, _ in pieces]


def on_call_at(shift_ids, t):
    rows = final_shifts(shift_ids, t, t + timedelta(seconds=1))
    return [u for _, _, u in rows]


SRE_SHIFTS = [SHIFT_WEEKLY, SHIFT_DAILY, SHIFT_OVERRIDE]
PATCH_SHIFTS = [SHIFT_MONTHLY]

# The iCal schedule's events live in an external calendar that is not part of
# the export.  Assumed content: week-long turns, Monday 08:00 UTC, Erin in the
# week of 2026-03-16, Dave in the week of 03-23, Erin in the week of 03-30.
DB_ICAL_ROWS = [
    (datetime(2026, 3, 16, 8, 0, tzinfo=UTC), datetime(2026, 3, 23, 8, 0, tzinfo=UTC), "erin"),
    (datetime(2026, 3, 23, 8, 0, tzinfo=UTC), datetime(2026, 3, 30, 8, 0, tzinfo=UTC), "dave"),
    (datetime(2026, 3, 30, 8, 0, tzinfo=UTC), datetime(2026, 4, 6, 8, 0, tzinfo=UTC), "erin"),
]


def db_ical_final(a, b):
    return [(max(s, a), min(e, b), u) for s, e, u in DB_ICAL_ROWS if s < b and e > a]


def final_shifts_object(rows):
    # views/schedules.py final_shifts: mocked pagination, every row in one response
    data = [{
        "user_pk": uid(u),
        "user_email": USERS[u]["email"],
        "user_username": USERS[u]["username"],
        "shift_start": drf_dt(s),
        "shift_end": drf_dt(e),
    } for s, e, u in rows]
    return {"count": len(data), "next": None, "previous": None, "results": data,
            "current_page_number": 1, "page_size": 50, "total_pages": 1}


def schedule_objects():
    # serializers/schedules_web.py, schedules_ical.py, schedules_base.py;
    # rest_polymorphic appends "type" last; "slack" is re-added last by to_representation
    sre = {
        "id": SCHED_SRE, "team_id": None, "name": "SRE Primary", "time_zone": "Europe/Berlin",
        "on_call_now": [uid(u) for u in on_call_at(SRE_SHIFTS, EXPORT_AT)],
        "shifts": SRE_SHIFTS,
        "slack": {"channel_id": SLACK_ALERTS_CHANNEL, "user_group_id": SLACK_SRE_USER_GROUP},
        "type": "web",
    }
    db = {
        "id": SCHED_DB, "team_id": None, "name": "Database (iCal)",
        "ical_url_primary": "https://calendar.example.com/oncall/database.ics",
        "ical_url_overrides": None,
        "on_call_now": [uid(u) for s, e, u in DB_ICAL_ROWS if s <= EXPORT_AT < e],
        "slack": {"channel_id": None, "user_group_id": None},
        "type": "ical",
    }
    patch = {
        "id": SCHED_PATCH, "team_id": None, "name": "Platform patch day", "time_zone": "UTC",
        "on_call_now": [uid(u) for u in on_call_at(PATCH_SHIFTS, EXPORT_AT)],
        "shifts": PATCH_SHIFTS,
        "slack": {"channel_id": None, "user_group_id": None},
        "type": "web",
    }
    return [sre, db, patch]


# --------------------------------------------------------------------------
# escalation, integrations, routes
# --------------------------------------------------------------------------

CHAIN_SRE = fixed_id("F", "SRECHA1N8QWK")
POLICY_IDS = [fixed_id("E", "SRESTEP1XK7A"), fixed_id("E", "SRESTEP2XK7B"), fixed_id("E", "SRESTEP3XK7C"),
              fixed_id("E", "SRESTEP4XK7D"), fixed_id("E", "SRESTEP5XK7E"), fixed_id("E", "SRESTEP6XK7F")]


def escalation_policies():
    # serializers/escalation_policies.py: OrderedModelSerializer fields (position first),
    # fields of other step types popped, "important" (no model field) appended last
    base = lambda i, typ: {"position": i, "id": POLICY_IDS[i], "escalation_chain_id": CHAIN_SRE, "type": typ}
    p0 = base(0, "notify_on_call_from_schedule")
    p0.update({"notify_on_call_from_schedule": SCHED_SRE, "important": False})
    p1 = base(1, "wait")
    p1["duration"] = 300
    p2 = base(2, "notify_persons")
    p2.update({"persons_to_notify": [uid("carol")], "important": False})
    p3 = base(3, "wait")
    p3["duration"] = 600
    p4 = base(4, "notify_persons")
    p4.update({"persons_to_notify": [uid("dave"), uid("erin")], "important": False})
    p5 = base(5, "repeat_escalation")
    return [p0, p1, p2, p3, p4, p5]


# Escalation timeline of the chain (seconds after the alert group starts), as the
# engine runs it: repeat_escalation restarts at step 0 while its counter < 5
# (EscalationPolicy.MAX_TIMES_REPEAT), so the chain runs 6 times.
def escalation_pages():
    out = []  # (offset seconds, "schedule" | user key)
    for rnd in range(6):
        t0 = rnd * 900
        out += [(t0, "schedule"), (t0 + 300, "carol"), (t0 + 900, "dave"), (t0 + 900, "erin")]
    return out


INTEGRATIONS = {
    "checkout": dict(id=fixed_id("C", "CHECKUTAM4X2"), name="Checkout", route=fixed_id("R", "CHKDEFAULT3Q"),
                     token=token("integration/checkout"), service="checkout"),
    "payments": dict(id=fixed_id("C", "PAYMNTSAM7K9"), name="Payments", route=fixed_id("R", "PAYDEFAULT8W"),
                     token=token("integration/payments"), service="payments"),
}
INTEGRATION_ORDER = ["checkout", "payments"]


def route_slack():
    return {"channel_id": SLACK_ALERTS_CHANNEL, "enabled": True}


def integration_object(key):
    i = INTEGRATIONS[key]
    templates = {
        "grouping_key": None, "resolve_signal": None, "acknowledge_signal": None, "source_link": None,
        "slack": {"title": None, "message": None, "image_url": None},
        "web": {"title": None, "message": None, "image_url": None},
        "sms": {"title": None},
        "phone_call": {"title": None},
        "telegram": {"title": None, "message": None, "image_url": None},
        "mobile_app": {"title": None, "message": None},
        "email": {"title": None, "message": None},
        "msteams": {"title": None, "message": None, "image_url": None},
    }
    # serializers/integrations.py: MaintainableObjectSerializerMixin fields first;
    # "default_route" is set by to_representation after the others
    return {
        "maintenance_mode": None,
        "maintenance_started_at": None,
        "maintenance_end_at": None,
        "id": i["id"],
        "name": i["name"],
        "description_short": None,
        "team_id": None,
        "link": "%s/integrations/v1/alertmanager/%s/" % (ONCALL, i["token"]),
        "inbound_email": None,
        "type": "alertmanager",
        "templates": templates,
        "heartbeat": None,
        "default_route": {
            "id": i["route"],
            "escalation_chain_id": CHAIN_SRE,
            "slack": route_slack(),
            "telegram": {"id": None, "enabled": False},
        },
    }


def route_object(key):
    i = INTEGRATIONS[key]
    # serializers/routes.py ChannelFilterSerializer; the default route has filtering_term None
    return {
        "position": 0,
        "id": i["route"],
        "integration_id": i["id"],
        "escalation_chain_id": CHAIN_SRE,
        "routing_type": "regex",
        "routing_regex": None,
        "is_the_last_route": True,
        "slack": route_slack(),
        "telegram": {"id": None, "enabled": False},
    }


# --------------------------------------------------------------------------
# alert groups, alerts, resolution notes
# --------------------------------------------------------------------------

RULES = {
    "checkout": [("HighErrorRate", "critical", "5xx ratio above 5% for 5 minutes"),
                 ("HighLatencyP99", "warning", "p99 latency above 1.5 s for 10 minutes"),
                 ("PodCrashLooping", "critical", "A checkout pod restarts repeatedly"),
                 ("CheckoutQueueBacklog", "warning", "Order queue backlog above 10k messages")],
    "payments": [("PaymentProviderTimeouts", "critical", "Provider API timeouts above 2%"),
                 ("HighErrorRate", "critical", "5xx ratio above 5% for 5 minutes"),
                 ("DatabaseConnectionsSaturated", "warning", "Connection pool above 90% for 10 minutes"),
                 ("CertificateExpiringSoon", "warning", "TLS certificate expires in less than 14 days")],
}

NOTES = [
    "Rolled back the last deploy; error rate back to normal.",
    "Provider had a partial outage, see their status page. Nothing to do on our side.",
    "Scaled the deployment from 6 to 10 replicas.",
    "Restarted the stuck consumer; backlog drained in 20 minutes.",
    "Raised the connection pool limit, follow-up ticket to fix the leak.",
    "False positive: the probe hit a maintenance endpoint. Silenced the rule for that path.",
    "Renewed the certificate and reloaded the ingress.",
    "Cache node failed over; latency recovered after warm-up.",
    "Feature flag turned off, fix ships tomorrow.",
    "Disk filled by debug logs, log level reset to info.",
]


def micro(rng):
    return timedelta(microseconds=rng.randrange(1, 1000000))


def build_alert_groups(rng):
    """50 groups in creation order, with times, people, alerts and notes."""
    created = []
    lo = datetime(2026, 2, 1, 0, 0, 0, tzinfo=UTC).timestamp()
    hi = datetime(2026, 3, 18, 0, 0, 0, tzinfo=UTC).timestamp()
    for _ in range(46):
        created.append((datetime.fromtimestamp(rng.uniform(lo, hi), UTC).replace(microsecond=0) + micro(rng),
                        "resolved"))
    created.sort()
    day19 = datetime(2026, 3, 19, 8, 0, 0, tzinfo=UTC).timestamp()
    for _ in range(2):
        created.append((datetime.fromtimestamp(rng.uniform(day19, day19 + 8 * 3600), UTC).replace(microsecond=0)
                        + micro(rng), "acknowledged"))
    now_lo = datetime(2026, 3, 20, 10, 30, 0, tzinfo=UTC).timestamp()
    for _ in range(2):
        created.append((datetime.fromtimestamp(rng.uniform(now_lo, now_lo + 80 * 60), UTC).replace(microsecond=0)
                        + micro(rng), "firing"))
    created[46:48] = sorted(created[46:48])
    created[48:50] = sorted(created[48:50])

    groups = []
    for n, (t0, state) in enumerate(created, start=1):
        integ = rng.choice(INTEGRATION_ORDER)
        alertname, severity, summary = rng.choice(RULES[integ])
        g = dict(n=n, id=oc_id("I", "alert-group/%d" % n), integration=integ, created=t0, state=state,
                 alertname=alertname, severity=severity, summary=summary, ack=None, resolve=None, notes=[])
        if state in ("resolved", "acknowledged"):
            r = rng.random()
            if r < 0.70:
                delay = rng.uniform(60, 600)
            elif r < 0.93:
                delay = rng.uniform(600, 1800)
            else:
                delay = rng.uniform(1800, 5400)
            ack_t = t0 + timedelta(seconds=int(delay)) + micro(rng)
            paged = []
            for off, who in escalation_pages():
                at = t0 + timedelta(seconds=off)
                if at > ack_t:
                    break
                for u in (on_call_at(SRE_SHIFTS, at) if who == "schedule" else [who]):
                    if u not in paged:
                        paged.append(u)
            acker = paged[0] if rng.random() < 0.7 else rng.choice(paged)
            g["ack"] = (ack_t, acker)
            g["paged"] = paged
        if state == "resolved":
            low = max(600.0, (g["ack"][0] - t0).total_seconds() + 120)
            span = rng.uniform(0, 1) ** 1.6
            res_t = t0 + timedelta(seconds=low + span * (172800 - 600 - low))
            res_t = res_t.replace(microsecond=0) + micro(rng)
            if (res_t - t0).total_seconds() >= 172800:
                res_t = t0 + timedelta(seconds=172799)
            resolver = g["ack"][1] if rng.random() < 0.7 else rng.choice(USER_ORDER)
            g["resolve"] = (res_t, resolver)
        # alerts: 1-3, the first a few ms after the group, the next ones one
        # Alertmanager group_interval (5 min) apart, all before resolution / export
        count = rng.choices([1, 2, 3], weights=[60, 30, 10])[0]
        end = g["resolve"][0] if g["resolve"] else EXPORT_AT
        alerts = []
        for k in range(count):
            at = t0 + timedelta(milliseconds=rng.randrange(5, 40)) + timedelta(seconds=300 * k) \
                + (timedelta(microseconds=rng.randrange(0, 1000)) if k else timedelta())
            if at >= end:
                break
            alerts.append(at)
        g["alerts"] = [dict(id=oc_id("A", "alert/%d/%d" % (n, k)), created=at, firing=k + 1)
                       for k, at in enumerate(alerts)]
        g["fingerprints"] = [hexdigest("fp/%d/%d" % (n, k), 16) for k in range(len(alerts))]
        g["instances"] = ["%s-%s-%s" % (INTEGRATIONS[integ]["service"], hexdigest("rs/%d" % n, 9),
                                        hexdigest("pod/%d/%d" % (n, k), 5)) for k in range(len(alerts))]
        g["starts_at"] = t0 - timedelta(seconds=rng.randrange(30, 240), milliseconds=rng.randrange(0, 1000))
        g["slack_ts"] = t0 + timedelta(seconds=rng.uniform(0.5, 3.0))
        # resolution notes for about half of the groups that someone worked on
        if g["ack"] and rng.random() < 0.55:
            lo_t = g["ack"][0]
            hi_t = g["resolve"][0] if g["resolve"] else EXPORT_AT
            how_many = 2 if rng.random() < 0.15 else 1
            times = sorted(lo_t + timedelta(seconds=rng.uniform(30, (hi_t - lo_t).total_seconds() - 1))
                           for _ in range(how_many))
            for j, nt in enumerate(times):
                author = (g["resolve"][1] if g["resolve"] else g["ack"][1]) if rng.random() < 0.7 \
                    else rng.choice(USER_ORDER)
                source = rng.choices(["Web", "Slack", "Mobile App"], weights=[6, 3, 1])[0]
                g["notes"].append(dict(id=oc_id("M", "note/%d/%d" % (n, j)), created=nt, author=author,
                                       source=source, text=rng.choice(NOTES)))
        groups.append(g)
    return groups


def title(g):
    # default Alertmanager web_title: alertname + (other group label values)
    return "%s (%s)" % (g["alertname"], INTEGRATIONS[g["integration"]]["service"])


def alert_payload(g, k):
    svc = INTEGRATIONS[g["integration"]]["service"]
    firing = []
    for i in range(k + 1):
        labels = {"alertname": g["alertname"], "service": svc, "severity": g["severity"],
                  "namespace": "prod", "instance": g["instances"][i]}
        firing.append({
            "status": "firing",
            "labels": labels,
            "annotations": {"summary": g["summary"],
                            "runbook_url": "https://runbooks.example.com/%s" % g["alertname"]},
            "startsAt": go_time(g["starts_at"] + timedelta(seconds=300 * i)),
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "https://prometheus.example.com/graph?g0.expr=ALERTS%%7Balertname%%3D%%22%s%%22%%7D"
                            "&g0.tab=1" % g["alertname"],
            "fingerprint": g["fingerprints"][i],
        })
    body = {
        "receiver": "grafana-oncall",
        "status": "firing",
        "alerts": firing,
        "groupLabels": {"alertname": g["alertname"], "service": svc},
        "commonLabels": {"alertname": g["alertname"], "namespace": "prod", "service": svc,
                         "severity": g["severity"]},
        "commonAnnotations": {"summary": g["summary"],
                              "runbook_url": "https://runbooks.example.com/%s" % g["alertname"]},
        "externalURL": "https://alertmanager.example.com",
        "version": "4",
        "groupKey": '{}:{alertname="%s", service="%s"}' % (g["alertname"], svc),
        "truncatedAlerts": 0,
        # added by the Alertmanager integration view (process_v2) when absent
        "numFiring": k + 1,
        "numResolved": 0,
    }
    return db_json(body)


def alert_object(g, k):
    a = g["alerts"][k]
    return {"id": a["id"], "alert_group_id": g["id"], "created_at": drf_dt(a["created"]),
            "payload": alert_payload(g, k)}


def alert_group_object(g):
    ts = g["slack_ts"].timestamp()
    slack_ts = "%d.%06d" % (int(ts), g["slack_ts"].microsecond)
    # serializers/alert_groups.py AlertGroupSerializer.Meta.fields
    return {
        "id": g["id"],
        "integration_id": INTEGRATIONS[g["integration"]]["id"],
        "team_id": None,
        "route_id": INTEGRATIONS[g["integration"]]["route"],
        "alerts_count": len(g["alerts"]),
        "state": g["state"],
        "created_at": drf_dt(g["created"]),
        "resolved_at": drf_dt(g["resolve"][0]) if g["resolve"] else None,
        "resolved_by": uid(g["resolve"][1]) if g["resolve"] else None,
        "acknowledged_at": drf_dt(g["ack"][0]) if g["ack"] else None,
        "acknowledged_by": uid(g["ack"][1]) if g["ack"] else None,
        "labels": [],
        "title": title(g),
        "permalinks": {
            "slack": "%s/archives/%s/p%s" % (SLACK_WORKSPACE, SLACK_ALERTS_CHANNEL, slack_ts.replace(".", "")),
            "slack_app": "https://slack.com/app_redirect?channel=%s&team=%s&message=%s" % (
                SLACK_ALERTS_CHANNEL, SLACK_TEAM, slack_ts),
            "telegram": None,
            "web": "%sa/%s/alert-groups/%s" % (GRAFANA, PLUGIN, g["id"]),
        },
        "silenced_at": None,
        "last_alert": alert_object(g, len(g["alerts"]) - 1),
    }


def note_object(g, note):
    return {"id": note["id"], "alert_group_id": g["id"], "author": uid(note["author"]),
            "source": note["source"], "created_at": drf_dt(note["created"]), "text": note["text"]}


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def clean():
    for name in os.listdir(HERE):
        p = os.path.join(HERE, name)
        if name.endswith(".json") and os.path.isfile(p):
            os.remove(p)
    for d in ("schedules", "alert_groups"):
        p = os.path.join(HERE, d)
        if os.path.isdir(p):
            shutil.rmtree(p)


def check(groups):
    for g in groups:
        t0 = g["created"]
        assert datetime(2026, 2, 1, tzinfo=UTC) <= t0 < datetime(2026, 3, 21, tzinfo=UTC)
        if g["ack"]:
            d = (g["ack"][0] - t0).total_seconds()
            assert 60 <= d <= 5400, (g["n"], d)
            assert g["ack"][1] in g["paged"]
        if g["resolve"]:
            d = (g["resolve"][0] - t0).total_seconds()
            assert 600 <= d <= 172800, (g["n"], d)
            assert g["resolve"][0] > g["ack"][0] and g["resolve"][0] < EXPORT_AT
        end = g["resolve"][0] if g["resolve"] else EXPORT_AT
        for a in g["alerts"]:
            assert t0 < a["created"] < end
        for note in g["notes"]:
            assert g["ack"][0] < note["created"] < end
        assert len(g["alerts"]) >= 1


def main():
    rng = random.Random(SEED)
    clean()

    users = [user_object(k) for k in USER_ORDER]
    write_pages("users", "/users/", {"perpage": "3"}, users, 3)
    write_pages("personal_notification_rules", "/personal_notification_rules/", {}, notification_rules(), 50)

    write_pages("schedules", "/schedules/", {}, schedule_objects(), 50)
    write_pages("on_call_shifts", "/on_call_shifts/", {}, [shift_object(s) for s in SHIFTS], 50)
    final_sre = final_shifts(SRE_SHIFTS, FINAL_START, FINAL_END)
    final_db = db_ical_final(FINAL_START, FINAL_END)
    final_patch = final_shifts(PATCH_SHIFTS, FINAL_START, FINAL_END)
    write_json("schedules/%s/final_shifts.json" % SCHED_SRE, final_shifts_object(final_sre))
    write_json("schedules/%s/final_shifts.json" % SCHED_DB, final_shifts_object(final_db))
    write_json("schedules/%s/final_shifts.json" % SCHED_PATCH, final_shifts_object(final_patch))

    write_pages("escalation_chains", "/escalation_chains/", {},
                [{"id": CHAIN_SRE, "name": "SRE", "team_id": None}], 50)
    write_pages("escalation_policies", "/escalation_policies/", {}, escalation_policies(), 50)
    write_pages("integrations", "/integrations/", {}, [integration_object(k) for k in INTEGRATION_ORDER], 50)
    write_pages("routes", "/routes/", {}, [route_object(k) for k in INTEGRATION_ORDER], 25)

    groups = build_alert_groups(rng)
    check(groups)
    newest_first = sorted(groups, key=lambda g: g["created"], reverse=True)
    write_pages("alert_groups", "/alert_groups/", AG_QUERY, [alert_group_object(g) for g in newest_first], 25)
    for g in groups:
        alerts = [alert_object(g, k) for k in reversed(range(len(g["alerts"])))]  # order_by("-id")
        write_pages("alert_groups/%s/alerts" % g["id"], "/alerts/", {"alert_group_id": g["id"]}, alerts, 50)
    notes = [note_object(g, n) for g in newest_first for n in g["notes"]]
    write_pages("resolution_notes", "/resolution_notes/", {}, notes, 50)

    report(groups, final_sre, final_db, final_patch)
    if "--table" in sys.argv[1:]:
        table(groups)


def table(groups):
    print()
    print("| # | id | integration | title | state | alerts | created_at | acknowledged_at (by) | TTA s "
          "| resolved_at (by) | TTR s | notes |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for g in groups:
        ack = "%s (%s)" % (drf_dt(g["ack"][0]), g["ack"][1]) if g["ack"] else "-"
        tta = "%.6f" % (g["ack"][0] - g["created"]).total_seconds() if g["ack"] else "-"
        res = "%s (%s)" % (drf_dt(g["resolve"][0]), g["resolve"][1]) if g["resolve"] else "-"
        ttr = "%.6f" % (g["resolve"][0] - g["created"]).total_seconds() if g["resolve"] else "-"
        print("| %d | %s | %s | %s | %s | %d | %s | %s | %s | %s | %s | %d |" % (
            g["n"], g["id"], INTEGRATIONS[g["integration"]]["name"], title(g), g["state"], len(g["alerts"]),
            drf_dt(g["created"]), ack, tta, res, ttr, len(g["notes"])))


def stats(values):
    return statistics.mean(values), statistics.median(values)


def report(groups, final_sre, final_db, final_patch):
    print("Users:")
    for k in USER_ORDER:
        print("  %-6s %s  %s" % (k, USERS[k]["id"], USERS[k]["email"]))
    print("Schedules: SRE Primary %s (web), Database (iCal) %s (ical), Platform patch day %s (web)" % (
        SCHED_SRE, SCHED_DB, SCHED_PATCH))
    print("Shifts: Weekly %s, Office hours %s, Override %s, Patch day %s" % (
        SHIFT_WEEKLY, SHIFT_DAILY, SHIFT_OVERRIDE, SHIFT_MONTHLY))
    print("Chain SRE %s; policies %s" % (CHAIN_SRE, ", ".join(POLICY_IDS)))
    print("Integrations: " + ", ".join("%s %s (route %s)" % (INTEGRATIONS[k]["name"], INTEGRATIONS[k]["id"],
                                                           INTEGRATIONS[k]["route"]) for k in INTEGRATION_ORDER))
    print("on_call_now at %s: SRE Primary %s" % (drf_dt(EXPORT_AT), on_call_at(SRE_SHIFTS, EXPORT_AT)))
    for name, rows in (("SRE Primary", final_sre), ("Database (iCal)", final_db),
                       ("Platform patch day", final_patch)):
        print("%s final shifts (%d rows):" % (name, len(rows)))
        for s, e, u in rows:
            print("  %s  %s  %-20s %-25s %-6s %5.1f h" % (
                drf_dt(s), drf_dt(e), s.astimezone(BERLIN).isoformat(), e.astimezone(BERLIN).isoformat(), u,
                (e - s).total_seconds() / 3600))

    count = lambda pred: sum(1 for g in groups if pred(g))
    print("Alert groups: %d (resolved %d, acknowledged %d, firing %d); Checkout %d, Payments %d" % (
        len(groups), count(lambda g: g["state"] == "resolved"), count(lambda g: g["state"] == "acknowledged"),
        count(lambda g: g["state"] == "firing"), count(lambda g: g["integration"] == "checkout"),
        count(lambda g: g["integration"] == "payments")))
    print("  alerts %d (groups with 1/2/3: %d/%d/%d); resolution notes %d on %d groups" % (
        sum(len(g["alerts"]) for g in groups), count(lambda g: len(g["alerts"]) == 1),
        count(lambda g: len(g["alerts"]) == 2), count(lambda g: len(g["alerts"]) == 3),
        sum(len(g["notes"]) for g in groups), count(lambda g: g["notes"])))
    by = lambda pick: ", ".join("%s %d" % (k, sum(1 for g in groups if pick(g) == k)) for k in USER_ORDER)
    print("  acknowledged_by: " + by(lambda g: g["ack"][1] if g["ack"] else None))
    print("  resolved_by: " + by(lambda g: g["resolve"][1] if g["resolve"] else None))
    print("  acknowledged at or after +5 min (Carol paged) %d, at or after +15 min (Dave, Erin paged) %d" % (
        count(lambda g: g["ack"] and (g["ack"][0] - g["created"]).total_seconds() >= 300),
        count(lambda g: g["ack"] and (g["ack"][0] - g["created"]).total_seconds() >= 900)))
    print("  resolution notes by source: " + ", ".join("%s %d" % (s, sum(
        1 for g in groups for n in g["notes"] if n["source"] == s)) for s in ("Web", "Slack", "Mobile App")))
    print("  open: " + ", ".join("#%d %s %s" % (g["n"], g["id"], g["state"])
                                 for g in groups if g["state"] != "resolved"))
    print("  alert_groups.json: #%d..#%d (newest first); alert_groups.2.json: #%d..#%d" % (
        groups[-1]["n"], groups[-25]["n"], groups[24]["n"], groups[0]["n"]))
    for label, trunc in (("exact (microseconds)", False), ("whole seconds (each timestamp floored)", True)):
        f = (lambda d: d.replace(microsecond=0)) if trunc else (lambda d: d)
        tta = [(f(g["ack"][0]) - f(g["created"])).total_seconds() for g in groups if g["ack"]]
        ttr = [(f(g["resolve"][0]) - f(g["created"])).total_seconds() for g in groups if g["resolve"]]
        print("%s:" % label)
        m, med = stats(tta)
        print("  MTTA over %d acknowledged groups: mean %.6f s (%s), median %.6f s (%s); sum %.6f s" % (
            len(tta), m, fmt_duration(m), med, fmt_duration(med), sum(tta)))
        m, med = stats(ttr)
        print("  MTTR over %d resolved groups:     mean %.6f s (%s), median %.6f s (%s); sum %.6f s" % (
            len(ttr), m, fmt_duration(m), med, fmt_duration(med), sum(ttr)))


if __name__ == "__main__":
    main()
