// One incident as a person reads it in an export bundle: its facts, people
// and roles, timeline, action items, evidence and resolution.
#pragma once

#include <string>

#include "model/incident.hpp"

namespace incident {

// `note` is a line under the title (what the bundle is, what was left out).
std::string record_markdown(const Incident& inc, const std::string& note);
std::string record_html(const Incident& inc, const std::string& note);

}  // namespace incident
