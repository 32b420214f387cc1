# shellcheck shell=bash
# What the import suites (test_import*.sh) share; sourced after lib.sh, with
# EXPECT set to import_expect.py.

# who_every_hour KEY HOURS RENDERING CHECK EXPORT ID: `oncall who KEY` at
# every hour import_expect.py HOURS lists for the export's own RENDERING
# (every 4th under the sanitizers, where each process starts slowly),
# compared by import_expect.py CHECK with what the export says.
who_every_hour() {
  local key=$1 hours=$2 rendering=$3 check=$4 export=$5 id=$6 step=1 n=0 h
  mkdir -p "$T/who"
  [ -n "${INCIDENT_SANITIZED:-}" ] && step=4
  while read -r h; do
    n=$((n + 1))
    [ $(( (n - 1) % step )) -eq 0 ] || continue
    "$INCIDENT_BIN" oncall who "$key" --at "$h" --json >"$T/who/$h.out" 2>"$T/who/$h.err" ||
      fail "oncall who --at $h: $(cat "$T/who/$h.err")"
  done < <(python3 "$EXPECT" "$hours" "$rendering")
  expect_eq "$n" 335 "two weeks of hours, one short for the change to summer time"
  python3 "$EXPECT" "$check" "$export" "$id" "$T/who" >"$T/check" || fail "$(cat "$T/check")"
}

# mtta_mttr_as TIMES EXPORT: MTTA and MTTR from `report` over the imported
# history equal import_expect.py TIMES's, computed from the export alone.
mtta_mttr_as() {
  local want; want=$(python3 "$EXPECT" "$1" "$2")
  run report --since 2026-01-01 --until 2026-04-01 --json; expect_rc 0 "$ERR"
  expect_eq "$(jq -c '.total | {mtta: (.mtta | {n, mean, median}), mttr: (.mttr | {n, mean, median})}' <<<"$OUT")" \
    "$(jq -c . <<<"$want")" "MTTA and MTTR as the export's timestamps give them"
}
