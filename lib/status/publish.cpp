#include "status/publish.hpp"

#include <unistd.h>

#include <fstream>

#include "git/git.hpp"
#include "sync/sync.hpp"

namespace incident {

namespace {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

[[noreturn]] void git_failed(const std::string& what, const ProcessResult& r) {
    throw IoError("status publish: " + what + " failed: " + first_line(r.err.empty() ? r.out : r.err));
}

std::string git_out(const Workspace& ws, std::vector<std::string> args, const std::string& what,
                    const std::vector<std::string>& env = {}) {
    auto r = git::run(ws.repo.root.string(), std::move(args), env);
    if (r.status != 0) git_failed(what, r);
    return first_line(r.out);
}

// Writes `files` below `dir`, emptied first.
void write_tree_files(const fs::path& dir, const std::map<std::string, std::string>& files) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    for (const auto& [path, text] : files) {
        const fs::path p = dir / path;
        fs::create_directories(p.parent_path());
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
        if (!out.flush()) throw IoError("status publish: cannot write " + p.string());
    }
}

}  // namespace

fs::path publish_pending_path(const Repository& repo) { return repo.state_dir / "status-publish.pending"; }

PublishResult publish_site(const Workspace& ws, const std::map<std::string, std::string>& files,
                           const PublishOptions& opts) {
    if (!ws.repo.in_git) throw UsageError("status publish needs a git repository", "use incident status build DIR");
    const std::string ref = "refs/heads/" + opts.branch;
    if (git::run(ws.repo.root.string(), {"check-ref-format", ref}).status != 0)
        throw UsageError("--branch: '" + opts.branch + "' is not a branch name git takes");
    auto head = git::run(ws.repo.root.string(), {"symbolic-ref", "-q", "HEAD"});
    if (first_line(head.out) == ref)
        throw UsageError("--branch " + opts.branch + " is the branch checked out here",
                         "publish to a branch of its own, such as status-page");
    // The site in a scratch directory, added to an index of its own.
    const std::string tag = std::to_string(::getpid());  // two runs at once never share them
    const fs::path scratch = ws.repo.state_dir / ("status-site." + tag);
    const fs::path index = ws.repo.state_dir / ("status-site." + tag + ".index");
    write_tree_files(scratch, files);
    std::error_code ec;
    fs::remove(index, ec);
    const std::string git_dir = git_out(ws, {"rev-parse", "--absolute-git-dir"}, "rev-parse");
    const std::vector<std::string> env = {"GIT_INDEX_FILE=" + index.string()};
    auto added = git::run(scratch.string(),
                          {"--git-dir=" + git_dir, "--work-tree=" + scratch.string(), "-c", "core.autocrlf=false",
                           "add", "-A", "-f", "."},
                          env);
    if (added.status != 0) git_failed("git add", added);
    const std::string tree = git_out(ws, {"write-tree"}, "write-tree", env);
    fs::remove(index, ec);
    fs::remove_all(scratch, ec);

    PublishResult r;
    auto parent = git::run(ws.repo.root.string(), {"rev-parse", "--verify", "-q", ref + "^{commit}"});
    const std::string before = parent.status == 0 ? first_line(parent.out) : "";
    r.commit = before;
    if (before.empty() || git_out(ws, {"rev-parse", before + "^{tree}"}, "rev-parse") != tree) {
        std::vector<std::string> args;
        if (git::config_get(ws.repo.root.string(), "user.email").empty()) {
            const std::string who = opts.actor.empty() ? "incident" : opts.actor;
            args = {"-c", "user.email=" + who, "-c", "user.name=" + who};
        }
        args.insert(args.end(), {"commit-tree", tree});
        if (!before.empty()) args.insert(args.end(), {"-p", before});
        args.insert(args.end(), {"-m", opts.message});
        r.commit = git_out(ws, args, "commit-tree");
        const std::string zero(tree.size(), '0');  // the branch must not exist yet
        git_out(ws, {"update-ref", "-m", "status publish", ref, r.commit, before.empty() ? zero : before},
                "update-ref");
        r.changed = true;
    }
    if (opts.push) {
        try {
            r.remote = upstream_remote(ws);
            auto pushed = git::run(ws.repo.root.string(), {"push", "-q", r.remote, ref + ":" + ref});
            if (pushed.status != 0) git_failed("git push", pushed);
            r.pushed = true;
        } catch (const Error& e) {
            r.warnings.push_back(std::string("not pushed: ") + e.what() + "; the page is committed on " + opts.branch +
                                 " here");
        }
    }
    return r;
}

}  // namespace incident
