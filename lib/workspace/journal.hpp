// The journal of a change (.git/incident/pending-commit.json): what a
// change writes and how it is to be committed, written before the first file
// and removed after the commit, so the next command completes a change a
// kill interrupted. Internal to the workspace.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "workspace/workspace.hpp"

namespace incident {

struct Journal {
    std::string message, actor;
    std::vector<std::string> paths;
};

void write_journal(const Workspace& ws, const Journal& j);
void clear_journal(const Workspace& ws);
// The journal left on disk, if any. One that cannot be read is removed with
// a warning.
std::optional<Journal> read_journal(const Workspace& ws, std::vector<std::string>& warnings);
// The paths (relative to the root) to commit: those that exist, and those
// git tracks that are gone (a removal). A change killed before its first
// write has nothing to commit.
std::vector<std::string> existing(const Workspace& ws, const std::vector<std::string>& paths);
std::string path_list(const std::vector<std::string>& paths);

}  // namespace incident
