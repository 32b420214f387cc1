// What git.cpp, commit.cpp and tree.cpp share (internal to lib/git).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "git/process.hpp"

namespace incident::git {

// `git ARGS` in dir (with GIT_INDEX_FILE=index_file when given); throws
// RepositoryNotTrusted when git refuses the repository as another user's.
ProcessResult git(const std::string& dir, std::vector<std::string> args, const std::string& index_file = {});

// The lines of s.
std::vector<std::string> lines(const std::string& s);

// git's boolean config syntax; nullopt when the value is not a boolean.
std::optional<bool> config_bool(const std::optional<std::string>& value);

}  // namespace incident::git
