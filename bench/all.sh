#!/usr/bin/env bash
# bench/all.sh: every figure of the README's "Measured" section in one run:
# incident-bench at 10 000 and 100 000 incidents (and its paging figure: `page
# tick` over 1 000 open P1 incidents against `sla`), then bench/peers.sh on the
# same two repositories (PyYAML, Taskwarrior, git-issue beside incident), one
# after the other, on the same machine. Run it with nothing else running.
#
# Usage: bench/all.sh [BUILD_DIR]
#   BUILD_DIR  where incident and incident-bench were built (default build):
#              cmake --build build --target incident incident-bench
#
# Environment: DIR (where the repositories go, default /tmp/incident-bench;
# removed at the end), SIZES (default "10000 100000"), RUNS (peers.sh's
# runs per command, default 3). peers.sh needs python3-yaml and taskwarrior
# (it reports and skips a peer that is missing).
set -euo pipefail

build=${1:-build}
dir=${DIR:-/tmp/incident-bench}
read -r -a sizes <<<"${SIZES:-10000 100000}"
if [[ ! -x $build/incident || ! -x $build/incident-bench ]]; then
    echo "bench/all.sh: build them first: cmake --build $build --target incident incident-bench" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)

"$build/incident-bench" --bin "$build/incident" --dir "$dir" --keep "${sizes[@]}"
for n in "${sizes[@]}"; do
    echo
    "$here/peers.sh" "$dir/$n" "$build/incident"
done
for n in "${sizes[@]}"; do rm -rf -- "${dir:?}/$n"; done
