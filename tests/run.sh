#!/usr/bin/env bash
# The test command: install what is missing, build, run every test
# (doctest units and the end-to-end suites) through ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/install-deps
.ci/build
ctest --test-dir build --output-on-failure -j2
