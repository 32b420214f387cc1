#!/usr/bin/env bash
# The command line itself: help on every level, version, edit, config
# precedence.
source "$(dirname "$0")/lib.sh"

COMMANDS="init open triage ack update note assign escalate resolve reopen close postmortem show list edit sla validate"

test_help_on_every_level() {
  run --help
  expect_rc 0
  for c in $COMMANDS; do
    grep -qE "^  $c " <<<"$OUT" || fail "incident --help does not list $c"
  done
  expect_out "Exit codes:"
  for c in $COMMANDS; do
    run "$c" --help
    [ "$RC" -eq 0 ] || fail "$c --help exited $RC"
    grep -q "Usage:" <<<"$OUT" || fail "$c --help has no usage line"
    grep -q -- "--json" <<<"$OUT" || fail "$c --help lacks --json"
  done
  for c in open triage ack update note assign escalate resolve reopen close postmortem; do
    run "$c" --help
    for flag in --by --at --no-commit --dry-run --no-notify; do
      grep -q -- "$flag" <<<"$OUT" || fail "$c --help lacks $flag"
    done
  done
  for c in "action add" "action edit" "action done" "action list" "notify list" "notify flush" "notify test"; do
    run $c --help
    [ "$RC" -eq 0 ] || fail "$c --help exited $RC"
    grep -q -- "--json" <<<"$OUT" || fail "$c --help lacks --json"
  done
  for c in check test explain packs; do
    run rules "$c" --help
    [ "$RC" -eq 0 ] || fail "rules $c --help exited $RC"
    grep -q -- "--json" <<<"$OUT" || fail "rules $c --help lacks --json"
  done
  run --version
  expect_rc 0; expect_out_re '^incident [0-9]+\.[0-9]+\.[0-9]+ \('
}

test_man_page_documents_every_command_and_exit_code() {
  local man="$SOURCE_DIR/man/incident.1"
  expect_file "$man"
  for c in $COMMANDS rules action notify; do grep -q "^\.Ss $c" "$man" || fail "man page lacks a section for $c"; done
  for code in 0 1 2 3 4 5 6; do grep -q "^\.It $code" "$man" || fail "man page lacks exit code $code"; done
  mandoc -T lint -W warning "$SOURCE_DIR"/man/*.[15] >"$T/lint" 2>&1 || fail "mandoc lint: $(cat "$T/lint")"
  for word in equals in matches contains exists tag all any not priority_floor priority_ceiling stop; do
    grep -q "Ic.*$word" "$SOURCE_DIR/man/incident-rules.5" || fail "incident-rules(5) does not document '$word'"
  done
}

# run_on_tty ARGS...: as run, with a pseudo-terminal on stdin (what an editor needs).
run_on_tty() {
  python3 -c 'import pty, subprocess, sys; m, s = pty.openpty(); sys.exit(subprocess.call(sys.argv[1:], stdin=s))' \
    "$INCIDENT_BIN" "$@" >"$T/.out" 2>"$T/.err" </dev/null
  RC=$?
  OUT=$(cat "$T/.out")
  ERR=$(cat "$T/.err")
}

test_edit_keeps_old_file_when_invalid() {
  new_repo
  run open "edit me"
  cp incidents/INC-1.yaml "$T/orig"
  printf '#!/bin/sh\nsed -i "s/^status: open/status: bogus/" "$1"\n' >"$T/bad-editor"
  printf '#!/bin/sh\nsed -i "s/^service: null/service: checkout/" "$1"\n' >"$T/good-editor"
  printf '#!/bin/sh\nexit 0\n' >"$T/no-change"
  chmod +x "$T"/*-editor "$T/no-change"
  EDITOR="$T/bad-editor" run_on_tty edit 1
  expect_rc 4; expect_err "status: unknown value 'bogus'"; expect_err "your edit is kept at"
  cmp -s incidents/INC-1.yaml "$T/orig" || fail "invalid edit changed the file"
  EDITOR="$T/no-change" run_on_tty edit 1
  expect_rc 0; expect_err "no changes"
  local before; before=$(commit_count)
  EDITOR="$T/good-editor" run_on_tty edit 1 --json
  expect_rc 0; expect_json .service checkout; expect_json '.timeline[-1].type' edited
  expect_eq "$(commit_count)" "$((before + 1))"
}

test_edit_without_a_terminal_starts_no_editor() {
  new_repo
  run open "edit me"
  printf '#!/bin/sh\ntouch "%s/editor-ran"\n' "$T" >"$T/editor"
  chmod +x "$T/editor"
  EDITOR="$T/editor" run edit 1
  expect_rc 2; expect_err "needs a terminal"
  expect_no_file "$T/editor-ran"
  run edit 1
  expect_rc 2; expect_err "needs a terminal"
}

test_log_names_the_actor_not_the_git_identity() {
  new_repo
  run open "Checkout latency"; expect_rc 0
  run note 1 "pool resized" --by bob@example.com; expect_rc 0
  run log 1; expect_rc 0
  expect_out_re 'alice@example\.com +INC-1: opened'
  expect_out_re 'bob@example\.com +INC-1: note'
  grep -q "ci@example.com" <<<"$OUT" && fail "log shows the git identity instead of the actor"
  run log 1 --json; expect_rc 0
  expect_json '[.[] | "\(.by | join(",")) \(.email)"] | join("; ")' \
    "alice@example.com ci@example.com; bob@example.com ci@example.com"
}

test_config_precedence_flags_env_repo_user() {
  new_repo
  mkdir -p "$XDG_CONFIG_HOME/incident"
  printf 'id_prefix: USR\ntiers: [T1, T2]\n' >"$XDG_CONFIG_HOME/incident/config.yaml"
  printf 'tiers: [L1, L2]\n' >.incident/config.yaml
  run open "repo tiers, user prefix" --json
  expect_rc 0; expect_json .id USR-1; expect_json .tier L1
  INCIDENT_ID_PREFIX=ENV run open "env prefix" --json
  expect_json .id ENV-1
  INCIDENT_AUTO_COMMIT=false run open "not committed" --json
  expect_eq "$(git status --porcelain incidents | wc -l)" 1
  run open "flag wins" --tier L2 --json
  expect_json .tier L2
  printf 'id_prefix: INC\n' >>.incident/config.yaml
  run open "repo beats user" --json
  expect_json .id INC-1
}

test_output_has_no_colour_when_not_a_tty() {
  new_repo
  run open "plain output" --impact high --urgency high
  env -u NO_COLOR "$INCIDENT_BIN" list >"$T/list.out"
  if grep -q $'\033' "$T/list.out"; then fail "escape codes in piped output"; fi
}

test_json_failures_print_one_error_object() {
  new_repo
  run ack 99 --json; expect_rc 3
  expect_json .error.code 3; expect_json .error.kind not_found
  expect_json '.error.message | startswith("no incident INC-99")' true
  expect_err "incident: error: no incident INC-99"  # stderr keeps the human message
  expect_eq "$(wc -l <<<"$OUT")" 1 "one line"
  run open "Down" --json; expect_rc 0
  run reopen 1 --json; expect_rc 5; expect_json .error.kind refused; expect_json .error.hint "only resolved incidents can be reopened"
  run list --json --bogus; expect_rc 2; expect_json .error.kind usage
  run ack 99; expect_rc 3; expect_no_out  # without --json, stdout stays empty
  printf '%s' "$OUT" >"$T/none.json"
  run ack 99 --json; printf '%s' "$OUT" >"$T/error.json"
  # A command that printed its own document adds no second one (validate's exit 6).
  printf 'id: INC-1\n' >incidents/INC-1.yaml
  run validate --json; expect_rc 6; expect_json '.errors > 0' true
  expect_eq "$(jq -s length <<<"$OUT")" 1 "one JSON document on stdout"
  # So do list and report when a file cannot be read (report copies its streams for --as-of).
  run list --json --all; expect_rc 4; expect_eq "$(jq -s length <<<"$OUT")" 1 "list --json: one document"
  expect_json 'type' array
  run report --json; expect_rc 4; expect_eq "$(jq -s length <<<"$OUT")" 1 "report --json: one document"
  expect_json 'has("error")' false
  /usr/bin/python3 - "$SOURCE_DIR/schemas/error.schema.json" "$T/error.json" <<'PY' || fail "the error object does not match its schema"
import json, sys, jsonschema
jsonschema.validate(json.load(open(sys.argv[2])), json.load(open(sys.argv[1])))
PY
}

test_an_empty_table_says_so_on_stderr_only() {
  new_repo
  run list; expect_rc 0; expect_no_out; expect_err "no incidents match"
  run list --json; expect_rc 0; expect_json length 0
  [ -z "$ERR" ] || fail "stderr with --json: $ERR"
}

run_suite
