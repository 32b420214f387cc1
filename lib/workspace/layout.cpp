// `incident layout`: moving every incident file into the flat or the sharded
// layout, with the config's `layout:` and the merge attributes, as one commit.
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "git/git.hpp"
#include "model/file_text.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"
#include "store/lock.hpp"
#include "store/repo_file.hpp"
#include "workspace/workspace.hpp"

namespace incident {

namespace {

// The config text with `layout:` set: the top-level line replaced, or added
// after id_prefix (or at the end). Every other line, comment included, stays.
std::string with_layout(const std::string& text, Layout target) {
    const std::string line = std::string("layout: ") + layout_name(target);
    std::vector<std::string> lines;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) end = text.size();
        lines.push_back(text.substr(at, end - at));
        at = end + 1;
    }
    auto top = [](const std::string& l, const char* key) { return l.rfind(key, 0) == 0; };
    auto found = std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return top(l, "layout:"); });
    if (found != lines.end()) {
        *found = line;
    } else {
        auto prefix = std::find_if(lines.begin(), lines.end(), [&](const auto& l) { return top(l, "id_prefix:"); });
        lines.insert(prefix == lines.end() ? lines.end() : prefix + 1, line);
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

// The files not yet in `target`, as (from, to); a file whose place in
// `target` is taken already is left where it is, with a warning.
std::vector<std::pair<fs::path, fs::path>> moves_to(const Workspace& ws, Layout target,
                                                    std::vector<std::string>& warnings) {
    std::vector<std::pair<fs::path, fs::path>> out;
    std::vector<std::pair<std::string, Layout>> files;
    for_each_incident_name(ws.repo.incidents_dir(), [&](int, const dirent*, std::string_view id, Layout where) {
        if (where != target) files.emplace_back(id, where);
    });
    std::error_code ec;
    for (const auto& [id, where] : files) {
        fs::path from = ws.store.path_in(id, where), to = ws.store.path_in(id, target);
        if (fs::exists(fs::symlink_status(to, ec))) {
            warnings.push_back(ws.repo.relative(from) + " left where it is: " + ws.repo.relative(to) +
                               " is there too (keep one of them)");
            continue;
        }
        out.emplace_back(std::move(from), std::move(to));
    }
    return out;
}

// Commits the incidents directory, the config and the attributes as they are
// now (a run killed before its commit is completed by the next). Nothing
// else is staged (checked before the first move), so this is a plain
// commit: `git commit -- PATHS` would take minutes over 100 000 renames.
void commit_layout(const Workspace& ws, const std::string& message) {
    const std::string dir = ws.repo.root.string();
    const std::vector<std::string> paths = {ws.repo.relative(ws.repo.incidents_dir()),
                                            ws.repo.relative(ws.repo.config_path()), ".gitattributes"};
    std::vector<std::string> add = {"add", "-A", "--"};
    add.insert(add.end(), paths.begin(), paths.end());
    if (auto r = git::run(dir, add); r.status != 0) throw IoError("git add failed: " + r.err);
    if (!git::has_changes(dir, paths)) return;
    const std::vector<std::string> commit = {
        "-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "--no-edit", "-m", message};
    if (auto r = git::run(dir, commit); r.status != 0) throw IoError("git commit failed: " + r.err);
}

fs::path layout_marker(const Workspace& ws) { return ws.repo.state_dir / "layout-change"; }

// What a move to `target` changes: the config's text before and after, and the files to move.
struct LayoutPlan {
    std::string config_text, new_config;
    std::vector<std::pair<fs::path, fs::path>> moves;
};

LayoutPlan plan_layout(const Workspace& ws, Layout target, std::vector<std::string>& warnings) {
    LayoutPlan p;
    p.config_text = read_repository_file(ws.repo, ws.repo.config_path()).value_or("");
    p.new_config = with_layout(p.config_text, target);
    Config check;
    apply_config_layer(check, load_yaml(p.new_config, ws.repo.relative(ws.repo.config_path())),
                       ws.repo.relative(ws.repo.config_path()));
    p.moves = moves_to(ws, target, warnings);
    return p;
}

// The temporary files of config writes that a kill left behind.
void remove_config_temporaries(const Workspace& ws) {
    const std::string prefix = "." + ws.repo.config_path().filename().string() + ".tmp.";
    std::error_code ec;
    for (fs::directory_iterator it(ws.repo.config_path().parent_path(), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().filename().string().rfind(prefix, 0) == 0) fs::remove(it->path(), ec);
}

// Under the lock: the marker first (so that a kill at any moment is completed
// by the next command), then the moves, the config, the attributes, the
// commit, and the marker last.
void carry_out(const Workspace& ws, Layout target, bool commit, const LayoutPlan& plan, LayoutResult& r) {
    const fs::path marker = layout_marker(ws);
    std::error_code ec;
    if (commit) write_file_atomically(marker, layout_name(target) + std::string("\n"));
    for (const auto& [from, to] : plan.moves) {
        fs::create_directories(to.parent_path(), ec);
        if (std::rename(from.c_str(), to.c_str()) != 0)
            throw IoError(
                "cannot move " + ws.repo.relative(from) + " to " + ws.repo.relative(to) + ": " + std::strerror(errno),
                "run the same command again: it moves what is left");
        ++r.moved;
    }
    if (target == Layout::flat)  // the shards left empty
        for (fs::directory_iterator it(ws.repo.incidents_dir(), ec), end; !ec && it != end; it.increment(ec))
            if (is_shard_name(it->path().filename().string()) && !it->is_symlink(ec)) ::rmdir(it->path().c_str());
    remove_config_temporaries(ws);
    if (plan.new_config != plan.config_text) write_file_atomically(ws.repo.config_path(), plan.new_config);
    add_merge_attributes(ws.repo.root / ".gitattributes");
    if (commit) {
        commit_layout(ws, "incident: " + std::string(layout_name(target)) + " layout (" + std::to_string(r.moved) +
                              " incident files moved)");
        r.committed = true;
        fs::remove(marker, ec);
    }
}

}  // namespace

void complete_interrupted_layout(const Workspace& ws, std::vector<std::string>& warnings) {
    auto text = read_file(layout_marker(ws));
    if (!text) return;
    const std::string name = text->substr(0, text->find('\n'));
    std::optional<Layout> target;
    for (Layout l : {Layout::flat, Layout::sharded})
        if (name == layout_name(l)) target = l;
    if (!target) {
        warnings.push_back("an unreadable layout-change marker was removed: " + name);
        std::error_code ec;
        fs::remove(layout_marker(ws), ec);
        return;
    }
    LayoutResult r;
    carry_out(ws, *target, ws.repo.in_git, plan_layout(ws, *target, r.warnings), r);
    warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
    warnings.push_back("an earlier `incident layout " + name + "` was interrupted: completed (" +
                       std::to_string(r.moved) + " more incident files moved)");
}

LayoutResult change_layout(const Workspace& ws, Layout target, const ChangeOptions& opts) {
    LayoutResult r;
    const bool commit = opts.commit && ws.config.auto_commit && ws.repo.in_git;
    const fs::path marker = layout_marker(ws);
    RepositoryLock lock(ws.repo.lock_path(), opts.lock_timeout);
    std::error_code ec;
    const bool resumed = fs::exists(marker, ec);
    const std::string incidents = ws.repo.relative(ws.repo.incidents_dir());
    if (commit && !resumed && git::has_changes(ws.repo.root.string(), {incidents}))
        throw IoError(
            "incidents/ has changes that are not committed: the layout change commits the "
            "whole directory",
            "commit or stash them first ('git status " + incidents + "' shows them)");
    if (commit && !resumed && git::run(ws.repo.root.string(), {"diff", "--cached", "--quiet"}).status != 0)
        throw IoError("changes are staged: the layout change is a commit of its own",
                      "commit them or unstage them first (git status shows them)");
    const LayoutPlan plan = plan_layout(ws, target, r.warnings);
    if (opts.dry_run) {
        r.moved = plan.moves.size();
        return r;
    }
    carry_out(ws, target, commit, plan, r);
    if (!commit && opts.commit && ws.config.auto_commit)
        r.warnings.push_back("not a git repository: the files are moved but not committed");
    return r;
}

}  // namespace incident
