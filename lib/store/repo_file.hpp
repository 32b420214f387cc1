// One way in for files from the repository (schedules, people, overrides,
// and every file that comes after them): a clone's files are written by
// whoever can push, so a link that leads out of the repository, or anything
// that is not a regular file, is refused with a located error (exit 4) that
// never shows the target's name or content.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "model/yaml_doc.hpp"
#include "store/repository.hpp"

namespace incident {

// The text of `p` (a path below repo.root), or nullopt when there is no such
// file. Throws InvalidData naming `p` as the repository shows it when a link
// on its way leads outside the repository, when it is not a regular file, or
// when it is larger than `max_bytes`; IoError when it cannot be read.
std::optional<std::string> read_repository_file(const Repository& repo, const fs::path& p,
                                                std::size_t max_bytes = YamlLimits{}.max_bytes);

// The same, parsed as one YAML document (located errors).
std::optional<YamlNode> load_repository_yaml(const Repository& repo, const fs::path& p);

// The names of the *.yaml files directly in `dir` (without .yaml, sorted;
// hidden files left out). Empty when `dir` does not exist; InvalidData when
// `dir` itself leads out of the repository.
std::vector<std::string> repository_yaml_names(const Repository& repo, const fs::path& dir);

}  // namespace incident
