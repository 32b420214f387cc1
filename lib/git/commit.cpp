// commit_paths (git.hpp): how a change is committed.
#include <filesystem>
#include <fstream>
#include <future>
#include <optional>
#include <sstream>

#include "git/git.hpp"
#include "git/internal.hpp"
#include "git/tree.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

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
