#include <algorithm>
#include <fstream>

#include "history/history.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

constexpr std::size_t kKept = 4;  // snapshots kept for later runs

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

void remove_old(const fs::path& dir, const fs::path& keep) {
    std::error_code ec;
    std::vector<std::pair<fs::file_time_type, fs::path>> found;
    for (const auto& e : fs::directory_iterator(dir, ec))
        if (e.path() != keep) found.emplace_back(e.last_write_time(ec), e.path());
    if (found.size() < kKept) return;
    std::sort(found.begin(), found.end());
    for (std::size_t i = 0; i + kKept <= found.size(); ++i) fs::remove_all(found[i].second, ec);
}

}  // namespace

Snapshot snapshot_at(const Repository& repo, const std::string& rev) {
    if (!repo.in_git) throw UsageError("--as-of: not a git repository, there is no history");
    const std::string dir = repo.root.string();
    auto found = git::run(dir, {"log", "-1", "--format=%H %ct", rev + "^{commit}", "--"});
    auto f = split(first_line(found.out), ' ');
    if (found.status != 0 || f.size() != 2 || !all_digits(f[1]))
        throw UsageError("--as-of: '" + rev + "' names no commit", "give a commit, tag or branch (git log shows them)");
    Snapshot s{repo.state_dir / "as-of" / f[0], f[0], std::stoll(f[1])};
    std::error_code ec;
    if (fs::exists(s.root / ".complete", ec)) return s;
    if (git::run(dir, {"cat-file", "-e", s.commit + ":.incident/config.yaml"}).status != 0)
        throw UsageError("--as-of: " + rev + " has no .incident/config.yaml", "give a commit made after incident init");
    fs::path tmp = s.root;
    tmp += ".tmp";
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) throw IoError("--as-of: cannot create " + tmp.string() + ": " + ec.message());
    // A private index: the user's index and work tree are not touched.
    std::vector<std::string> paths = {".incident"};
    if (git::run(dir, {"cat-file", "-e", s.commit + ":incidents"}).status == 0) paths.push_back("incidents");
    std::vector<std::string> args = {"--work-tree=" + tmp.string(), "checkout", s.commit, "--"};
    args.insert(args.end(), paths.begin(), paths.end());
    auto out = git::run(dir, args, {"GIT_INDEX_FILE=" + (repo.state_dir / "as-of-index").string()});
    fs::remove(repo.state_dir / "as-of-index", ec);
    if (out.status != 0) throw IoError("--as-of: git checkout failed: " + first_line(out.err));
    remove_old(s.root.parent_path(), tmp);
    fs::remove_all(s.root, ec);
    fs::rename(tmp, s.root, ec);
    if (ec) throw IoError("--as-of: cannot write " + s.root.string() + ": " + ec.message());
    fs::create_directories(s.root / "incidents", ec);
    std::ofstream(s.root / ".complete") << s.commit << "\n";
    return s;
}

}  // namespace incident
