// Renumbering: which locally added incidents collide with upstream's, and the
// unpushed commits rewritten so that each of them always had its new number.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"
#include "store/store.hpp"
#include "sync/sync_git.hpp"

namespace incident {

std::string id_of_path(const SyncGit& g, const std::string& path) {
    const std::string dir = g.incidents();
    if (path.rfind(dir, 0) != 0) return {};
    return id_of_incident_file(std::string_view(path).substr(dir.size())).first;
}

namespace {

// Every incident in `commit`, with its file's path (either layout).
std::map<std::string, std::string> incident_paths(const SyncGit& g, const std::string& commit) {
    std::map<std::string, std::string> ids;
    for (const auto& p : split_nul(g.must_raw({"ls-tree", "-r", "-z", "--name-only", commit, g.incidents()})))
        if (auto id = id_of_path(g, p); !id.empty()) ids.emplace(id, p);
    return ids;
}

// The uid of the incident file at `path` in `commit`; empty when it does not read.
std::string uid_at(const SyncGit& g, const std::string& commit, const std::string& path) {
    auto r = g({"show", commit + ":" + path});
    if (r.status != 0) return {};
    try {
        return incident_from_yaml(load_yaml(r.out, path), path).uid;
    } catch (const Error&) {
        return {};
    }
}

bool is_shared_text(const SyncGit& g, const std::string& path) {
    return path.rfind(g.incidents(), 0) == 0 || path.rfind(g.postmortems(), 0) == 0;
}

// The path a renumbered incident's file (in its layout), postmortem or
// evidence moves to. Evidence moves with its bytes as they are (its SHA-256
// is recorded), and a mention in its name is renamed as in the incident
// file that records the name.
std::string moved_path(const SyncGit& g, const std::string& path, const std::vector<Renumbering>& map) {
    for (const auto& m : map) {
        for (auto where : {Layout::flat, Layout::sharded})
            if (path == g.incidents() + incident_file(m.from, where)) return g.incidents() + incident_file(m.to, where);
        for (std::string ext : {".yaml", ".md"})
            if (path == g.postmortems() + m.from + ext) return g.postmortems() + m.to + ext;
        if (const std::string dir = g.attachments() + m.from + "/"; path.rfind(dir, 0) == 0)
            return g.attachments() + m.to + "/" + rename_mentions(path.substr(dir.size()), map);
    }
    return path;
}

// One commit's changes to its parent, from `git diff-tree -r -z --raw`.
struct TreeChange {
    std::string mode, blob, path;
    bool deleted = false;
};

std::vector<TreeChange> changes_of(const SyncGit& g, const std::string& parent, const std::string& commit) {
    auto parts = split_nul(g.must_raw({"diff-tree", "-r", "-z", "--no-renames", "--raw", parent, commit}));
    std::vector<TreeChange> out;
    for (std::size_t i = 0; i + 1 < parts.size(); i += 2) {
        // ":100644 100644 OLDBLOB NEWBLOB M"
        auto f = split(parts[i], ' ');
        if (f.size() != 5) throw IoError("git diff-tree: unexpected output '" + parts[i] + "'");
        out.push_back({f[1], f[3], parts[i + 1], f[4] == "D"});
    }
    return out;
}

// `commit` again on `parent`, with the renumbering applied to its files,
// paths and message; author and committer as they were.
std::string rewrite_commit(const SyncGit& g, const fs::path& state_dir, const std::string& old_parent,
                           const std::string& commit, const std::string& parent, const std::vector<Renumbering>& map) {
    const fs::path index = state_dir / "sync-index";
    const SyncGit own = g.with_env("GIT_INDEX_FILE=" + index.string());
    own.must({"read-tree", parent});
    std::vector<std::string> update = {"update-index", "--add"}, removed;
    for (const auto& c : changes_of(g, old_parent, commit)) {
        std::string to = moved_path(g, c.path, map);
        if (to != c.path) removed.push_back(c.path);
        if (c.deleted) {
            removed.push_back(to);
            continue;
        }
        std::string blob = c.blob;
        if (is_shared_text(g, c.path)) {
            std::string text = g.must_raw({"cat-file", "blob", blob});
            if (std::string renamed = rename_mentions(text, map); renamed != text) {
                const fs::path tmp = state_dir / "sync-blob";
                write_file_atomically(tmp, renamed);
                blob = g.must({"hash-object", "-w", "--", tmp.string()});
            }
        }
        update.insert(update.end(), {"--cacheinfo", c.mode + "," + blob + "," + to});
    }
    if (!removed.empty()) {
        update.insert(update.end(), {"--force-remove", "--"});
        update.insert(update.end(), removed.begin(), removed.end());
    }
    own.must(update);
    std::string tree = own.must({"write-tree"});
    auto meta = split(
        g.must_raw({"log", "-1", "--date=raw", "--format=%an%x00%ae%x00%ad%x00%cn%x00%ce%x00%cd%x00%B", commit}), '\0');
    if (meta.size() < 7) throw IoError("git log: cannot read commit " + commit);
    const SyncGit as_before = g.with_env({"GIT_AUTHOR_NAME=" + meta[0], "GIT_AUTHOR_EMAIL=" + meta[1],
                                          "GIT_AUTHOR_DATE=" + meta[2], "GIT_COMMITTER_NAME=" + meta[3],
                                          "GIT_COMMITTER_EMAIL=" + meta[4], "GIT_COMMITTER_DATE=" + meta[5]});
    return as_before.must({"commit-tree", tree, "-p", parent, "-m", rename_mentions(meta[6], map)});
}

}  // namespace

std::string rename_mentions(const std::string& text, const std::vector<Renumbering>& map) {
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const Renumbering* hit = nullptr;
        if (i == 0 || !word(text[i - 1]))
            for (const auto& m : map)
                if (text.compare(i, m.from.size(), m.from) == 0 &&
                    (i + m.from.size() == text.size() ||
                     !std::isdigit(static_cast<unsigned char>(text[i + m.from.size()])))) {
                    hit = &m;
                    break;
                }
        if (hit) {
            out += hit->to;
            i += hit->from.size();
        } else {
            out += text[i++];
        }
    }
    return out;
}

std::vector<Renumbering> find_collisions(const SyncGit& g, const std::string& base, const std::string& ours,
                                         const std::string& theirs) {
    auto added = split_nul(
        g.must_raw({"diff", "--name-only", "-z", "--no-renames", "--diff-filter=A", base, ours, "--", g.incidents()}));
    std::vector<std::string> ids;
    for (const auto& p : added)
        if (auto id = id_of_path(g, p); !id.empty()) ids.push_back(id);
    if (ids.empty()) return {};
    std::sort(ids.begin(), ids.end(), id_less);
    const auto upstream = incident_paths(g, theirs), here = incident_paths(g, ours);
    std::map<std::string, long> last;  // per prefix, the highest number either side has
    auto count = [&](const std::map<std::string, std::string>& side) {
        for (const auto& [id, path] : side) {
            auto [prefix, n] = id_order(id);
            last[prefix] = std::max(last[prefix], n);
        }
    };
    count(upstream);
    count(here);
    std::vector<Renumbering> out;
    for (const auto& id : ids) {
        auto theirs_path = upstream.find(id), ours_path = here.find(id);
        if (theirs_path == upstream.end() || ours_path == here.end()) continue;
        std::string uid = uid_at(g, ours, ours_path->second);
        if (!uid.empty() && uid == uid_at(g, theirs, theirs_path->second)) continue;  // the same incident
        auto [prefix, n] = id_order(id);
        out.push_back({id, prefix + "-" + std::to_string(++last[prefix]), uid});
    }
    return out;
}

std::string rewrite_commits(const SyncGit& g, const fs::path& state_dir, const std::string& base,
                            const std::string& ours, const std::vector<Renumbering>& map) {
    std::string parent = base;
    for (const auto& line :
         split(g.must_raw({"rev-list", "--reverse", "--topo-order", "--parents", base + ".." + ours}), '\n')) {
        if (line.empty()) continue;
        auto f = split(line, ' ');
        if (f.size() != 2)
            throw IoError("cannot renumber through the merge commit " + f[0].substr(0, 12) + " that is not pushed yet",
                          "push it by hand (git pull --rebase, git push), then run incident sync again");
        parent = rewrite_commit(g, state_dir, f[1], f[0], parent, map);
    }
    std::error_code ec;
    fs::remove(state_dir / "sync-index", ec);
    fs::remove(state_dir / "sync-blob", ec);
    return parent;
}

}  // namespace incident
