// HEAD's branch moved in this process (internal to lib/git), as
//   git update-ref -m WHY HEAD NEW OLD
// moves it, for the commit's hot path: that process was the last one a
// batch of serve ran per commit (docs/performance.md). Only the plain case
// is done here; for any other `move_branch` says no and the caller runs
// git.
#pragma once

#include <string>

#include "git/inprocess.hpp"

namespace incident::git {

// Moves the branch HEAD names from `old` to `made`: under git's lock on
// the branch (GIT_DIR/refs/heads/NAME.lock, taken as git/lock.hpp says),
// its old value checked, the reflog line ("OLD NEW NAME <EMAIL> TIME
// ZONE\tWHY", the message's white space folded as git does) appended to
// the branch's log and HEAD's, then the lock renamed over the branch.
// False, with nothing done, where git would do more or otherwise: HEAD not
// a branch, a linked work tree, the branch not a loose file holding `old`
// (packed, or moved meanwhile), no reflog yet for either (git would make
// it), the lock held by another.
bool move_branch(const std::string& git_dir, const std::string& old, const std::string& made, const std::string& why,
                 const Ident& committer);

}  // namespace incident::git
