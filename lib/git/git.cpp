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

#include "git/inprocess.hpp"
#include "git/internal.hpp"
#include "git/process.hpp"
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

}  // namespace

ProcessResult git(const std::string& dir, std::vector<std::string> args, const std::string& index_file) {
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

std::string head_commit(const std::string& dir) {
    if (auto repo = InProcess::open(dir)) return repo->head_commit();
    auto r = git(dir, {"rev-parse", "-q", "--verify", "HEAD"});
    return r.status == 0 ? first_line(r.out) : std::string();
}

bool has_changes(const std::string& dir, const std::vector<std::string>& paths) {
    std::vector<std::string> args = {"status", "--porcelain", "-z", "--untracked-files=all", "--"};
    args.insert(args.end(), paths.begin(), paths.end());
    auto r = git(dir, args);
    if (r.status != 0) throw IoError("git status failed: " + first_line(r.err));
    return !r.out.empty();
}

}  // namespace incident::git
