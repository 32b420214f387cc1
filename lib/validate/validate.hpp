// `incident validate`: YAML syntax, the JSON Schemas in schemas/ (embedded
// in the binary), and the checks a schema cannot express (ids match file
// names, timestamps in order and none in the future, status consistent with
// timestamps, references exist, values on the configured scales). Every
// finding is located.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/time.hpp"
#include "rules/rules.hpp"
#include "store/repository.hpp"

namespace incident {

// schema file name ("incident.schema.json") -> text
const std::map<std::string, std::string>& embedded_schemas();

// Validates one YAML document against a named embedded schema; findings are
// located in `display`.
std::vector<Finding> check_schema(const YamlNode& doc, const std::string& schema, const std::string& display);

// Validates the given paths (files or directories; empty: the whole
// repository). Paths are relative to the working directory or absolute.
std::vector<Finding> validate_paths(const Repository& repo, const Config& config, const std::vector<std::string>& paths,
                                    Timestamp now);

}  // namespace incident
