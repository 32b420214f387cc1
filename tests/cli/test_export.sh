#!/usr/bin/env bash
# incident export: a bundle for the authorities (incident files, records,
# evidence, MANIFEST.sha256), checked by tar and sha256sum, signed with gpg or
# ssh and verified by them, and refused by --verify once changed.
source "$(dirname "$0")/lib.sh"

# INC-1 with two pieces of evidence and people's addresses in it.
with_incident() {
  new_repo
  run open "Laptop stolen from office 3" --reporter alice@example.com --location "Site A/Office 3" \
    --by guard@example.com --at 2026-11-22T03:00:00Z; expect_rc 0
  printf 'badge log\n' >"$T/badge.log"
  printf '\x89PNG\r\n\x1a\n\x00binary' >"$T/cctv.png"
  run attach 1 "$T/badge.log" "$T/cctv.png" --by guard@example.com --at 2026-11-22T04:00:00Z; expect_rc 0
  mkdir -p "$T/out"
}

unpack() { rm -rf "$T/x" && mkdir -p "$T/x" && tar -xzf "$1" -C "$T/x" || fail "tar cannot unpack $1"; }

test_a_bundle_unpacks_and_its_manifest_checks_with_sha256sum() {
  with_incident
  run export 1 --bundle "$T/out/inc1.tar.gz" --json; expect_rc 0
  expect_json '.files | join(" ")' \
    "EXPORT.txt attachments/INC-1/badge.log attachments/INC-1/cctv.png incidents/INC-1.yaml report/INC-1.html report/INC-1.md"
  expect_json .signature null
  unpack "$T/out/inc1.tar.gz"
  (cd "$T/x" && sha256sum --quiet -c MANIFEST.sha256) || fail "sha256sum -c fails on the bundle"
  cmp -s "$T/cctv.png" "$T/x/attachments/INC-1/cctv.png" || fail "the evidence differs"
  expect_file_has "$T/x/report/INC-1.md" "## Timeline"
  expect_file_has "$T/x/report/INC-1.md" "attachments/INC-1/cctv.png"
  expect_file_has "$T/x/report/INC-1.html" "<h2>Evidence</h2>"
  expect_file_has "$T/x/incidents/INC-1.yaml" "reporter: alice@example.com"
  run export --verify "$T/out/inc1.tar.gz"; expect_rc 0; expect_out "6 files match MANIFEST.sha256; unsigned"
  # The same as a zip.
  run export 1 --bundle "$T/out/inc1.zip"; expect_rc 0
  rm -rf "$T/z" && mkdir "$T/z" && (cd "$T/z" && unzip -q "$T/out/inc1.zip" && sha256sum --quiet -c MANIFEST.sha256) ||
    fail "the zip does not check"
  run export --verify "$T/out/inc1.zip"; expect_rc 0; expect_out "6 files match"
  # Nothing is left behind in the repository.
  expect_eq "$(git status --porcelain)" "" "a clean work tree"
  expect_eq "$(find .git/incident -maxdepth 1 -name 'export.*' -o -maxdepth 1 -name 'verify.*')" "" "no scratch left"
}

test_redact_leaves_fields_out_and_says_so() {
  with_incident
  run export 1 --bundle "$T/out/r.tar.gz" --redact reporter --redact emails; expect_rc 0
  unpack "$T/out/r.tar.gz"
  grep -rq "@example.com" "$T/x" && fail "an address is left in the bundle"
  expect_file_has "$T/x/incidents/INC-1.yaml" "reporter: null"
  expect_file_has "$T/x/EXPORT.txt" "Left out: reporter, emails."
  expect_file_has "$T/x/report/INC-1.md" "Left out: reporter, emails."
  run export 1 --bundle "$T/out/r.tar.gz" --redact title; expect_rc 2; expect_err "not a field it can leave out"
  run export 1 --bundle "$T/out/r.txt"; expect_rc 2
  run export --bundle "$T/out/r.tar.gz"; expect_rc 2
  run export 99 --bundle "$T/out/r.tar.gz"; expect_rc 3
  # Evidence that no longer matches its record is not exported.
  echo changed >>attachments/INC-1/badge.log
  run export 1 --bundle "$T/out/bad.tar.gz"; expect_rc 6; expect_err "badge.log is changed"
  expect_no_file "$T/out/bad.tar.gz"
}

test_a_gpg_signed_bundle_verifies_with_gpg_and_a_changed_one_fails() {
  command -v gpg >/dev/null || fail "gpg is not installed (.ci/install-deps installs gnupg)"
  with_incident
  export GNUPGHOME="$T/gnupg"; mkdir -m 700 "$GNUPGHOME"
  gpg --batch --quiet --passphrase '' --quick-gen-key 'Export Test <export@example.com>' ed25519 sign never 2>/dev/null ||
    fail "gpg cannot make a key"
  git config user.signingkey export@example.com
  run export 1 --bundle "$T/out/s.tar.gz" --sign --json; expect_rc 0; expect_json .signature MANIFEST.sha256.asc
  unpack "$T/out/s.tar.gz"
  (cd "$T/x" && gpg --batch --quiet --verify MANIFEST.sha256.asc MANIFEST.sha256 2>/dev/null) || fail "gpg --verify fails"
  run export --verify "$T/out/s.tar.gz"; expect_rc 0; expect_out "Good signature"
  # One byte changed in a record, packed again: refused, naming it.
  sed -i 's/Laptop stolen/Laptop found/' "$T/x/report/INC-1.md"
  tar -czf "$T/out/changed.tar.gz" -C "$T/x" .
  run export --verify "$T/out/changed.tar.gz"; expect_rc 6; expect_err "report/INC-1.md: changed"
  # The manifest changed to match: the signature no longer verifies.
  (cd "$T/x" && sha256sum EXPORT.txt attachments/INC-1/* incidents/INC-1.yaml report/* >MANIFEST.sha256)
  tar -czf "$T/out/resigned.tar.gz" -C "$T/x" .
  run export --verify "$T/out/resigned.tar.gz"; expect_rc 6; expect_err "the signature does not verify"
  # A file slipped in.
  echo extra >"$T/x/note.txt"; git -C "$T/x" status >/dev/null 2>&1
  tar -czf "$T/out/extra.tar.gz" -C "$T/x" .
  run export --verify "$T/out/extra.tar.gz"; expect_rc 6; expect_err "note.txt: not in the manifest"
}

test_an_ssh_signed_bundle_verifies_with_ssh_keygen() {
  with_incident
  ssh-keygen -q -t ed25519 -N '' -C export@example.com -f "$T/key" || fail "ssh-keygen cannot make a key"
  git config gpg.format ssh && git config user.signingkey "$T/key"
  run export 1 --bundle "$T/out/ssh.tar.gz" --sign; expect_rc 0; expect_out "signed (MANIFEST.sha256.sig)"
  unpack "$T/out/ssh.tar.gz"
  echo "export@example.com namespaces=\"incident-export\" $(cat "$T/key.pub")" >"$T/allowed"
  ssh-keygen -Y verify -f "$T/allowed" -I export@example.com -n incident-export -s "$T/x/MANIFEST.sha256.sig" \
    <"$T/x/MANIFEST.sha256" >/dev/null 2>&1 || fail "ssh-keygen -Y verify fails"
  run export --verify "$T/out/ssh.tar.gz"; expect_rc 0; expect_out "ssh: Good"
}

# tree_state DIR: every path under DIR with its type, size, mode and mtime (a
# directory's mtime changes when an entry is made or removed in it), but
# git's index, which git may refresh on its own.
tree_state() { find "$1" ! -path '*/.git/index' -printf '%p %y %s %m %T@\n' | sort; }

# run_read_only DIR ARGS...: `run ARGS...` with DIR mounted read-only (in a
# user namespace: no root needed); where that is not allowed, with DIR's
# write permissions taken away when we are not root, and as root (who
# writes anyway) with DIR compared before and after: a file made there,
# even one removed again, fails the test.
run_read_only() {
  local dir=$1; shift
  if unshare -rm true 2>/dev/null; then
    unshare -rm sh -c 'mount --bind -o ro "$1" "$1" && shift && exec "$@"' sh "$dir" "$INCIDENT_BIN" "$@" \
      >"$T/.out" 2>"$T/.err" </dev/null
    RC=$?
  elif [ "$(id -u)" != 0 ]; then
    chmod -R a-w "$dir"; "$INCIDENT_BIN" "$@" >"$T/.out" 2>"$T/.err" </dev/null; RC=$?; chmod -R u+w "$dir"
  else
    local before; before=$(tree_state "$dir"); sleep 0.01
    "$INCIDENT_BIN" "$@" >"$T/.out" 2>"$T/.err" </dev/null; RC=$?
    [ "$(tree_state "$dir")" == "$before" ] || fail "it wrote into $dir: $(diff <(echo "$before") <(tree_state "$dir"))"
  fi
  OUT=$(cat "$T/.out"); ERR=$(cat "$T/.err")
}

test_export_works_in_a_read_only_repository_and_leaves_no_scratch() {
  with_incident
  run_read_only "$T/repo" export 1 --bundle "$T/out/ro.tar.gz"; expect_rc 0; expect_out "wrote $T/out/ro.tar.gz"
  run_read_only "$T/repo" export --verify "$T/out/ro.tar.gz"; expect_rc 0; expect_out "6 files match"
  expect_eq "$(ls -A "$T/out")" "ro.tar.gz" "only the bundle beside it"
  # A failure half-way (tar breaks) leaves nothing behind either.
  mkdir "$T/bin" && printf '#!/bin/sh\necho broken >&2; exit 2\n' >"$T/bin/tar" && chmod +x "$T/bin/tar"
  PATH="$T/bin:$PATH" run export 1 --bundle "$T/out/broken.tar.gz"; expect_rc 1; expect_err "tar failed: broken"
  expect_eq "$(ls -A "$T/out")" "ro.tar.gz" "no scratch left after a failure"
  expect_eq "$(git status --porcelain --ignored)" "" "nothing written in the work tree"
}

# repack NAME: the unpacked bundle in $T/x, packed again as $T/out/NAME.
repack() { tar -czf "$T/out/$1" -C "$T/x" . || fail "tar cannot pack $1"; }

test_verify_refuses_anything_but_files_and_directories_below_the_top() {
  with_incident
  run export 1 --bundle "$T/out/b.tar.gz"; expect_rc 0
  unpack "$T/out/b.tar.gz" && mkfifo "$T/x/pipe" && repack fifo.tar.gz
  run export --verify "$T/out/fifo.tar.gz"; expect_rc 6; expect_err "pipe is a FIFO (a bundle holds only files"
  expect_err "nothing was unpacked"
  unpack "$T/out/b.tar.gz" && ln -s /etc/passwd "$T/x/link" && repack link.tar.gz
  run export --verify "$T/out/link.tar.gz"; expect_rc 6; expect_err "is a symbolic link"
  unpack "$T/out/b.tar.gz" && ln "$T/x/EXPORT.txt" "$T/x/again.txt" && repack hard.tar.gz
  run export --verify "$T/out/hard.tar.gz"; expect_rc 6; expect_err "is a hard link"
  python3 - "$T/out" <<'PY'
import io, sys, tarfile, zipfile
out = sys.argv[1]
for name, member in [("up.tar.gz", "../escaped.txt"), ("abs.tar.gz", "/tmp/escaped.txt")]:
    with tarfile.open(f"{out}/{name}", "w:gz") as t:
        info = tarfile.TarInfo(member); info.size = 2
        t.addfile(info, io.BytesIO(b"x\n"))
with tarfile.open(f"{out}/dev.tar.gz", "w:gz") as t:
    info = tarfile.TarInfo("./null"); info.type = tarfile.CHRTYPE; info.devmajor, info.devminor = 1, 3
    t.addfile(info)
with zipfile.ZipFile(f"{out}/link.zip", "w") as z:
    info = zipfile.ZipInfo("link"); info.external_attr = 0o120777 << 16
    z.writestr(info, "/etc/passwd")
PY
  run export --verify "$T/out/up.tar.gz"; expect_rc 6; expect_err "../escaped.txt climbs out of the bundle (..)"
  run export --verify "$T/out/abs.tar.gz"; expect_rc 6; expect_err "/tmp/escaped.txt has an absolute name"
  run export --verify "$T/out/dev.tar.gz"; expect_rc 6; expect_err "null is a device"
  run export --verify "$T/out/link.zip"; expect_rc 6; expect_err "link is a symbolic link"
  expect_no_file "$T/escaped.txt"
}

test_verify_bounds_what_it_unpacks() {
  with_incident
  # 80 MiB of zeros packs into some 80 KiB: more than 64 MiB, and than 50 times the bundle.
  python3 - "$T/out" <<'PY'
import io, struct, sys, tarfile, zipfile
out, size = sys.argv[1], 80 << 20
class Zeros(io.RawIOBase):
    def __init__(self): self.left = size
    def readable(self): return True
    def readinto(self, b):
        n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n
with tarfile.open(f"{out}/bomb.tar.gz", "w:gz") as t:
    info = tarfile.TarInfo("./MANIFEST.sha256"); info.size = size
    t.addfile(info, io.BufferedReader(Zeros()))
# A zip whose listing says 10 bytes where the data inflates to 80 MiB.
with zipfile.ZipFile(f"{out}/bomb.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("MANIFEST.sha256", bytes(size))
b = bytearray(open(f"{out}/bomb.zip", "rb").read())
b[22:26] = struct.pack("<I", 10)
cd = b.rfind(b"PK\x01\x02")
b[cd + 24:cd + 28] = struct.pack("<I", 10)
open(f"{out}/bomb.zip", "wb").write(b)
PY
  run export --verify "$T/out/bomb.tar.gz"; expect_rc 6; expect_err "unpacks to more than 64 MiB"
  run export --verify "$T/out/bomb.zip"; expect_rc 6; expect_err "more than its listing says"
}

test_a_bundle_stripped_of_its_signature_fails() {
  with_incident
  ssh-keygen -q -t ed25519 -N '' -C export@example.com -f "$T/key" || fail "ssh-keygen cannot make a key"
  git config gpg.format ssh && git config user.signingkey "$T/key"
  run export 1 --bundle "$T/out/s.tar.gz" --sign; expect_rc 0
  unpack "$T/out/s.tar.gz"
  expect_file_has "$T/x/EXPORT.txt" "Signature: MANIFEST.sha256.sig"
  rm "$T/x/MANIFEST.sha256.sig" && repack stripped.tar.gz
  run export --verify "$T/out/stripped.tar.gz"; expect_rc 6
  expect_err "MANIFEST.sha256.sig: missing (EXPORT.txt says the bundle was signed)"
}

test_sign_without_a_secret_key_says_so_and_creates_no_gnupg_home() {
  command -v gpg >/dev/null || fail "gpg is not installed (.ci/install-deps installs gnupg)"
  with_incident
  unset GNUPGHOME
  run export 1 --bundle "$T/out/s.tar.gz" --sign; expect_rc 2
  expect_err "gpg has no secret key to sign with ($HOME/.gnupg does not exist)"
  expect_no_file "$HOME/.gnupg"
  expect_no_file "$T/out/s.tar.gz"
  export GNUPGHOME="$T/gnupg"; mkdir -m 700 "$GNUPGHOME"
  git config user.signingkey nobody@example.com
  run export 1 --bundle "$T/out/s.tar.gz" --sign; expect_rc 2
  expect_err "gpg has no secret key for nobody@example.com in $T/gnupg"
  expect_eq "$(ls -A "$T/out")" "" "nothing written"
}

run_suite
