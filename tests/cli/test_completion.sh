#!/usr/bin/env bash
# Completions in real bash, zsh and fish; completions and man pages never
# drift from the CLI definitions, nor the field schemas from the registries.
source "$(dirname "$0")/lib.sh"

BIN_DIR=$(dirname "$INCIDENT_BIN")

completion_repo() {
  new_repo
  run open "First" --service checkout
  run open "Second" --service payments
}

test_committed_files_match_the_generator() {
  local shell file
  for shell in bash zsh fish; do
    case $shell in bash) file=incident.bash ;; zsh) file=_incident ;; fish) file=incident.fish ;; esac
    "$INCIDENT_BIN" __completion $shell >"$T/$file"
    cmp -s "$T/$file" "$SOURCE_DIR/completions/$file" ||
      fail "completions/$file is stale: regenerate with incident __completion $shell > completions/$file"
  done
  mkdir "$T/man" && "$INCIDENT_BIN" __man "$T/man"
  for file in "$T"/man/*.1; do
    cmp -s "$file" "$SOURCE_DIR/man/$(basename "$file")" ||
      fail "man/$(basename "$file") is stale: regenerate with incident __man man"
  done
}

test_committed_schemas_match_the_generator() {
  local file
  mkdir "$T/schemas" && "$INCIDENT_BIN" __schemas "$T/schemas" || fail "incident __schemas failed"
  for file in incident list show; do
    expect_file "$T/schemas/$file.schema.json"
    cmp -s "$T/schemas/$file.schema.json" "$SOURCE_DIR/schemas/$file.schema.json" ||
      fail "schemas/$file.schema.json is stale: regenerate with incident __schemas schemas"
  done
}

test_every_option_is_in_its_man_page() {
  local c opt page
  for c in init open triage ack update note assign escalate resolve reopen close postmortem show list edit sla validate; do
    page="$SOURCE_DIR/man/incident-$c.1"
    expect_file "$page"
    for opt in $("$INCIDENT_BIN" "$c" --help | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
      grep -qF -- "Fl \\-${opt#--}" "$page" || fail "incident-$c(1) lacks $opt"
    done
  done
  mandoc -T lint -W warning "$SOURCE_DIR"/man/*.1 "$SOURCE_DIR"/man/*.5 >"$T/lint" 2>&1 || fail "mandoc: $(cat "$T/lint")"
  man -l "$SOURCE_DIR/man/incident.1" >/dev/null 2>&1 || fail "man -l incident.1"
}

bash_complete() {  # words... ; the last is the word being completed
  PATH="$BIN_DIR:$PATH" bash -c '
    source "$1"; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
    _incident; printf "%s\n" "${COMPREPLY[@]}"' _ "$SOURCE_DIR/completions/incident.bash" "$@"
}

zsh_complete() {
  PATH="$BIN_DIR:$PATH" zsh -f -c '
    compdef() { :; }
    source "$1"; shift
    compadd() { [[ $1 == -- ]] && shift; print -l -- "$@"; }
    words=("$@"); CURRENT=${#words}
    _incident' _ "$SOURCE_DIR/completions/_incident" "$@"
}

fish_complete() {
  PATH="$BIN_DIR:$PATH" fish -c "source $SOURCE_DIR/completions/incident.fish; complete -C '$*'" | cut -f1
}

test_bash_completes_subcommands_options_and_ids() {
  completion_repo
  OUT=$(bash_complete incident sh); expect_out "show"
  OUT=$(bash_complete incident list --sta); expect_out "--status"
  OUT=$(bash_complete incident list --status ""); expect_out "investigating"
  OUT=$(bash_complete incident show INC-); expect_out "INC-1"; expect_out "INC-2"
  OUT=$(bash_complete incident list --service ""); expect_out "checkout"; expect_out "payments"
  OUT=$(bash_complete incident init --preset s); expect_out "sre"; expect_out "security"
  # Enumerated values: each option offers exactly what it accepts.
  OUT=$(bash_complete incident list --format ""); expect_out "markdown"; expect_out "ndjson"
  OUT=$(bash_complete incident update INC-1 --status ""); expect_out "mitigated"
  grep -qx "resolved" <<<"$OUT" && fail "update --status offers resolved, which it refuses"
  OUT=$(bash_complete incident list --status = "inv"); expect_out "investigating"
  OUT=$(bash_complete incident note INC-1 text --by ""); expect_out "alice@example.com"
}

test_zsh_completes_subcommands_options_and_ids() {
  completion_repo
  OUT=$(zsh_complete incident esc); expect_out "escalate"
  OUT=$(zsh_complete incident escalate --hier); expect_out "--hierarchical"
  OUT=$(zsh_complete incident note INC-); expect_out "INC-2"
  OUT=$(zsh_complete incident list --priority ""); expect_out "P1"
  OUT=$(zsh_complete incident list --status=inv); expect_out "--status=investigating"
}

test_fish_completes_subcommands_options_and_ids() {
  completion_repo
  OUT=$(fish_complete incident reo); expect_out "reopen"
  OUT=$(fish_complete incident resolve --co); expect_out "--code"
  OUT=$(fish_complete incident ack INC-); expect_out "INC-1"
  OUT=$(fish_complete incident resolve INC-1 --code ""); expect_out "workaround"
}

test_install_layout_and_deb() {
  : "${BUILD_DIR:=$(dirname "$INCIDENT_BIN")}"
  DESTDIR="$T/root" cmake --install "$BUILD_DIR" --prefix /usr >"$T/install.log" 2>&1 || fail "cmake --install: $(tail -3 "$T/install.log")"
  local f
  for f in bin/incident share/man/man1/incident.1 share/man/man1/incident-open.1 share/man/man5/incident-rules.5 \
           share/man/man5/incident-config.5 share/bash-completion/completions/incident share/zsh/site-functions/_incident \
           share/fish/vendor_completions.d/incident.fish share/incident/schemas/incident.schema.json; do
    expect_file "$T/root/usr/$f"
  done
  (cd "$T" && cpack --config "$BUILD_DIR/CPackConfig.cmake" -B "$T/pkg" >"$T/cpack.log" 2>&1) || fail "cpack: $(tail -3 "$T/cpack.log")"
  local deb; deb=$(ls "$T"/pkg/*.deb 2>/dev/null | head -1)
  [ -n "$deb" ] || { fail "no .deb built"; return; }
  dpkg-deb -c "$deb" | grep -qE "\./usr(/local)?/bin/incident$" || fail ".deb lacks the binary"
  dpkg-deb -f "$deb" Depends | grep -q git || fail ".deb does not depend on git"
  run --version; expect_out_re '^incident 0\.1\.0 \([0-9a-f]+|unknown\)'
}

run_suite
