// The files `incident validate` reads, in the order it reports them, and
// which of them are incidents or not regular files at all (named, never
// opened).
#pragma once

#include <set>
#include <string>
#include <vector>

#include "store/repository.hpp"

namespace incident {

// The files to validate, in order: `paths` (files, or directories' *.yaml
// and their shards'), or when empty the configuration, rules, rule tests,
// schedules and people, and every incident. Those that are not regular files
// go to `special` too. Throws NotFound for a path that names nothing.
std::vector<std::string> files_to_validate(const Repository& repo, const std::vector<std::string>& paths,
                                           std::set<std::string>& special);

// Which of `files` are incidents, resolving each directory once. Files in an
// incidents directory that leads out of the repository are checked as any
// other file, and refused.
std::vector<char> incident_files(const Repository& repo, const std::vector<std::string>& files);

// Why `p`, which is not a regular file, is not read (it is not opened).
std::string not_read(const fs::path& p);

}  // namespace incident
