// The user's index updated in this process (internal to lib/git), as
// `git update-index --add --remove -- PATHS` leaves it, for the commit's
// hot path: a git process reading and writing an index of 10 000 entries
// was the longest part of a batch's commit in serve (docs/performance.md).
// Only the plain case is done here; for any other `update_index` says no
// and the caller runs git.
#pragma once

#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace incident::git {

// An index this size or larger is split once (split_large_index), and then
// left to git.
constexpr std::uintmax_t kLargeIndex = 4 << 20;

// One path's new state: the blob HEAD's new tree holds, with the stat data
// of the file it was read from (taken before it was read), or gone.
struct IndexUpdate {
    std::string path;  // from the top of the work tree
    bool removed = false;
    unsigned mode = 0100644;                 // 0100644 or 0100755
    std::array<unsigned char, 20> oid = {};  // SHA-1
    struct stat st = {};
};

// Writes `updates` into `index` (GIT_DIR/index) under git's lock
// (INDEX.lock, created before the index is read, renamed over it), copying
// every other entry and smudging those racily clean as git does (a changed
// file in WORK_TREE whose stat data still matches its entry). The cache
// of trees (TREE), the untracked cache, the file-system monitor's token and
// the offset tables are left out (git rebuilds them); resolve-undo data is
// kept. False, with nothing written, where this would not leave exactly
// what git leaves: no index, a version other than 2 or 3, a damaged
// checksum, a split or sparse index or any extension git requires that is
// not known here, an entry of these paths in conflict, with version 3's
// flags, or a file where a directory of the path is (or the reverse).
// Throws IoError when the lock is held (as `git add` fails), unless it is
// one a killed run of the tool left (its second name, beside the tool's
// other state, GIT_DIR/incident/index.lock.PID, names a process that is
// gone): that one is removed.
bool update_index(const std::string& work_tree, const std::string& index, const std::vector<IndexUpdate>& updates);

}  // namespace incident::git
