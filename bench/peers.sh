#!/usr/bin/env bash
# bench/peers.sh: times other tools on the incidents that incident-bench
# generated, next to `incident` on the same repository, machine and run.
#
# Usage: bench/peers.sh REPO BIN
#   REPO  a repository made by incident-bench, e.g. after
#           build/incident-bench --generate-only --dir /tmp/incident-bench 10000
#         the directory /tmp/incident-bench/10000 (or one kept with --keep)
#   BIN   the incident binary, e.g. build/incident
#
# Peers:
#   PyYAML       a ten-line Python script that loads every incident file (both
#                layouts: incidents/*.yaml and incidents/*/*.yaml) and
#                counts incidents by service; yaml.CSafeLoader (libyaml) when
#                this PyYAML has it, else the pure-Python SafeLoader (the
#                output says which). Debian: apt-get install -y python3-yaml
#   Taskwarrior  2.6: the incidents as tasks (one task per incident, its
#                timeline as annotations, resolved and closed ones completed),
#                then `task count`, `task summary`, `task list` and `task all`.
#                `task import` is quadratic in 2.6 (10 000 tasks: minutes), so
#                the data files are written directly, after checking the writer
#                against `task import` of the first 300 tasks: every line the
#                same but for the time of the import (else Taskwarrior is
#                reported and skipped). Debian: apt-get install -y taskwarrior
#   git-issue    (dspinellis/git-issue) is packaged neither in Debian nor on
#                npm; where it cannot be installed it is reported and skipped.
#
# Counterparts, run here too: `incident list`, `list --all`, and
# `report --since 2000-01-01 --by service` with its cache and with --no-cache
# (which parses every file, as the PyYAML script does).
#
# Each time is the median of RUNS runs (default 3) with output to /dev/null,
# after one untimed run that warms the page cache and any cache of the tool.
# A command that fails is reported as failed with its error, never with a time.
# Nothing in REPO is changed except incident's own cache under .git/incident/;
# Taskwarrior's data go to a temporary directory that is removed at the end.
#
# Environment: PYTHON (default: /usr/bin/python3 when it has PyYAML, else
# python3 on PATH), RUNS (default 3).
set -euo pipefail

usage() {
    sed -n '5,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
[[ -d $1/incidents ]] || {
    echo "peers.sh: $1 has no incidents/ directory (make one with incident-bench --generate-only)" >&2
    exit 2
}
repo=$(cd "$1" && pwd)
bin=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
[[ -x $bin ]] || {
    echo "peers.sh: $2 is not an executable" >&2
    exit 2
}
runs=${RUNS:-3}
[[ $runs =~ ^[1-9][0-9]*$ ]] || {
    echo "peers.sh: RUNS must be a positive whole number" >&2
    exit 2
}
cd "$repo"

work=$(mktemp -d /tmp/incident-peers.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The median of RUNS runs of a command, in milliseconds, in $result; or the
# failure in $result ("failed: ..."), and 1 as the return status.
time_median() {
    local i start end status
    local -a times=()
    "$@" >/dev/null 2>"$work/stderr" || true # warm-up, not timed
    for ((i = 0; i < runs; ++i)); do
        start=$EPOCHREALTIME
        status=0
        "$@" >/dev/null 2>"$work/stderr" || status=$?
        end=$EPOCHREALTIME
        if ((status != 0)); then
            result="failed (exit $status): $(head -n 1 "$work/stderr")"
            result=${result//|/\\|} # a table cell
            return 1
        fi
        times+=("$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", (e - s) * 1000 }')")
    done
    result=$(printf '%s\n' "${times[@]}" | sort -g | awk -v n="$runs" 'NR == int((n + 1) / 2)')
    return 0
}

# Milliseconds as the benchmark prints them: 9.4 ms, 86 ms, 2.9 s.
pretty() {
    awk -v ms="$1" 'BEGIN {
        if (ms < 10) printf "%.1f ms", ms
        else if (ms < 10000) printf "%.0f ms", ms
        else printf "%.1f s", ms / 1000 }'
}

# One table row: peer's label, its command, incident's command (all timed).
rows=()
row() {
    local peer=$1 peer_cmd=$2 ours_cmd=$3 peer_time=$4 ours_time=$5
    [[ -n $ours_cmd ]] && ours_cmd="\`incident $ours_cmd\`" || ours_cmd="—"
    rows+=("| $peer | $peer_cmd | $peer_time | $ours_cmd | $ours_time |")
}

# Times `incident ARGS...` once per distinct argument list.
declare -A ours=()
incident_time() {
    local key="$*"
    if [[ -z ${ours[$key]+set} ]]; then
        if time_median "$bin" "$@"; then
            ours[$key]=$(pretty "$result")
        else
            ours[$key]="**$result**"
        fi
    fi
    result=${ours[$key]}
}

peer_time() {
    if time_median "$@"; then
        result=$(pretty "$result")
    else
        result="**$result**"
    fi
}

count=$(find incidents -name '*.yaml' | wc -l)
echo "peers.sh: $count incident files in $repo; $(nproc) cores; medians of $runs runs"
echo "incident: $("$bin" --version 2>&1 | head -n 1)"

report=(report --since 2000-01-01 --by service)
notes=()

# (a) PyYAML
if [[ -n ${PYTHON:-} ]]; then
    python=$PYTHON
elif /usr/bin/python3 -c 'import yaml' 2>/dev/null; then
    python=/usr/bin/python3
else
    python=python3
fi
if "$python" -c 'import yaml' 2>/dev/null; then
    cat >"$work/count_by_service.py" <<'EOF'
import collections, glob, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
counts = collections.Counter()
for path in glob.glob("incidents/**/*.yaml", recursive=True):
    with open(path, encoding="utf-8") as f:
        counts[yaml.load(f, Loader=loader)["service"]] += 1
for service, n in counts.most_common():
    print(f"{n:8} {service}")
print(f"{sum(counts.values()):8} incidents, loader {loader.__name__}")
EOF
    loader=$("$python" -c 'import yaml; print(getattr(yaml, "CSafeLoader", yaml.SafeLoader).__name__)')
    label="PyYAML $("$python" -c 'import yaml; print(yaml.__version__)') ($loader), $("$python" --version 2>&1)"
    [[ $loader == CSafeLoader ]] || notes+=("PyYAML has no libyaml here: the pure-Python SafeLoader was used")
    peer_time "$python" "$work/count_by_service.py"
    peer=$result
    incident_time "${report[@]}" --no-cache
    row "$label" "load every file, count by service" "${report[*]} --no-cache" "$peer" "$result"
    incident_time "${report[@]}"
    row "" "" "${report[*]}" "" "$result"
else
    notes+=("PyYAML: not found for $python (apt-get install -y python3-yaml); skipped")
fi

# (b) Taskwarrior
if command -v task >/dev/null && "$python" -c 'import yaml' 2>/dev/null; then
    version=$(task --version 2>/dev/null || echo "?")
    # One task per incident: the id and title, the service as project, P1-P2
    # as H, P3 as M, the rest L, the tags, the timeline as annotations;
    # resolved and closed incidents are completed tasks. `json [N]` prints the
    # first N (default all) for `task import`; `data DIR` writes them straight
    # into DIR/pending.data and DIR/completed.data, each line as `task import`
    # writes it (attributes sorted, JSON escapes, [ ] as &open; &close;).
    cat >"$work/tasks.py" <<'EOF'
import calendar, datetime, glob, json, sys, time, yaml
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
def when(t):
    if isinstance(t, str):
        t = datetime.datetime.fromisoformat(t.replace("Z", "+00:00"))
    return calendar.timegm(t.utctimetuple())
def iso(epoch):
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))
tasks = []
paths = sorted(glob.glob("incidents/**/*.yaml", recursive=True))
limit = int(sys.argv[2]) if sys.argv[1] == "json" and len(sys.argv) > 2 else len(paths)
for path in paths[:limit]:
    with open(path, encoding="utf-8") as f:
        inc = yaml.load(f, Loader=loader)
    task = {"uuid": inc["uid"], "description": f'{inc["id"]} {inc["title"]}', "project": inc["service"],
            "priority": {"P1": "H", "P2": "H", "P3": "M"}.get(inc["priority"], "L"),
            "entry": when(inc["opened_at"]), "status": "pending", "tags": list(inc.get("tags") or []),
            "annotations": [(when(e["at"]), f'{e["type"]} by {e["by"]}' + (f': {e["text"]}' if e.get("text") else ""))
                            for e in inc.get("timeline") or []]}
    done = inc.get("resolved_at") or inc.get("closed_at")
    if inc["status"] in ("resolved", "closed") and done:
        task["status"], task["end"] = "completed", when(done)
    tasks.append(task)
if sys.argv[1] == "json":
    for t in tasks:
        t["entry"] = iso(t["entry"])
        if "end" in t: t["end"] = iso(t["end"])
        t["annotations"] = [{"entry": iso(at), "description": d} for at, d in t["annotations"]]
        if not t["tags"]: del t["tags"]
    json.dump(tasks, sys.stdout)
    sys.exit()
def f4(value):
    return json.dumps(str(value), ensure_ascii=False)[1:-1].replace("[", "&open;").replace("]", "&close;")
now = int(time.time())
files = {"pending": open(sys.argv[2] + "/pending.data", "w", encoding="utf-8"),
         "completed": open(sys.argv[2] + "/completed.data", "w", encoding="utf-8")}
for t in tasks:
    attrs = {k: t[k] for k in ("uuid", "description", "project", "priority", "entry", "status", "end") if k in t}
    attrs["modified"] = now
    attrs.update({f"annotation_{at}": d for at, d in t["annotations"]})
    if t["tags"]:
        attrs["tags"] = ",".join(t["tags"])
        attrs.update({f"tags_{tag}": "x" for tag in t["tags"]})
    files[t["status"]].write("[" + " ".join(f'{k}:"{f4(v)}"' for k, v in sorted(attrs.items())) + "]\n")
EOF
    export TASKRC=$work/taskrc
    taskrc() { printf '%s\n' "data.location=$1" confirmation=off hooks=off color=off detection=off verbose=nothing; }
    # Importing is quadratic in Taskwarrior 2.6 (1 000 tasks took 1.2 s here,
    # 10 000 took 105 s), so the data files are written directly; first the
    # writer is checked against `task import` of a sample of the same tasks
    # (every line the same but for the time of the import).
    sample=$((count < 300 ? count : 300))
    mkdir -p "$work/imported" "$work/written" "$work/task"
    taskrc "$work/imported" >"$TASKRC"
    status=ok
    if ! "$python" "$work/tasks.py" json "$sample" >"$work/sample.json" 2>"$work/stderr" ||
        ! "$python" "$work/tasks.py" data "$work/written" 2>>"$work/stderr"; then
        status="making the tasks failed: $(tail -n 1 "$work/stderr")"
    else
        start=$EPOCHREALTIME
        if task import "$work/sample.json" >/dev/null 2>"$work/stderr"; then
            import_ms=$(awk -v s="$start" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", (e - s) * 1000 }')
            canonical() { sed 's/ modified:"[0-9]*"//' "$@" | sort; }
            uuids=$(grep -o 'uuid:"[^"]*"' "$work/imported/"{pending,completed}.data | sed 's/.*uuid:/uuid:/')
            if diff <(canonical "$work/imported/"{pending,completed}.data) \
                <(grep -F -f <(printf '%s\n' "$uuids") "$work/written/"{pending,completed}.data -h | canonical) \
                >"$work/diff" 2>&1; then
                cp "$work/written/"{pending,completed}.data "$work/task/"
            else
                status="the data files written here differ from task import's: $(head -c 300 "$work/diff" | tr '\n' ' ')…"
            fi
        else
            status="task import failed: $(head -n 1 "$work/stderr")"
        fi
    fi
    if [[ $status == ok ]]; then
        taskrc "$work/task" >"$TASKRC"
        label="Taskwarrior $version, $count tasks"
        for pair in "count:list --all" "summary:${report[*]}" "list:list" "all:list --all"; do
            command=${pair%%:*}
            read -r -a args <<<"${pair#*:}"
            peer_time task "$command"
            peer=$result
            incident_time "${args[@]}"
            row "$label" "\`task $command\`" "${args[*]}" "$peer" "$result"
            label=""
        done
        pending=$(task status:pending count 2>/dev/null || echo "?")
        note="Taskwarrior: data files written directly and checked against \`task import\` of the first $sample"
        notes+=("$note (which took $(pretty "$import_ms")); $pending pending tasks: \`task list\` shows those")
    else
        notes+=("Taskwarrior: $status; skipped")
    fi
elif ! command -v task >/dev/null; then
    notes+=("Taskwarrior: not installed (apt-get install -y taskwarrior); skipped")
else
    notes+=("Taskwarrior: needs PyYAML to turn the incidents into tasks; skipped")
fi

# (c) git-issue
if git issue help >/dev/null 2>&1 || command -v git-issue >/dev/null; then
    note="git-issue: found, but this script has no importer for it (each issue is a git commit made by"
    notes+=("$note \`git issue new\`), so it was not timed; skipped")
else
    note="git-issue: not installed, and it cannot be here: it is packaged neither in Debian nor on npm, the only"
    note+=" registries this machine reaches (its install is a clone of dspinellis/git-issue and \`make install\`)"
    notes+=("$note; skipped")
fi

echo
echo "| peer | command | time | incident | time |"
echo "|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
echo
for note in "${notes[@]}"; do echo "- $note"; done
