// incident-sync-bench: `incident sync` against git pull --rebase + push over a
// git daemon it runs on 127.0.0.1, one markdown table, each figure beside its
// baseline measured in the same run: one change into a SIZE-incident repository
// (from incident-bench, found beside this program); CLONES clones converging
// after CHANGES offline notes each (in turn, with colliding new incidents, all
// at once). Every result is checked; a failure ends the run with exit 1.
//
//   incident-sync-bench [--bin PATH] [--dir DIR] [--size 10000] [--clones 50] [--changes 20] [--keep]
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "process.hpp"

using namespace bench;

namespace {

constexpr int kRounds = 5;      // figure 1: timed rounds for each side
constexpr int kMaxPasses = 10;  // figure 2: a fleet that has not converged by then fails
constexpr int kAttempts = 10;   // pushes per sync, as `incident sync`'s default; the git loop gets as many
const std::string kWho = "sync-bench@example.com";

void progress(const std::string& line) { std::cerr << "incident-sync-bench: " << line << std::endl; }

// ---- Processes. Every child gets the environment set up in main (PATH with
// --bin's directory first, a fixed git identity, no user or system config);
// its stdout and stderr go to scratch files, read back when it ends.

// ---- The daemon: git's own server on a free loopback port, in its own
// process group so that stopping it also stops the connections it forked.

pid_t g_daemon = 0;

void stop_daemon() {
    if (g_daemon <= 0) return;
    kill(-g_daemon, SIGTERM);
    waitpid(g_daemon, nullptr, 0);
    g_daemon = 0;
}

void stop_daemon_and_exit(int sig) {
    stop_daemon();  // kill and waitpid are async-signal-safe
    _exit(128 + sig);
}

int free_port() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
        fail("cannot find a free port on 127.0.0.1");
    close(fd);
    return ntohs(addr.sin_port);
}

// The daemon serving `base`, once it answers; its URL prefix. With
// --max-connections=0: past its limit (32 by default) it kills a live
// connection from an address it already serves (all are 127.0.0.1).
std::string start_daemon(const fs::path& base) {
    const std::string port = std::to_string(free_port()), url = "git://127.0.0.1:" + port + "/";
    Run d =
        spawn({"git", "daemon", "--reuseaddr", "--base-path=" + base.string(), "--export-all", "--enable=receive-pack",
               "--listen=127.0.0.1", "--port=" + port, "--max-connections=0", base.string()},
              base, true);
    g_daemon = d.pid;
    must({"git", "init", "-q", "--bare", "probe.git"}, base);
    for (int i = 0; i < 200; ++i) {
        if (run({"git", "ls-remote", url + "probe.git"}, base).ok()) return url;
        if (waitpid(d.pid, nullptr, WNOHANG) == d.pid) {
            g_daemon = 0;
            fail("git daemon exited: " + first_line(read_text(d.err_file)));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    fail("git daemon did not answer on " + url + " within 10 s");
}

// ---- Repositories.

struct Settings {
    std::string bin = "build/incident";
    fs::path dir = fs::temp_directory_path() / "incident-sync-bench";
    int size = 10000, clones = 50, changes = 20;
    bool keep = false;
};

struct Setup {
    Settings s;
    std::string daemon;    // git://127.0.0.1:PORT/
    std::string versions;  // incident's and git's
};

std::string head(const fs::path& repo, const char* ref = "HEAD") { return line_of({"git", "rev-parse", ref}, repo); }

// A bare repository served as NAME, holding `seed`'s HEAD as main.
fs::path make_remote(const Setup& st, const std::string& name, const fs::path& seed) {
    fs::path bare = st.s.dir / "srv" / (name + ".git");
    must({"git", "init", "-q", "--bare", bare.string()}, st.s.dir);
    // No automatic gc on either side: it would land in one timed run or another.
    must({"git", "config", "gc.auto", "0"}, bare);
    must({"git", "config", "receive.autogc", "false"}, bare);
    must({"git", "symbolic-ref", "HEAD", "refs/heads/main"}, bare);
    must({"git", "push", "-q", st.daemon + name + ".git", "HEAD:refs/heads/main"}, seed);
    return bare;
}

fs::path clone(const Setup& st, const std::string& name, const fs::path& dir) {
    must({"git", "clone", "-q", "-c", "gc.auto=0", st.daemon + name + ".git", dir.string()}, st.s.dir);
    return dir;
}

void note(const Setup& st, const fs::path& repo, const std::string& id, const std::string& text) {
    must({st.s.bin, "note", id, text, "--by", kWho}, repo);
}

Run sync(const Setup& st, const fs::path& repo) { return must({st.s.bin, "sync", "--json"}, repo); }

int json_int(const std::string& json, const std::string& key) {
    auto at = json.find("\"" + key + "\"");
    if (at == std::string::npos || (at = json.find(':', at)) == std::string::npos)
        fail("no \"" + key + "\" in `incident sync --json`'s output: " + first_line(json));
    return std::atoi(json.c_str() + at + 1);
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// ---- Figure 1: one change into a large repository.

// The medians: `incident sync`, and git's pull and push.
std::pair<double, double> one_change(const Setup& st) {
    const std::string size = std::to_string(st.s.size);
    const fs::path bench = fs::read_symlink("/proc/self/exe").parent_path() / "incident-bench";
    if (!fs::exists(bench)) fail(bench.string() + " not found: build incident-bench, which generates the repository");
    progress("generating " + size + " incidents with incident-bench");
    must({bench.string(), "--bin", st.s.bin, "--generate-only", "--dir", (st.s.dir / "gen").string(), size}, st.s.dir);
    const fs::path bare = make_remote(st, "big", st.s.dir / "gen" / size);
    progress("cloning the " + std::to_string(st.s.size) + "-incident repository twice");
    const fs::path a = clone(st, "big", st.s.dir / "big-a"), b = clone(st, "big", st.s.dir / "big-b");
    int round = 0;
    // B's change goes out; A makes its own, then A's sync (or pull and push) is timed.
    auto one = [&](bool use_sync) {
        ++round;
        note(st, b, "INC-" + std::to_string(round), "sync bench: B's change " + std::to_string(round));
        sync(st, b);
        const std::string theirs = head(bare, "main");
        note(st, a, "INC-" + std::to_string(st.s.size / 2 + round), "sync bench: A's change");
        double t = use_sync ? sync(st, a).wall
                            : must({"git", "pull", "--rebase", "-q"}, a).wall + must({"git", "push", "-q"}, a).wall;
        if (head(a) != head(bare, "main") || head(a) == theirs ||
            !run({"git", "merge-base", "--is-ancestor", theirs, "HEAD"}, a).ok())
            fail("round " + std::to_string(round) + ": A's change did not go out on top of B's");
        if (!line_of({"git", "status", "--porcelain"}, a).empty()) fail("A's work tree is not clean");
        progress("  round " + std::to_string(round) + (use_sync ? ", incident sync: " : ", git pull + push: ") +
                 std::to_string(t) + " s");
        return t;
    };
    one(true);  // warm-up, untimed: the first fetch, the tool's first run in A
    std::vector<double> s, g;
    for (int r = 0; r < kRounds; ++r) {
        bool sync_first = r % 2 == 0;
        (sync_first ? s : g).push_back(one(sync_first));
        (sync_first ? g : s).push_back(one(!sync_first));
    }
    return {median(s), median(g)};
}

// ---- Figure 2: many clones converge.

struct Convergence {
    double seconds = 0;  // in turn: the runs' times added; at once: the passes' wall times added
    int passes = 0, runs = 0, attempts = 0, renumbered = 0, gave_up = 0, dropped = 0;
};

// A fleet of clones and how it converged, with `incident sync` or with git.
struct Fleet {
    fs::path bare;
    std::vector<fs::path> clones;  // clone i (from 1) notes INC-i
    bool use_sync = true;
    Convergence c;
};

// The small repository every fleet starts from: init, then CLONES incidents.
fs::path small_seed(const Setup& st) {
    fs::path seed = st.s.dir / "small-seed";
    fs::create_directories(seed);
    must({"git", "init", "-q", "-b", "main"}, seed);
    must({st.s.bin, "init"}, seed);
    for (int i = 1; i <= st.s.clones; ++i) {
        std::string id = line_of(
            {st.s.bin, "open", "Incident of clone " + std::to_string(i), "--service", "checkout", "--by", kWho}, seed);
        if (id != "INC-" + std::to_string(i)) fail("`incident open` in the seed printed '" + id + "'");
    }
    return seed;
}

// A fresh remote from the seed, its clones, and their changes made offline.
Fleet make_fleet(const Setup& st, const std::string& name, const fs::path& seed, bool open_one, bool use_sync) {
    progress(name + ": " + std::to_string(st.s.clones) + " clones, " + std::to_string(st.s.changes) + " changes each" +
             (open_one ? ", one of them a new incident" : ""));
    Fleet f{make_remote(st, name, seed), {}, use_sync, {}};
    for (int i = 1; i <= st.s.clones; ++i) {
        const std::string n = std::to_string(i);
        fs::path c = clone(st, name, st.s.dir / name / ("c" + n));
        for (int k = 1; k <= st.s.changes; ++k) {
            note(st, c, "INC-" + n, "sync bench note sbnote-c" + n + "-k" + std::to_string(k));
            if (open_one && k == (st.s.changes + 1) / 2)
                must({st.s.bin, "open", "Opened offline sbopen-c" + n, "--service", "checkout", "--by", kWho}, c);
        }
        f.clones.push_back(c);
    }
    return f;
}

bool converged(const Fleet& f) {
    const std::string remote = head(f.bare, "main");
    return std::all_of(f.clones.begin(), f.clones.end(), [&](const fs::path& c) { return head(c) == remote; });
}

// What each clone runs: `incident sync`, or git's pull and push, tried up to
// `tries` times; either prints "attempts": N.
Argv step(const Setup& st, bool use_sync, int tries) {
    if (use_sync) return {st.s.bin, "sync", "--json"};
    const std::string n = std::to_string(tries);
    return {"sh", "-c",
            "n=1; until git pull --rebase -q && git push -q; do n=$((n+1)); [ $n -gt " + n +
                " ] && { echo '\"attempts\": " + n + "'; exit 75; }; done; echo '\"attempts\":' $n"};
}

// One pass: every clone once, in turn (the runs' times added) or all at once
// (wall time). At once, a sync that gives up because the remote kept moving,
// or whose connection the daemon dropped, is counted and runs again next
// pass (the git loop tries again itself).
void pass(const Setup& st, Fleet& f, bool at_once) {
    Convergence& c = f.c;
    if (++c.passes > kMaxPasses) fail("not converged after " + std::to_string(kMaxPasses) + " passes");
    const Argv argv = step(st, f.use_sync, at_once ? kAttempts : 1);
    const auto start = Clock::now();
    std::vector<Run> children, runs;
    for (const auto& dir : f.clones) {
        children.push_back(spawn(argv, dir));
        if (!at_once) runs.push_back(wait(children.back()));
    }
    for (std::size_t i = runs.size(); i < children.size(); ++i) runs.push_back(wait(children[i]));
    c.seconds += at_once ? since(start) : 0;
    for (const Run& r : runs) {
        auto said = [&](const char* what) { return r.status == 1 && r.err.find(what) != std::string::npos; };
        bool gave_up = at_once && (f.use_sync ? said("kept moving") : r.status == 75);
        bool dropped = at_once && f.use_sync && (said("Connection reset") || said("hung up"));
        if (!r.ok() && !gave_up && !dropped) fail(r.why());
        if (dropped) progress("  dropped: " + first_line(r.err));
        ++c.runs;
        c.gave_up += gave_up;
        c.dropped += dropped;
        c.seconds += at_once ? 0 : r.wall;
        c.attempts += dropped ? 0 : gave_up && f.use_sync ? kAttempts : json_int(r.out, "attempts");
        for (auto at = r.out.find("\"from\""); at != std::string::npos; at = r.out.find("\"from\"", at + 1))
            ++c.renumbered;
    }
    progress("  " + std::string(f.use_sync ? "sync" : "git") + " pass " + std::to_string(c.passes) + ": " +
             std::to_string(c.seconds) + " s so far, " + std::to_string(c.gave_up) + " gave up");
}

// Pass after pass until every clone's HEAD is the remote's, the fleets taking
// turns (each round's first fleet goes last in the next), so that on a shared
// machine they see the same load.
void converge(const Setup& st, std::vector<Fleet>& fleets, bool at_once) {
    for (std::size_t round = 0, left = fleets.size(); left > 0; ++round) {
        left = 0;
        for (std::size_t k = 0; k < fleets.size(); ++k) {
            Fleet& f = fleets[round % 2 ? fleets.size() - 1 - k : k];
            if (converged(f)) continue;
            pass(st, f, at_once);
            ++left;
        }
    }
}

// What the clones hold once converged: every HEAD the remote's, a valid
// repository, each note once, each incident once with its own id and uid.
void verify(const Setup& st, const Fleet& f, bool opened) {
    if (!converged(f)) fail("the clones' HEADs differ from the remote's");
    const fs::path& c = f.clones.front();
    if (Run v = run({st.s.bin, "validate"}, c); !v.ok()) fail("after converging: " + v.why());
    std::set<std::string> ids, uids, notes, opens;
    std::size_t files = 0, note_lines = 0;
    for (const auto& e : fs::directory_iterator(c / "incidents")) {
        std::istringstream in(read_text(e.path()));
        files += e.path().extension() == ".yaml";
        for (std::string line; std::getline(in, line);) {
            if (line.rfind("id: ", 0) == 0) ids.insert(line);
            if (line.rfind("uid: ", 0) == 0) uids.insert(line);
            if (line.rfind("title: ", 0) == 0 && line.find("sbopen-") != std::string::npos) opens.insert(line);
            if (auto at = line.find("sbnote-"); at != std::string::npos && ++note_lines)
                notes.insert(line.substr(at, line.find_first_of(" \"',}", at) - at));
        }
    }
    const std::size_t expected = st.s.clones * (opened ? 2 : 1), changes = st.s.clones * st.s.changes;
    const std::string got = std::to_string(files) + " files, " + std::to_string(ids.size()) + " ids, " +
                            std::to_string(uids.size()) + " uids, " + std::to_string(note_lines) + " notes (" +
                            std::to_string(notes.size()) + " distinct), " + std::to_string(opens.size()) + " opened";
    progress("  verified: " + got);
    if (files != expected || ids.size() != files || uids.size() != files || note_lines != changes ||
        notes.size() != changes || opens.size() != (opened ? st.s.clones : 0u))
        fail("after converging, expected " + std::to_string(expected) + " incidents with their own ids and uids, " +
             std::to_string(changes) + " notes each once; found " + got);
}

// ---- The table.

std::string secs(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s < 1 ? "%.0f ms" : s < 10 ? "%.2f s" : "%.1f s", s < 1 ? s * 1000 : s);
    return buf;
}

std::string describe(const Convergence& c, bool at_once, const std::string& per) {
    std::string s = secs(c.seconds) + (at_once ? " wall: " : ": ") + std::to_string(c.passes) + " passes, ";
    s += at_once ? std::to_string(c.gave_up) + " gave up" : secs(c.seconds / c.runs) + " per " + per;
    s += ", " + std::to_string(c.attempts) + (per == "sync" ? " pushes" : " tries");
    if (at_once && c.dropped) s += ", " + std::to_string(c.dropped) + " dropped";
    return c.renumbered ? s + ", " + std::to_string(c.renumbered) + " renumbered" : s;
}

// A row of the table, with the ratio of `a` to `b` when there is a baseline.
void row(const std::string& what, const std::string& sync, const std::string& base, double a, double b) {
    char r[32];
    std::snprintf(r, sizeof r, "%.2f×", b > 0 ? a / b : 0);
    std::cout << "| " << what << " | " << sync << " | " << base << " | " << (b > 0 ? r : "—") << " |\n";
}

// Rows of figure 2: a fleet for each of `use_sync`, made, converged side by
// side and checked.
std::vector<Convergence> rows(const Setup& st, const fs::path& seed, const std::string& name, bool open_one,
                              bool at_once, const std::vector<bool>& use_sync) {
    std::vector<Fleet> fleets;
    for (bool s : use_sync) fleets.push_back(make_fleet(st, name + (s ? "-sync" : "-git"), seed, open_one, s));
    converge(st, fleets, at_once);
    std::vector<Convergence> out;
    for (const Fleet& f : fleets) {
        verify(st, f, open_one);
        out.push_back(f.c);
    }
    return out;
}

void measure(const Setup& st) {
    const Settings& s = st.s;
    const auto [one_sync, one_git] = one_change(st);
    const fs::path seed = small_seed(st);
    const auto turn = rows(st, seed, "turn", false, false, {true, false});
    const Convergence turn_open = rows(st, seed, "open", true, false, {true})[0];
    const auto once = rows(st, seed, "once", false, true, {true, false});
    const Convergence &turn_sync = turn[0], &turn_git = turn[1], &once_sync = once[0], &once_git = once[1];

    const std::string clones =
        std::to_string(s.clones) + " clones converge after " + std::to_string(s.changes) + " changes each";
    std::cout << "incident-sync-bench: " << st.versions << ", " << std::thread::hardware_concurrency()
              << " cores; size " << std::to_string(s.size) << ", " << s.clones << " clones, " << s.changes
              << " changes each; git over a git daemon on 127.0.0.1\n";
    std::cout << "\n| figure | `incident sync` | baseline | sync / baseline |\n|---|---|---|---|\n";
    row("sync of one change into a " + std::to_string(s.size) + "-incident repository (median of " +
            std::to_string(kRounds) + ")",
        secs(one_sync), "`git pull --rebase -q && git push -q`: " + secs(one_git), one_sync, one_git);
    row(clones + " (in turn)", describe(turn_sync, false, "sync"),
        "`git pull --rebase -q && git push -q`: " + describe(turn_git, false, "pull + push"), turn_sync.seconds,
        turn_git.seconds);
    row(clones + ", one of them opening an incident (ids collide)", describe(turn_open, false, "sync"),
        "no baseline: plain git leaves add/add conflicts", 0, 0);
    row(clones + " (all at once)", describe(once_sync, true, "sync"),
        "`until git pull --rebase -q && git push -q` (" + std::to_string(kAttempts) +
            " tries): " + describe(once_git, true, "pull + push"),
        once_sync.seconds, once_git.seconds);
    std::cout << "\n- One change: B notes an incident and syncs, A notes another, then A's sync (or pull and push) "
                 "is timed; the two alternate, after one untimed round.\n"
                 "- In turn: the clones sync one after another, pass after pass, until every HEAD is the "
                 "remote's; the time is the runs' times added. The sync and git fleets of a row take turns, pass "
                 "by pass, to see the same load. All at once: every clone starts at the same moment, "
                 "pass after pass; the time is wall time; a run that gives up (the remote kept moving, "
                 "`--attempts` 10) runs again in the next pass, as does a sync whose connection was dropped (git "
                 "daemon listens with a backlog of 5; the git loop retries a dropped pull itself).\n"
                 "- Checked after each: every clone's HEAD is the remote's, `incident validate` passes, every note "
                 "is there once, every incident has its own id and uid.\n";
}

const char* kUsage =
    "usage: incident-sync-bench [--bin PATH] [--dir DIR] [--size N] [--clones N] [--changes N] [--keep]\n"
    "  --bin PATH   the incident binary (default build/incident); its directory goes first in PATH\n"
    "  --dir DIR    work directory, emptied first (default /tmp/incident-sync-bench; kept after a failure)\n"
    "  --size N     incidents in the large repository (default 10000); --clones N (50); --changes N (20)\n"
    "  --keep       keep the work directory\n";

// The settings, or the exit code when there is nothing to run.
std::optional<int> parse(int argc, char** argv, Settings& s) {
    if (auto done = parse_options(argc, argv, "incident-sync-bench", kUsage, s.bin, s.dir, s.keep,
                                  {{"--size", &s.size}, {"--clones", &s.clones}, {"--changes", &s.changes}}))
        return done;
    if (s.size < 100 || s.clones < 2 || s.changes < 1) {
        std::cerr << "incident-sync-bench: needs --size >= 100, --clones >= 2, --changes >= 1\n" << kUsage;
        return 2;
    }
    s.bin = fs::absolute(s.bin).string();
    s.dir = fs::absolute(s.dir);
    return std::nullopt;
}

// Nothing from the user's environment: git identity and config, incident's config.
void isolate(const Settings& s) {
    const char* path = std::getenv("PATH");
    setenv("PATH", (fs::path(s.bin).parent_path().string() + ":" + (path ? path : "/usr/bin:/bin")).c_str(), 1);
    for (const char* who : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"}) setenv(who, "sync-bench", 1);
    for (const char* who : {"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL"}) setenv(who, kWho.c_str(), 1);
    for (auto [k, v] : {std::pair{"GIT_CONFIG_GLOBAL", "/dev/null"},
                        {"GIT_CONFIG_NOSYSTEM", "1"},
                        {"GIT_TERMINAL_PROMPT", "0"},
                        {"LC_ALL", "C"}})
        setenv(k, v, 1);
    setenv("XDG_CONFIG_HOME", (s.dir / "xdg").c_str(), 1);
    for (const char* v : {"INCIDENT_USER", "INCIDENT_ID_PREFIX", "INCIDENT_AUTO_COMMIT", "INCIDENT_AUTO_SYNC",
                          "INCIDENT_LOCK_TIMEOUT", "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"})
        unsetenv(v);
    if (fs::path(s.bin).filename() != "incident")
        progress("warning: git's merge driver runs `incident` from PATH, and --bin is not named incident");
}

}  // namespace

int main(int argc, char** argv) {
    Settings s;
    if (auto code = parse(argc, argv, s)) return *code;
    // Emptied only when it is an earlier run's (or empty): --dir may be mistyped.
    const fs::path marker = s.dir / ".incident-sync-bench";
    if (fs::exists(s.dir) && !fs::is_empty(s.dir) && !fs::exists(marker)) {
        std::cerr << "incident-sync-bench: " << s.dir.string() << " is not empty and not an earlier run's\n";
        return 2;
    }
    fs::remove_all(s.dir);
    g_scratch = s.dir / "scratch";
    fs::create_directories(g_scratch);
    fs::create_directories(s.dir / "srv");
    std::ofstream(marker) << "work directory of incident-sync-bench\n";
    isolate(s);
    signal(SIGINT, stop_daemon_and_exit);
    signal(SIGTERM, stop_daemon_and_exit);

    const auto start = Clock::now();
    try {
        std::string versions = first_line(must({s.bin, "--version"}, s.dir).out) + ", " +
                               first_line(must({"git", "--version"}, s.dir).out);
        const std::string daemon = start_daemon(s.dir / "srv");
        progress("git daemon serving " + daemon);
        measure(Setup{s, daemon, versions});
    } catch (const std::exception& e) {
        stop_daemon();
        std::cerr << "incident-sync-bench: failed: " << e.what() << "\n"
                  << "incident-sync-bench: the work directory is kept: " << s.dir.string() << "\n";
        return 1;
    }
    stop_daemon();
    progress("done in " + secs(since(start)) + (s.keep ? "" : "; removing " + s.dir.string()));
    if (!s.keep) fs::remove_all(s.dir);
    return 0;
}
