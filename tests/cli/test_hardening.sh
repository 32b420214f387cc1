#!/usr/bin/env bash
# Never write what the tool cannot read back; keep what a person set on a
# file; never let data drive the terminal; name what is damaged instead of
# failing on it.
source "$(dirname "$0")/lib.sh"

# The committed file, byte for byte, before a command that must change nothing.
snapshot() { cp "incidents/$1.yaml" "$T/snapshot"; }
expect_unchanged() { cmp -s "incidents/$1.yaml" "$T/snapshot" || fail "incidents/$1.yaml changed"; }

test_yaml_escapes_in_a_title_survive_a_save() {
  new_repo
  run open "placeholder"; expect_rc 0
  sed -i 's/^title: placeholder$/title: "A\\_B\\NC"/' incidents/INC-1.yaml
  run note 1 "saved again"; expect_rc 0
  run show 1 --json; expect_rc 0
  expect_json '.title | explode | map(. ) | join(",")' "65,160,66,133,67"
  run validate; expect_rc 0
}

test_a_second_document_is_refused_not_dropped() {
  new_repo
  run open "first"; expect_rc 0
  printf -- '---\nextra: data\n' >>incidents/INC-1.yaml
  snapshot INC-1
  run note 1 "would drop the second document"; expect_rc 4
  expect_err_re 'incidents/INC-1.yaml:[0-9]+:1: a second YAML document'
  expect_unchanged INC-1
}

test_a_tab_in_the_indentation_is_named() {
  new_repo
  run open "first"; expect_rc 0
  sed -i 's/^status: open$/\tstatus: open/' incidents/INC-1.yaml
  run show 1; expect_rc 4
  expect_err_re 'incidents/INC-1.yaml:[0-9]+:[0-9]+: a tab in the indentation: YAML indents with spaces only'
}

test_a_byte_order_mark_is_not_part_of_the_first_key() {
  new_repo
  run open "saved by an editor that writes a BOM"; expect_rc 0
  { printf '\xef\xbb\xbf'; cat incidents/INC-1.yaml; } >"$T/bom" && mv "$T/bom" incidents/INC-1.yaml
  run show 1; expect_rc 0; expect_out "saved by an editor that writes a BOM"
  run validate; expect_rc 0
  run note 1 "still works"; expect_rc 0
  run show 1 --json; expect_json '.timeline[-1].text' "still works"
}

test_a_key_longer_than_yaml_allows_is_refused_where_it_is() {
  new_repo
  run open "first"; expect_rc 0
  printf 'custom:\n  ? %s\n  : value\n' "$(printf 'k%.0s' $(seq 1 1100))" >>incidents/INC-1.yaml
  snapshot INC-1
  run note 1 "x"; expect_rc 4; expect_err "a key longer than 1024 bytes as written"
  expect_err_re 'incidents/INC-1.yaml:34:[0-9]+: '
  expect_unchanged INC-1
}

test_long_values_and_far_times() {
  new_repo
  run open "first"; expect_rc 0
  local digits; digits=$(printf '7%.0s' $(seq 1 50000))
  run note 1 "$digits"; expect_rc 0
  run show 1 --json; expect_rc 0; expect_json '.timeline[-1].text | length' 50000
  printf 'custom: %s\n' "$(printf '7%.0s' $(seq 1 60000))" >>incidents/INC-1.yaml
  run show 1 --json; expect_rc 0; expect_json '.extra.custom | length' 60000
  run note 1 "far" --at +99999999d; expect_rc 2
  run note 1 "far" --at 99999-01-01T00:00:00Z; expect_rc 2
  run validate; expect_rc 0
}

test_a_save_keeps_the_files_mode() {
  new_repo
  run open "private"; expect_rc 0
  chmod 600 incidents/INC-1.yaml
  run note 1 "still private"; expect_rc 0
  expect_eq "$(stat -c %a incidents/INC-1.yaml)" 600
  chmod 444 incidents/INC-1.yaml
  run note 1 "read-only stays read-only"; expect_rc 0
  expect_eq "$(stat -c %a incidents/INC-1.yaml)" 444
}

test_escape_sequences_do_not_reach_a_terminal() {
  new_repo
  run open "$(printf 'evil \033]0;pwned\007 \033[2J \302\233 end')"; expect_rc 0
  local shown
  for cmd in "list" "show 1" "note 1 $(printf 'x\033[2Jy')"; do
    shown=$(script -qec "$INCIDENT_BIN $cmd" /dev/null)
    grep -q $'\033' <<<"$shown" && fail "$cmd printed an escape sequence to a terminal"
    grep -q $'\302\233' <<<"$shown" && fail "$cmd printed a C1 control to a terminal"
    grep -q $'\357\277\275' <<<"$shown" || fail "$cmd did not show U+FFFD for the controls"
  done
  # With colour on (an empty NO_COLOR does not turn it off), only colour sequences pass.
  shown=$(NO_COLOR='' TERM=xterm-256color script -qec "$INCIDENT_BIN list" /dev/null)
  grep -q $'\033\[1;31mopen' <<<"$shown" || fail "no colour on a terminal with NO_COLOR empty"
  grep -q $'\033\]' <<<"$shown" && fail "an OSC sequence from the title reached the terminal"
  shown=$(NO_COLOR=1 script -qec "$INCIDENT_BIN list" /dev/null)
  grep -q $'\033' <<<"$shown" && fail "colour with NO_COLOR=1"
  # Pipes and files get the data as it is.
  run show 1 --json; expect_json '.title' "$(printf 'evil \033]0;pwned\007 \033[2J \302\233 end')"
  run list; grep -q $'\033' <<<"$OUT" || fail "a pipe should get the title unchanged"
}

test_colour_codes_in_a_title_do_not_pass_with_colour_on() {
  new_repo
  run open "$(printf '\033[31mRED\033[0m \033[1mbold')"; expect_rc 0
  local shown cmd
  for cmd in "list" "show 1"; do
    shown=$(NO_COLOR='' TERM=xterm-256color script -qec "$INCIDENT_BIN $cmd" /dev/null)
    grep -q $'\033\[1m' <<<"$shown" || fail "$cmd: the tool's own colour is gone"
    grep -q $'\033\[31mRED' <<<"$shown" && fail "$cmd: a colour code from the title reached the terminal"
    grep -q $'\357\277\275\[31mRED' <<<"$shown" || fail "$cmd: the title's escape is not shown as U+FFFD"
  done
}

test_show_with_a_long_role_name() {
  new_repo
  run open "first"; expect_rc 0
  sed -i 's/^roles: {}$/roles: {incident-commander-on-call: dana@example.com}/' incidents/INC-1.yaml
  run show 1; expect_rc 0
  expect_out "incident-commander-on-call  dana@example.com"
}

test_a_damaged_outbox_entry_is_skipped_and_named() {
  new_repo
  local outbox; outbox="$(git rev-parse --git-dir)/incident/outbox"
  mkdir -p "$outbox"
  cat >"$outbox/good.json" <<'JSON'
{"id": "good", "target": "chat", "type": "webhook", "url_env": "CHAT_URL", "event": "opened", "incident": "INC-1",
 "created_at": "2026-11-22T03:04:05Z", "attempts": 1, "last_error": "HTTP 500", "body": "{}"}
JSON
  cat >"$outbox/bad.json" <<'JSON'
{"id": "bad", "target": "chat", "attempts": "three"}
JSON
  echo "not json" >"$outbox/worse.json"
  run notify list; expect_rc 4
  expect_out "good"
  expect_err "outbox entry bad.json: a field has the wrong type"
  expect_err "outbox entry worse.json: not a JSON object"
  run notify flush; expect_rc 4
  expect_out "good"
  expect_err "outbox entry bad.json"
  expect_file "$outbox/bad.json"
}

run_suite
