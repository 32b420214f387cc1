# Shared helpers for the end-to-end suites: each test_* function runs in a
# fresh temporary directory with its own HOME and git identity, drives the
# built binary, and checks exit codes, stdout, stderr and files.
# Usage in a suite: source lib.sh; define test_* functions; call run_suite.
set -u

: "${INCIDENT_BIN:?INCIDENT_BIN must point at the built incident binary}"
: "${SOURCE_DIR:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"

PASSED=0
FAILED=0
CURRENT=""
T=""      # the test's temporary directory
RC=0      # exit code of the last `run`
OUT=""    # stdout of the last `run`
ERR=""    # stderr of the last `run`

fail() {
  echo "  FAIL [$CURRENT] $*" >&2
  echo "    last stdout: $(head -c 600 <<<"$OUT")" >&2
  echo "    last stderr: $(head -c 600 <<<"$ERR")" >&2
  TEST_FAILED=1
}

# run ARGS...: runs incident, captures RC/OUT/ERR. Never aborts the test.
run() {
  "$INCIDENT_BIN" "$@" >"$T/.out" 2>"$T/.err" </dev/null
  RC=$?
  OUT=$(cat "$T/.out")
  ERR=$(cat "$T/.err")
}

# run_in DIR ARGS...
run_in() { local d=$1; shift; (cd "$d" && run "$@"; echo "$RC" >"$T/.rc"); RC=$(cat "$T/.rc"); OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err"); }

expect_rc() { [ "$RC" -eq "$1" ] || fail "expected exit $1, got $RC${2:+ ($2)}"; }
expect_out() { grep -qF -- "$1" <<<"$OUT" || fail "stdout lacks '$1'"; }
expect_err() { grep -qF -- "$1" <<<"$ERR" || fail "stderr lacks '$1'"; }
expect_out_re() { grep -qE -- "$1" <<<"$OUT" || fail "stdout does not match /$1/"; }
expect_err_re() { grep -qE -- "$1" <<<"$ERR" || fail "stderr does not match /$1/"; }
expect_no_out() { [ -z "$OUT" ] || fail "expected empty stdout"; }
expect_eq() { [ "$1" == "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }
expect_file() { [ -f "$1" ] || fail "missing file $1"; }
expect_no_file() { [ ! -e "$1" ] || fail "unexpected file $1"; }
expect_file_has() { grep -qF -- "$2" "$1" 2>/dev/null || fail "$1 lacks '$2'"; }
# expect_json FILTER EXPECTED: jq -r FILTER over the last stdout.
expect_json() {
  local got
  got=$(jq -r "$1" <<<"$OUT" 2>&1) || { fail "stdout is not JSON for '$1'"; return; }
  [ "$got" == "$2" ] || fail "jq '$1': expected '$2', got '$got'"
}

# limit_memory_to_mb MB: caps the memory of what this (sub)shell runs next. An
# address-space limit (ulimit -v) in ordinary builds; a sanitizer reserves
# terabytes of address space for its shadow memory, so there the same cap is
# the sanitizer's own resident-memory limit, which aborts the process (and
# fails the test's exit-code check) when it is exceeded.
limit_memory_to_mb() {
  if [ "${INCIDENT_SANITIZED:-0}" = 1 ]; then
    export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}hard_rss_limit_mb=$1"
  else
    ulimit -v $(( $1 * 1000 ))
  fi
}

commit_count() { git -C "${1:-$T/repo}" rev-list --count HEAD 2>/dev/null || echo 0; }

# The webhook receiver (receiver.py) on 127.0.0.1, for the suites that notify.
RECEIVER_PID=""
PORT=""

# start_receiver [SCRIPT LINES...]: starts it (its answers, in order); sets PORT.
start_receiver() {
  : >"$T/requests.log"
  printf '%s\n' "$@" >"$T/script"
  rm -f "$T/port"
  python3 "$SOURCE_DIR/tests/cli/receiver.py" "$T/port" "$T/requests.log" "$T/script" &
  RECEIVER_PID=$!
  local i
  for i in $(seq 1 100); do [ -s "$T/port" ] && break; sleep 0.05; done
  PORT=$(cat "$T/port")
  trap stop_receiver EXIT
}

stop_receiver() { [ -n "$RECEIVER_PID" ] && kill "$RECEIVER_PID" 2>/dev/null; wait "$RECEIVER_PID" 2>/dev/null; RECEIVER_PID=""; }

# A fresh initialised repository at $T/repo; cd into it.
new_repo() {
  run init "$T/repo" >/dev/null
  [ "$RC" -eq 0 ] || fail "init failed: $ERR"
  cd "$T/repo" || exit 1
}

# two_clones [CMD...]: a bare remote with an initialised repository and INC-1
# (then `incident CMD...` in it, when given), and clones a and b; cd into a.
two_clones() {
  git init -q --bare "$T/remote.git"
  git clone -q "$T/remote.git" "$T/a" 2>/dev/null
  cd "$T/a" || exit 1
  run init; expect_rc 0
  run open "Checkout latency" --service checkout --at 2026-11-22T03:00:00Z; expect_rc 0
  if [ $# -gt 0 ]; then run "$@"; expect_rc 0; fi
  git push -q origin HEAD:main
  git clone -q "$T/remote.git" "$T/b"
}

# map_checks_source: replaces init's intake section with one mapping a
# generic source, "checks" (tests/data/alerts/generic.json's shape).
map_checks_source() {
  sed -i '/^intake:$/,/^$/d' .incident/config.yaml
  cat >>.incident/config.yaml <<'EOF'
intake:
  generic:
    checks:
      title: check.name
      service: check.app
      severity: check.level
      dedup_key: check.id
      status: check.state
EOF
}

# fill_section FILE HEADING TEXT: writes TEXT under HEADING, as a person would.
fill_section() {
  python3 - "$@" <<'PY'
import sys
path, heading, body = sys.argv[1:4]
s = open(path).read()
i = s.index(heading + "\n") + len(heading) + 1
open(path, "w").write(s[:i] + body + "\n" + s[i:])
PY
}

# fill_required [ID]: completes the required sections of a google-sre postmortem.
fill_required() {
  local id=${1:-INC-1} h
  for h in "## Summary" "## Impact" "## Root causes" "### What went well" "### What went wrong"; do
    fill_section "postmortems/$id.md" "$h" "Written by a person for $h."
  done
}

run_suite() {
  local names
  names=$(declare -F | awk '{print $3}' | grep '^test_' | sort)
  [ -n "${ONLY:-}" ] && names=$(grep -- "$ONLY" <<<"$names")
  for name in $names; do
    CURRENT=$name
    TEST_FAILED=0
    T=$(mktemp -d "${TMPDIR:-/tmp}/incident-test.XXXXXX")
    mkdir -p "$T/home"
    (
      export HOME="$T/home" XDG_CONFIG_HOME="$T/home/.config" INCIDENT_USER="alice@example.com" NO_COLOR=1
      # git runs the merge driver (incident merge-file) by name.
      PATH="$(dirname "$INCIDENT_BIN"):$PATH"; export PATH
      unset EDITOR VISUAL INCIDENT_ID_PREFIX INCIDENT_AUTO_COMMIT GIT_DIR GIT_WORK_TREE
      git config --global user.email "ci@example.com"
      git config --global user.name "CI"
      git config --global init.defaultBranch main
      cd "$T" || exit 1
      "$name"
      exit "$TEST_FAILED"
    )
    if [ $? -eq 0 ]; then
      PASSED=$((PASSED + 1)); echo "  ok   $name"
    else
      FAILED=$((FAILED + 1)); echo "  FAIL $name"
    fi
    rm -rf "$T"
  done
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" -eq 0 ]
}

# incident serve for a test (TOKEN must be set).
# start_serve [ARGS...]: incident serve on a free port of 127.0.0.1 in the
# current repository; sets SERVE (its pid) and URL. Stopped when the test ends.
start_serve() {
  INCIDENT_SERVE_TOKEN=$TOKEN "$INCIDENT_BIN" serve --listen 127.0.0.1:0 "$@" 2>"$T/serve.log" &
  SERVE=$!
  trap 'kill $SERVE 2>/dev/null' EXIT
  local i
  # Up to 20 s: a sanitizer build on a loaded machine starts slowly.
  for i in $(seq 400); do
    URL=$(grep -o 'http://127.0.0.1:[0-9]*' "$T/serve.log" 2>/dev/null) && return 0
    kill -0 "$SERVE" 2>/dev/null || break
    sleep 0.05
  done
  fail "serve did not start: $(cat "$T/serve.log")"
  exit 1
}

# stop_serve: SIGTERM, and the exit code it ends with.
stop_serve() {
  kill -TERM "$SERVE"
  wait "$SERVE"
  SERVE_RC=$?
}

# git daemon serving $T/srv on a free port of 127.0.0.1; sets URL.
start_daemon() {
  mkdir -p "$T/srv"
  git init -q --bare "$T/srv/remote.git"
  local port tries
  for tries in 1 2 3 4 5; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    git daemon --reuseaddr --base-path="$T/srv" --export-all --enable=receive-pack \
      --listen=127.0.0.1 --port="$port" "$T/srv" 2>"$T/daemon.err" &
    DAEMON=$!
    trap 'kill $DAEMON 2>/dev/null' EXIT
    URL="git://127.0.0.1:$port/remote.git"
    local wait
    for wait in $(seq 50); do
      git ls-remote "$URL" >/dev/null 2>&1 && return 0
      kill -0 "$DAEMON" 2>/dev/null || break
      sleep 0.1
    done
    kill "$DAEMON" 2>/dev/null
  done
  fail "git daemon did not start: $(cat "$T/daemon.err")"
  exit 1
}

# start_sink [FAIL_CODE FAIL_COUNT]: the SMTP server; sets SINK (pid), SMTP_PORT, MAIL (its directory).
start_sink() {
  MAIL="$T/mail"; mkdir -p "$MAIL"
  # Debian's python, which has python3-aiosmtpd
  /usr/bin/python3 "$SOURCE_DIR/tests/cli/smtp_sink.py" "$MAIL" 0 "$@" >"$T/sink.out" 2>"$T/sink.err" &
  SINK=$!
  local i
  for i in $(seq 100); do
    SMTP_PORT=$(head -1 "$T/sink.out" 2>/dev/null) && [ -n "$SMTP_PORT" ] && return 0
    sleep 0.05
  done
  fail "the SMTP sink did not start: $(cat "$T/sink.err")"
}

mails() { find "$MAIL" -name '*.eml' | wc -l; }
