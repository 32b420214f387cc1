#include "sync/sync.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <random>
#include <sstream>
#include <thread>

#include "git/process.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"
#include "store/lock.hpp"
#include "store/store.hpp"
#include "sync/sync_git.hpp"

namespace incident {

ProcessResult SyncGit::operator()(std::vector<std::string> args) const {
    args.insert(args.begin(), pre.begin(), pre.end());
    return git::run(dir, std::move(args), env);
}

std::string SyncGit::must_raw(std::vector<std::string> args) const {
    auto r = (*this)(args);
    if (r.status != 0) {
        std::string what = args.empty() ? "git" : "git " + args[0];
        throw IoError(what + " failed: " + first_line(r.err.empty() ? r.out : r.err));
    }
    return r.out;
}

std::string SyncGit::must(std::vector<std::string> args) const { return first_line(must_raw(std::move(args))); }

SyncGit SyncGit::with_env(const std::vector<std::string>& more) const {
    SyncGit g = *this;
    g.env.insert(g.env.end(), more.begin(), more.end());
    return g;
}

namespace {

// Where the branch is shared: branch.NAME.remote and .merge.
struct Upstream {
    std::string local, remote, branch;  // "main", "origin", "main"
};

Upstream find_upstream(const SyncGit& g) {
    auto head = g({"symbolic-ref", "-q", "--short", "HEAD"});
    if (head.status != 0)
        throw IoError("HEAD is not on a branch: sync shares a branch with its upstream", "git switch BRANCH first");
    Upstream u{first_line(head.out), {}, {}};
    u.remote = git::config_get(g.dir, "branch." + u.local + ".remote");
    u.branch = git::config_get(g.dir, "branch." + u.local + ".merge");
    if (u.branch.rfind("refs/heads/", 0) == 0) u.branch = u.branch.substr(11);
    if (!u.remote.empty() && !u.branch.empty()) return u;
    auto remotes = split(g.must_raw({"remote"}), '\n');
    if (remotes.empty())
        throw IoError(
            "no remote to sync with",
            "add the shared repository and push once: git remote add origin URL && git push -u origin " + u.local);
    std::string remote = remotes.front();
    for (const auto& r : remotes)
        if (r == "origin") remote = r;
    throw IoError("branch '" + u.local + "' has no upstream to sync with",
                  "push it once with: git push -u " + remote + " " + u.local);
}

void refuse_uncommitted(const SyncGit& g) {
    auto paths = split_nul(g.must_raw({"status", "--porcelain", "-z", "--untracked-files=no"}));
    if (paths.empty()) return;
    std::string list;
    for (std::size_t i = 0; i < paths.size() && i < 3; ++i) list += (i ? ", " : "") + paths[i].substr(3);
    if (paths.size() > 3) list += ", ...";
    throw IoError("uncommitted changes (" + list + "): sync needs a clean work tree",
                  "commit them (git commit -a) or put them aside (git stash), then sync again");
}

std::string resolve(const SyncGit& g, const std::string& rev) {
    auto r = g({"rev-parse", "--verify", "-q", rev + "^{commit}"});
    return r.status == 0 ? first_line(r.out) : std::string();
}

bool is_ancestor(const SyncGit& g, const std::string& a, const std::string& b) {
    return g({"merge-base", "--is-ancestor", a, b}).status == 0;
}

std::vector<SyncCommit> commits_between(const SyncGit& g, const std::string& from, const std::string& to) {
    std::vector<std::string> args = {"log", "--reverse", "-z", "--format=%H%x1f%s", to};
    if (!from.empty()) args.push_back("^" + from);
    std::vector<SyncCommit> out;
    for (const auto& entry : split_nul(g.must_raw(args))) {
        auto sep = entry.find('\x1f');
        if (sep != std::string::npos) out.push_back({entry.substr(0, sep), entry.substr(sep + 1)});
    }
    return out;
}

// The start of a sync, kept under .git/incident/ until it ends: a sync killed
// in the middle of its rebase is undone by the next one.
struct StartRecord {
    fs::path path;
    void write(const std::string& commit) const { write_file_atomically(path, commit + "\n"); }
    void remove() const {
        std::error_code ec;
        fs::remove(path, ec);
    }
};

// Back to `start`: the rebase abandoned, the branch, index and work tree as
// they were (the tree was clean).
void restore(const SyncGit& g, const std::string& git_dir, const std::string& start,
             std::vector<std::string>& warnings) {
    if (git::operation_in_progress(git_dir) == "a rebase") g({"rebase", "--abort"});
    if (start.empty() || resolve(g, "HEAD") == start) return;
    if (auto r = g({"reset", "-q", "--keep", start}); r.status != 0)
        warnings.push_back("could not put the branch back at " + start.substr(0, 12) + " (" + first_line(r.err) +
                           "): run git reset --keep " + start);
}

void undo_interrupted(const SyncGit& g, const std::string& git_dir, const StartRecord& record,
                      std::vector<std::string>& warnings) {
    auto start = read_file(record.path);
    if (!start) return;
    // Only a rebase left half done is undone: any other state the killed sync
    // reached holds every local commit (rewritten, or rebased) and is kept.
    if (git::operation_in_progress(git_dir) == "a rebase") {
        restore(g, git_dir, first_line(*start), warnings);
        warnings.push_back("an earlier sync was interrupted in the middle of its rebase: undone");
    }
    record.remove();
}

SyncGit sync_git(const Workspace& ws, const std::string& actor) {
    SyncGit g{ws.repo.root.string(), {}, {}, {}};
    g.prefix = g.must_raw({"rev-parse", "--show-prefix"});
    g.prefix = first_line(g.prefix);
    g.dir = g.must({"rev-parse", "--show-toplevel"});
    if (git::config_get(g.dir, "user.email").empty()) {
        std::string who = actor.empty() ? "incident" : actor;
        g.pre = {"-c", "user.email=" + who, "-c", "user.name=" + who};
    }
    // git runs the merge driver by name: this program first.
    std::error_code ec;
    fs::path self = fs::read_symlink("/proc/self/exe", ec);
    const char* path = std::getenv("PATH");
    if (!ec) g.env.push_back("PATH=" + self.parent_path().string() + ":" + (path ? path : "/usr/bin:/bin"));
    return g;
}

// The local commits put on top of upstream: fast-forward, or renumber then
// rebase. Renumberings are added to `r`.
void integrate(const SyncGit& g, const Workspace& ws, const std::string& theirs, SyncResult& r,
               const std::function<void()>& record_renumbering) {
    const std::string ours = resolve(g, "HEAD");
    if (theirs.empty() || ours == theirs || is_ancestor(g, theirs, ours)) return;
    if (is_ancestor(g, ours, theirs)) {
        g.must({"merge", "--ff-only", "-q", theirs});
        return;
    }
    const std::string base = g.must({"merge-base", ours, theirs});
    if (auto map = find_collisions(g, base, ours, theirs); !map.empty()) {
        std::string rewritten = rewrite_commits(g, ws.repo.state_dir, base, ours, map);
        g.must({"reset", "-q", "--keep", rewritten});
        for (const auto& m : map) {  // renumbered again on a later attempt: one line from first to last
            auto again = std::find_if(r.renumbered.begin(), r.renumbered.end(),
                                      [&](const Renumbering& e) { return e.to == m.from; });
            if (again != r.renumbered.end())
                again->to = m.to;
            else
                r.renumbered.push_back(m);
        }
        record_renumbering();
    }
    auto rebased = g({"rebase", "-q", "--no-autostash", theirs});
    if (rebased.status == 0) return;
    auto files = split_nul(g({"diff", "--name-only", "-z", "--diff-filter=U"}).out);
    std::string why;
    for (const auto& line : split(rebased.err, '\n'))
        if (line.find("not merged") != std::string::npos) why += (why.empty() ? "" : "; ") + line;
    throw IoError("cannot merge upstream's changes" + (files.empty() ? std::string() : " to " + files.front()) +
                      (why.empty() ? ": " + first_line(rebased.err + rebased.out) : ": " + why),
                  "nothing changed here; settle it with git pull --rebase by hand, or fix the file upstream");
}

// True when the push went through; false when someone pushed first.
bool push(const SyncGit& g, const Upstream& u) {
    auto p = g({"push", "--porcelain", u.remote, "HEAD:refs/heads/" + u.branch});
    if (p.status == 0) return true;
    const std::string all = p.out + p.err;
    for (const char* why : {"(fetch first)", "(non-fast-forward)", "(stale info)", "cannot lock ref"})
        if (all.find(why) != std::string::npos) return false;
    throw IoError("cannot push to " + u.remote + ": " + first_line(p.err.empty() ? p.out : p.err),
                  "nothing changed here; your changes go out with the next sync");
}

void backoff(int attempt) {
    static std::mt19937 random{std::random_device{}()};
    std::uniform_int_distribution<int> ms(20, 50 * std::min(attempt, 8) + 50);
    std::this_thread::sleep_for(std::chrono::milliseconds(ms(random)));
}

fs::path renumbered_path(const Workspace& ws) { return ws.repo.state_dir / "renumbered"; }

std::vector<Renumbering> read_renumbered(const Workspace& ws) {
    std::vector<Renumbering> out;
    for (const auto& line : split(read_file(renumbered_path(ws)).value_or(""), '\n'))
        if (auto f = split(line, ' '); f.size() == 3 && is_valid_id(f[0]) && is_valid_id(f[1]))
            out.push_back({f[0], f[1], f[2]});
    return out;
}

void write_renumbered(const Workspace& ws, const std::vector<Renumbering>& all) {
    std::string text;
    for (const auto& m : all) text += m.from + " " + m.to + " " + (m.uid.empty() ? "-" : m.uid) + "\n";
    write_file_atomically(renumbered_path(ws), text);
}

// Fetch, integrate, push, until a push goes through (or there is nothing to
// push); returns upstream's commit at the end (empty when it has none yet).
std::string exchange(const SyncGit& g, const Workspace& ws, const Upstream& up, const std::string& start, int attempts,
                     SyncResult& r, const std::function<void()>& record_renumbering) {
    const std::string tracking = up.local + "@{upstream}";
    for (r.attempts = 1;; ++r.attempts) {
        if (auto f = g({"fetch", "-q", up.remote}); f.status != 0) {
            auto local = commits_between(g, resolve(g, tracking), start);
            throw IoError(
                "cannot fetch from " + up.remote + ": " + first_line(f.err),
                "nothing changed here; " + std::to_string(local.size()) + " local commit(s) go out with the next sync");
        }
        const std::string theirs = resolve(g, tracking);
        integrate(g, ws, theirs, r, record_renumbering);
        const std::string head = resolve(g, "HEAD");
        if (head == theirs) {
            r.attempts = 0;  // nothing to push
            return theirs;
        }
        auto outgoing = commits_between(g, theirs, head);
        if (push(g, up)) {
            r.sent = std::move(outgoing);
            return theirs;
        }
        if (r.attempts >= attempts)
            throw IoError("the remote kept moving: " + std::to_string(r.attempts) + " push(es) rejected",
                          "nothing changed here; run incident sync again");
        backoff(r.attempts);
    }
}

// What came in: upstream's commits `start` lacked, and the incidents they changed.
void note_incoming(const SyncGit& g, const std::string& start, const std::string& theirs, SyncResult& r) {
    if (theirs.empty()) return;
    r.received = commits_between(g, start, theirs);
    auto base = g({"merge-base", start, theirs});
    if (base.status != 0) return;  // unrelated histories: no common version to compare with
    for (const auto& p :
         split_nul(g.must_raw({"diff", "--name-only", "-z", first_line(base.out), theirs, "--", g.incidents()})))
        if (auto id = id_of_path(g, p); !id.empty()) r.changed.push_back(id);
    std::sort(r.changed.begin(), r.changed.end(), id_less);
}

}  // namespace

SyncResult sync_repository(const Workspace& ws, const SyncOptions& opts) {
    if (!ws.repo.in_git)
        throw UsageError("not a git repository: there is nothing to sync with",
                         "incidents are shared through git: git init, git remote add origin URL");
    RepositoryLock lock(ws.repo.lock_path(), opts.lock_timeout);
    SyncResult r;
    complete_interrupted_change(ws, r.warnings);
    const SyncGit g = sync_git(ws, opts.actor);
    const std::string git_dir = ws.repo.state_dir.parent_path().string();
    const StartRecord record{ws.repo.state_dir / "sync-start"};
    // A killed sync's git may still be rebasing: let it end before undoing it.
    if (fs::exists(record.path)) wait_for_orphans(g.dir);
    undo_interrupted(g, git_dir, record, r.warnings);
    git::ensure_merge_driver(g.dir, ws.repo.state_dir.string());
    if (auto what = git::operation_in_progress(git_dir); !what.empty())
        throw IoError("the repository is in the middle of " + what, "finish or abort it, then sync again");
    const Upstream up = find_upstream(g);
    r.remote = up.remote;
    r.branch = up.branch;
    refuse_uncommitted(g);
    const std::string start = resolve(g, "HEAD");
    if (start.empty()) throw IoError("nothing is committed on " + up.local + " yet", "run incident init first");

    const std::vector<Renumbering> known = read_renumbered(ws);
    auto record_renumbering = [&] {
        auto all = known;
        all.insert(all.end(), r.renumbered.begin(), r.renumbered.end());
        write_renumbered(ws, all);
    };
    std::string theirs;
    record.write(start);
    try {
        theirs = exchange(g, ws, up, start, opts.attempts, r, record_renumbering);
    } catch (...) {
        restore(g, git_dir, start, r.warnings);
        if (!r.renumbered.empty()) write_renumbered(ws, known);
        record.remove();
        throw;
    }
    record.remove();
    note_incoming(g, start, theirs, r);
    return r;
}

std::string upstream_remote(const Workspace& ws) { return find_upstream(sync_git(ws, {})).remote; }

std::string describe(const Renumbering& m) {
    return m.from + " is now " + m.to + " (" + m.from + " was taken upstream)";
}

std::optional<Renumbering> renumbered(const Workspace& ws, const std::string& id) {
    std::optional<Renumbering> found;
    std::string at = id;
    const auto all = read_renumbered(ws);
    for (std::size_t hops = 0; hops <= all.size(); ++hops) {
        auto it = std::find_if(all.begin(), all.end(), [&](const Renumbering& m) { return m.from == at; });
        if (it == all.end()) break;
        found = Renumbering{id, it->to, it->uid};
        at = it->to;
    }
    // Only while the incident is still there under its new id.
    if (!found || !ws.store.exists(found->to)) return std::nullopt;
    try {
        if (found->uid != "-" && ws.store.load(found->to).uid != found->uid) return std::nullopt;
    } catch (const Error&) {
    }
    return found;
}

}  // namespace incident
