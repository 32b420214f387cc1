#!/usr/bin/env bash
# How pages reach people, end to end: the config keys that carry them (smtp,
# paging_providers, serve) are read and checked, secrets are refused with
# their place, and the SMTP sink the paging tests use (tests/cli/smtp_sink.py,
# Debian's python3-aiosmtpd) receives mail and refuses it on request. The
# shape of every page and its delivery over real SMTP and HTTP are in the
# unit tests (tests/unit/page_contact_test.cpp, page_send_test.cpp).
source "$(dirname "$0")/lib.sh"

PY=/usr/bin/python3   # Debian's, with python3-aiosmtpd
SINK_PID=""

# start_sink [CODE COUNT]: an SMTP server on 127.0.0.1 writing to $T/mail; sets SMTP_PORT.
start_sink() {
  "$PY" "$SOURCE_DIR/tests/cli/smtp_sink.py" "$T/mail" 0 "$@" >"$T/sink.out" 2>"$T/sink.err" &
  SINK_PID=$!
  local i
  for i in $(seq 1 100); do [ -s "$T/sink.out" ] && break; sleep 0.05; done
  SMTP_PORT=$(head -1 "$T/sink.out")
  trap stop_sink EXIT
}

stop_sink() { [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null; wait "$SINK_PID" 2>/dev/null; SINK_PID=""; }

# send_mail TO SUBJECT: one message through Python's smtplib; prints "ok" or the SMTP code.
send_mail() {
  "$PY" - "$SMTP_PORT" "$@" <<'PY'
import smtplib, sys
port, to, subject = int(sys.argv[1]), sys.argv[2], sys.argv[3]
try:
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as s:
        s.sendmail("pager@example.com", [to], f"Subject: {subject}\r\n\r\nbody\r\n")
    print("ok")
except smtplib.SMTPResponseException as e:
    print(e.smtp_code)
PY
}

paging_config() {
  cat >>.incident/config.yaml <<EOF
smtp: {url: "smtp://127.0.0.1:${SMTP_PORT:-2525}", from: pager@example.com, starttls: false}
paging_providers:
  - {name: ntfy, type: push, url: "http://127.0.0.1:9", token_env: NTFY_TOKEN, priority: high}
  - name: twilio
    type: sms
    url_env: TWILIO_URL
    user_env: TWILIO_SID
    password_env: TWILIO_TOKEN
    form: {To: "{{{to}}}", From: "+15005550006", Body: "{{{message}}}"}
serve: {public_url: "https://incident.example.com", link_key_env: PAGE_KEY, link_ttl: 2h}
EOF
}

test_paging_keys_are_config_sections() {
  new_repo
  paging_config
  run validate
  expect_rc 0 "the three sections are known and fit the schema"
  run open "Checkout down" --impact high --urgency high
  expect_rc 0
  [ -z "$ERR" ] || fail "a valid paging config warns: $ERR"
}

test_a_literal_secret_is_refused_with_its_place() {
  new_repo
  printf 'smtp: {url: "smtp://127.0.0.1:25", from: a@example.com, password: hunter2}\n' >>.incident/config.yaml
  run validate
  expect_rc 6
  expect_out_re 'config.yaml:[0-9]+:[0-9]+.*password'
  grep -qF hunter2 <<<"$OUT$ERR" && fail "the secret is repeated in a message"
  true
}

test_the_sink_receives_mail_with_its_envelope() {
  start_sink
  expect_eq "$(send_mail alice@example.com 'INC-7 page')" "ok"
  expect_file "$T/mail/1.eml"
  expect_file_has "$T/mail/1.eml" "Subject: INC-7 page"
  expect_eq "$(jq -c . "$T/mail/1.json")" '{"mail_from":"pager@example.com","rcpt_tos":["alice@example.com"]}'
  stop_sink
}

test_the_sink_refuses_the_first_messages_on_request() {
  start_sink 451 2
  expect_eq "$(send_mail a@example.com one)" "451"
  expect_eq "$(send_mail a@example.com two)" "451"
  expect_eq "$(send_mail a@example.com three)" "ok"
  expect_file_has "$T/mail/1.eml" "Subject: three"
  expect_no_file "$T/mail/2.eml"
  stop_sink
}

run_suite
