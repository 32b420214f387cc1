#!/usr/bin/python3
"""An independent model of on-call schedules for tests/cli/test_oncall.sh.

It reads the same .incident/people.yaml and .incident/oncall/NAME.yaml the
tool reads and answers from the specification alone, with Python's zoneinfo:
a daily or weekly turn is found by counting local calendar days from the
layer's start (then checked against the instants of the hand-offs on either
side); a hand-off's local time becomes an instant by the rules (a time in a
gap moves to the first instant after it, an ambiguous one takes its first
occurrence); restrictions are compared on the local wall clock. Overrides
come from the schedule file and from .incident/oncall/overrides/NAME/*.yaml
(the same keys: from, to, who, instead_of).

Subcommands:
  hours START COUNT
      prints COUNT instants, one an hour from START (RFC 3339 UTC).
  check-who REPO SCHEDULE DIR START COUNT
      compares DIR/<instant>.{rc,out} (the output of
      `incident oncall who SCHEDULE --at <instant> --json`) with the model:
      exit 0, the persons on call and their sources, names and emails, and the
      edges (from, until) of each person's shift.
  shifts REPO SCHEDULE FROM TO
      prints the model's final shifts in [FROM, TO) as JSON
      ([{person, email, from, until, source}]).
  check-shifts REPO SCHEDULE FROM TO FILE [WHO]
      compares FILE (the output of `incident oncall shifts ... --json`) with
      the model (restricted to WHO when given).
  check-ical FILE SHIFTS.json REPO SCHEDULE
      parses FILE with the icalendar module and checks that its events are
      exactly the shifts in SHIFTS.json (person, DTSTART, DTEND), UIDs unique.
  uids FILE
      prints the sorted UIDs of the calendar in FILE.
"""
import datetime as dt
import json
import os
import sys
from zoneinfo import ZoneInfo

import yaml

UTC = dt.timezone.utc
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


class Loader(yaml.SafeLoader):
    """YAML without implicit timestamps: local times stay strings."""


Loader.yaml_implicit_resolvers = {
    k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(path):
    with open(path) as f:
        return yaml.load(f, Loader=Loader)


def parse_utc(text):
    """RFC 3339 with Z or an offset -> aware UTC datetime."""
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def fmt(t):
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_local(text):
    """2026-01-05T09:00[:SS] -> naive local datetime."""
    return dt.datetime.fromisoformat(str(text))


def instant(naive, tz):
    """The instant a local wall-clock time names in tz."""
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first  # exists; fold=0 is the first occurrence when ambiguous
    # In a gap: the first instant after it, found between the two readings.
    second = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    lo, hi = min(first, second), max(first, second)
    after = hi.astimezone(tz).utcoffset()
    while hi - lo > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        mid = mid.replace(microsecond=0)
        if mid.astimezone(tz).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi


def parse_hhmm(text):
    h, m = str(text).split(":")
    return dt.timedelta(hours=int(h), minutes=int(m))


class Model:
    def __init__(self, repo, key):
        people = load(os.path.join(repo, ".incident/people.yaml"))["people"]
        self.people = {k: (v or {}) for k, v in people.items()}
        self.by_email = {v.get("email", "").lower(): k for k, v in self.people.items() if v.get("email")}
        doc = load(os.path.join(repo, ".incident/oncall", key + ".yaml"))
        self.key = key
        self.tz = ZoneInfo(doc.get("time_zone", "UTC"))
        self.layers = []
        for l in doc["layers"]:
            turns = []
            for m in l["members"]:
                turns.append([self.person(x) for x in (m if isinstance(m, list) else [m])])
            windows = []
            for w in l.get("restrict") or []:
                windows.append(({DAYS.index(d) for d in w.get("days", DAYS)}, parse_hhmm(w["from"]), parse_hhmm(w["to"])))
            self.layers.append({
                "name": l["name"],
                "start": parse_local(l["start"]),
                "rotation": l.get("rotation", "weekly"),
                "shift": int(l.get("shift", 1)),
                "turns": turns,
                "windows": windows,
            })
        self.overrides = []
        written = os.path.join(repo, ".incident/oncall/overrides", key)
        extra = [load(os.path.join(written, f)) for f in sorted(os.listdir(written))
                 if f.endswith(".yaml")] if os.path.isdir(written) else []
        for o in (doc.get("overrides") or []) + extra:
            self.overrides.append((self.bound(o["from"]), self.bound(o["to"]), self.person(o["who"]),
                                   self.person(o["instead_of"]) if o.get("instead_of") else None))
        self.overrides.sort(key=lambda o: o[0])

    def person(self, who):
        who = str(who)
        if who in self.people:
            return who
        return self.by_email[who.lower()]

    def bound(self, text):
        text = str(text)
        if text.endswith("Z") or "+" in text[10:] or "-" in text[10:]:
            return parse_utc(text)
        return instant(parse_local(text), self.tz)

    # --- one layer -------------------------------------------------------
    def handoff(self, layer, k):
        if layer["rotation"] == "hourly":
            return instant(layer["start"], self.tz) + dt.timedelta(hours=k * layer["shift"])
        unit = 7 if layer["rotation"] == "weekly" else 1
        return instant(layer["start"] + dt.timedelta(days=k * unit * layer["shift"]), self.tz)

    def turn(self, layer, t):
        """The index of the turn in force at t, or None before the start."""
        start = layer["start"]
        if layer["rotation"] == "hourly":
            k = (t - instant(start, self.tz)) // dt.timedelta(hours=layer["shift"])
        else:
            local = t.astimezone(self.tz).replace(tzinfo=None)
            days = (local.date() - start.date()).days
            if local.time() < start.time():
                days -= 1
            unit = 7 if layer["rotation"] == "weekly" else 1
            k = days // (unit * layer["shift"])
            # The local calendar gives the turn; the hand-off instants around
            # it settle the hour a daylight-saving change moved.
            while self.handoff(layer, k + 1) <= t:
                k += 1
            while k >= 0 and self.handoff(layer, k) > t:
                k -= 1
        return k if k >= 0 else None

    def inside(self, layer, t):
        if not layer["windows"]:
            return True
        local = t.astimezone(self.tz).replace(tzinfo=None)
        for days, frm, to in layer["windows"]:
            for back in (0, 1):  # a window opened today, or yesterday and running over midnight
                day = local.date() - dt.timedelta(days=back)
                if day.weekday() not in days:
                    continue
                midnight = dt.datetime.combine(day, dt.time())
                begin = midnight + frm
                end = midnight + to if to > frm else midnight + dt.timedelta(days=1) + to
                if begin <= local < end:
                    return True
        return False

    def layer_on_call(self, layer, t):
        k = self.turn(layer, t)
        if k is None or not self.inside(layer, t):
            return []
        return layer["turns"][k % len(layer["turns"])]

    # --- the schedule ----------------------------------------------------
    def on_call(self, t):
        """[(person, source)] at instant t."""
        now = []
        for layer in self.layers:
            persons = self.layer_on_call(layer, t)
            if persons:
                now = [(p, "layer " + layer["name"]) for p in persons]
        for frm, to, who, instead in self.overrides:
            if not (frm <= t < to):
                continue
            if instead is None:
                now = [(who, "override")]
            elif any(p == instead for p, _ in now):
                now = [(who, "override") if p == instead else (p, s) for p, s in now]
        # one entry per person
        seen, out = set(), []
        for p, s in now:
            if p not in seen:
                seen.add(p)
                out.append((p, s))
        return out

    def edges(self, frm, to):
        """Instants in [frm, to] where the answer may change (a superset)."""
        points = {frm, to}
        for layer in self.layers:
            k = self.turn(layer, frm)
            k = 0 if k is None else k
            while True:
                h = self.handoff(layer, k)
                if h > to:
                    break
                if h >= frm:
                    points.add(h)
                k += 1
            if layer["windows"]:
                day = frm.astimezone(self.tz).date() - dt.timedelta(days=2)
                last = to.astimezone(self.tz).date() + dt.timedelta(days=2)
                while day <= last:
                    midnight = dt.datetime.combine(day, dt.time())
                    for days, a, b in layer["windows"]:
                        for local in (midnight + a, midnight + b, midnight + dt.timedelta(days=1) + b):
                            for fold in (0, 1):
                                i = local.replace(tzinfo=self.tz, fold=fold).astimezone(UTC)
                                for x in (i, instant(local, self.tz)):
                                    if frm <= x <= to:
                                        points.add(x)
                    day += dt.timedelta(days=1)
        for o in self.overrides:
            for x in o[:2]:
                if frm <= x <= to:
                    points.add(x)
        return sorted(points)

    def shifts(self, frm, to):
        pts = self.edges(frm, to)
        out = []
        open_ = {}  # (person, source) -> from
        for a, b in zip(pts, pts[1:]):
            if a >= b:
                continue
            now = set(self.on_call(a))
            for key in list(open_):
                if key not in now:
                    out.append((key[0], open_.pop(key), a, key[1]))
            for key in now:
                open_.setdefault(key, a)
        for key, a in open_.items():
            out.append((key[0], a, to, key[1]))
        out.sort(key=lambda s: (s[1], s[0]))
        return [{"person": p, "email": self.people[p].get("email"), "from": fmt(a), "until": fmt(b), "source": s}
                for p, a, b, s in out]


def hours(start, count):
    t = parse_utc(start)
    for i in range(int(count)):
        print(fmt(t + dt.timedelta(hours=i)))


def check_who(repo, key, outdir, start, count):
    m = Model(repo, key)
    t0 = parse_utc(start)
    t1 = t0 + dt.timedelta(hours=int(count))
    # the shifts around the window, uncut, for the edges of each answer
    shifts = m.shifts(t0 - dt.timedelta(days=30), t1 + dt.timedelta(days=30))
    bad = []
    for i in range(int(count)):
        t = t0 + dt.timedelta(hours=i)
        name = fmt(t)
        rc = open(os.path.join(outdir, name + ".rc")).read().strip()
        text = open(os.path.join(outdir, name + ".out")).read()
        if rc != "0":
            bad.append(f"{name}: exit {rc}: {open(os.path.join(outdir, name + '.err')).read().strip()}")
            continue
        try:
            got = json.loads(text)
        except ValueError:
            bad.append(f"{name}: not JSON: {text[:200]!r}")
            continue
        want = sorted(m.on_call(t))
        have = sorted((o.get("person"), o.get("source")) for o in got)
        if have != want:
            bad.append(f"{name} ({t.astimezone(m.tz):%a %H:%M %Z} local): on call {have}, expected {want}")
            continue
        for o in got:
            p = o["person"]
            if o.get("schedule") != key or o.get("email") != m.people[p].get("email") \
                    or o.get("name") != m.people[p].get("name"):
                bad.append(f"{name}: {p}: schedule/name/email {o.get('schedule')}/{o.get('name')}/{o.get('email')}")
                continue
            sh = [s for s in shifts if s["person"] == p and s["source"] == o["source"]
                  and parse_utc(s["from"]) <= t < parse_utc(s["until"])]
            edges = (sh[0]["from"], sh[0]["until"]) if sh else None
            if (o.get("from"), o.get("until")) != edges:
                bad.append(f"{name}: {p}: shift {o.get('from')} .. {o.get('until')}, expected {edges}")
    for b in bad[:15]:
        print(b, file=sys.stderr)
    if bad:
        print(f"{len(bad)} of {count} instants differ from the model", file=sys.stderr)
        sys.exit(1)
    print(f"{count} instants agree")


def print_shifts(repo, key, frm, to):
    print(json.dumps(Model(repo, key).shifts(parse_utc(frm), parse_utc(to)), indent=1))


def check_shifts(repo, key, frm, to, path, who=None):
    want = Model(repo, key).shifts(parse_utc(frm), parse_utc(to))
    if who:
        want = [s for s in want if s["person"] == who]
    have = json.load(open(path))
    norm = lambda l: sorted((s["person"], s["email"], s["from"], s["until"], s["source"]) for s in l)
    if norm(have) != norm(want):
        missing = set(norm(want)) - set(norm(have))
        extra = set(norm(have)) - set(norm(want))
        for s in sorted(missing)[:10]:
            print("missing:", s, file=sys.stderr)
        for s in sorted(extra)[:10]:
            print("unexpected:", s, file=sys.stderr)
        if not missing and not extra:
            print("the same shifts, counted differently", file=sys.stderr)
        sys.exit(1)
    print(f"{len(want)} shifts agree")


def check_ical(path, shifts_path, repo, key):
    from icalendar import Calendar
    raw = open(path, "rb").read()
    problems = []
    if not raw.startswith(b"BEGIN:VCALENDAR\r\n"):
        problems.append("does not start with BEGIN:VCALENDAR and CRLF")
    if b"\n" in raw.replace(b"\r\n", b""):
        problems.append("a line ends without CRLF (RFC 5545 3.1)")
    if any(len(line) > 75 for line in raw.split(b"\r\n")):
        problems.append("a line is longer than 75 octets (RFC 5545 3.1)")
    cal = Calendar.from_ical(raw)
    if str(cal.get("VERSION")) != "2.0" or not cal.get("PRODID"):
        problems.append("VERSION:2.0 or PRODID missing")
    m = Model(repo, key)
    doc = load(os.path.join(repo, ".incident/oncall", key + ".yaml"))
    names = {p: (v.get("name") or p) for p, v in m.people.items()}
    events, uids = [], []
    for ev in cal.walk("VEVENT"):
        uids.append(str(ev.get("UID")))
        summary = str(ev.get("SUMMARY", ""))
        if doc.get("name", key) not in summary and key not in summary:
            problems.append(f"SUMMARY {summary!r} does not name the schedule")
        person = None
        for prop, value in ev.items():  # an X- property naming the person's key or email
            if prop.startswith("X-") and str(value) in m.people:
                person = str(value)
            elif prop.startswith("X-") and str(value).lower() in m.by_email:
                person = m.by_email[str(value).lower()]
        found = [p for p, n in names.items() if n in summary or p in summary.split()]
        if person is None:
            if len(found) != 1:
                problems.append(f"SUMMARY {summary!r} names {found}, not one person")
                continue
            person = found[0]
        elif found != [person]:
            problems.append(f"SUMMARY {summary!r} does not name {person} (its X- property) alone")
        for prop in ("DTSTART", "DTEND"):
            if not ev[prop].to_ical().endswith(b"Z"):
                problems.append(f"{prop} {ev[prop].to_ical()!r} is not UTC")
        events.append((person, fmt(ev.decoded("DTSTART")), fmt(ev.decoded("DTEND"))))
        if not ev.get("DTSTAMP"):
            problems.append("a VEVENT without DTSTAMP")
    if len(set(uids)) != len(uids) or "None" in uids:
        problems.append(f"UIDs not unique or missing: {len(uids)} events, {len(set(uids))} UIDs")
    want = sorted((s["person"], s["from"], s["until"]) for s in json.load(open(shifts_path)))
    if sorted(events) != want:
        for s in sorted(set(want) - set(events))[:10]:
            problems.append(f"no event for the shift {s}")
        for s in sorted(set(events) - set(want))[:10]:
            problems.append(f"an event that is no shift: {s}")
        if set(events) == set(want):
            problems.append(f"{len(events)} events for {len(want)} shifts")
    if not want:
        problems.append("no shifts to compare")
    for p in problems:
        print(p, file=sys.stderr)
    if problems:
        sys.exit(1)
    print(f"{len(events)} events agree")


def uids(path):
    from icalendar import Calendar
    cal = Calendar.from_ical(open(path, "rb").read())
    for u in sorted(str(ev.get("UID")) for ev in cal.walk("VEVENT")):
        print(u)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"hours": hours, "check-who": check_who, "shifts": print_shifts, "check-shifts": check_shifts,
     "check-ical": check_ical, "uids": uids}[cmd](*args)
