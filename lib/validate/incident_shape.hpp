// What schemas/incident.schema.json says of an incident file, checked on the
// YAML tree by walking the field registry: no JSON document is built and no
// general schema engine runs, which made up half of a whole-repository
// `validate`. The verdict is the schema's: a unit test gives both thousands
// of altered files and compares them. The schema stays the contract that
// editors and other tools read; config and rules files are still checked
// against their schemas by valijson.
#pragma once

#include <string>
#include <vector>

#include "model/yaml_node.hpp"
#include "rules/rules.hpp"

namespace incident {

// Every way `root` breaks the incident schema, located in `display`; empty
// when it conforms. Messages name the path ("timeline.1.at: ...").
std::vector<Finding> check_incident_shape(const YamlNode& root, const std::string& display);

}  // namespace incident
