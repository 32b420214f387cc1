#!/usr/bin/env bash
# The documentation's examples are tests: every ```sh block of README.md and
# docs/*.md runs, in order, in a fresh repository, and every ```yaml file=PATH
# block is written there and validated (tests/cli/doc_examples.py says how).
# First the runner itself is shown to catch a broken example.
source "$(dirname "$0")/lib.sh"

runner() { python3 "$SOURCE_DIR/tests/cli/doc_examples.py" --bin "$INCIDENT_BIN" "$@" >"$T/.out" 2>&1; RC=$?; OUT=$(cat "$T/.out"); }

test_the_runner_fails_a_broken_example() {
  printf '# t\n```sh\nincident open "Disk full"\nincident show 1\n```\n' >"$T/good.md"
  runner "$T/good.md"; expect_rc 0; expect_out "docs: 1 passed, 0 failed"
  printf '# t\n```sh\nincident show 7\necho after\n```\n' >"$T/bad.md"
  runner "$T/bad.md"; expect_rc 1; expect_out "bad.md:2"; expect_out "docs: 0 passed, 1 failed"
  printf '# t\n```sh\nincident show 7   # exit 3\n```\n```sh\nincident show 7   # exit 4\n```\n' >"$T/code.md"
  runner "$T/code.md"; expect_rc 1; expect_out "expected exit 4, got 3"; expect_out "docs: 1 passed, 1 failed"
  printf '# t\n```yaml file=.incident/oncall/x.yaml\ntime_zone: Mars/Base\nlayers: []\n```\n' >"$T/yaml.md"
  runner "$T/yaml.md"; expect_rc 1; expect_out "incident validate .incident/oncall/x.yaml failed"
  printf '# t\n```text\nincident show 7\n```\n```yaml\nnot: [checked\n```\n' >"$T/shown.md"
  runner "$T/shown.md"; expect_rc 0
}

test_every_example_in_the_documentation_runs() {
  local files=("$SOURCE_DIR/README.md" "$SOURCE_DIR"/docs/*.md)
  runner --timeout 240 "${files[@]}"
  echo "$OUT" | grep -E "^docs:|FAIL" >&2
  expect_rc 0
  expect_out_re "docs: [1-9][0-9]* passed, 0 failed"
}

run_suite
