// `incident sync`: share a clone's changes through its upstream remote.
//
//   fetch        the upstream branch (branch.NAME.remote / .merge)
//   renumber     incidents added locally whose id upstream has taken
//                meanwhile (another uid at the same path) get the next free
//                number: the unpushed commits are rewritten so that the
//                incident always had it (file, id, postmortem, and every
//                mention in the files and messages they touch)
//   integrate    fast-forward, or rebase of the local commits onto upstream,
//                the merge driver (`incident merge-file`) merging incident
//                files field by field
//   push         to the upstream branch; a push rejected because someone
//                pushed first starts again from the fetch, a bounded number
//                of times
//
// Runs under the repository lock, on a clean work tree. Any failure puts the
// branch, index and work tree back where they were (the start is recorded
// under .git/incident/ first, so a killed sync is undone by the next one),
// and nothing is lost: the local commits stay and go out with the next sync.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "workspace/workspace.hpp"

namespace incident {

struct Renumbering {
    std::string from, to, uid;  // "INC-12" is now "INC-14"
};

// "INC-12 is now INC-14 (INC-12 was taken upstream)"
std::string describe(const Renumbering& m);

struct SyncCommit {
    std::string commit, subject;
};

struct SyncResult {
    std::string remote, branch;        // "origin", "main" (the upstream branch)
    std::vector<SyncCommit> received;  // upstream commits new to this clone, oldest first
    std::vector<std::string> changed;  // incidents they added or changed (ids), in id order
    std::vector<SyncCommit> sent;      // the commits pushed, oldest first
    std::vector<Renumbering> renumbered;
    int attempts = 0;  // pushes tried
    std::vector<std::string> warnings;
};

struct SyncOptions {
    std::string actor;  // commits rebased where git has no identity
    int attempts = 10;  // pushes rejected in a row before giving up
    std::chrono::milliseconds lock_timeout{30000};
};

// Throws IoError (exit 1) when the remote cannot be reached, there is no
// upstream, the work tree has uncommitted changes, a file cannot be merged,
// or the remote keeps moving; UsageError outside git.
SyncResult sync_repository(const Workspace& ws, const SyncOptions& opts);

// The remote the current branch syncs with ("origin"). Throws IoError as
// sync does when there is none (no branch, no upstream, no remote).
std::string upstream_remote(const Workspace& ws);

// `text` with every mention of an id in `map` (a whole token: "INC-12", not
// "INC-123" or "XINC-12") replaced by what it maps to.
std::string rename_mentions(const std::string& text, const std::vector<Renumbering>& map);

// What `id` became when sync renumbered it in this clone (following later
// renumberings too); nullopt when it was never renumbered here.
std::optional<Renumbering> renumbered(const Workspace& ws, const std::string& id);

}  // namespace incident
