#!/usr/bin/env bash
# validate: the examples pass; each problem of a broken corpus is found and
# located; the schemas agree with an independent validator (Python jsonschema).
source "$(dirname "$0")/lib.sh"

test_examples_pass() {
  run -C "$SOURCE_DIR/examples" validate
  expect_rc 0; expect_no_out
  run -C "$SOURCE_DIR/examples" validate --json
  expect_rc 0; expect_json .errors 0
}

test_broken_corpus_is_found_and_located() {
  cp -r "$SOURCE_DIR/tests/data/broken" "$T/repo"
  run -C "$T/repo" validate
  expect_rc 6; expect_err "error(s) found"
  local line
  while IFS= read -r line; do
    grep -qF -- "$line" <<<"$OUT" || fail "validate did not report: $line"
  done <"$SOURCE_DIR/tests/data/broken/EXPECTED"
  run -C "$T/repo" validate --json
  expect_rc 6
  expect_json '[.findings[] | select(.line < 1)] | length' 0
  run -C "$T/repo" validate incidents/INC-3.yaml
  expect_rc 6; expect_out "INC-3.yaml:1:5"
  if grep -q "INC-4" <<<"$OUT"; then fail "validated more than the named file"; fi
  run -C "$T/repo" validate nowhere.yaml; expect_rc 3
}

test_schemas_agree_with_python_jsonschema() {
  cp -r "$SOURCE_DIR/examples" "$T/repo" && cd "$T/repo" && git init -q && git add -A && git commit -qm x
  run list --all --json; echo "$OUT" >"$T/list.json"
  run show INC-28 --json; echo "$OUT" >"$T/show.json"
  run sla --json --all; echo "$OUT" >"$T/sla.json"
  /usr/bin/python3 - "$SOURCE_DIR/schemas" "$T" <<'PY' || fail "python jsonschema disagrees"
import glob, json, sys, yaml, jsonschema
schemas, tmp = sys.argv[1], sys.argv[2]
def load(name): return json.load(open(f"{schemas}/{name}.schema.json"))
def check(doc, name, what):
    s = load(name)
    jsonschema.Draft7Validator.check_schema(s)
    errors = list(jsonschema.Draft7Validator(s).iter_errors(doc))
    if errors:
        print(what, ":", errors[0].message, file=sys.stderr); sys.exit(1)
# YAML 1.2 core types: timestamps stay strings as in the tool
class Loader(yaml.SafeLoader): pass
Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != "tag:yaml.org,2002:timestamp"]
                                  for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
for f in glob.glob("incidents/*.yaml"):
    check(yaml.load(open(f), Loader=Loader), "incident", f)
check(yaml.load(open(".incident/config.yaml"), Loader=Loader), "config", "config")
check(yaml.load(open(".incident/rules.yaml"), Loader=Loader), "rules", "rules")
check(yaml.load(open(".incident/rules-tests.yaml"), Loader=Loader), "rule-tests", "rule tests")
check(json.load(open(f"{tmp}/show.json")), "show", "show --json")
check(json.load(open(f"{tmp}/list.json")), "list", "list --json")
check(json.load(open(f"{tmp}/sla.json")), "sla", "sla --json")
# and the broken corpus is rejected by the same schemas
bad = yaml.load(open(sys.argv[1] + "/../tests/data/broken/incidents/INC-2.yaml"), Loader=Loader)
if not list(jsonschema.Draft7Validator(load("incident")).iter_errors(bad)):
    print("the broken file passed", file=sys.stderr); sys.exit(1)
PY
}

test_every_file_init_writes_is_valid() {
  local p
  for p in itil sre security; do
    run init "$T/$p" --preset "$p"
    run -C "$T/$p" validate; expect_rc 0
  done
}

test_pre_commit_hook_checks_staged_files() {
  new_repo
  run open "Fine"
  cp "$SOURCE_DIR/examples/ci/pre-commit" .git/hooks/pre-commit
  printf 'id: INC-2\ntitle: t\nstatus: bogus\n' >incidents/INC-2.yaml
  git add incidents/INC-2.yaml
  PATH="$(dirname "$INCIDENT_BIN"):$PATH" git commit -qm "bad" >"$T/hook.out" 2>&1 && fail "the hook let an invalid file in"
  grep -q "incidents/INC-2.yaml:3:9: error: status" "$T/hook.out" || fail "hook output: $(cat "$T/hook.out")"
  sed -i 's/bogus/open/' incidents/INC-2.yaml && git add incidents/INC-2.yaml
  PATH="$(dirname "$INCIDENT_BIN"):$PATH" git commit -qm "good" >"$T/hook.out" 2>&1 || fail "the hook refused a valid file: $(cat "$T/hook.out")"
}

test_init_files_name_their_schema() {
  run init "$T/repo" --preset sre
  grep -q '^# yaml-language-server: \$schema=.*/config.schema.json' "$T/repo/.incident/config.yaml" || fail "config lacks its schema comment"
  grep -q '^# yaml-language-server: \$schema=.*/rules.schema.json' "$T/repo/.incident/rules.yaml" || fail "rules lack their schema comment"
  grep -q '^# yaml-language-server: \$schema=.*/rule-tests.schema.json' "$T/repo/.incident/rules-tests.yaml" || fail "rule tests lack their schema comment"
}

test_unchanged_files_are_not_read_again_but_still_checked() {
  new_repo
  run open "one"; run open "two"; run open "three"
  sed -i 's/^team: .*/team: nowhere/' incidents/INC-2.yaml
  touch -d '1 minute ago' incidents/*.yaml
  run validate; expect_rc 0; expect_out "team 'nowhere' is not configured"
  expect_file .git/incident/validated
  # Warm: the same findings, from the cache.
  run validate; expect_rc 0; expect_out "INC-2.yaml:15:7: warning: team 'nowhere' is not configured"
  grep -q 'INC-2.yaml' .git/incident/validated || fail "INC-2 (warnings only) not remembered"
  # A changed file is read again.
  sed -i 's/^title: one$/title: [one/' incidents/INC-1.yaml
  run validate; expect_rc 6; expect_out "incidents/INC-1.yaml:"
  git checkout -q incidents/INC-1.yaml
  # References are checked again although the file is unchanged.
  sed -i 's/^related: \[\]$/related: [INC-1]/' incidents/INC-3.yaml
  touch -d '1 minute ago' incidents/INC-3.yaml
  run validate; expect_rc 0
  grep -q 'INC-3.yaml INC-1$' .git/incident/validated || fail "INC-3's reference not remembered"
  rm incidents/INC-1.yaml
  run validate; expect_rc 6; expect_out_re "INC-3.yaml:[0-9]+:[0-9]+: error: related: INC-1 does not exist"
  # A configuration change invalidates what was remembered.
  sed -i 's/^teams:$/teams:\n  nowhere: {}/' .incident/config.yaml
  run validate
  grep -q "team 'nowhere'" <<<"$ERR$OUT" && fail "a configured team is still warned about"
  true
}

test_times_in_the_future_are_found_even_after_a_clean_run() {
  new_repo
  run open "Disk full" --service db; expect_rc 0
  run validate; expect_rc 0  # clean: now cached
  # A hand edit puts the acknowledgement a day ahead (the sign typo --at refuses).
  local ahead; ahead=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
  sed -i "s/^acknowledged_at: null$/acknowledged_at: $ahead/" incidents/INC-1.yaml
  printf '  - {at: %s, by: bob, type: note, text: later}\n' "$ahead" >>incidents/INC-1.yaml
  run validate; expect_rc 6
  expect_out_re "incidents/INC-1.yaml:[0-9]+:[0-9]+: error: acknowledged_at $ahead is in the future"
  expect_out_re "incidents/INC-1.yaml:[0-9]+:[0-9]+: error: timeline event at $ahead is in the future"
}

run_suite
