#!/usr/bin/env bash
# The test command (README; .ci/run calls exactly this). In order:
#   1. install what is missing (.ci/install-deps);
#   2. the format check: clang-format over cmd/, lib/, tests/unit/, bench/, fuzz/;
#   3. the ordinary build (g++, warnings as errors) and every test through ctest:
#      doctest units and the end-to-end suites; then the three benchmark programs build;
#   4. the sanitizer build (clang, AddressSanitizer + UndefinedBehaviorSanitizer)
#      and the same tests against its binary;
#   5. each fuzz target for FUZZ_SECONDS (default 20) on its seed corpus.
# Set QUICK=1 to stop after step 3 (for a fast local loop; CI runs all).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${FUZZ_SECONDS:=20}"

stage_start=$(date +%s)
all_start=$stage_start
stage() {
  local now; now=$(date +%s)
  echo "== $1 (previous stage $(( now - stage_start )) s)"
  stage_start=$now
}

stage "install missing packages"
.ci/install-deps

stage "format check"
format_sources() { git ls-files 'cmd/*.[ch]pp' 'lib/*.[ch]pp' 'tests/unit/*.[ch]pp' 'bench/*.cpp' 'fuzz/*.[ch]pp'; }
# shellcheck disable=SC2046
if ! clang-format --dry-run --Werror $(format_sources) 2>/tmp/incident-format.$$; then
  head -40 /tmp/incident-format.$$ >&2
  rm -f /tmp/incident-format.$$
  echo "format check: failed; fix with: clang-format -i \$(git ls-files 'cmd/*.[ch]pp' 'lib/*.[ch]pp' 'tests/unit/*.[ch]pp' 'bench/*.cpp' 'fuzz/*.[ch]pp')" >&2
  exit 1
fi
rm -f /tmp/incident-format.$$
echo "format check: $(format_sources | wc -l) files formatted"

stage "build (g++, -Werror) and test"
.ci/build
ctest --test-dir build --output-on-failure -j2
# The benchmark programs are not part of the product, but they must keep building.
cmake --build build --target incident-bench incident-yaml-bench incident-sync-bench incident-serve-bench
[ "${QUICK:-0}" = 1 ] && { stage "done (QUICK=1: sanitizers and fuzzing skipped)"; exit 0; }

stage "sanitizer build (clang, ASan + UBSan) and test"
CC=clang CXX=clang++ cmake -S . -B build-asan -G Ninja -DINCIDENT_WERROR=ON -DINCIDENT_SANITIZE=ON \
  -DINCIDENT_FUZZ=ON >/dev/null
cmake --build build-asan
ctest --test-dir build-asan --output-on-failure -j2

stage "fuzzing, ${FUZZ_SECONDS} s per target"
fuzz/run.sh build-asan "$FUZZ_SECONDS"

stage "done"
echo "tests/run.sh: everything passed in $(( $(date +%s) - all_start )) s"
