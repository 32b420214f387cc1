// Writes YAML text the way the tool's files look: block mappings at the top,
// events and small mappings on one line ({at: ..., by: ...}), strings plain
// where every YAML reader reads them back as the same string and double-quoted
// with escapes everywhere else.
#pragma once

#include <string>

#include "model/yaml_node.hpp"

namespace incident {

// A string value as written: plain when that reads back as the same string
// (in a flow collection when `flow`), else double-quoted. Text a reader would
// take for a number, a boolean or null ("1.", "yes", "~") is quoted.
std::string yaml_string(const std::string& s, bool flow = false);

// A mapping key as written (plain where it can be, else double-quoted).
std::string yaml_key(const std::string& key, bool flow = false);

// Text a person reads as paragraphs, as the value of a key at `indent`: a
// literal block (|) when it has several lines and a block holds it whole,
// else as yaml_string writes it.
std::string yaml_long_text(const std::string& s, int indent);

// Appends `node` as a one-line value ([a, b], {k: v}, a scalar, null).
void write_flow(std::string& out, const YamlNode& node);

// Appends "KEY: VALUE\n" at `indent`; collections that were written in
// block style (and are not empty) are continued on the following lines.
void write_entry(std::string& out, const std::string& key, const YamlNode& value, int indent);

}  // namespace incident
