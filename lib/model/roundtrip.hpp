// Writing an incident and reading it back: the check every save makes, so
// the tool never writes a file it cannot read, or reads as something else.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/incident.hpp"

namespace incident {

// Every field (unknown keys by their names) whose value differs between `a`
// and `b`, in the order the tool writes them; empty when they are the same
// document. Mappings compare as mappings: the order of keys is not data.
std::vector<std::string> differences(const Incident& a, const Incident& b);
// The first of them; empty when there is none.
std::string first_difference(const Incident& a, const Incident& b);

// incident_to_yaml(inc), read back before it is returned. What would not
// load again, or would load as something else, throws InvalidData located in
// `display` at the field that breaks.
//
// `previous` is the file's current text, if any: when a person wrote or
// edited it by hand, the fields the change leaves alone keep their lines
// (comments, blank lines) as keep_layout keeps them, provided that text
// reads back as `inc` too; else the file is written as the tool writes it.
std::string verified_incident_yaml(const Incident& inc, const std::string& display, std::string_view previous = {});

}  // namespace incident
