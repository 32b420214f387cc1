#!/usr/bin/env python3
# Deterministic generator for the `incident import pagerduty --from DIR` fixture.
#
# Run it (Python 3.9+, standard library only) from anywhere:
#
#     python3 tests/data/import/pagerduty/make_fixture.py
#
#     python3 tests/data/import/pagerduty/make_fixture.py --table   # + per-incident table
#
# It (re)writes every JSON file of the fixture next to itself -- users.json,
# users.2.json, schedules.json, schedules/<ID>.json, schedules/<ID>/overrides.json,
# escalation_policies.json, services.json, incidents.json, incidents.2.json and
# incidents/<ID>/log_entries.json -- and prints the "Expected" figures (ids,
# MTTA, MTTR) that README.md lists.  Running it twice gives byte-identical files.
#
# The files imitate what PagerDuty's REST API v2 returns; the response shapes
# follow PagerDuty/api-schema reference/REST/openapiv3.json (see README.md for
# the operation and schema behind every file, and for the assumptions made
# where that document is silent).

import hashlib
import json
import os
import random
import shutil
import statistics
import sys
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

HERE = os.path.dirname(os.path.abspath(__file__))
API = "https://api.pagerduty.com"
WEB = "https://example.pagerduty.com"
BERLIN = ZoneInfo("Europe/Berlin")
UTC_ZONE = ZoneInfo("UTC")
SEED = 20261207

# Export instant: the moment the (imaginary) account was exported.  Open
# incidents are open at this instant; nothing in the fixture happens after it
# except the schedule entries, which are rendered for a window PagerDuty
# computes from the schedule's configuration (2026-03-23 .. 2026-04-06).
EXPORT_AT = datetime(2026, 3, 20, 12, 0, 0, tzinfo=timezone.utc)

# Rendering window of GET /schedules/{id}?since=...&until=... for SRE Primary.
SINCE = datetime(2026, 3, 23, 0, 0, 0, tzinfo=BERLIN)
UNTIL = datetime(2026, 4, 6, 0, 0, 0, tzinfo=BERLIN)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ids = set()


def pd_id(seed, prefix="P", length=6):
    """A stable PagerDuty-style id derived from a seed string."""
    num = int.from_bytes(hashlib.sha256(seed.encode()).digest(), "big")
    out = []
    for _ in range(length):
        num, rem = divmod(num, 36)
        out.append(ALNUM[rem])
    ident = prefix + "".join(out)
    if ident in _ids:
        raise SystemExit("id collision: " + ident)
    _ids.add(ident)
    return ident


def fixed_id(ident):
    if ident in _ids:
        raise SystemExit("id collision: " + ident)
    _ids.add(ident)
    return ident


def iso_zone(dt, tz):
    """ISO 8601 with the zone's offset, as PagerDuty renders in a time zone."""
    s = dt.astimezone(tz).isoformat()
    if s.endswith("+00:00") and tz is UTC_ZONE:
        s = s[:-6] + "Z"
    return s


def iso_utc(dt):
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


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


# --------------------------------------------------------------------------
# users
# --------------------------------------------------------------------------

USERS = {
    "alice": dict(id=fixed_id("PA7K2QX"), name="Alice Schmidt", email="alice@example.com",
                  time_zone="Europe/Berlin", color="green", role="admin",
                  job_title="SRE Lead", description="Owns the SRE on-call rotation."),
    "bob": dict(id=fixed_id("PB3M9RT"), name="Bob Meyer", email="bob@example.com",
                time_zone="Europe/Berlin", color="red", role="user",
                job_title="Site Reliability Engineer", description=None),
    "carol": dict(id=fixed_id("PC5N4WZ"), name="Carol Jones", email="carol@example.com",
                  time_zone="America/New_York", color="purple", role="user",
                  job_title="Engineering Manager", description="Second escalation level."),
    "dave": dict(id=fixed_id("PD8H6LY"), name="Dave Weber", email="dave@example.com",
                 time_zone="Europe/Berlin", color="teal", role="user",
                 job_title="Database Engineer", description=None),
    "erin": dict(id=fixed_id("PE2J7VS"), name="Erin Novak", email="erin@example.com",
                 time_zone="Europe/Berlin", color="orange", role="limited_user",
                 job_title="Site Reliability Engineer", description=None),
}
USER_ORDER = ["alice", "bob", "carol", "dave", "erin"]


def user_ref(key):
    u = USERS[key]
    return {
        "id": u["id"],
        "type": "user_reference",
        "summary": u["name"],
        "self": API + "/users/" + u["id"],
        "html_url": WEB + "/users/" + u["id"],
    }


def contact_methods(key):
    """Full contact method objects, as include[]=contact_methods returns them."""
    u = USERS[key]
    base = API + "/users/" + u["id"] + "/contact_methods/"
    out = []

    def cm(kind, label, extra):
        cid = pd_id("contact-method/%s/%s" % (key, kind))
        obj = {"id": cid, "type": kind, "summary": label, "self": base + cid,
               "html_url": None, "label": label}
        obj.update(extra)
        out.append(obj)

    cm("email_contact_method", "Default",
       {"address": u["email"], "send_short_email": False, "enabled": True})
    if key == "alice":
        cm("phone_contact_method", "Mobile",
           {"address": "15123456789", "country_code": 49, "enabled": True, "blacklisted": False})
        token = hashlib.sha256(b"alice/push-notification-device-token").hexdigest()
        cm("push_notification_contact_method", "iPhone",
           {"address": token, "device_type": "ios", "sounds": [],
            "created_at": "2025-11-03T10:12:44Z", "blacklisted": False})
    if key == "bob":
        cm("sms_contact_method", "Mobile",
           {"address": "15198765432", "country_code": 49, "enabled": True, "blacklisted": False})
    return out


def user_object(key):
    u = USERS[key]
    nid = pd_id("notification-rule/" + key)
    return {
        "id": u["id"],
        "type": "user",
        "summary": u["name"],
        "self": API + "/users/" + u["id"],
        "html_url": WEB + "/users/" + u["id"],
        "name": u["name"],
        "email": u["email"],
        "time_zone": u["time_zone"],
        "color": u["color"],
        "role": u["role"],
        "avatar_url": "https://pd-static-assets.pagerduty.com/users/blank-avatar.png",
        "description": u["description"],
        "invitation_sent": False,
        "created_via_sso": False,
        "contact_methods": contact_methods(key),
        "notification_rules": [{
            "id": nid,
            "type": "assignment_notification_rule_reference",
            "summary": "Default",
            "self": API + "/users/" + u["id"] + "/notification_rules/" + nid,
            "html_url": None,
        }],
        "job_title": u["job_title"],
        "teams": [],
    }


# --------------------------------------------------------------------------
# schedules: configuration and the rendering engine
# --------------------------------------------------------------------------

SCHED1_ID = fixed_id("PSR1PRM")
SCHED2_ID = fixed_id("PDB7FTS")
EP_ID = fixed_id("PEP5SRE")
SVC_CHECKOUT_ID = fixed_id("PSV1CHK")
SVC_PAYMENTS_ID = fixed_id("PSV2PAY")
OVERRIDE_ID = fixed_id("POV4BOB")


class Layer:
    def __init__(self, lid, name, tz, start, vstart, turn, users, restrictions, end=None):
        self.id, self.name, self.tz = lid, name, tz
        self.start, self.end, self.vstart = start, end, vstart
        self.turn, self.users, self.restrictions = turn, users, restrictions

    # Hand-offs keep their local wall-clock time in the schedule's zone:
    # turn k starts at local(virtual start) + k * turn length, localised again.
    # All instants the engine returns are in UTC: Python subtracts and compares
    # two datetimes that share one ZoneInfo by their wall-clock values, which
    # would be an hour off across a DST change.
    def turn_start(self, k):
        naive = self.vstart.astimezone(self.tz).replace(tzinfo=None)
        local = (naive + timedelta(seconds=k * self.turn)).replace(tzinfo=self.tz)
        return local.astimezone(timezone.utc)

    def turn_index(self, t):
        k = int((t - self.vstart).total_seconds() // self.turn)
        while self.turn_start(k) > t:
            k -= 1
        while self.turn_start(k + 1) <= t:
            k += 1
        return k

    def restriction_windows(self, a, b):
        """[start, end) windows in which the layer may have someone on call."""
        wins = []
        d0 = a.astimezone(self.tz).date() - timedelta(days=8)
        d1 = b.astimezone(self.tz).date() + timedelta(days=1)
        d = d0
        while d <= d1:
            for r in self.restrictions:
                if r["type"] == "weekly_restriction" and d.isoweekday() != r["start_day_of_week"]:
                    continue
                hh, mm, ss = (int(x) for x in r["start_time_of_day"].split(":"))
                naive = datetime.combine(d, time(hh, mm, ss))
                ws = naive.replace(tzinfo=self.tz).astimezone(timezone.utc)
                we = (naive + timedelta(seconds=r["duration_seconds"])).replace(
                    tzinfo=self.tz).astimezone(timezone.utc)
                if we > a and ws < b:
                    wins.append((max(ws, a), min(we, b)))
            d += timedelta(days=1)
        wins.sort()
        merged = []
        for s, e in wins:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        return merged

    def entries(self, a, b):
        """(start, end, user_key) on-call entries of this layer within [a, b)."""
        a = max(utc(a), utc(self.start))
        b = utc(b)
        if self.end is not None:
            b = min(b, utc(self.end))
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
                out.append((s, e, self.users[k % len(self.users)]))
            k += 1
        if self.restrictions:
            masked = []
            wins = self.restriction_windows(a, b)
            for s, e, u in out:
                for ws, we in wins:
                    ms, me = max(s, ws), min(e, we)
                    if ms < me:
                        masked.append((ms, me, u))
            out = masked
        return merge(out)


def utc(dt):
    return dt.astimezone(timezone.utc)


def merge(entries):
    out = []
    for s, e, u in sorted(entries):
        if out and out[-1][2] == u and out[-1][1] == s:
            out[-1] = (out[-1][0], e, u)
        else:
            out.append((s, e, u))
    return out


def final_entries(layers_high_first, overrides, a, b):
    """Highest layer with someone on call wins, whole; overrides beat all."""
    a, b = utc(a), utc(b)
    overrides = [(utc(s), utc(e), u) for s, e, u in overrides]
    per_layer = [layer.entries(a, b) for layer in layers_high_first]
    points = {a, b}
    for ents in per_layer + [overrides]:
        for s, e, _ in ents:
            if a < s < b:
                points.add(s)
            if a < e < b:
                points.add(e)
    points = sorted(points)
    out = []
    for p, q in zip(points, points[1:]):
        who = None
        for s, e, u in overrides:
            if s <= p < e:
                who = u
                break
        if who is None:
            for ents in per_layer:
                for s, e, u in ents:
                    if s <= p < e:
                        who = u
                        break
                if who is not None:
                    break
        if who is not None:
            out.append((p, q, who))
    return merge(out)


def coverage(entries, a, b):
    a, b = utc(a), utc(b)
    entries = [(utc(s), utc(e), u) for s, e, u in entries]
    covered = sum((e - s).total_seconds() for s, e, _ in entries)
    return round(100.0 * covered / (b - a).total_seconds(), 2)


def rendered(entries, tz):
    return [{"start": iso_zone(s, tz), "end": iso_zone(e, tz), "user": user_ref(u)}
            for s, e, u in entries]


JAN5 = datetime(2026, 1, 5, 9, 0, 0, tzinfo=BERLIN)
LAYER_WEEKLY = Layer(fixed_id("PLW3EKY"), "Weekly", BERLIN, JAN5, JAN5, 604800,
                     ["alice", "bob", "carol"], [])
LAYER_OFFICE = Layer(fixed_id("PLO5FHR"), "Office hours", BERLIN, JAN5, JAN5, 86400,
                     ["dave", "erin"],
                     [{"type": "weekly_restriction", "start_time_of_day": "09:00:00",
                       "duration_seconds": 28800, "start_day_of_week": d} for d in range(1, 6)])
SCHED1_LAYERS = [LAYER_OFFICE, LAYER_WEEKLY]          # as the API lists them: highest first
SCHED1_OVERRIDES = [(datetime(2026, 4, 2, 18, 0, 0, tzinfo=BERLIN),
                     datetime(2026, 4, 3, 9, 0, 0, tzinfo=BERLIN), "bob")]

JAN5_UTC = datetime(2026, 1, 5, 0, 0, 0, tzinfo=UTC_ZONE)
LAYER_DB = Layer(fixed_id("PLD9TSN"), "Follow the sun", UTC_ZONE, JAN5_UTC, JAN5_UTC, 5400,
                 ["dave", "erin"], [])


def oncall_sre_primary(t):
    ents = final_entries(SCHED1_LAYERS, SCHED1_OVERRIDES, t, t + timedelta(seconds=1))
    return ents[0][2]


def schedule_ref(sid, name):
    return {"id": sid, "type": "schedule_reference", "summary": name,
            "self": API + "/schedules/" + sid, "html_url": WEB + "/schedules/" + sid}


def ep_ref():
    return {"id": EP_ID, "type": "escalation_policy_reference", "summary": "SRE",
            "self": API + "/escalation_policies/" + EP_ID,
            "html_url": WEB + "/escalation_policies/" + EP_ID}


def service_ref(sid):
    return {"id": sid, "type": "service_reference", "summary": SERVICES[sid]["name"],
            "self": API + "/services/" + sid, "html_url": WEB + "/service-directory/" + sid}


def layer_object(layer, a=None, b=None):
    if a is None:
        ents, cov = [], None
    else:
        e = layer.entries(a, b)
        ents, cov = rendered(e, layer.tz), coverage(e, a, b)
    return {
        "name": layer.name,
        "rendered_schedule_entries": ents,
        "rendered_coverage_percentage": cov,
        "id": layer.id,
        "start": iso_zone(layer.start, layer.tz),
        "end": None if layer.end is None else iso_zone(layer.end, layer.tz),
        "rotation_virtual_start": iso_zone(layer.vstart, layer.tz),
        "rotation_turn_length_seconds": layer.turn,
        "users": [{"user": user_ref(u)} for u in layer.users],
        "restrictions": [dict(r) for r in layer.restrictions],
    }


SCHEDULES = {
    SCHED1_ID: dict(name="SRE Primary", tz=BERLIN, time_zone="Europe/Berlin",
                    description="Primary on-call for the SRE team: weekly rotation, "
                                "office-hours layer on top.",
                    users=["alice", "bob", "carol", "dave", "erin"], eps=[ep_ref]),
    SCHED2_ID: dict(name="Database follow-the-sun", tz=UTC_ZONE, time_zone="UTC",
                    description="Database on-call, 90-minute hand-offs.",
                    users=["dave", "erin"], eps=[]),
}


def schedule_head(sid):
    s = SCHEDULES[sid]
    return {
        "id": sid,
        "type": "schedule",
        "summary": s["name"],
        "self": API + "/schedules/" + sid,
        "html_url": WEB + "/schedules/" + sid,
        "name": s["name"],
        "time_zone": s["time_zone"],
        "description": s["description"],
        "escalation_policies": [f() for f in s["eps"]],
        "users": [user_ref(u) for u in s["users"]],
        "teams": [],
    }


def schedule1_detail():
    obj = schedule_head(SCHED1_ID)
    a, b = utc(SINCE), utc(UNTIL)
    ov = [(utc(s), utc(e), u) for s, e, u in SCHED1_OVERRIDES]
    ov = [(max(s, a), min(e, b), u) for s, e, u in ov if e > a and s < b]
    fin = final_entries(SCHED1_LAYERS, SCHED1_OVERRIDES, SINCE, UNTIL)
    obj["schedule_layers"] = [layer_object(l, SINCE, UNTIL) for l in SCHED1_LAYERS]
    obj["overrides_subschedule"] = {
        "name": "Overrides",
        "rendered_schedule_entries": rendered(merge(ov), BERLIN),
        "rendered_coverage_percentage": coverage(ov, SINCE, UNTIL),
    }
    obj["final_schedule"] = {
        "name": "Final Schedule",
        "rendered_schedule_entries": rendered(fin, BERLIN),
        "rendered_coverage_percentage": coverage(fin, SINCE, UNTIL),
    }
    return {"schedule": obj}, fin


def schedule2_detail():
    obj = schedule_head(SCHED2_ID)
    obj["schedule_layers"] = [layer_object(LAYER_DB)]
    obj["overrides_subschedule"] = {"name": "Overrides", "rendered_schedule_entries": [],
                                    "rendered_coverage_percentage": None}
    obj["final_schedule"] = {"name": "Final Schedule", "rendered_schedule_entries": [],
                             "rendered_coverage_percentage": None}
    return {"schedule": obj}


def overrides_response():
    return {"overrides": [{
        "id": OVERRIDE_ID,
        "start": iso_zone(s, BERLIN),
        "end": iso_zone(e, BERLIN),
        "user": user_ref(u),
    } for s, e, u in SCHED1_OVERRIDES]}


# --------------------------------------------------------------------------
# escalation policy and services
# --------------------------------------------------------------------------

RULES = [
    dict(id=fixed_id("PR1A5MN"), delay=5, targets=[("schedule", SCHED1_ID)]),
    dict(id=fixed_id("PR2B0MN"), delay=10, targets=[("user", "carol")]),
    dict(id=fixed_id("PR3C5MN"), delay=15, targets=[("user", "dave"), ("user", "erin")]),
]


def target_ref(kind, key):
    if kind == "schedule":
        r = schedule_ref(key, SCHEDULES[key]["name"])
    else:
        r = user_ref(key)
    # key order of the listEscalationPolicies example: id, summary, type, self, html_url
    return {"id": r["id"], "summary": r["summary"], "type": r["type"],
            "self": r["self"], "html_url": r["html_url"]}


def escalation_policies_response():
    ep = {
        "id": EP_ID,
        "type": "escalation_policy",
        "summary": "SRE",
        "on_call_handoff_notifications": "if_has_services",
        "self": API + "/escalation_policies/" + EP_ID,
        "html_url": WEB + "/escalation_policies/" + EP_ID,
        "name": "SRE",
        "description": "Pages SRE Primary, then Carol, then Dave and Erin.",
        "escalation_rules": [{
            "id": r["id"],
            "escalation_delay_in_minutes": r["delay"],
            "targets": [target_ref(k, v) for k, v in r["targets"]],
        } for r in RULES],
        "services": [service_ref(SVC_CHECKOUT_ID), service_ref(SVC_PAYMENTS_ID)],
        "num_loops": 1,
        "teams": [],
    }
    return {"escalation_policies": [ep], "limit": 25, "offset": 0, "more": False, "total": 1}


SERVICES = {
    SVC_CHECKOUT_ID: dict(name="Checkout", description="Checkout web front end and API.",
                          created_at="2025-11-03T09:15:00Z",
                          urgency_rule={"type": "constant", "urgency": "high"},
                          support_hours=None, scheduled_actions=[]),
    SVC_PAYMENTS_ID: dict(name="Payments", description="Payment processing backend.",
                          created_at="2025-11-03T09:20:00Z",
                          urgency_rule={"type": "use_support_hours",
                                        "during_support_hours": {"type": "constant", "urgency": "high"},
                                        "outside_support_hours": {"type": "constant", "urgency": "low"}},
                          support_hours={"type": "fixed_time_per_day", "time_zone": "Europe/Berlin",
                                         "start_time": "09:00:00", "end_time": "17:00:00",
                                         "days_of_week": [1, 2, 3, 4, 5]},
                          scheduled_actions=[{"type": "urgency_change",
                                              "at": {"type": "named_time", "name": "support_hours_start"},
                                              "to_urgency": "high"}]),
}


def in_support_hours(t):
    loc = t.astimezone(BERLIN)
    return loc.isoweekday() <= 5 and time(9, 0) <= loc.time() < time(17, 0)


def services_response(incidents):
    out = []
    for sid in (SVC_CHECKOUT_ID, SVC_PAYMENTS_ID):
        s = SERVICES[sid]
        mine = [i for i in incidents if i["service"] == sid]
        statuses = {i["status"] for i in mine}
        status = ("critical" if "triggered" in statuses
                  else "warning" if "acknowledged" in statuses else "active")
        iid = pd_id("integration/" + sid)
        out.append({
            "id": sid,
            "summary": s["name"],
            "type": "service",
            "self": API + "/services/" + sid,
            "html_url": WEB + "/service-directory/" + sid,
            "name": s["name"],
            "description": s["description"],
            "auto_resolve_timeout": None,
            "acknowledgement_timeout": None,
            "created_at": s["created_at"],
            "status": status,
            "last_incident_timestamp": iso_utc(max(i["created"] for i in mine)),
            "alert_creation": "create_alerts_and_incidents",
            "integrations": [{
                "id": iid,
                "type": "events_api_v2_inbound_integration_reference",
                "summary": "Events API V2",
                "self": API + "/services/" + sid + "/integrations/" + iid,
                "html_url": WEB + "/services/" + sid + "/integrations/" + iid,
            }],
            "escalation_policy": ep_ref(),
            "teams": [],
            "incident_urgency_rule": s["urgency_rule"],
            "support_hours": s["support_hours"],
            "scheduled_actions": s["scheduled_actions"],
            "addons": [],
        })
    return {"services": out, "limit": 25, "offset": 0, "more": False, "total": 2}


# --------------------------------------------------------------------------
# incidents and log entries
# --------------------------------------------------------------------------

PRIORITIES = {
    "P1": fixed_id("PY1X0AB"),
    "P2": fixed_id("PY2X0CD"),
    "P3": fixed_id("PY3X0EF"),
}

TITLES = {
    SVC_CHECKOUT_ID: [
        "Checkout API 5xx rate above 5%",
        "Checkout p99 latency above 2s",
        "Cart service pods crash-looping",
        "Checkout front end returns blank page",
        "Session store connection pool exhausted",
        "Checkout synthetic check failing in eu-west-1",
    ],
    SVC_PAYMENTS_ID: [
        "Payment provider timeouts above threshold",
        "Payments queue backlog above 10k messages",
        "Card authorisation error rate above 2%",
        "Refund worker stalled",
        "Payments database replication lag above 60s",
        "Settlement batch job failed",
    ],
}

NOTES = [
    "Rolled back the last deploy; error rate recovering.",
    "Provider status page confirms degraded service.",
    "Scaled the deployment from 6 to 12 replicas.",
    "Root cause looks like an expired TLS certificate.",
    "Failover to the secondary region done.",
    "Customer support informed, status page updated.",
    "Restarted the stuck consumer group.",
    "Opened a follow-up ticket for the alert threshold.",
]


def build_incidents(rng):
    feb1 = int(datetime(2026, 2, 1, tzinfo=timezone.utc).timestamp())
    mar18 = int(datetime(2026, 3, 18, tzinfo=timezone.utc).timestamp())
    mar19 = int(datetime(2026, 3, 19, tzinfo=timezone.utc).timestamp())
    trig0 = int(datetime(2026, 3, 20, 11, 31, tzinfo=timezone.utc).timestamp())

    plan = [(rng.randrange(feb1, mar18), "resolved") for _ in range(46)]
    plan += [(mar19 + rng.randrange(0, 22 * 3600), "acknowledged") for _ in range(2)]
    plan += [(trig0 + rng.randrange(0, 27 * 60), "triggered") for _ in range(2)]
    if len({t for t, _ in plan}) != len(plan):
        raise SystemExit("duplicate creation time")
    plan.sort()

    # Exact shares: of the 48 acknowledged incidents 16 escalate before the
    # acknowledgement, 24 get a note and 3 are acknowledged twice; 42 of all
    # 50 carry notify_log_entry records.
    acked = [n for n, (_, s) in enumerate(plan) if s != "triggered"]
    flags = {
        "escalated": set(rng.sample(acked, 16)),
        "annotated": set(rng.sample(acked, 24)),
        "double": set(rng.sample(acked, 3)),
        "notify": set(rng.sample(range(len(plan)), 42)),
    }

    incidents = []
    for n, (ts, status) in enumerate(plan):
        number = 1001 + n
        created = datetime.fromtimestamp(ts, tz=timezone.utc)
        sid = rng.choice([SVC_CHECKOUT_ID, SVC_PAYMENTS_ID])
        title = rng.choice(TITLES[sid])
        if sid == SVC_CHECKOUT_ID:
            urgency = "high"            # incident_urgency_rule constant high
        else:
            urgency = "high" if in_support_hours(created) else "low"
        priority = rng.choices(["P1", "P2", "P3", None], weights=[15, 30, 30, 25])[0]
        inc = dict(number=number, id=pd_id("incident/%d" % number), created=created,
                   status=status, service=sid, title=title, urgency=urgency,
                   priority=priority,
                   key=hashlib.md5(("incident-key/%d" % number).encode()).hexdigest())
        simulate(rng, inc, {k: n in v for k, v in flags.items()})
        incidents.append(inc)
    return incidents


def simulate(rng, inc, flag):
    """Create the incident's history as a list of events (chronological).

    Escalation follows policy SRE: level 1 (the SRE Primary on-call at that
    moment) from creation, level 2 (Carol) at +5 min, level 3 (Dave and Erin)
    at +15 min; a loop back to level 1 would happen at +30 min, which no
    incident reaches.
    """
    created, status = inc["created"], inc["status"]
    ev = []   # (time, kind, data)
    oncall = oncall_sre_primary(created)

    def add(t, kind, **data):
        ev.append((t, kind, data))

    def notify_users(t, users):
        if flag["notify"]:
            for i, u in enumerate(users):
                add(t + timedelta(seconds=rng.randrange(5, 31) + i), "notify", user=u)

    def escalate_until(limit):
        nonlocal level, assignees, assigned_at
        for lvl, offset in ((2, 300), (3, 900)):
            t = created + timedelta(seconds=offset)
            if t < limit:
                level, assignees, assigned_at = lvl, level_users(lvl, t), t
                add(t, "escalate", level=lvl, users=assignees)
                notify_users(t, assignees)

    add(created, "trigger")
    level, assignees, assigned_at = 1, [oncall], created
    notify_users(created, [oncall])

    if status == "triggered":
        escalate_until(EXPORT_AT)
        inc.update(events=ev, assignees=assignees, assigned_at=assigned_at, level=level,
                   acks=[], resolve=None)
        inc["pending_escalation"] = created + timedelta(seconds={1: 300, 2: 900, 3: 1800}[level])
        check(inc)
        return

    # First acknowledgement: not escalated -> 1..5 min (before the escalation
    # at +5 min); escalated -> 6..29 min, at least a minute after the latest
    # escalation and before the policy would loop at +30 min.
    if flag["escalated"]:
        ack_delay = rng.randrange(360, 1740)
        if 900 <= ack_delay < 960:
            ack_delay += 60
    else:
        ack_delay = rng.randrange(60, 300)
    first_ack = created + timedelta(seconds=ack_delay)
    escalate_until(first_ack)
    acker = rng.choice(assignees)
    add(first_ack, "acknowledge", user=acker)
    acks = [(first_ack, acker)]

    if flag["double"]:
        if len(assignees) > 1:
            # level 3 assigns Dave and Erin together: the other one acknowledges too
            second = [u for u in assignees if u != acker][0]
            t2 = first_ack + timedelta(seconds=rng.randrange(20, 600))
        else:
            # reassigned by the first acknowledger; the new assignee acknowledges
            second = rng.choice([u for u in USER_ORDER if u != acker])
            ta = first_ack + timedelta(seconds=rng.randrange(120, 900))
            add(ta, "assign", by=acker, users=[second])
            assignees, assigned_at = [second], ta
            inc["reassigned"] = True
            notify_users(ta, [second])
            t2 = ta + timedelta(seconds=rng.randrange(60, 300))
        add(t2, "acknowledge", user=second)
        acks.append((t2, second))

    last = max(t for t, _, _ in ev)
    if flag["annotated"]:
        tn = last + timedelta(seconds=rng.randrange(60, 7200))
        add(tn, "annotate", user=rng.choice([acks[-1][1], acks[0][1], "alice"]),
            note=rng.choice(NOTES))
        last = tn

    resolve = None
    if status == "resolved":
        # 10 min .. 2 days after creation, after everything else
        lo = max(600, int((last - created).total_seconds()) + 60)
        resolve = created + timedelta(seconds=rng.randrange(lo, 2 * 86400 + 1))
        resolver = acks[-1][1] if rng.random() < 0.8 else rng.choice(
            [u for u in USER_ORDER if u != acks[-1][1]])
        add(resolve, "resolve", user=resolver)
        inc["resolver"] = resolver

    inc.update(events=ev, assignees=assignees, assigned_at=assigned_at, level=level,
               acks=acks, resolve=resolve)
    check(inc)


def check(inc):
    times = [t for t, _, _ in inc["events"]]
    if len(set(times)) != len(times):
        raise SystemExit("log entries with the same timestamp in incident %d" % inc["number"])
    if max(times) > (inc["resolve"] or EXPORT_AT):
        raise SystemExit("event after resolution/export in incident %d" % inc["number"])
    if inc["resolve"] and not (inc["acks"] and inc["resolve"] > inc["acks"][0][0]):
        raise SystemExit("resolution not after first acknowledgement in %d" % inc["number"])
    if inc["acks"]:
        d = (inc["acks"][0][0] - inc["created"]).total_seconds()
        if not 60 <= d <= 5400:
            raise SystemExit("acknowledgement out of 1..90 min in %d" % inc["number"])
    if inc["resolve"]:
        d = (inc["resolve"] - inc["created"]).total_seconds()
        if not 600 <= d <= 2 * 86400:
            raise SystemExit("resolution out of 10 min..2 days in %d" % inc["number"])


def level_users(level, t):
    kind, key = RULES[level - 1]["targets"][0]
    if kind == "schedule":
        return [oncall_sre_primary(t)]
    return [v for _, v in RULES[level - 1]["targets"]]


def incident_ref(inc):
    return {"id": inc["id"], "type": "incident_reference",
            "summary": "[#%d] %s" % (inc["number"], inc["title"]),
            "self": API + "/incidents/" + inc["id"],
            "html_url": WEB + "/incidents/" + inc["id"]}


def log_entries(inc):
    """The incident's log entries, newest first (see README)."""
    out = []
    svc = service_ref(inc["service"])
    for seq, (t, kind, d) in enumerate(inc["events"]):
        lid = pd_id("log-entry/%d/%d" % (inc["number"], seq), prefix="R", length=13)
        e = {
            "id": lid,
            "type": kind + "_log_entry",
            "summary": None,
            "self": API + "/log_entries/" + lid + "?incident_id=" + inc["id"],
            "html_url": WEB + "/incidents/" + inc["id"] + "/log_entries/" + lid,
            "created_at": iso_utc(t),
        }
        if kind == "trigger":
            e["summary"] = "Triggered through the API."
            e["agent"] = svc
            e["channel"] = {"type": "api"}
        elif kind == "notify":
            e["summary"] = "Notified %s." % USERS[d["user"]]["name"]
            e["agent"] = svc
            e["channel"] = {"type": "auto"}
            e["user"] = user_ref(d["user"])
        elif kind == "escalate":
            e["summary"] = "Escalated to level %d by timeout: %s." % (
                d["level"], ", ".join(USERS[u]["name"] for u in d["users"]))
            e["agent"] = svc
            e["channel"] = {"type": "timeout"}
            e["assignees"] = [user_ref(u) for u in d["users"]]
        elif kind == "assign":
            e["summary"] = "Reassigned to %s by %s." % (
                ", ".join(USERS[u]["name"] for u in d["users"]), USERS[d["by"]]["name"])
            e["agent"] = user_ref(d["by"])
            e["channel"] = {"type": "website"}
            e["assignees"] = [user_ref(u) for u in d["users"]]
        elif kind == "acknowledge":
            e["summary"] = "Acknowledged by %s." % USERS[d["user"]]["name"]
            e["agent"] = user_ref(d["user"])
            e["channel"] = {"type": "website"}
            e["acknowledgement_timeout"] = None
        elif kind == "annotate":
            e["summary"] = "Note added by %s." % USERS[d["user"]]["name"]
            e["agent"] = user_ref(d["user"])
            e["channel"] = {"type": "note"}
            e["note"] = d["note"]
        elif kind == "resolve":
            e["summary"] = "Resolved by %s." % USERS[d["user"]]["name"]
            e["agent"] = user_ref(d["user"])
            e["channel"] = {"type": "website"}
        e["service"] = svc
        e["incident"] = incident_ref(inc)
        e["teams"] = []
        if kind == "trigger":
            e["contexts"] = []
            e["event_details"] = {"description": inc["title"]}
        out.append((t, e))
        if kind == "trigger":
            inc["trigger_entry"] = e
    out.sort(key=lambda x: x[0], reverse=True)
    entries = [e for _, e in out]
    return {"log_entries": entries, "limit": 100, "offset": 0, "more": False,
            "total": len(entries)}


def incident_object(inc):
    status = inc["status"]
    times = [t for t, _, _ in inc["events"]]
    trig = inc["trigger_entry"]
    if status == "resolved":
        lsc_at, lsc_by = inc["resolve"], user_ref(inc["resolver"])
        assignments, acknowledgements, pending = [], [], []
    elif status == "acknowledged":
        lsc_at, lsc_by = inc["acks"][0][0], user_ref(inc["acks"][0][1])
        assignments = [{"at": iso_utc(inc["assigned_at"]), "assignee": user_ref(u)}
                       for u in inc["assignees"]]
        acknowledgements = [{"at": iso_utc(t), "acknowledger": user_ref(u)}
                            for t, u in inc["acks"]]
        pending = []
    else:
        lsc_at, lsc_by = max(times), service_ref(inc["service"])
        assignments = [{"at": iso_utc(inc["assigned_at"]), "assignee": user_ref(u)}
                       for u in inc["assignees"]]
        acknowledgements = []
        pending = [{"type": "escalate", "at": iso_utc(inc["pending_escalation"])}]
    prio = inc["priority"]
    return {
        "id": inc["id"],
        "type": "incident",
        "summary": "[#%d] %s" % (inc["number"], inc["title"]),
        "self": API + "/incidents/" + inc["id"],
        "html_url": WEB + "/incidents/" + inc["id"],
        "incident_number": inc["number"],
        "title": inc["title"],
        "created_at": iso_utc(inc["created"]),
        "updated_at": iso_utc(max(times)),
        "status": status,
        "incident_key": inc["key"],
        "service": service_ref(inc["service"]),
        "assignments": assignments,
        "assigned_via": "direct_assignment" if inc.get("reassigned") and status != "resolved"
                        else "escalation_policy",
        "last_status_change_at": iso_utc(lsc_at),
        "resolved_at": iso_utc(inc["resolve"]) if inc["resolve"] else None,
        "first_trigger_log_entry": {
            "id": trig["id"],
            "type": "trigger_log_entry_reference",
            "summary": trig["summary"],
            "self": trig["self"],
            "html_url": trig["html_url"],
        },
        "alert_counts": {"all": 1, "triggered": 0 if status == "resolved" else 1,
                         "resolved": 1 if status == "resolved" else 0},
        "is_mergeable": True,
        "incident_type": {"name": "incident_default"},
        "escalation_policy": ep_ref(),
        "teams": [],
        "pending_actions": pending,
        "acknowledgements": acknowledgements,
        "alert_grouping": None,
        "last_status_change_by": lsc_by,
        "priority": None if prio is None else {
            "id": PRIORITIES[prio], "type": "priority_reference", "summary": prio,
            "self": API + "/priorities/" + PRIORITIES[prio]},
        "resolve_reason": None,
        "incidents_responders": [],
        "responder_requests": [],
        "urgency": inc["urgency"],
    }


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------

def clean():
    for name in ("users.json", "users.2.json", "schedules.json", "escalation_policies.json",
                 "services.json", "incidents.json", "incidents.2.json"):
        p = os.path.join(HERE, name)
        if os.path.exists(p):
            os.remove(p)
    for d in ("schedules", "incidents"):
        p = os.path.join(HERE, d)
        if os.path.isdir(p):
            shutil.rmtree(p)


def main():
    rng = random.Random(SEED)
    clean()

    users = [user_object(k) for k in USER_ORDER]
    write_json("users.json", {"users": users[:3], "limit": 3, "offset": 0, "more": True, "total": 5})
    write_json("users.2.json", {"users": users[3:], "limit": 3, "offset": 3, "more": False, "total": 5})

    write_json("schedules.json", {"schedules": [schedule_head(SCHED1_ID), schedule_head(SCHED2_ID)],
                                  "limit": 25, "offset": 0, "more": False, "total": 2})
    s1, final1 = schedule1_detail()
    write_json("schedules/%s.json" % SCHED1_ID, s1)
    write_json("schedules/%s/overrides.json" % SCHED1_ID, overrides_response())
    write_json("schedules/%s.json" % SCHED2_ID, schedule2_detail())
    write_json("schedules/%s/overrides.json" % SCHED2_ID, {"overrides": []})

    write_json("escalation_policies.json", escalation_policies_response())

    incidents = build_incidents(rng)
    for inc in incidents:
        write_json("incidents/%s/log_entries.json" % inc["id"], log_entries(inc))
    objs = [incident_object(i) for i in incidents]
    write_json("incidents.json", {"incidents": objs[:25], "limit": 25, "offset": 0,
                                  "more": True, "total": 50})
    write_json("incidents.2.json", {"incidents": objs[25:], "limit": 25, "offset": 25,
                                    "more": False, "total": 50})
    write_json("services.json", services_response(incidents))

    report(incidents, final1)
    if "--table" in sys.argv[1:]:
        table(incidents)


def table(incidents):
    """Markdown table of every incident (the README's per-incident list)."""
    print()
    print("| # | id | service | urgency | priority | status | created_at | first acknowledged (by) "
          "| TTA s | resolved (by) | TTR s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for i in incidents:
        ack = "%s (%s)" % (iso_utc(i["acks"][0][0]), i["acks"][0][1]) if i["acks"] else "-"
        tta = "%d" % (i["acks"][0][0] - i["created"]).total_seconds() if i["acks"] else "-"
        if len(i["acks"]) == 2:
            ack += " +2nd %s" % i["acks"][1][1]
        res = "%s (%s)" % (iso_utc(i["resolve"]), i["resolver"]) if i["resolve"] else "-"
        ttr = "%d" % (i["resolve"] - i["created"]).total_seconds() if i["resolve"] else "-"
        print("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            i["number"], i["id"], SERVICES[i["service"]]["name"], i["urgency"],
            i["priority"] or "-", i["status"], iso_utc(i["created"]), ack, tta, res, ttr))


def stats(values):
    return statistics.mean(values), statistics.median(values)


def report(incidents, final1):
    print("Users:")
    for k in USER_ORDER:
        print("  %-6s %s  %s" % (k, USERS[k]["id"], USERS[k]["email"]))
    print("Schedules: SRE Primary %s, Database follow-the-sun %s" % (SCHED1_ID, SCHED2_ID))
    print("Layers: Office hours %s, Weekly %s, Follow the sun %s" % (
        LAYER_OFFICE.id, LAYER_WEEKLY.id, LAYER_DB.id))
    print("Override: %s; escalation policy SRE %s; services Checkout %s, Payments %s" % (
        OVERRIDE_ID, EP_ID, SVC_CHECKOUT_ID, SVC_PAYMENTS_ID))
    print("SRE Primary final schedule %s .. %s:" % (iso_zone(SINCE, BERLIN), iso_zone(UNTIL, BERLIN)))
    for s, e, u in final1:
        print("  %s  %s  %s" % (iso_zone(s, BERLIN), iso_zone(e, BERLIN), USERS[u]["name"]))

    tta = [(i["acks"][0][0] - i["created"]).total_seconds() for i in incidents if i["acks"]]
    ttr = [(i["resolve"] - i["created"]).total_seconds() for i in incidents if i["resolve"]]
    count = lambda pred: sum(1 for i in incidents if pred(i))
    kinds = {}
    for i in incidents:
        for _, k, _ in i["events"]:
            kinds[k] = kinds.get(k, 0) + 1
    print("Incidents: %d (resolved %d, acknowledged %d, triggered %d)" % (
        len(incidents), count(lambda i: i["status"] == "resolved"),
        count(lambda i: i["status"] == "acknowledged"), count(lambda i: i["status"] == "triggered")))
    print("  Checkout %d, Payments %d; high %d, low %d; P1 %d, P2 %d, P3 %d, no priority %d" % (
        count(lambda i: i["service"] == SVC_CHECKOUT_ID), count(lambda i: i["service"] == SVC_PAYMENTS_ID),
        count(lambda i: i["urgency"] == "high"), count(lambda i: i["urgency"] == "low"),
        count(lambda i: i["priority"] == "P1"), count(lambda i: i["priority"] == "P2"),
        count(lambda i: i["priority"] == "P3"), count(lambda i: i["priority"] is None)))
    print("  with notify %d, escalated %d, annotated %d, acknowledged twice %d, reassigned %d" % (
        count(lambda i: any(k == "notify" for _, k, _ in i["events"])),
        count(lambda i: any(k == "escalate" for _, k, _ in i["events"])),
        count(lambda i: any(k == "annotate" for _, k, _ in i["events"])),
        count(lambda i: len(i["acks"]) == 2), count(lambda i: i.get("reassigned"))))
    print("  log entries by type: " + ", ".join("%s %d" % kv for kv in sorted(kinds.items())))
    print("  twice acknowledged: " + ", ".join(
        "#%d (%s, first %s)" % (i["number"], i["id"], USERS[i["acks"][0][1]]["name"])
        for i in incidents if len(i["acks"]) == 2))
    print("  open: " + ", ".join("#%d %s %s" % (i["number"], i["id"], i["status"])
                                 for i in incidents if i["status"] != "resolved"))
    m, med = stats(tta)
    print("MTTA over %d acknowledged incidents: mean %.1f s (%s), median %.1f s (%s)" % (
        len(tta), m, fmt_duration(m), med, fmt_duration(med)))
    m, med = stats(ttr)
    print("MTTR over %d resolved incidents: mean %.1f s (%s), median %.1f s (%s)" % (
        len(ttr), m, fmt_duration(m), med, fmt_duration(med)))
    print("  sums: time to acknowledge %d s, time to resolve %d s" % (sum(tta), sum(ttr)))


if __name__ == "__main__":
    main()
