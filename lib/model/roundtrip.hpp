// Writing an incident and reading it back: the check every save makes, so
// the tool never writes a file it cannot read, or reads as something else.
#pragma once

#include <string>

#include "model/incident.hpp"

namespace incident {

// The first field (or unknown key) whose value differs between `a` and `b`;
// empty when they are the same document. Mappings compare as mappings: the
// order of keys is not data.
std::string first_difference(const Incident& a, const Incident& b);

// incident_to_yaml(inc), read back before it is returned. What would not
// load again, or would load as something else, throws InvalidData located in
// `display` at the field that breaks.
std::string verified_incident_yaml(const Incident& inc, const std::string& display);

}  // namespace incident
