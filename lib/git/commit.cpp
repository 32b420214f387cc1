// commit_paths (git.hpp): how a change is committed.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>

#include "git/git.hpp"
#include "git/index.hpp"
#include "git/inprocess.hpp"
#include "git/internal.hpp"
#include "git/ref.hpp"
#include "git/settings.hpp"
#include "git/tree.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

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

// Whether the user's index may be one update_index writes: the environment
// names no other, and it is neither large (split_large_index splits it) nor split.
bool small_plain_index(const std::string& git_dir) {
    if (std::getenv("GIT_INDEX_FILE")) return false;
    std::error_code ec;
    const auto size = fs::file_size(fs::path(git_dir) / "index", ec);
    if (ec || size >= kLargeIndex) return false;
    for (fs::directory_iterator it(git_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().rfind("sharedindex.", 0) == 0) return false;
    return !ec;
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
// tree is built from HEAD's trees alone: only the trees on the paths' way
// are read and written, so a change of one file in a repository of 100 000
// rewrites three small trees and reads no index. Where libgit2 does it as
// git would (git/inprocess.hpp), all of it is done in this process: the
// blobs, the trees, the commit (author and committer resolved as git does,
// from the `git config` run below and the environment). Otherwise through
// git's plumbing (git/tree.hpp: ls-tree and hash-object) and
//   git commit-tree TREE -p HEAD [-S] -m MESSAGE
// Then HEAD's branch is moved as
//   git update-ref -m "commit: SUBJECT" HEAD NEW OLD
// would move it: in this process where the commit was made here, the
// identity is the configuration's and the branch a plain loose ref with its
// reflogs (git/ref.hpp: a run killed meanwhile leaves a lock the next run
// removes), else by that git process.
// Meanwhile (another process, the other core) `git config` reads the
// settings. The user's index gets the paths as
//   git update-index --add --remove -- PATHS
// would leave them: in this process where the tree was built here and the
// index is a plain one (git/index.hpp), else by that git process, run
// meanwhile. Either must have succeeded before the commit is made: the user's index
// never holds the old version of a path HEAD has the new one of, and a
// refused update (index.lock held) leaves nothing committed. An index of
// many megabytes is split first, once, so that this update writes a small
// file and not the whole index. Moving HEAD checks its old value and fails
// loudly if anything moved it since it was read (a concurrent `git
// commit`): nothing is overwritten. Like `git commit` this signs when
// commit.gpgSign is set (through git), records the reflog entry "commit:
// SUBJECT" (or "commit (initial): SUBJECT"), cleans the message's
// whitespace and runs `git maintenance run --auto` afterwards when it
// would have work; no commit hook runs. Callers serialise (the workspace
// lock).
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
    const std::vector<std::string> where = {"rev-parse", "--absolute-git-dir", "--show-prefix", "--show-object-format"};
    auto with = [&](std::vector<std::string> more) {
        more.insert(more.begin(), where.begin(), where.end());
        return git(dir, more);
    };
    if (auto r = with({"HEAD", "HEAD^{tree}"}); r.status == 0) {
        auto l = lines(r.out);
        if (l.size() != 5) commit_failed(r);
        h.git_dir = l[0], h.prefix = l[1], h.format = l[2], h.commit = l[3], h.tree = l[4];
    } else {
        auto unborn = with({"--verify", "-q", "HEAD"});
        auto l = lines(unborn.out);
        if (unborn.status != 1 || l.size() != 3) commit_failed(r.err.empty() ? unborn : r);
        h.git_dir = l[0], h.prefix = l[1], h.format = l[2];
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

// commit-tree: the new commit, made by git.
std::string make_commit(const std::string& dir, const Head& head, const std::string& tree, const std::string& text,
                        const std::string& actor, const CommitSettings& settings) {
    std::vector<std::string> commit;
    if (!settings.has_email()) {
        std::string who = actor.empty() ? "incident" : actor;
        commit = {"-c", "user.email=" + who, "-c", "user.name=" + who};
    }
    for (const char* a : {"commit-tree", tree.c_str()}) commit.emplace_back(a);
    if (!head.commit.empty()) commit.insert(commit.end(), {"-p", head.commit});
    if (settings.sign) commit.emplace_back("-S");
    commit.insert(commit.end(), {"-m", text});
    auto made = git(dir, commit);
    if (made.status != 0) commit_failed(made);
    return first_line(made.out);
}

// update-ref: HEAD moved from the commit read to `made`, with the reflog
// entry `git commit` writes; in this process when `committer` is given and
// the branch is a plain one (git/ref.hpp).
void move_head(const std::string& dir, const Head& head, const std::string& made, const std::string& text,
               const Ident* committer) {
    const std::string why = (head.commit.empty() ? "commit (initial): " : "commit: ") + text.substr(0, text.find('\n'));
    if (committer && move_branch(head.git_dir, head.commit, made, why, *committer)) return;
    if (auto moved = git(dir, {"update-ref", "-m", why, "HEAD", made, head.commit}); moved.status != 0)
        commit_failed(moved);
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
    const auto repo = InProcess::open(dir);
    const Head head =
        repo ? Head{repo->git_dir(), repo->prefix(), "sha1", repo->head_commit(), repo->head_tree()} : read_head(dir);
    std::vector<std::string> update = {"update-index", "--add", "--remove", "--"};
    update.insert(update.end(), paths.begin(), paths.end());
    auto stage_by_git = [&] {
        split_large_index(dir, head.git_dir);
        return git(dir, update);
    };
    // The user's index in this process where it can be (git/index.hpp),
    // else by git meanwhile, on the other core, as `git config` is.
    const std::string users_index = (fs::path(head.git_dir) / "index").string();
    const bool index_here = repo && small_plain_index(head.git_dir);
    std::future<ProcessResult> staged;
    if (!index_here) staged = std::async(std::launch::async, stage_by_git);
    auto settings_read = std::async(std::launch::async, [&] { return commit_settings(dir); });
    const OwnIndex own(head);
    std::optional<std::string> tree = repo ? repo->tree_with_paths(dir, paths) : std::nullopt;
    const bool staged_here = index_here && tree;  // repo->staged() holds each path's entry
    if (!tree)
        tree = tree_with_paths(dir, head.prefix, head.tree, paths,
                               (fs::path(head.git_dir) / "incident" / "trees").string(), head.format == "sha1");
    const bool through_index = !tree;
    if (through_index)
        tree = own.tree(dir, head, update);
    else
        own.drop();
    const CommitSettings settings = settings_read.get();
    // Before the commit: the index never holds the old version of a path HEAD has the new one of.
    if (!staged_here || !update_index(repo->work_tree(), users_index, repo->staged()))
        if (auto r = index_here ? stage_by_git() : staged.get(); r.status != 0)
            throw IoError("git add failed: " + first_line(r.err));
    if (*tree == head.tree) {  // the paths already matched HEAD: nothing to commit
        if (through_index) write_text(own.record, own.expected);
        return;
    }
    const auto who = repo && !settings.sign ? identities(settings, actor) : std::nullopt;
    const std::string made =
        who ? repo->commit(*tree, who->first, who->second, text) : make_commit(dir, head, *tree, text, actor, settings);
    move_head(dir, head, made, text, who && settings.committer_set() && !settings.fsync_set() ? &who->second : nullptr);
    if (through_index) write_text(own.record, made + " " + *tree + "\n");
    if (repo ? maintenance_may_run(settings, repo->objects_dir()) : settings.maintenance)
        git(dir, {"maintenance", "run", "--auto", "--quiet"});  // as `git commit` does
}

}  // namespace incident::git
