// The checks of an incident file a schema cannot express: the id matches
// the file name, timestamps in order and none in the future, the timeline in
// time order, status consistent with timestamps, references exist, values on
// the configured scales. Every finding is located in `display`.
#pragma once

#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "model/time.hpp"
#include "model/yaml_doc.hpp"
#include "rules/rules.hpp"
#include "store/store.hpp"

namespace incident {

void semantic_checks(std::vector<Finding>& out, const Incident& inc, const YamlNode& root, const std::string& display,
                     const std::string& file_id, const Config& cfg, const Store& store, Timestamp now);

}  // namespace incident
