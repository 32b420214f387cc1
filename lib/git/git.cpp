#include "git/git.hpp"

#include <filesystem>

#include "git/process.hpp"
#include "model/errors.hpp"

namespace incident::git {

namespace {

ProcessResult git(const std::string& dir, std::vector<std::string> args) {
    args.insert(args.begin(), "git");
    return run_process(args, dir);
}

std::string first_line(const std::string& s) {
    auto nl = s.find('\n');
    return nl == std::string::npos ? s : s.substr(0, nl);
}

}  // namespace

void init(const std::string& dir) {
    auto r = git(dir, {"init", "-q"});
    if (r.status != 0) throw IoError("git init failed: " + first_line(r.err));
}

std::string operation_in_progress(const std::string& git_dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path d(git_dir);
    if (fs::exists(d / "rebase-merge", ec) || fs::exists(d / "rebase-apply", ec)) return "a rebase";
    if (fs::exists(d / "MERGE_HEAD", ec)) return "a merge";
    if (fs::exists(d / "CHERRY_PICK_HEAD", ec)) return "a cherry-pick";
    if (fs::exists(d / "REVERT_HEAD", ec)) return "a revert";
    return {};
}

std::string config_get(const std::string& dir, const std::string& key) {
    auto r = git(dir, {"config", "--get", key});
    return r.status == 0 ? first_line(r.out) : std::string{};
}

bool has_changes(const std::string& dir, const std::vector<std::string>& paths) {
    std::vector<std::string> args = {"status", "--porcelain", "-z", "--untracked-files=all", "--"};
    args.insert(args.end(), paths.begin(), paths.end());
    auto r = git(dir, args);
    if (r.status != 0) throw IoError("git status failed: " + first_line(r.err));
    return !r.out.empty();
}

void commit_paths(const std::string& dir, const std::vector<std::string>& paths, const std::string& message,
                  const std::string& actor) {
    std::vector<std::string> add = {"add", "--"};
    add.insert(add.end(), paths.begin(), paths.end());
    if (auto r = git(dir, add); r.status != 0) throw IoError("git add failed: " + first_line(r.err));
    std::vector<std::string> commit;
    if (config_get(dir, "user.email").empty()) {
        std::string who = actor.empty() ? "incident" : actor;
        commit = {"-c", "user.email=" + who, "-c", "user.name=" + who};
    }
    for (std::string a : {"commit", "-q", "--no-verify", "-m", message.c_str(), "--"}) commit.push_back(a);
    commit.insert(commit.end(), paths.begin(), paths.end());
    auto r = git(dir, commit);
    if (r.status != 0) {
        if ((r.out + r.err).find("nothing to commit") != std::string::npos ||
            (r.out + r.err).find("no changes added") != std::string::npos)
            return;  // the file already matched HEAD
        throw IoError("git commit failed: " + first_line(r.err.empty() ? r.out : r.err),
                      "the change is saved in the work tree; commit it by hand");
    }
}

}  // namespace incident::git
