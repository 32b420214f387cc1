// `incident status publish`: the status page committed as the whole tree of
// a branch of its own (status-page), which GitHub Pages, GitLab Pages or any
// static host serves. Written with git's plumbing through an index of its
// own under .git/incident/: the user's work tree, index and HEAD are never
// touched.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "workspace/workspace.hpp"

namespace incident {

struct PublishOptions {
    std::string branch = "status-page";
    std::string message = "status page";
    std::string actor;  // the committer when git has no identity
    bool push = false;  // then push the branch to the upstream remote
};

struct PublishResult {
    std::string commit;    // the branch's commit afterwards
    bool changed = false;  // a new commit was made
    bool pushed = false;
    std::string remote;
    std::vector<std::string> warnings;  // a push that failed: the commit stays here
};

// Commits `files` (relative path -> content) as the branch's whole tree, on
// top of its last commit; nothing when the tree is the same. Throws
// UsageError for a branch name git refuses or the branch checked out here,
// IoError when git fails.
PublishResult publish_site(const Workspace& ws, const std::map<std::string, std::string>& files,
                           const PublishOptions& opts);

// The marker a public change leaves under .git/incident/ before it
// republishes, removed once published: a run killed between the two leaves
// it, and the next change (or status publish) publishes.
fs::path publish_pending_path(const Repository& repo);

}  // namespace incident
