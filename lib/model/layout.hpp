// Keeping what a person wrote by hand: when the tool rewrites an incident
// file, the fields it did not change keep their lines as written (comments,
// blank lines, quoting, order), and new timeline events and action items are
// appended below the ones already there.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/incident.hpp"
#include "model/yaml_node.hpp"

namespace incident {

// The new text for a file whose current text is `original` (parsed as
// `root`), where `before` are the blocks the tool would write for what the
// file holds and `after` the blocks for the changed incident. Fields whose
// block is the same in both keep their original lines (and the comments
// above them); a timeline or action list that only grew keeps its lines and
// gets the new items appended; everything else is written as the tool writes
// it, in the tool's order. Empty when the file's layout cannot be kept (it is
// not a block mapping): write `after` as it is. The caller verifies the text.
std::string keep_layout(std::string_view original, const YamlNode& root, const std::vector<YamlBlock>& before,
                        const std::vector<YamlBlock>& after);

}  // namespace incident
