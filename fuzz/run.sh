#!/usr/bin/env bash
# Runs every fuzz target (or those named) for SECONDS each on its seed corpus
# in fuzz/corpus/<target>/ and prints executions and crashes per target.
#
#   fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]
#
# BUILD_DIR is a build configured with CXX=clang++ -DINCIDENT_FUZZ=ON
# -DINCIDENT_SANITIZE=ON (tests/run.sh makes one in build-asan/). New inputs
# the fuzzer finds go to a temporary corpus, not into the repository; a crash,
# leak, timeout or sanitizer report is kept as BUILD_DIR/fuzz-findings/<target>/
# and fails the run: fix it and add the input to fuzz/corpus/<target>/.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: fuzz/run.sh BUILD_DIR [SECONDS] [TARGET...]}
seconds=${2:-20}
shift $(( $# >= 2 ? 2 : $# ))
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$root"/fuzz/*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi

failed=0
for t in "${targets[@]}"; do
  bin="$build/fuzz-$t"
  [ -x "$bin" ] || { echo "fuzz: $t: $bin is not built" >&2; failed=1; continue; }
  work=$(mktemp -d "${TMPDIR:-/tmp}/incident-fuzz.XXXXXX")
  findings="$build/fuzz-findings/$t"
  mkdir -p "$findings"
  "$bin" -max_total_time="$seconds" -seed=1 -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$work" "$root/fuzz/corpus/$t" >"$work.log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -1)
  crashes=$(find "$findings" -type f | wc -l)
  printf 'fuzz: %-16s %8s execs in %s s, %s crashes (exit %s)\n' "$t" "${execs:-?}" "$seconds" "$crashes" "$rc"
  if [ "$rc" -ne 0 ] || [ "$crashes" -ne 0 ]; then
    failed=1
    grep -E "ERROR|SUMMARY|==[0-9]+==|Test unit written" "$work.log" | head -20 >&2
  fi
  rm -rf "$work" "$work.log"
done
exit $failed
