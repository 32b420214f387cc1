#include <algorithm>
#include <fstream>

#include "history/history.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

constexpr std::size_t kKept = 4;  // snapshots kept for later runs

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
    if (rev.empty() || rev[0] == '-') throw UsageError("--as-of: '" + rev + "' is not a revision");
    const std::string dir = repo.root.string();
    auto found = git::run(dir, {"log", "-1", "--format=%H %ct", "--end-of-options", rev + "^{commit}", "--"});
    auto f = split(first_line(found.out), ' ');
    if (found.status != 0 || f.size() != 2 || !all_digits(f[1]))
        throw UsageError("--as-of: '" + rev + "' names no commit", "give a commit, tag or branch (git log shows them)");
    // git names paths from the top of the work tree; the repository may lie below it.
    const std::string top = first_line(git::run(dir, {"rev-parse", "--show-toplevel"}).out);
    const std::string prefix = first_line(git::run(dir, {"rev-parse", "--show-prefix"}).out);  // "" or "ops/"
    const fs::path tree = repo.state_dir / "as-of" / f[0];
    Snapshot s{prefix.empty() ? tree : tree / prefix.substr(0, prefix.size() - 1), f[0], std::stoll(f[1])};
    std::error_code ec;
    if (fs::exists(tree / ".complete", ec)) return s;
    auto has = [&](const std::string& path) {
        return git::run(top, {"cat-file", "-e", s.commit + ":" + prefix + path}).status == 0;
    };
    if (!has(".incident/config.yaml"))
        throw UsageError("--as-of: " + rev + " has no .incident/config.yaml", "give a commit made after incident init");
    fs::path tmp = tree;
    tmp += ".tmp";
    fs::remove_all(tmp, ec);
    fs::create_directories(tmp, ec);
    if (ec) throw IoError("--as-of: cannot create " + tmp.string() + ": " + ec.message());
    // A private index: the user's index and work tree are not touched.
    std::vector<std::string> args = {"--work-tree=" + tmp.string(), "checkout", s.commit, "--", prefix + ".incident"};
    if (has("incidents")) args.push_back(prefix + "incidents");
    auto out = git::run(top, args, {"GIT_INDEX_FILE=" + (repo.state_dir / "as-of-index").string()});
    fs::remove(repo.state_dir / "as-of-index", ec);
    if (out.status != 0) throw IoError("--as-of: git checkout failed: " + first_line(out.err));
    remove_old(tree.parent_path(), tmp);
    fs::remove_all(tree, ec);
    fs::rename(tmp, tree, ec);
    if (ec) throw IoError("--as-of: cannot write " + tree.string() + ": " + ec.message());
    fs::create_directories(s.root / "incidents", ec);
    std::ofstream(tree / ".complete") << s.commit << "\n";
    return s;
}

}  // namespace incident
