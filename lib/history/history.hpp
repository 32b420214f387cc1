// An incident's history from git: each commit that changed its file, who
// made it and when, and which fields it changed (`incident log`).
#pragma once

#include <string>
#include <vector>

#include "git/git.hpp"
#include "store/repository.hpp"

namespace incident {

struct IncidentChange {
    git::FileCommit commit;
    // The fields whose values differ from the version before, in the order
    // the tool writes them (unknown keys by name); every field set, for the
    // commit that added the file.
    std::vector<std::string> fields;
    // Who made the change: the `by` of each timeline event the commit added,
    // once each, in timeline order. Empty when it added none (a hand edit
    // committed with git): then only the commit's git author is known.
    std::vector<std::string> actors;
    bool added = false, removed = false;
    bool unreadable = false;  // the version at this commit does not read as an incident
};

// Oldest first. `path` is relative to `repo_dir`. Throws IoError when git fails.
std::vector<IncidentChange> incident_history(const std::string& repo_dir, const std::string& path);

}  // namespace incident

namespace incident {

// The repository's incident files as they were at `rev` (any revision git
// names), for `report --as-of`: checked out under the clone's state dir
// (.git/incident/as-of/COMMIT/, kept for the next run; older ones removed),
// holding .incident/ and incidents/ (below the same path as in the clone).
// `committed` is the commit's time.
struct Snapshot {
    fs::path root;
    std::string commit;
    long long committed = 0;  // seconds since the epoch
};
// Throws UsageError when `rev` names no commit or the commit has no
// .incident/config.yaml, IoError when git fails.
Snapshot snapshot_at(const Repository& repo, const std::string& rev);

}  // namespace incident
