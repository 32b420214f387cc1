#include "git/git.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>

#include "git/process.hpp"
#include "git/tree.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

// git (2.35.2 and later) refuses a repository another user owns unless
// safe.directory names it; what it printed is passed on, with its command.
ProcessResult unless_refused(ProcessResult r, const std::string& dir) {
    const std::size_t at = r.err.find("dubious ownership");
    if (r.status == 0 || at == std::string::npos) return r;
    const std::size_t line = r.err.rfind('\n', at);
    std::string what = first_line(r.err.substr(line == std::string::npos ? 0 : line + 1));
    if (what.starts_with("fatal: ")) what.erase(0, 7);
    const std::size_t cmd = r.err.find("git config --global --add safe.directory");
    const std::string fix =
        cmd == std::string::npos ? "git config --global --add safe.directory " + dir : first_line(r.err.substr(cmd));
    throw RepositoryNotTrusted("git refuses to work in this repository: " + what + " (another user owns it)",
                               "if you trust it, tell git so: " + fix);
}

ProcessResult git(const std::string& dir, std::vector<std::string> args, const std::string& index_file = {}) {
    args.insert(args.begin(), "git");
    if (index_file.empty()) return unless_refused(run_process(args, dir), dir);
    // A GIT_INDEX_FILE inherited from the environment (a git hook running us)
    // would come first in the child's environment and win: let env(1) replace it.
    if (std::getenv("GIT_INDEX_FILE")) {
        args.insert(args.begin(), {"env", "GIT_INDEX_FILE=" + index_file});
        return unless_refused(run_process(args, dir), dir);
    }
    return unless_refused(run_process(args, dir, true, {"GIT_INDEX_FILE=" + index_file}), dir);
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

[[noreturn]] void commit_failed(const ProcessResult& r) {
    throw IoError("git commit failed: " + first_line(r.err.empty() ? r.out : r.err),
                  "the change is saved in the work tree; commit it by hand");
}

// The message as `git commit -m` records it (its default "whitespace"
// cleanup): trailing whitespace stripped from every line, runs of blank
// lines collapsed to one, leading and trailing blank lines dropped.
std::string clean_message(const std::string& message) {
    std::string out;
    bool blank_pending = false;
    std::istringstream in(message);
    for (std::string line; std::getline(in, line);) {
        line.erase(line.find_last_not_of(" \t\r\n") + 1);  // git's isspace()
        if (line.empty()) {
            blank_pending = !out.empty();
            continue;
        }
        if (blank_pending) out += '\n';
        blank_pending = false;
        out += line + '\n';
    }
    return out;
}

// git's boolean config syntax; nullopt when the value is not a boolean.
std::optional<bool> config_bool(const std::optional<std::string>& value) {
    if (!value) return true;  // "[commit] gpgSign" without "=": true
    std::string v;
    for (char c : *value) v += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (v == "true" || v == "yes" || v == "on") return true;
    if (v == "false" || v == "no" || v == "off" || v.empty()) return false;
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (end != v.c_str() && *end == '\0') return n != 0;
    return std::nullopt;
}

// The settings `git commit` reads and commit-tree does not, in one `git config` run.
struct CommitSettings {
    bool has_email = false;
    bool sign = false;        // commit.gpgSign
    bool maintenance = true;  // maintenance.auto
};

CommitSettings commit_settings(const std::string& dir) {
    auto r = git(dir, {"config", "-z", "--get-regexp", R"(^(user\.email|commit\.gpgsign|maintenance\.auto)$)"});
    if (r.status != 0 && r.status != 1) commit_failed(r);  // 1: none of them is set
    CommitSettings s;
    size_t start = 0;
    for (size_t end; (end = r.out.find('\0', start)) != std::string::npos; start = end + 1) {
        std::string entry = r.out.substr(start, end - start);  // "key\nvalue", or "key" alone
        auto nl = entry.find('\n');
        std::string key = entry.substr(0, nl);
        std::optional<std::string> value;
        if (nl != std::string::npos) value = entry.substr(nl + 1);
        if (key == "user.email") {
            s.has_email = value && !value->empty();
            continue;
        }
        auto b = config_bool(value);
        if (!b) {
            ProcessResult bad;
            bad.err = "fatal: bad boolean config value '" + value.value_or("") + "' for '" + key + "'";
            commit_failed(bad);
        }
        (key == "commit.gpgsign" ? s.sign : s.maintenance) = *b;  // the last value set wins, as in git
    }
    return s;
}

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Writes the file beside and renames it over: a reader never sees half of it.
void write_text(const fs::path& p, const std::string& text) {
    fs::path tmp = p;
    tmp += ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << text;
        if (!out.flush()) return;  // only a cache: the next commit rebuilds it
    }
    std::error_code ec;
    fs::rename(tmp, p, ec);
}

}  // namespace

ProcessResult run(const std::string& dir, std::vector<std::string> args, const std::vector<std::string>& env) {
    args.insert(args.begin(), "git");
    // env(1) replaces a variable the process inherited (GIT_INDEX_FILE from a hook).
    if (!env.empty()) {
        args.insert(args.begin(), env.begin(), env.end());
        args.insert(args.begin(), "env");
    }
    return unless_refused(run_process(args, dir), dir);
}

void init(const std::string& dir) {
    auto r = git(dir, {"init", "-q"});
    if (r.status != 0) throw IoError("git init failed: " + first_line(r.err));
}

std::string operation_in_progress(const std::string& git_dir) {
    std::error_code ec;
    const fs::path d(git_dir);
    if (fs::exists(d / "rebase-merge", ec) || fs::exists(d / "rebase-apply", ec)) return "a rebase";
    if (fs::exists(d / "MERGE_HEAD", ec)) return "a merge";
    if (fs::exists(d / "CHERRY_PICK_HEAD", ec)) return "a cherry-pick";
    if (fs::exists(d / "REVERT_HEAD", ec)) return "a revert";
    return {};
}

void require_trusted(const std::string& dir, const std::string& git_dir) {
    auto ours = [](const fs::path& p) {
        struct stat st;
        return ::lstat(p.c_str(), &st) == 0 && st.st_uid == ::geteuid();
    };
    // git's own switch for its tests, honoured as git honours it: the refusal can be tested without a second user.
    const char* other = std::getenv("GIT_TEST_ASSUME_DIFFERENT_OWNER");
    const fs::path top = fs::path(git_dir).filename() == ".git" ? fs::path(git_dir).parent_path() : fs::path(dir);
    if (!(other && config_bool(std::string(other)).value_or(false)) && ours(top) && ours(git_dir)) return;
    git(dir, {"rev-parse", "--git-dir"});  // throws RepositoryNotTrusted when git refuses
}

std::string config_get(const std::string& dir, const std::string& key) {
    auto r = git(dir, {"config", "--get", key});
    return r.status == 0 ? first_line(r.out) : std::string{};
}

void ensure_merge_driver(const std::string& dir, const std::string& state_dir) {
    std::filesystem::path marker = std::filesystem::path(state_dir) / "merge-driver";
    const std::string line = std::string(kMergeDriver) + "\n";
    std::ifstream in(marker);
    if (std::string seen((std::istreambuf_iterator<char>(in)), {}); seen == line) return;
    try {
        if (config_get(dir, "merge.incident.driver") != kMergeDriver) {
            git(dir, {"config", "merge.incident.name", "incident files, merged field by field"});
            if (git(dir, {"config", "merge.incident.driver", kMergeDriver}).status != 0) return;
        }
    } catch (const RepositoryNotTrusted&) {  // best effort: the command itself says so if it runs git
        return;
    }
    std::error_code ec;
    std::filesystem::create_directories(marker.parent_path(), ec);
    std::ofstream(marker) << line;
}

std::vector<FileCommit> file_log(const std::string& dir, const std::string& path) {
    if (git(dir, {"rev-parse", "--verify", "-q", "HEAD"}).status != 0) return {};
    auto r = git(dir, {"log", "--reverse", "-z", "--format=%H%x1f%aN%x1f%aE%x1f%at%x1f%s", "--", path});
    if (r.status != 0) throw IoError("git log failed: " + first_line(r.err));
    std::vector<FileCommit> out;
    std::size_t start = 0;
    while (start < r.out.size()) {
        std::size_t end = r.out.find('\0', start);
        if (end == std::string::npos) end = r.out.size();
        std::vector<std::string> part;
        for (std::size_t p = start, q; p <= end; p = q + 1) {
            q = std::min(r.out.find('\x1f', p), end);
            part.push_back(r.out.substr(p, q - p));
        }
        if (part.size() == 5 && all_digits(part[3]))
            out.push_back({part[0], part[1], part[2], part[4], std::stoll(part[3])});
        start = end + 1;
    }
    return out;
}

std::string file_at(const std::string& dir, const std::string& commit, const std::string& path) {
    auto r = git(dir, {"show", commit + ":" + path});
    return r.status == 0 ? r.out : std::string();
}

bool has_changes(const std::string& dir, const std::vector<std::string>& paths) {
    std::vector<std::string> args = {"status", "--porcelain", "-z", "--untracked-files=all", "--"};
    args.insert(args.end(), paths.begin(), paths.end());
    auto r = git(dir, args);
    if (r.status != 0) throw IoError("git status failed: " + first_line(r.err));
    return !r.out.empty();
}

// How the commit is made, and why (see git.hpp for the contract).
//
// `git commit -- PATHS` builds a temporary index from HEAD and matches the
// pathspec against all of it: seconds at 100 000 files. Instead the new
// tree is built from HEAD's trees alone (git/tree.hpp): the trees on the
// paths' way are read with ls-tree, the files and the new trees written
// with hash-object, so a change of one file in a repository of 100 000
// rewrites three small trees and reads no index. Then:
//   git commit-tree TREE -p HEAD [-S] -m MESSAGE
//   git update-ref -m "commit: SUBJECT" HEAD NEW OLD
// and, meanwhile (another process, another core), in the user's index:
//   git update-index --add --remove -- PATHS
// which must have succeeded before the commit is made: the user's index
// never holds the old version of a path HEAD has the new one of, and a
// refused update (index.lock held) leaves nothing committed. An index of
// many megabytes is split first, once, so that this update writes a small
// file and not the whole index. update-ref with the old value fails loudly
// if anything moved HEAD since it was read (a concurrent `git commit`):
// nothing is overwritten. Like `git commit` this signs when commit.gpgSign
// is set, records the reflog entry "commit: SUBJECT" (or "commit
// (initial): SUBJECT"), cleans the message's whitespace and runs `git
// maintenance run --auto` afterwards; no commit hook runs. Callers
// serialise (the workspace lock).
//
// Where HEAD holds something else than files and directories on a path's
// way (a symbolic link, a submodule), or a path is not a plain file, the
// tree is built as before in an index of the tool's own,
// .git/incident/commit-index, kept between commits: `commit-index.head`
// records the commit (and its tree) the index holds, and while HEAD is
// still that commit the index is reused as it is, else it is seeded again
// with `git read-tree HEAD`. The record is removed before the index is
// touched and written again only after HEAD has moved to the new commit, so
// an interrupted run can never leave an index that claims to be HEAD and is
// not. A leftover commit-index.lock can only be a killed run's, and is removed.

namespace {

struct Head {
    std::string git_dir, prefix, format, commit, tree;  // commit and tree empty before the first commit
};

// The git directory, where `dir` is in the work tree ("ops/", or "" at its
// top), HEAD and its tree; HEAD does not resolve before the first commit.
Head read_head(const std::string& dir) {
    Head h;
    if (auto r = git(dir, {"rev-parse", "--absolute-git-dir", "--show-prefix", "HEAD", "HEAD^{tree}"}); r.status == 0) {
        auto l = lines(r.out);
        if (l.size() != 4) commit_failed(r);
        h.git_dir = l[0], h.prefix = l[1], h.commit = l[2], h.tree = l[3];
    } else {
        auto unborn = git(dir, {"rev-parse", "--absolute-git-dir", "--show-prefix", "--verify", "-q", "HEAD"});
        auto l = lines(unborn.out);
        if (unborn.status != 1 || l.size() != 2) commit_failed(r.err.empty() ? unborn : r);
        h.git_dir = l[0], h.prefix = l[1];
    }
    return h;
}

// The tool's own index, for the trees tree_with_paths leaves to an index.
struct OwnIndex {
    fs::path index, record;
    std::string expected;  // what the record says while the index holds HEAD

    OwnIndex(const Head& head)
        : index(fs::path(head.git_dir) / "incident" / "commit-index"),
          record(index.string() + ".head"),
          expected(head.commit + " " + head.tree + "\n") {}

    // HEAD's tree plus `update`'s paths.
    std::string tree(const std::string& dir, const Head& head, const std::vector<std::string>& update) const {
        std::error_code ec;
        fs::create_directories(index.parent_path(), ec);
        const bool reuse = !head.commit.empty() && read_text(record) == expected && fs::exists(index, ec);
        fs::remove(record, ec);
        if (ec) throw IoError("git commit failed: cannot remove " + record.string() + ": " + ec.message());
        fs::remove(fs::path(index.string() + ".lock"), ec);
        // A private index: no shared index beside the user's, no file-system monitor.
        const std::vector<std::string> own = {"-c", "core.splitIndex=false", "-c", "core.fsmonitor=false"};
        auto own_git = [&](std::vector<std::string> args) {
            args.insert(args.begin(), own.begin(), own.end());
            return git(dir, std::move(args), index.string());
        };
        if (!reuse) {
            fs::remove(index, ec);
            if (!head.commit.empty())
                if (auto r = own_git({"read-tree", head.commit}); r.status != 0) commit_failed(r);
        }
        if (auto r = own_git(update); r.status != 0) commit_failed(r);
        auto tree = own_git({"write-tree", "--missing-ok"});
        if (tree.status != 0) commit_failed(tree);
        return first_line(tree.out);
    }
    // Not used (the trees were built without it): gone, so it never claims a HEAD.
    void drop() const {
        std::error_code ec;
        fs::remove(record, ec);
        fs::remove(index, ec);
    }
};

// commit-tree and update-ref: the new commit, on HEAD.
std::string make_commit(const std::string& dir, const Head& head, const std::string& tree, const std::string& text,
                        const std::string& actor, const CommitSettings& settings) {
    std::vector<std::string> commit;
    if (!settings.has_email) {
        std::string who = actor.empty() ? "incident" : actor;
        commit = {"-c", "user.email=" + who, "-c", "user.name=" + who};
    }
    for (const char* a : {"commit-tree", tree.c_str()}) commit.emplace_back(a);
    if (!head.commit.empty()) commit.insert(commit.end(), {"-p", head.commit});
    if (settings.sign) commit.emplace_back("-S");
    commit.insert(commit.end(), {"-m", text});
    auto made = git(dir, commit);
    if (made.status != 0) commit_failed(made);
    const std::string new_commit = first_line(made.out);
    const std::string subject = text.substr(0, text.find('\n'));
    auto moved = git(dir, {"update-ref", "-m", (head.commit.empty() ? "commit (initial): " : "commit: ") + subject,
                           "HEAD", new_commit, head.commit});
    if (moved.status != 0) commit_failed(moved);
    return new_commit;
}

}  // namespace

void commit_paths(const std::string& dir, const std::vector<std::string>& paths, const std::string& message,
                  const std::string& actor) {
    if (paths.empty()) return;
    const std::string text = clean_message(message);
    if (text.empty()) {
        ProcessResult empty;
        empty.err = "Aborting commit due to empty commit message.";
        commit_failed(empty);
    }
    const Head head = read_head(dir);
    std::vector<std::string> update = {"update-index", "--add", "--remove", "--"};
    update.insert(update.end(), paths.begin(), paths.end());
    auto staged = std::async(std::launch::async, [&] {
        split_large_index(dir, head.git_dir);
        return git(dir, update);
    });
    auto stage_in_users_index = [&] {
        if (auto r = staged.get(); r.status != 0) throw IoError("git add failed: " + first_line(r.err));
    };
    const CommitSettings settings = commit_settings(dir);
    const OwnIndex own(head);
    std::optional<std::string> tree =
        tree_with_paths(dir, head.prefix, head.tree, paths, (fs::path(head.git_dir) / "incident" / "trees").string(),
                        head.format == "sha1");
    const bool through_index = !tree;
    if (through_index)
        tree = own.tree(dir, head, update);
    else
        own.drop();
    stage_in_users_index();
    if (*tree == head.tree) {  // the paths already matched HEAD: nothing to commit
        if (through_index) write_text(own.record, own.expected);
        return;
    }
    const std::string made = make_commit(dir, head, *tree, text, actor, settings);
    if (through_index) write_text(own.record, made + " " + *tree + "\n");
    if (settings.maintenance) git(dir, {"maintenance", "run", "--auto", "--quiet"});  // as `git commit` does
}

}  // namespace incident::git
