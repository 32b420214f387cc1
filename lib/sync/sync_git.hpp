// Inside sync: git run in the clone with the tool's settings, and the
// renumbering steps (renumber.cpp) the sync (sync.cpp) calls.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "git/git.hpp"
#include "model/text.hpp"
#include "sync/sync.hpp"

namespace incident {

inline std::vector<std::string> split_nul(const std::string& s) { return split(s, '\0'); }

// git in the clone, run from the top of its work tree: `pre` arguments (an
// identity where git has none) and `env` (PATH with this program's directory
// first, so git finds the merge driver) on every run. `prefix` is where the
// incident repository lies below the top ("" or "ops/"), as git names paths.
struct SyncGit {
    std::string dir;
    std::vector<std::string> pre, env;
    std::string prefix;

    std::string incidents() const { return prefix + "incidents/"; }
    std::string postmortems() const { return prefix + "postmortems/"; }
    std::string attachments() const { return prefix + "attachments/"; }

    ProcessResult operator()(std::vector<std::string> args) const;
    // Its output, or IoError naming the command and git's message.
    std::string must_raw(std::vector<std::string> args) const;
    // The first line of its output.
    std::string must(std::vector<std::string> args) const;
    SyncGit with_env(const std::vector<std::string>& more) const;
    SyncGit with_env(const std::string& one) const { return with_env(std::vector<std::string>{one}); }
};

// "incidents/INC-12.yaml" (below the prefix) -> "INC-12"; empty for any other path.
std::string id_of_path(const SyncGit& g, const std::string& path);

// Incidents added on our side since `base` whose path upstream (`theirs`)
// holds another incident at (another uid), each with its new id: the next
// number free on both sides, in id order.
std::vector<Renumbering> find_collisions(const SyncGit& g, const std::string& base, const std::string& ours,
                                         const std::string& theirs);

// The commits base..ours (no merges) made again on base with `map` applied
// (paths, file texts under incidents/ and postmortems/, messages); returns
// the new tip. `state_dir` holds the scratch index.
std::string rewrite_commits(const SyncGit& g, const std::filesystem::path& state_dir, const std::string& base,
                            const std::string& ours, const std::vector<Renumbering>& map);

}  // namespace incident
