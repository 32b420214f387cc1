#!/usr/bin/python3
"""What tests/cli/test_import.sh expects of an import, computed from the
export's own JSON files alone (not from anything the tool wrote).

Subcommands:
  hours SCHEDULE.json
      the instants, one an hour, of the window the schedule's final_schedule
      was rendered for (from its first entry's start to its last entry's end).
  check-who EXPORT SCHEDULE_ID DIR
      compares DIR/<instant>.out (`incident oncall who KEY --at <instant>
      --json`) with the rendered entry that covers the instant: the same
      people, by email (the export's users).
  times EXPORT
      mean and median MTTA and MTTR in seconds over the export's incidents
      (created_at to the first acknowledge_log_entry, and to the
      resolve_log_entry), as JSON.
The same for an Opsgenie export, whose files wrap everything in "data":
  og-hours TIMELINE.json
      the hours of the window the timeline was saved for.
  og-check-who EXPORT SCHEDULE_ID DIR
      as check-who, against everyone in any rotation's periods (Opsgenie's
      rotations are all on call at once).
  og-times EXPORT
      as times, over its alerts (createdAt to the first "Alert acknowledged"
      and to the "Alert closed" log entry) and its incidents (to the first
      "Incident resolved"), at the repository's precision: whole seconds.
And for Grafana OnCall's (page objects with "results"):
  gr-hours FINAL_SHIFTS.json
      the hours from the first row's start to the last row's end.
  gr-check-who EXPORT SCHEDULE_ID DIR
      as check-who, against the schedule's final_shifts rows.
  gr-times EXPORT
      as times, over its alert groups (created_at to acknowledged_at and to
      resolved_at), at whole seconds.
"""
import glob
import json
import os
import statistics
import sys
from datetime import datetime, timedelta, timezone


def when(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def stamp(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def pages(path):
    """NAME.json, NAME.2.json, ... as loaded JSON."""
    out, n = [], 1
    while True:
        p = path + (".json" if n == 1 else f".{n}.json")
        if not os.path.exists(p):
            return out
        with open(p) as f:
            out.append(json.load(f))
        n += 1


def print_hours(start, end):
    t = start
    while t < end:
        print(stamp(t))
        t += timedelta(hours=1)


def compare_who(rows, out_dir):
    """DIR/<instant>.out (`oncall who --json`) against everyone `rows`
    ((from, to, email)) has on call at that instant."""
    bad = checked = 0
    for f in sorted(glob.glob(os.path.join(out_dir, "*.out"))):
        at = when(os.path.basename(f)[:-4])
        want = sorted({who for (a, b, who) in rows if a <= at < b})
        with open(f) as fh:
            got = sorted(x["email"] for x in json.load(fh))
        checked += 1
        if got != want:
            bad += 1
            print(f"{stamp(at)}: the export says {want}, oncall who says {got}")
    print(f"{checked} hours checked, {bad} differ")
    return 1 if bad or not checked else 0


def print_times(mtta, mttr):
    stat = lambda v: {"n": len(v), "mean": round(statistics.mean(v), 1), "median": round(statistics.median(v), 1)}
    print(json.dumps({"mtta": stat(mtta), "mttr": stat(mttr)}))


def emails(export):
    return {u["id"]: u["email"] for page in pages(os.path.join(export, "users")) for u in page["users"]}


def entries(schedule_file):
    with open(schedule_file) as f:
        sched = json.load(f)["schedule"]
    return [(when(e["start"]), when(e["end"]), e["user"]["id"]) for e in sched["final_schedule"]["rendered_schedule_entries"]]


def hours(schedule_file):
    es = entries(schedule_file)
    print_hours(min(e[0] for e in es), max(e[1] for e in es))


def check_who(export, schedule_id, out_dir):
    mail = emails(export)
    rows = [(a, b, mail[u]) for (a, b, u) in entries(os.path.join(export, "schedules", schedule_id + ".json"))]
    return compare_who(rows, out_dir)


def times(export):
    mtta, mttr = [], []
    for page in pages(os.path.join(export, "incidents")):
        for inc in page["incidents"]:
            created = when(inc["created_at"])
            logs = [e for p in pages(os.path.join(export, "incidents", inc["id"], "log_entries")) for e in p["log_entries"]]
            acks = sorted(when(e["created_at"]) for e in logs if e["type"] == "acknowledge_log_entry")
            res = sorted(when(e["created_at"]) for e in logs if e["type"] == "resolve_log_entry")
            if acks:
                mtta.append((acks[0] - created).total_seconds())
            if res:
                mttr.append((res[0] - created).total_seconds())
    print_times(mtta, mttr)


def og_window(timeline_file):
    with open(timeline_file) as f:
        data = json.load(f)["data"]
    periods = [(when(p["startDate"]), when(p["endDate"]), p["recipient"]["name"])
               for r in data["finalTimeline"]["rotations"] for p in r["periods"]]
    return when(data["startDate"]), when(data["endDate"]), periods


def og_hours(timeline_file):
    start, end, _ = og_window(timeline_file)
    print_hours(start, end)


def og_check_who(export, schedule_id, out_dir):
    return compare_who(og_window(os.path.join(export, "schedules", schedule_id, "timeline.json"))[2], out_dir)


def og_times(export):
    whole = lambda text: when(text).replace(microsecond=0)
    mtta, mttr = [], []
    for kind, ack, done in (("alerts", "Alert acknowledged", "Alert closed"), ("incidents", None, "Incident resolved")):
        for page in pages(os.path.join(export, kind)):
            for x in page["data"]:
                created = whole(x["createdAt"])
                logs = [e for p in pages(os.path.join(export, kind, x["id"], "logs")) for e in p["data"]]
                acks = sorted(whole(e["createdAt"]) for e in logs if ack and e["log"].startswith(ack))
                res = sorted(whole(e["createdAt"]) for e in logs if e["log"].startswith(done))
                if acks:
                    mtta.append((acks[0] - created).total_seconds())
                if res:
                    mttr.append((res[0] - created).total_seconds())
    print_times(mtta, mttr)


def gr_rows(final_shifts):
    return [(when(r["shift_start"]), when(r["shift_end"]), r["user_email"])
            for page in pages(final_shifts[:-len(".json")]) for r in page["results"]]


def gr_hours(final_shifts):
    rows = gr_rows(final_shifts)
    print_hours(min(r[0] for r in rows), max(r[1] for r in rows))


def gr_check_who(export, schedule_id, out_dir):
    return compare_who(gr_rows(os.path.join(export, "schedules", schedule_id, "final_shifts.json")), out_dir)


def gr_times(export):
    whole = lambda text: when(text).replace(microsecond=0)
    mtta, mttr = [], []
    for page in pages(os.path.join(export, "alert_groups")):
        for g in page["results"]:
            if g["acknowledged_at"]:
                mtta.append((whole(g["acknowledged_at"]) - whole(g["created_at"])).total_seconds())
            if g["resolved_at"]:
                mttr.append((whole(g["resolved_at"]) - whole(g["created_at"])).total_seconds())
    print_times(mtta, mttr)


def main(argv):
    cmd = argv[1]
    if cmd == "hours":
        hours(argv[2])
    elif cmd == "check-who":
        return check_who(argv[2], argv[3], argv[4])
    elif cmd == "times":
        times(argv[2])
    elif cmd == "og-hours":
        og_hours(argv[2])
    elif cmd == "og-check-who":
        return og_check_who(argv[2], argv[3], argv[4])
    elif cmd == "og-times":
        og_times(argv[2])
    elif cmd == "gr-hours":
        gr_hours(argv[2])
    elif cmd == "gr-check-who":
        return gr_check_who(argv[2], argv[3], argv[4])
    elif cmd == "gr-times":
        gr_times(argv[2])
    else:
        sys.exit("unknown subcommand " + cmd)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
