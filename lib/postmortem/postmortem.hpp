// Postmortem documents: a blameless Markdown stub pre-filled from the
// incident and its timeline. (Templates and regeneration that keeps human
// writing build on this.)
#pragma once

#include "model/incident.hpp"

#include <string>

namespace incident {

std::string render_postmortem(const Incident& inc, Timestamp now);

}  // namespace incident
