// validate's part for the on-call files: people.yaml, the schedules in
// .incident/oncall/ and their override files, escalation.yaml,
// heartbeats.yaml, each against its schema and then read as the commands
// read it, every problem located.
#pragma once

#include <string>
#include <vector>

#include "model/yaml_node.hpp"
#include "rules/rules.hpp"
#include "store/repository.hpp"

namespace incident {

enum class OncallFile { none, people, schedule, override_file, escalation, maintenance, heartbeats };

// What `p` (resolved inside the repository) is among the on-call files.
OncallFile oncall_file_kind(const Repository& repo, const fs::path& canonical);

// Every on-call file of the repository, in order: people, schedules, overrides, escalation policies,
// maintenance windows.
std::vector<std::string> oncall_files(const Repository& repo);

// Every problem of an on-call file at `p` (resolved inside the repository):
// the reader's, which gathers them all in words about the file, and the
// schema's where the reader found nothing at the same place.
void check_oncall_file(std::vector<Finding>& out, const Repository& repo, const Config& config, const fs::path& p,
                       const YamlNode& root, const std::string& display);

}  // namespace incident
