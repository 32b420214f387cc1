#!/usr/bin/env python3
"""Runs the examples in the documentation, as Rust's doc tests and mdBook's
`mdbook test` do: an example is code, so it runs in CI.

For each Markdown file given:
- every block fenced ```sh runs, in order, in ONE bash process (state such as
  `cd`, variables and opened incidents carries over between blocks), starting
  in a fresh temporary directory where `incident init` has been run; with
  `<!-- doc-test: empty -->` in the file, in an empty directory instead;
- every command must exit 0, unless its line ends with `# exit N`: then it
  must exit N (single-line commands only). As in any bash script under
  errexit, a command before `&&` or `||` is not checked: write one command
  per line;
- a block fenced ```yaml file=PATH is written to PATH in that directory at
  its place in the order, and `incident validate PATH` must exit 0;
- ```text blocks, plain ```yaml blocks and anything else are shown only.

The built `incident` (--bin) is first on PATH; HOME, the git identity,
INCIDENT_USER, TZ and NO_COLOR are set; what a file's examples start in the
background is killed with its process group when the file is done.
Prints one line per example and ends with "docs: N passed, M failed".
"""
import argparse
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile

FENCE = re.compile(r"^(\s*)(```+|~~~+)\s*([^`\s]*)\s*(.*)$")
EXPECT = re.compile(r"^(?P<cmd>.*\S)\s+#\s*exit\s+(?P<code>\d+)\s*$")


class Example:
    def __init__(self, path, line, kind, info, body):
        self.path, self.line, self.kind, self.info, self.body = path, line, kind, info, body

    def where(self):
        return f"{self.path}:{self.line}"


def examples(path):
    """The runnable blocks of a Markdown file, in order, with their lines."""
    out, lines = [], open(path, encoding="utf-8").read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, lang, info = m.groups()
        start, body = i + 1, []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][len(indent):] if lines[i].startswith(indent) else lines[i])
            i += 1
        i += 1
        if lang == "sh":
            out.append(Example(path, start, "sh", info, body))
        elif lang == "yaml" and info.startswith("file="):
            out.append(Example(path, start, "yaml", info[5:].strip(), body))
    return out


def wrap_command(line, where):
    """A line ending in `# exit N` checks its exit code instead of stopping."""
    m = EXPECT.match(line)
    if not m:
        return line
    cmd, code = m.group("cmd"), m.group("code")
    return (f"__rc=0; {{ {cmd} ; }} || __rc=$?; if [ $__rc -ne {code} ]; then "
            f"echo \"doc-test: {where}: expected exit {code}, got $__rc: \"{shlex.quote(cmd)} >&2; exit 97; fi")


def script_for(ex, index, bin_path):
    """Bash text that runs one example and reports it on fd 3."""
    where = ex.where()
    if ex.kind == "yaml":
        target = ex.info
        if target.startswith("/") or ".." in target.split("/"):
            return f"echo 'doc-test: {where}: file= must be a path inside the repository' >&2; exit 98\n"
        text = "\n".join(ex.body) + "\n"
        delim = "DOC_EXAMPLE_YAML_EOF"
        return (f"mkdir -p \"$(dirname {shlex.quote(target)})\"\n"
                f"cat >{shlex.quote(target)} <<'{delim}'\n{text}{delim}\n"
                f"incident validate {shlex.quote(target)} || {{ echo 'doc-test: {where}: incident validate "
                f"{target} failed' >&2; exit 96; }}\n"
                f"echo 'ok {index} {where} (yaml {target})' >&3\n")
    body = "\n".join(wrap_command(line, where) for line in ex.body)
    # The block runs in the script's own shell (cd and variables carry over)
    # under errexit; the ERR trap names the example whose command failed.
    return f"__where={shlex.quote(where)}\n{body}\necho 'ok {index} {where}' >&3\n"


def run_file(path, bin_path, timeout):
    """Runs one file's examples; returns (passed, failed, message)."""
    exs = examples(path)
    if not exs:
        return 0, 0, ""
    empty = "<!-- doc-test: empty -->" in open(path, encoding="utf-8").read()
    work = tempfile.mkdtemp(prefix="doc-test.")
    home = os.path.join(work, "home")
    repo = os.path.join(work, "repo")
    os.makedirs(home)
    os.makedirs(repo)
    env = {
        "PATH": os.path.dirname(os.path.abspath(bin_path)) + ":" + os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home, "TZ": "UTC", "NO_COLOR": "1", "LANG": "C.UTF-8", "EDITOR": "true",
        "INCIDENT_USER": "alice@example.com", "GIT_AUTHOR_NAME": "Doc Test",
        "GIT_AUTHOR_EMAIL": "doc-test@example.com", "GIT_COMMITTER_NAME": "Doc Test",
        "GIT_COMMITTER_EMAIL": "doc-test@example.com", "GIT_CONFIG_NOSYSTEM": "1",
    }
    for key in ("ASAN_OPTIONS", "UBSAN_OPTIONS"):
        if key in os.environ:
            env[key] = os.environ[key]
    with open(os.path.join(home, ".gitconfig"), "w") as g:
        g.write("[user]\n\tname = Doc Test\n\temail = doc-test@example.com\n[init]\n\tdefaultBranch = main\n")
    try:
        if not empty:
            subprocess.run([bin_path, "init", "."], cwd=repo, env=env, check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        script = ("set -o pipefail\nset -eE\n"
                  "trap 'echo \"doc-test: $__where: a command failed (exit $?): $BASH_COMMAND\" >&2' ERR\n" + "".join(script_for(e, i, bin_path) for i, e in enumerate(exs, 1)))
        with open(os.path.join(work, "examples.sh"), "w") as f:
            f.write(script)
        report = os.path.join(work, "report")
        with open(report, "w") as fd3:
            os.set_inheritable(fd3.fileno(), True)
            # The script reports each example done on its fd 3; its own
            # session, so what it starts in the background is killed with it.
            examples_sh = shlex.quote(os.path.join(work, "examples.sh"))
            proc = subprocess.Popen(["bash", "-c", f"exec 3>&{fd3.fileno()}; exec bash {examples_sh}"],
                                    cwd=repo, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, pass_fds=(fd3.fileno(),), start_new_session=True)
            try:
                output, _ = proc.communicate(timeout=timeout)
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                rc = None
                output = b""
            finally:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)  # what the examples left running
                except ProcessLookupError:
                    pass
                if rc is None:
                    output, _ = proc.communicate()
        done = [line for line in open(report).read().splitlines() if line.startswith("ok ")]
        for line in done:
            print("  " + line)
        text = output.decode("utf-8", "replace")
        if rc == 0 and len(done) == len(exs):
            return len(exs), 0, ""
        failed = exs[len(done)] if len(done) < len(exs) else exs[-1]
        why = "timed out after %d s" % timeout if rc is None else "exit %s" % rc
        return len(done), len(exs) - len(done), f"{failed.where()}: {why}\n{text[-3000:]}"
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bin", required=True, help="the built incident binary")
    parser.add_argument("--timeout", type=int, default=120, help="seconds per file")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    passed = failed = 0
    for path in args.files:
        print(path)
        p, f, message = run_file(path, os.path.abspath(args.bin), args.timeout)
        passed, failed = passed + p, failed + f
        if f:
            print(f"  FAIL {message}")
    print(f"docs: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
