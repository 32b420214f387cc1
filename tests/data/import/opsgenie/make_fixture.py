#!/usr/bin/env python3
# Deterministic generator for the `incident import opsgenie --from DIR` fixture.
#
# Run it (Python 3.9+, standard library only) from anywhere:
#
#     python3 tests/data/import/opsgenie/make_fixture.py
#
#     python3 tests/data/import/opsgenie/make_fixture.py --table   # + per-alert table
#
# It (re)writes every JSON file of the fixture next to itself -- users.json,
# users.2.json, users/<ID>/contacts.json, schedules.json, schedules/<ID>.json,
# schedules/<ID>/overrides.json, schedules/<ID>/timeline.json, escalations.json,
# services.json, alerts.json, alerts.2.json, alerts/<ID>/logs.json,
# alerts/<ID>/notes.json, incidents.json and incidents/<ID>/logs.json -- and
# prints the "Expected" figures (ids, timeline, MTTA, MTTR) that README.md
# lists.  Running it twice gives byte-identical files.
#
# The files imitate what Opsgenie's REST API returns, one file per response,
# saved under the endpoint's path without the version prefix.  The shapes
# follow opsgenie/opsgenie-oas (definitions/*.yaml) and opsgenie/opsgenie-go-sdk-v2;
# README.md names the definition behind every file and lists every assumption
# made where those sources are silent.

import hashlib
import json
import os
import random
import shutil
import statistics
import sys
import uuid
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
API = "https://api.opsgenie.com"
APP = "https://example.app.opsgenie.com"
UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
ZONE_UTC = ZoneInfo("UTC")
SEED = 20261207

# Export instant: the moment the (imaginary) account was exported.  Open
# alerts are open at this instant; nothing in the fixture happens after it
# except the schedule timeline, which Opsgenie computes from the schedule's
# configuration for the requested window.
EXPORT_AT = datetime(2026, 3, 20, 12, 0, 0, tzinfo=UTC)

# GET /v2/schedules/{id}/timeline?date=...&interval=2&intervalUnit=weeks
TIMELINE_DATE = datetime(2026, 3, 23, 0, 0, 0, tzinfo=BERLIN)       # 2026-03-22T23:00:00Z
TIMELINE_END = datetime(2026, 4, 6, 0, 0, 0, tzinfo=BERLIN)         # 2026-04-05T22:00:00Z

ALERTS_PAGE = 25            # limit of GET /v2/alerts (maximum 100)
USERS_PAGE = 3              # limit of GET /v2/users (default 100)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

_ids = {}


def uid(seed):
    """A stable random-looking UUID (version 4 layout) derived from a seed string."""
    h = bytearray(hashlib.sha256(("opsgenie-fixture/" + seed).encode()).digest()[:16])
    h[6] = (h[6] & 0x0F) | 0x40
    h[8] = (h[8] & 0x3F) | 0x80
    u = str(uuid.UUID(bytes=bytes(h)))
    if _ids.setdefault(u, seed) != seed:
        raise SystemExit("id collision: %s (%s, %s)" % (u, seed, _ids[u]))
    return u


def took(relpath):
    """A stable `took` value (seconds, as Opsgenie reports it) for one response."""
    n = int(hashlib.sha256(("took/" + relpath).encode()).hexdigest()[:6], 16)
    return round(0.002 + (n % 250) / 1000.0, 3)


def iso_s(dt):
    """Whole seconds, UTC, `Z`: how schedules, rotations, overrides and timelines show dates."""
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_ms(dt):
    """Milliseconds with trailing zeros dropped, UTC, `Z`: how alerts, logs,
    notes, users and incidents show dates (e.g. 2017-05-12T09:39:14.41Z in
    the documentation's examples)."""
    dt = dt.astimezone(UTC)
    s = dt.strftime("%Y-%m-%dT%H:%M:%S")
    ms = dt.microsecond // 1000
    if ms:
        s += ("." + "%03d" % ms).rstrip("0")
    return s + "Z"


def epoch_ms(dt):
    return int(round(dt.timestamp() * 1000))


def wrap(relpath, data, **extra):
    """Opsgenie's response wrapper: data, then the list extras, then took, requestId."""
    out = {}
    for k, v in extra.items():
        if k.startswith("_"):
            continue
        if k == "totalCount":
            out[k] = v
    out["data"] = data
    for k, v in extra.items():
        if k not in ("totalCount",):
            out[k] = v
    out["took"] = took(relpath)
    out["requestId"] = uid("request/" + relpath)
    return out


def write_json(relpath, obj):
    path = os.path.join(HERE, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def fmt_duration(seconds):
    seconds = round(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return "%dh%02dm%02ds" % (h, m, s)


def local(d, hh, mm, tz):
    """The instant of local wall-clock time d hh:mm in tz (fold 0 for ambiguous times)."""
    return datetime.combine(d, time(hh, mm)).replace(tzinfo=tz).astimezone(UTC)


# --------------------------------------------------------------------------
# users, contacts, team
# --------------------------------------------------------------------------

TEAM = dict(id=uid("team/sre_team"), name="sre_team")

USERS = {
    "alice": dict(fullName="Alice Schmidt", username="alice@example.com", timeZone="Europe/Berlin",
                  locale="en_GB", role="Admin", createdAt=datetime(2025, 11, 3, 10, 2, 17, 230000, UTC)),
    "bob": dict(fullName="Bob Meyer", username="bob@example.com", timeZone="Europe/Berlin",
                locale="en_GB", role="User", createdAt=datetime(2025, 11, 3, 10, 4, 51, 8000, UTC)),
    "carol": dict(fullName="Carol Jones", username="carol@example.com", timeZone="America/New_York",
                  locale="en_US", role="User", createdAt=datetime(2025, 11, 3, 10, 5, 33, 410000, UTC)),
    "dave": dict(fullName="Dave Weber", username="dave@example.com", timeZone="Europe/Berlin",
                 locale="en_GB", role="User", createdAt=datetime(2025, 11, 3, 10, 6, 2, 0, UTC)),
    "erin": dict(fullName="Erin Novak", username="erin@example.com", timeZone="Europe/Berlin",
                 locale="en_GB", role="User", createdAt=datetime(2025, 11, 3, 10, 6, 48, 975000, UTC)),
}
USER_ORDER = ["alice", "bob", "carol", "dave", "erin"]      # sortField=username, order=asc
for _k in USER_ORDER:
    USERS[_k]["id"] = uid("user/" + _k)


def user_object(key):
    """User (definitions/user.yaml), key order of the documented listUsers example."""
    u = USERS[key]
    return {
        "blocked": False,
        "verified": True,
        "id": u["id"],
        "username": u["username"],
        "fullName": u["fullName"],
        "role": {"id": u["role"], "name": u["role"]},
        "timeZone": u["timeZone"],
        "locale": u["locale"],
        "userAddress": {"country": "", "state": "", "city": "", "line": "", "zipCode": ""},
        "createdAt": iso_ms(u["createdAt"]),
    }


CONTACTS = {
    "alice": [("email", "alice@example.com"), ("voice", "49-15123456789"), ("mobile", "iPhone 15 Pro")],
    "bob": [("email", "bob@example.com"), ("sms", "49-15198765432")],
    "carol": [("email", "carol@example.com")],
    "dave": [("email", "dave@example.com")],
    "erin": [("email", "erin@example.com")],
}


def contacts(key):
    """ContactWithApplyOrder (definitions/contact.yaml)."""
    return [{
        "id": uid("contact/%s/%s" % (key, method)),
        "method": method,
        "to": to,
        "status": {"enabled": True},
        "applyOrder": i,
    } for i, (method, to) in enumerate(CONTACTS[key])]


def user_recipient(key):
    """UserRecipient (definitions/common.yaml): type, id, username."""
    return {"type": "user", "id": USERS[key]["id"], "username": USERS[key]["username"]}


# --------------------------------------------------------------------------
# schedules: configuration and the timeline engine
# --------------------------------------------------------------------------

DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


class Rotation:
    """One Opsgenie rotation.  participants: list of ("user", key) / ("team", ...) /
    ("escalation", ...).  restriction: None, ("time-of-day", (sh, sm, eh, em)) or
    ("weekday-and-time-of-day", [(startDay, sh, sm, endDay, eh, em), ...])."""

    def __init__(self, key, name, rtype, length, start, participants, restriction, tz, end=None):
        self.key, self.name, self.type, self.length = key, name, rtype, length
        self.id = uid("rotation/" + key)
        self.start, self.end = start.astimezone(UTC), end
        self.participants, self.restriction, self.tz = participants, restriction, tz

    # ---- the fixture's DST assumption -------------------------------------------------
    # daily and weekly turns keep the local wall-clock time of startDate in the
    # schedule's zone (turn k starts at local(start) + k * length days or weeks);
    # hourly turns are k * length elapsed hours.
    def turn_start(self, k):
        if self.type == "hourly":
            return self.start + timedelta(hours=k * self.length)
        days = self.length * (7 if self.type == "weekly" else 1)
        naive = self.start.astimezone(self.tz).replace(tzinfo=None) + timedelta(days=k * days)
        return naive.replace(tzinfo=self.tz).astimezone(UTC)

    def turn_index(self, t):
        approx = {"hourly": 3600, "daily": 86400, "weekly": 604800}[self.type] * self.length
        k = int((t - self.start).total_seconds() // approx)
        while self.turn_start(k) > t:
            k -= 1
        while self.turn_start(k + 1) <= t:
            k += 1
        return k

    def windows(self, a, b):
        """[start, end) instants (UTC) inside the time restriction, overlapping [a, b)."""
        if self.restriction is None:
            return [(a, b)]
        kind, spec = self.restriction
        d0 = a.astimezone(self.tz).date() - timedelta(days=8)
        d1 = b.astimezone(self.tz).date() + timedelta(days=1)
        wins = []
        d = d0
        while d <= d1:
            if kind == "time-of-day":
                sh, sm, eh, em = spec
                ws = local(d, sh, sm, self.tz)
                end_day = d if (eh, em) > (sh, sm) else d + timedelta(days=1)
                wins.append((ws, local(end_day, eh, em, self.tz)))
            else:
                for sd, sh, sm, ed, eh, em in spec:
                    if d.weekday() != DAYS.index(sd):
                        continue
                    ws = local(d, sh, sm, self.tz)
                    end_day = d + timedelta(days=(DAYS.index(ed) - DAYS.index(sd)) % 7)
                    we = local(end_day, eh, em, self.tz)
                    if we <= ws:
                        we = local(end_day + timedelta(days=7), eh, em, self.tz)
                    wins.append((ws, we))
            d += timedelta(days=1)
        wins = sorted((max(s, a), min(e, b)) for s, e in wins if e > a and s < b)
        merged = []
        for s, e in wins:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return merged

    def periods(self, a, b):
        """(start, end, user key, "default") on-call periods of this rotation within [a, b)."""
        a = max(a, self.start)
        if self.end is not None:
            b = min(b, self.end)
        out = []
        if a >= b:
            return out
        k = self.turn_index(a)
        while True:
            ts, te = self.turn_start(k), self.turn_start(k + 1)
            if ts >= b:
                break
            s, e = max(ts, a), min(te, b)
            if s < e:
                kind, who = self.participants[k % len(self.participants)]
                if kind != "user":
                    raise SystemExit("the engine only computes rotations of users")
                for ws, we in self.windows(s, e):
                    out.append((ws, we, who, "default"))
            k += 1
        return merge(out)


def merge(periods):
    out = []
    for s, e, u, t in sorted(periods):
        if out and out[-1][2] == u and out[-1][3] == t and out[-1][1] == s:
            out[-1] = (out[-1][0], e, u, t)
        else:
            out.append((s, e, u, t))
    return out


def apply_overrides(rotation, periods, overrides):
    """Each override replaces, inside its window, whoever the rotations it names
    have on call.  Assumption: it does not create on-call time where the
    rotation has nobody (outside a time restriction)."""
    for ov in overrides:
        if rotation.key not in ov["rotations"]:
            continue
        os_, oe = ov["start"], ov["end"]
        out = []
        for s, e, u, t in periods:
            if e <= os_ or s >= oe:
                out.append((s, e, u, t))
                continue
            if s < os_:
                out.append((s, os_, u, t))
            out.append((max(s, os_), min(e, oe), ov["user"], "override"))
            if e > oe:
                out.append((oe, e, u, t))
        periods = merge(out)
    return periods


class Schedule:
    def __init__(self, key, name, description, tz_name, rotations, overrides=()):
        self.key, self.name, self.description = key, name, description
        self.id = uid("schedule/" + key)
        self.tz_name, self.tz = tz_name, ZoneInfo(tz_name)
        self.rotations, self.overrides = rotations, list(overrides)

    def final(self, a, b):
        """{rotation key: overridden periods within [a, b)}"""
        return {r.key: apply_overrides(r, r.periods(a, b), self.overrides) for r in self.rotations}

    def on_call(self, t):
        """Everyone on call at t: the participants of every rotation, overrides
        applied (Opsgenie: all on-call users of all rotations are notified)."""
        who = []
        for r in self.rotations:
            for s, e, u, _ in apply_overrides(r, r.periods(t, t + timedelta(seconds=1)), self.overrides):
                if s <= t < e and u not in who:
                    who.append(u)
        return who


JAN5_BERLIN_0900 = datetime(2026, 1, 5, 9, 0, tzinfo=BERLIN)         # 2026-01-05T08:00:00Z
OFFICE_HOURS = ("weekday-and-time-of-day",
                [(d, 9, 0, d, 17, 0) for d in ("monday", "tuesday", "wednesday", "thursday", "friday")])

ROT_WEEKLY = Rotation("sre/weekly", "Weekly", "weekly", 1, JAN5_BERLIN_0900,
                      [("user", "alice"), ("user", "bob"), ("user", "carol")], None, BERLIN)
ROT_OFFICE = Rotation("sre/office-hours", "Office hours", "daily", 1, JAN5_BERLIN_0900,
                      [("user", "dave"), ("user", "erin")], OFFICE_HOURS, BERLIN)
ROT_NIGHTS = Rotation("db/nights", "Nights", "hourly", 1, datetime(2026, 1, 5, 0, 0, tzinfo=UTC),
                      [("user", "dave"), ("user", "erin")], ("time-of-day", (22, 0, 6, 0)), ZONE_UTC)

ESCALATION_ID = uid("escalation/sre")
ROT_FALLBACK = Rotation("fallback/daily", "Fallback", "daily", 1, JAN5_BERLIN_0900,
                        [("escalation", "SRE"), ("team", TEAM["name"])], None, BERLIN)

OVERRIDE = dict(alias=uid("override/sre/bob"), user="bob",
                start=datetime(2026, 4, 2, 16, 0, tzinfo=UTC), end=datetime(2026, 4, 3, 7, 0, tzinfo=UTC),
                rotations=[ROT_WEEKLY.key, ROT_OFFICE.key])

SCHED_SRE = Schedule("sre", "SRE_Primary",
                     "Primary on-call for the SRE team: a weekly rotation around the clock "
                     "and an office-hours rotation, both on call at once.",
                     "Europe/Berlin", [ROT_WEEKLY, ROT_OFFICE], [OVERRIDE])
SCHED_DB = Schedule("db", "Database_follow_the_sun",
                    "Database on-call at night (UTC), hourly hand-offs.", "UTC", [ROT_NIGHTS])
SCHED_FB = Schedule("fallback", "Escalation_backed",
                    "Fallback rotation of an escalation and a team.", "Europe/Berlin", [ROT_FALLBACK])
SCHEDULES = [SCHED_SRE, SCHED_DB, SCHED_FB]


def participant(kind, key):
    if kind == "user":
        return user_recipient(key)
    if kind == "escalation":
        return {"type": "escalation", "id": ESCALATION_ID, "name": key}
    if kind == "team":
        return {"type": "team", "id": TEAM["id"], "name": TEAM["name"]}
    raise ValueError(kind)


def rotation_object(r):
    """ScheduleRotation (definitions/scheduleRotation.yaml); key order of recorded responses."""
    obj = {"id": r.id, "name": r.name, "startDate": iso_s(r.start)}
    if r.end is not None:
        obj["endDate"] = iso_s(r.end)
    obj["type"] = r.type
    obj["length"] = r.length
    obj["participants"] = [participant(k, v) for k, v in r.participants]
    if r.restriction is not None:
        kind, spec = r.restriction
        if kind == "time-of-day":
            sh, sm, eh, em = spec
            obj["timeRestriction"] = {"type": kind, "restriction": {
                "startHour": sh, "endHour": eh, "startMin": sm, "endMin": em}}
        else:
            obj["timeRestriction"] = {"type": kind, "restrictions": [{
                "startDay": sd, "endDay": ed, "startHour": sh, "endHour": eh,
                "startMin": sm, "endMin": em} for sd, sh, sm, ed, eh, em in spec]}
    return obj


def schedule_object(s):
    """Schedule (definitions/schedule.yaml); key order of recorded responses."""
    return {
        "id": s.id,
        "name": s.name,
        "description": s.description,
        "timezone": s.tz_name,
        "enabled": True,
        "ownerTeam": dict(TEAM),
        "rotations": [rotation_object(r) for r in s.rotations],
    }


def schedule_meta(s):
    return {"id": s.id, "name": s.name, "enabled": True}


def rotation_by_key(key):
    for s in SCHEDULES:
        for r in s.rotations:
            if r.key == key:
                return r
    raise KeyError(key)


def overrides_data(s):
    """ScheduleOverride (definitions/scheduleOverride.yaml)."""
    return [{
        "_parent": schedule_meta(s),
        "alias": ov["alias"],
        "user": user_recipient(ov["user"]),
        "startDate": iso_s(ov["start"]),
        "endDate": iso_s(ov["end"]),
        "rotations": [{"id": rotation_by_key(k).id, "name": rotation_by_key(k).name}
                      for k in ov["rotations"]],
    } for ov in s.overrides]


def timeline_data(s, a, b):
    """ScheduleTimeline (definitions/schedule.yaml): finalTimeline only (no expand)."""
    a, b = a.astimezone(UTC), b.astimezone(UTC)
    fin = s.final(a, b)
    return {
        "_parent": schedule_meta(s),
        "startDate": iso_s(a),
        "endDate": iso_s(b),
        "finalTimeline": {"rotations": [{
            "id": r.id,
            "name": r.name,
            "order": float(i + 1),
            "periods": [{
                "startDate": iso_s(ps),
                "endDate": iso_s(pe),
                "type": pt,
                "recipient": {"id": USERS[u]["id"], "type": "user", "name": USERS[u]["username"]},
            } for ps, pe, u, pt in fin[r.key]],
        } for i, r in enumerate(s.rotations)]},
    }


# --------------------------------------------------------------------------
# escalation and services
# --------------------------------------------------------------------------

# (delay in minutes, recipient); condition if-not-acked, notifyType default.
ESC_RULES = [
    (0, ("schedule", SCHED_SRE)),
    (5, ("user", "carol")),
    (15, ("user", "dave")),
    (15, ("user", "erin")),
]
ESC_REPEAT = dict(waitInterval=10, count=1, resetRecipientStates=False, closeAlertAfterAll=False)


def escalation_object():
    """Escalation (definitions/escalation.yaml).  A rule has one recipient, so
    "15 min -> Dave and Erin" is two rules with the same delay."""
    rules = []
    for delay, (kind, ref) in ESC_RULES:
        rec = ({"type": "schedule", "id": ref.id, "name": ref.name} if kind == "schedule"
               else user_recipient(ref))
        rules.append({
            "condition": "if-not-acked",
            "notifyType": "default",
            "delay": {"timeAmount": delay, "timeUnit": "minutes"},
            "recipient": rec,
        })
    return {
        "id": ESCALATION_ID,
        "name": "SRE",
        "description": "SRE_Primary at once, Carol after 5 minutes, Dave and Erin after 15; once more after 10.",
        "ownerTeam": dict(TEAM),
        "rules": rules,
        "repeat": dict(ESC_REPEAT),
    }


SERVICES = {
    "checkout": dict(name="Checkout", description="Checkout web front end and API.",
                     tags=["checkout", "tier-1"]),
    "payments": dict(name="Payments", description="Payment processing backend.",
                     tags=["payments", "tier-1"]),
}
for _k in SERVICES:
    SERVICES[_k]["id"] = uid("service/" + _k)


def service_object(key):
    """Service (opsgenie-go-sdk-v2 service/service_result.go; fields and order of a
    recorded response: id, name, description, teamId, tags, links, isExternal)."""
    s = SERVICES[key]
    return {
        "id": s["id"],
        "name": s["name"],
        "description": s["description"],
        "teamId": TEAM["id"],
        "tags": list(s["tags"]),
        "links": {"web": APP + "/service/" + s["id"] + "/status",
                  "api": API + "/v1/services/" + s["id"]},
        "isExternal": False,
    }


# --------------------------------------------------------------------------
# alerts
# --------------------------------------------------------------------------

INTEGRATION = dict(id=uid("integration/default-api"), name="Default API", type="API")

MESSAGES = {
    "checkout": [
        ("http-5xx", "Checkout API 5xx rate above 2%"),
        ("latency", "Checkout p99 latency above 1.5 s"),
        ("crashloop", "Cart service pods crash-looping"),
        ("db-pool", "Checkout DB connection pool exhausted"),
        ("synthetic", "Checkout synthetic check failing"),
    ],
    "payments": [
        ("psp-timeouts", "Payment provider timeouts above 5%"),
        ("queue", "Payments queue backlog above 10k"),
        ("refunds", "Refund worker stalled"),
        ("tls", "Payments TLS certificate expires in 7 days"),
        ("fraud-latency", "Fraud scoring latency above 800 ms"),
    ],
}

NOTES = [
    "Rolled back the last deploy.",
    "Provider confirmed an incident on their side.",
    "Scaled the deployment from 6 to 10 replicas.",
    "Restarted the stuck worker; queue draining.",
    "Root cause: connection leak in the retry path, ticket filed.",
    "Flapping check, threshold raised after review.",
    "Failed over to the secondary region.",
    "Certificate renewed and deployed.",
]

MINUTE = timedelta(minutes=1)


def ms(n):
    return timedelta(milliseconds=n)


def rand_instant(rng, a, b):
    """A random instant in [a, b) with millisecond precision."""
    return a + ms(rng.randrange(0, epoch_ms(b) - epoch_ms(a)))


def build_alerts(rng):
    closed_times = sorted(rand_instant(rng, datetime(2026, 2, 1, tzinfo=UTC),
                                       datetime(2026, 3, 17, 22, 0, tzinfo=UTC)) for _ in range(46))
    acked_open = sorted(rand_instant(rng, datetime(2026, 3, 19, 6, 0, tzinfo=UTC),
                                     datetime(2026, 3, 19, 20, 0, tzinfo=UTC)) for _ in range(2))
    unacked = [rand_instant(rng, datetime(2026, 3, 20, 11, 30, tzinfo=UTC),
                            datetime(2026, 3, 20, 11, 34, tzinfo=UTC)),
               rand_instant(rng, datetime(2026, 3, 20, 11, 52, tzinfo=UTC),
                            datetime(2026, 3, 20, 11, 54, tzinfo=UTC))]
    created = closed_times + acked_open + unacked
    twice = set(rng.sample(range(46), 3))
    noted = set(rng.sample(range(48), 25))

    alerts = []
    for i, t0 in enumerate(created):
        svc = rng.choice(["checkout", "payments"])
        check, message = rng.choice(MESSAGES[svc])
        prio = rng.choices(["P1", "P2", "P3", "P4", "P5"], weights=[10, 20, 35, 20, 15])[0]
        tiny = str(1001 + i)
        a = dict(index=i, id=uid("alert/" + tiny), tinyId=tiny, created=t0, service=svc,
                 alias="%s-%s-%s" % (svc, check, tiny), message=message, priority=prio,
                 tags=[svc, "production"] + (["database"] if check == "db-pool" else []),
                 status="closed" if i < 46 else "open",
                 acked=i < 48, twice=i in twice, noted=i in noted)
        simulate(rng, a)
        alerts.append(a)
    return alerts


def simulate(rng, a):
    """The alert's history: escalation rules (if-not-acked), notifications, views,
    acknowledgements, notes and the close, all with millisecond timestamps."""
    t0 = a["created"]
    ev = []                                     # (time, kind, data)

    def add(t, kind, **d):
        ev.append((t, kind, d))

    add(t0, "created")

    ack_at = None
    if a["acked"]:
        r = rng.random()
        if r < 0.55:
            delay = rng.randrange(60_000, 300_000)
        elif r < 0.85:
            delay = rng.randrange(300_000, 1_500_000)
        else:
            delay = rng.randrange(1_500_000, 5_400_000)
        ack_at = t0 + ms(delay)
    horizon = ack_at if ack_at is not None else EXPORT_AT

    # escalation: run 0 from t0, the repeat run after the last rule + waitInterval
    notified = []                               # (time, user)
    last_delay = max(d for d, _ in ESC_RULES)
    for run in range(1 + ESC_REPEAT["count"]):
        base = t0 + run * (last_delay + ESC_REPEAT["waitInterval"]) * MINUTE
        if run and base < horizon:
            add(base + ms(40), "repeat", run=run)
        for n, (delay, (kind, ref)) in enumerate(ESC_RULES):
            ft = base + delay * MINUTE + ms(150 + 60 * n)
            if ft >= horizon:
                break
            users = ref.on_call(ft) if kind == "schedule" else [ref]
            add(ft, "escalate", rule=n, rkind=kind, ref=ref, users=users)
            for j, u in enumerate(users):
                nt = ft + ms(rng.randrange(300, 2500) + 3000 * j)
                add(nt, "notify", user=u)
                notified.append((nt, u))

    acks = []
    if ack_at is not None:
        cands = sorted({u for nt, u in notified if nt < ack_at - timedelta(seconds=5)},
                       key=USER_ORDER.index)
        acker = rng.choice(cands)
        first_note = min(nt for nt, u in notified if u == acker)
        if rng.random() < 0.5:
            vt = ack_at - ms(rng.randrange(5_000, 90_000))
            if vt > first_note:
                add(vt, "view", user=acker)
        add(ack_at, "ack", user=acker)
        acks.append((ack_at, acker))
        if a["twice"]:
            ut = ack_at + ms(rng.randrange(60_000, 240_000))
            add(ut, "unack", user=acker)
            second = rng.choice([u for u in USER_ORDER if u != acker])
            t2 = ut + ms(rng.randrange(30_000, 120_000))
            add(t2, "ack", user=second)
            acks.append((t2, second))

    last = max(t for t, _, _ in ev)
    if a["noted"]:
        tn = last + ms(rng.randrange(60_000, 3 * 3600_000))
        if a["status"] == "open":
            tn = min(tn, EXPORT_AT - MINUTE)
        who = rng.choice([acks[-1][1], acks[0][1], "alice"])
        add(tn, "note", user=who, note=rng.choice(NOTES))
        last = tn

    close = closer = None
    if a["status"] == "closed":
        lo = max(600_000, epoch_ms(last) - epoch_ms(t0) + 60_000)
        close = t0 + ms(rng.randrange(lo, 2 * 86400_000 + 1))
        closer = acks[-1][1] if rng.random() < 0.8 else rng.choice(
            [u for u in USER_ORDER if u != acks[-1][1]])
        add(close, "close", user=closer)

    ev.sort(key=lambda x: x[0])
    a.update(events=ev, acks=acks, close=close, closer=closer)
    check(a)


def check(a):
    times = [t for t, _, _ in a["events"]]
    if len(set(times)) != len(times):
        raise SystemExit("log entries with the same timestamp in alert %s" % a["tinyId"])
    if max(times) > (a["close"] or EXPORT_AT):
        raise SystemExit("event after close/export in alert %s" % a["tinyId"])
    if a["acks"]:
        d = (a["acks"][0][0] - a["created"]).total_seconds()
        if not 60 <= d <= 5400:
            raise SystemExit("acknowledgement out of 1..90 min in alert %s" % a["tinyId"])
    if a["close"]:
        d = (a["close"] - a["created"]).total_seconds()
        if not 600 <= d <= 2 * 86400:
            raise SystemExit("close out of 10 min..2 days in alert %s" % a["tinyId"])
        if not a["close"] > a["acks"][0][0]:
            raise SystemExit("close before first acknowledgement in alert %s" % a["tinyId"])


def offset_of(t, seed):
    """Log/note offsets look like 1492000072838_1492000072838234593 in the documentation."""
    n = int(hashlib.sha256(seed.encode()).hexdigest()[:8], 16) % 1_000_000
    return "%d_%d%06d" % (epoch_ms(t), epoch_ms(t), n)


def log_entries(a):
    """AlertLog (definitions/alert.yaml): log, type, owner, createdAt, offset.
    Types: `system` and `alertRecipient`, the two the documentation shows."""
    out = []
    for seq, (t, kind, d) in enumerate(a["events"]):
        if kind == "created":
            text, typ, owner = ("Alert created via API[%s-Create Alert] with tiny id [%s] id [%s]"
                                % (INTEGRATION["name"], a["tinyId"], a["id"]), "system", "System")
        elif kind == "repeat":
            text, typ, owner = ("Escalation [SRE] repeated (%d of %d)" % (d["run"], ESC_REPEAT["count"]),
                                "system", "System")
        elif kind == "escalate":
            target = ("[%s] schedule" % d["ref"].name if d["rkind"] == "schedule"
                      else "[%s]" % USERS[d["ref"]]["username"])
            text, typ, owner = ("Escalation [SRE] rule %d notified %s" % (d["rule"] + 1, target),
                                "system", "System")
        elif kind == "notify":
            u = USERS[d["user"]]["username"]
            text, typ, owner = "Sent [email] notification to [%s]" % u, "alertRecipient", u
        elif kind == "view":
            text, typ, owner = "Viewed on [web]", "alertRecipient", USERS[d["user"]]["username"]
        elif kind == "ack":
            text, typ, owner = "Alert acknowledged via web", "system", USERS[d["user"]]["username"]
        elif kind == "unack":
            text, typ, owner = "Alert unacknowledged via web", "system", USERS[d["user"]]["username"]
        elif kind == "note":
            text, typ, owner = "Note added via web: %s" % d["note"], "system", USERS[d["user"]]["username"]
        elif kind == "close":
            text, typ, owner = "Alert closed via web", "system", USERS[d["user"]]["username"]
        else:
            raise ValueError(kind)
        out.append({"log": text, "type": typ, "owner": owner, "createdAt": iso_ms(t),
                    "offset": offset_of(t, "log/%s/%d" % (a["id"], seq))})
    out.reverse()                       # order=desc (the default): newest first
    return out


def note_entries(a):
    """AlertNote (definitions/alert.yaml): note, owner, createdAt, offset; newest first."""
    out = [{"note": d["note"], "owner": USERS[d["user"]]["username"], "createdAt": iso_ms(t),
            "offset": offset_of(t, "note/%s/%d" % (a["id"], seq))}
           for seq, (t, kind, d) in enumerate(a["events"]) if kind == "note"]
    out.reverse()
    return out


def alert_object(a):
    """BaseAlert (definitions/alert.yaml), key order of the documented listAlerts example."""
    seen = any(k in ("view", "ack") for _, k, _ in a["events"])
    updated = max(t for t, _, _ in a["events"])
    acked_now = bool(a["acks"])         # no alert ends unacknowledged after an ack
    obj = {
        "id": a["id"],
        "tinyId": a["tinyId"],
        "alias": a["alias"],
        "message": a["message"],
        "status": a["status"],
        "acknowledged": acked_now,
        "isSeen": seen,
        "tags": list(a["tags"]),
        "snoozed": False,
        "count": 1,
        "lastOccurredAt": iso_ms(a["created"]),
        "createdAt": iso_ms(a["created"]),
        "updatedAt": iso_ms(updated),
        "source": a["service"] + "-monitor",
        "owner": USERS[a["acks"][-1][1]]["username"] if a["acks"] else "",
        "priority": a["priority"],
        "responders": [{"id": ESCALATION_ID, "type": "escalation"}],
        "integration": dict(INTEGRATION),
    }
    if a["acks"]:
        rep = {"ackTime": epoch_ms(a["acks"][0][0]) - epoch_ms(a["created"])}
        if a["close"]:
            rep["closeTime"] = epoch_ms(a["close"]) - epoch_ms(a["created"])
        rep["acknowledgedBy"] = USERS[a["acks"][0][1]]["username"]
        if a["close"]:
            rep["closedBy"] = USERS[a["closer"]]["username"]
        obj["report"] = rep
    return obj


# --------------------------------------------------------------------------
# incidents (Incident API, /v1/incidents)
# --------------------------------------------------------------------------

def T(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00"))


INCIDENTS = [
    dict(tinyId="1", message="Checkout unavailable for EU customers", priority="P1", service="checkout",
         status="closed", tags=["checkout", "customer-facing"], owner="alice",
         events=[(T("2026-02-12T14:07:31.204Z"), "created", "alice", None),
                 (T("2026-02-12T14:21:09.77Z"), "note", "bob", "Payment page returns 502 from the EU edge."),
                 (T("2026-02-12T16:45:02.9Z"), "resolved", "alice", None),
                 (T("2026-02-13T09:12:44.05Z"), "closed", "alice", None)]),
    dict(tinyId="2", message="Payment provider degraded", priority="P2", service="payments",
         status="resolved", tags=["payments"], owner="carol",
         events=[(T("2026-03-04T09:31:10.5Z"), "created", "carol", None),
                 (T("2026-03-04T11:02:47.33Z"), "resolved", "carol", None)]),
    dict(tinyId="3", message="Checkout latency regression after deploy", priority="P3", service="checkout",
         status="open", tags=["checkout"], owner="",
         events=[(T("2026-03-19T10:40:05.81Z"), "created", "dave", None),
                 (T("2026-03-19T10:58:31.002Z"), "note", "dave", "Suspect release 2026.03.19-2; bisecting.")]),
]
for _inc in INCIDENTS:
    _inc["id"] = uid("incident/" + _inc["tinyId"])


def incident_object(inc):
    """BaseIncident (definitions/incident.yaml) plus impactedServices (documented
    listIncidents example)."""
    ev = inc["events"]
    return {
        "id": inc["id"],
        "tinyId": inc["tinyId"],
        "message": inc["message"],
        "status": inc["status"],
        "isSeen": True,
        "tags": list(inc["tags"]),
        "createdAt": iso_ms(ev[0][0]),
        "updatedAt": iso_ms(ev[-1][0]),
        "source": USERS[ev[0][2]]["username"],
        "owner": USERS[inc["owner"]]["username"] if inc["owner"] else "",
        "priority": inc["priority"],
        "responders": [{"type": "team", "id": TEAM["id"]}],
        "ownerTeam": TEAM["id"],
        "extraProperties": {},
        "impactedServices": [SERVICES[inc["service"]]["id"]],
    }


def incident_logs(inc):
    """Incident log entries (opsgenie-go-sdk-v2 incident/result.go LogResult):
    log, type, owner, createdAt, offset; newest first."""
    out = []
    for seq, (t, kind, who, text) in enumerate(inc["events"]):
        user = USERS[who]["username"]
        log = {
            "created": "Incident created via web with tiny id [%s]" % inc["tinyId"],
            "note": "Note added via web: %s" % text if text else "",
            "resolved": "Incident resolved via web",
            "closed": "Incident closed via web",
        }[kind]
        out.append({"log": log, "type": "system", "owner": user, "createdAt": iso_ms(t),
                    "offset": offset_of(t, "incident-log/%s/%d" % (inc["id"], seq))})
    out.reverse()
    return out


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

GENERATED_FILES = ["users.json", "users.2.json", "schedules.json", "escalations.json", "services.json",
                   "alerts.json", "alerts.2.json", "incidents.json"]
GENERATED_DIRS = ["users", "schedules", "alerts", "incidents"]


def clean():
    for name in GENERATED_FILES:
        p = os.path.join(HERE, name)
        if os.path.exists(p):
            os.remove(p)
    for d in GENERATED_DIRS:
        p = os.path.join(HERE, d)
        if os.path.isdir(p):
            shutil.rmtree(p)


def q(**params):
    return "&".join("%s=%s" % kv for kv in params.items())


def main():
    rng = random.Random(SEED)
    clean()

    # users (GET /v2/users?limit=3&offset=N&sortField=username&order=asc)
    users = [user_object(k) for k in USER_ORDER]
    u_url = lambda off: API + "/v2/users?" + q(limit=USERS_PAGE, offset=off, sortField="username", order="asc")
    write_json("users.json", wrap("users.json", users[:3], totalCount=5,
                                  paging={"next": u_url(3), "first": u_url(0), "last": u_url(3)}))
    write_json("users.2.json", wrap("users.2.json", users[3:], totalCount=5,
                                    paging={"prev": u_url(0), "first": u_url(0), "last": u_url(3)}))
    for k in USER_ORDER:
        rel = "users/%s/contacts.json" % USERS[k]["id"]
        write_json(rel, wrap(rel, contacts(k)))

    # schedules
    write_json("schedules.json", wrap("schedules.json", [schedule_object(s) for s in SCHEDULES],
                                      expandable=["rotation"]))
    for s in SCHEDULES:
        rel = "schedules/%s.json" % s.id
        write_json(rel, wrap(rel, schedule_object(s)))
        rel = "schedules/%s/overrides.json" % s.id
        write_json(rel, wrap(rel, overrides_data(s)))
    rel = "schedules/%s/timeline.json" % SCHED_SRE.id
    tl = timeline_data(SCHED_SRE, TIMELINE_DATE, TIMELINE_END)
    write_json(rel, wrap(rel, tl, expandable=["base", "forwarding", "override"]))

    # escalations, services
    write_json("escalations.json", wrap("escalations.json", [escalation_object()]))
    s_url = lambda off: API + "/v1/services?" + q(limit=25, offset=off)
    write_json("services.json", wrap("services.json", [service_object(k) for k in ("checkout", "payments")],
                                     paging={"first": s_url(0), "last": s_url(0)}))

    # alerts
    alerts = build_alerts(rng)
    objs = [alert_object(a) for a in alerts]
    a_url = lambda off: API + "/v2/alerts?" + q(limit=ALERTS_PAGE, offset=off, sort="createdAt", order="asc")
    write_json("alerts.json", wrap("alerts.json", objs[:ALERTS_PAGE],
                                   paging={"next": a_url(25), "first": a_url(0), "last": a_url(25)}))
    write_json("alerts.2.json", wrap("alerts.2.json", objs[ALERTS_PAGE:],
                                     paging={"prev": a_url(0), "first": a_url(0), "last": a_url(25)}))
    for a in alerts:
        for what, fn in (("logs", log_entries), ("notes", note_entries)):
            rel = "alerts/%s/%s.json" % (a["id"], what)
            first = API + "/v2/alerts/%s/%s?%s" % (a["id"], what, q(identifierType="id", offset="",
                                                                     order="desc", direction="next",
                                                                     limit=100))
            write_json(rel, wrap(rel, fn(a), paging={"first": first}))

    # incidents
    i_url = lambda off: API + "/v1/incidents?" + q(
        query="status%3Aopen%20OR%20status%3Aresolved%20OR%20status%3Aclosed",
        limit=25, offset=off, sort="createdAt", order="asc")
    write_json("incidents.json", wrap("incidents.json", [incident_object(i) for i in INCIDENTS],
                                      paging={"first": i_url(0), "last": i_url(0)}))
    for inc in INCIDENTS:
        rel = "incidents/%s/logs.json" % inc["id"]
        first = API + "/v1/incidents/%s/logs?%s" % (inc["id"], q(identifierType="id", offset="",
                                                                  order="desc", direction="next", limit=100))
        write_json(rel, wrap(rel, incident_logs(inc), paging={"first": first}))

    report(alerts)
    if "--table" in sys.argv[1:]:
        table(alerts)


def table(alerts):
    print()
    print("| tinyId | id | service | priority | status | createdAt | first ack (by) | TTA s | closed (by) | TTR s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for a in alerts:
        ack = "%s (%s)" % (iso_ms(a["acks"][0][0]), a["acks"][0][1]) if a["acks"] else "-"
        if len(a["acks"]) == 2:
            ack += " +2nd %s" % a["acks"][1][1]
        tta = "%.3f" % (a["acks"][0][0] - a["created"]).total_seconds() if a["acks"] else "-"
        cl = "%s (%s)" % (iso_ms(a["close"]), a["closer"]) if a["close"] else "-"
        ttr = "%.3f" % (a["close"] - a["created"]).total_seconds() if a["close"] else "-"
        print("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            a["tinyId"], a["id"], SERVICES[a["service"]]["name"], a["priority"], a["status"]
            + (" (acked)" if a["status"] == "open" and a["acks"] else ""),
            iso_ms(a["created"]), ack, tta, cl, ttr))


def report(alerts):
    print("Team sre_team %s; integration Default API %s" % (TEAM["id"], INTEGRATION["id"]))
    print("Users:")
    for k in USER_ORDER:
        print("  %-6s %s  %s" % (k, USERS[k]["id"], USERS[k]["username"]))
        for c in contacts(k):
            print("         contact %-6s %s  %s" % (c["method"], c["id"], c["to"]))
    for s in SCHEDULES:
        print("Schedule %s %s (%s)" % (s.name, s.id, s.tz_name))
        for r in s.rotations:
            print("  rotation %-13s %s" % (r.name, r.id))
    print("Override alias %s (bob, %s .. %s)" % (OVERRIDE["alias"], iso_s(OVERRIDE["start"]),
                                                  iso_s(OVERRIDE["end"])))
    print("Escalation SRE %s" % ESCALATION_ID)
    for k in ("checkout", "payments"):
        print("Service %s %s" % (SERVICES[k]["name"], SERVICES[k]["id"]))
    for inc in INCIDENTS:
        print("Incident %s %s %s %s" % (inc["tinyId"], inc["id"], inc["status"], inc["message"]))

    a, b = TIMELINE_DATE.astimezone(UTC), TIMELINE_END.astimezone(UTC)
    fin = SCHED_SRE.final(a, b)
    print("SRE_Primary final timeline %s .. %s:" % (iso_s(a), iso_s(b)))
    for r in SCHED_SRE.rotations:
        print("  rotation %s:" % r.name)
        for s_, e_, u, t in fin[r.key]:
            print("    %s  %s  %-5s %s  (%s .. %s Berlin)" % (
                iso_s(s_), iso_s(e_), u, t, s_.astimezone(BERLIN).strftime("%a %m-%d %H:%M"),
                e_.astimezone(BERLIN).strftime("%a %m-%d %H:%M")))
    print("  on call (union of the rotations):")
    pts = sorted({a, b} | {x for ps in fin.values() for p in ps for x in p[:2]})
    union = []
    for p, q_ in zip(pts, pts[1:]):
        who = tuple(sorted({u for ps in fin.values() for s_, e_, u, _ in ps if s_ <= p < e_},
                           key=USER_ORDER.index))
        if union and union[-1][2] == who and union[-1][1] == p:
            union[-1] = (union[-1][0], q_, who)
        else:
            union.append((p, q_, who))
    for s_, e_, who in union:
        print("    %s  %s  %s" % (iso_s(s_), iso_s(e_), " + ".join(who) or "-"))

    count = lambda pred: sum(1 for x in alerts if pred(x))
    kinds = {}
    for x in alerts:
        for _, k, _ in x["events"]:
            kinds[k] = kinds.get(k, 0) + 1
    print("Alerts: %d (closed %d, open acknowledged %d, open unacknowledged %d)" % (
        len(alerts), count(lambda x: x["status"] == "closed"),
        count(lambda x: x["status"] == "open" and x["acks"]),
        count(lambda x: x["status"] == "open" and not x["acks"])))
    print("  Checkout %d, Payments %d; %s" % (
        count(lambda x: x["service"] == "checkout"), count(lambda x: x["service"] == "payments"),
        ", ".join("%s %d" % (p, count(lambda x, p=p: x["priority"] == p)) for p in ("P1", "P2", "P3", "P4", "P5"))))
    esc = lambda x, n: any(k == "escalate" and d["rule"] == n for _, k, d in x["events"])
    print("  reached rule 2 (carol) %d, rules 3-4 (dave, erin) %d, repeated %d, with a note %d, "
          "acknowledged twice %d, viewed %d" % (
              count(lambda x: esc(x, 1)), count(lambda x: esc(x, 2)),
              count(lambda x: any(k == "repeat" for _, k, _ in x["events"])),
              count(lambda x: any(k == "note" for _, k, _ in x["events"])),
              count(lambda x: len(x["acks"]) == 2),
              count(lambda x: any(k == "view" for _, k, _ in x["events"]))))
    print("  log entries by kind: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items()))
          + " (%d in all)" % sum(kinds.values()))
    print("  acknowledged twice: " + ", ".join(
        "%s %s (first %s, then %s)" % (x["tinyId"], x["id"], x["acks"][0][1], x["acks"][1][1])
        for x in alerts if len(x["acks"]) == 2))
    print("  open: " + ", ".join("%s %s %s" % (x["tinyId"], x["id"], "acknowledged" if x["acks"] else "unacknowledged")
                                 for x in alerts if x["status"] == "open"))
    tta = [(x["acks"][0][0] - x["created"]).total_seconds() for x in alerts if x["acks"]]
    ttr = [(x["close"] - x["created"]).total_seconds() for x in alerts if x["close"]]
    m, med = statistics.mean(tta), statistics.median(tta)
    print("MTTA over %d acknowledged alerts: mean %.3f s (%s), median %.3f s (%s); sum %.3f s" % (
        len(tta), m, fmt_duration(m), med, fmt_duration(med), sum(tta)))
    m, med = statistics.mean(ttr), statistics.median(ttr)
    print("MTTR over %d closed alerts: mean %.3f s (%s), median %.3f s (%s); sum %.3f s" % (
        len(ttr), m, fmt_duration(m), med, fmt_duration(med), sum(ttr)))


if __name__ == "__main__":
    main()
