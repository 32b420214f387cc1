// Changing entries of a YAML file that people also edit by hand
// (people.yaml's people, escalation.yaml's policies, rules.yaml's rules)
// without rewriting the rest: every line outside the entries replaced stays
// as it was, comments and all.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "model/yaml_node.hpp"

namespace incident {

struct EntryEdit {
    int index = -1;    // the entry of the collection to replace; -1 appends a new one
    std::string text;  // its lines, written by `render` at the collection's indentation
};

// `text` (parsed as `root`, read from `display`) with the edits made to the
// block collection under the top-level key `parent` (made at the end when
// absent). `render(indent)` gives each edit's text for the indentation the
// file uses (the column of the entries' keys, or of a sequence's dashes).
// Throws InvalidData when the collection is written on one line.
std::string splice_entries(const std::string& text, const YamlNode& root, const std::string& display,
                           const std::string& parent,
                           const std::vector<std::pair<int, std::function<std::string(int indent)>>>& edits);

// The lines of entry `index` of that collection, as splice_entries would
// replace them.
std::string entry_text(const std::string& text, const YamlNode& root, const std::string& display,
                       const std::string& parent, int index);

}  // namespace incident
