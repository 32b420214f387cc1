// The three-way merge of one incident file, field by field, behind the git
// merge driver (`incident merge-file`): what two clones did to an incident
// since their common version, combined without a conflict left to a person.
//
//   timeline, tags, related   a set merge: kept when both sides have it or one
//                             side added it, dropped when one side removed it;
//                             events are identified by their whole content
//                             and ordered by time
//   actions                   the same, by content; two sides that added
//                             different items under one number keep both, the
//                             one whose content sorts later renumbered (its
//                             timeline event keeps the number it was added as)
//   roles, unknown keys       key by key, as scalars
//   other scalars             a change on one side is taken; a change on
//                             both is settled by the side whose newest event
//                             the other lacks is later (ties: a fixed order
//                             of the two files' texts)
//   lifecycle                 status, resolution and the opened, acknowledged,
//                             mitigated, resolved and closed times move
//                             together, from one side: the closed one, else
//                             the one that changed them, else the one further
//                             along, else as above (an acknowledgement on the
//                             other side stays)
//
// No event is invented, and the result is read back before it is returned.
#pragma once

#include <string>
#include <string_view>

#include "model/incident.hpp"

namespace incident {

struct MergeOutcome {
    std::string text;     // the merged file; empty when it cannot be merged safely
    std::string problem;  // why not, when text is empty
};

// `base` is empty when both sides added the file. `display` names the file
// in messages. The merged text keeps `ours`'s layout where it can.
MergeOutcome merge_incident_files(std::string_view base, std::string_view ours, std::string_view theirs,
                                  const std::string& display);

// The merge itself, on parsed incidents.
Incident merge_incidents(const Incident& base, const Incident& ours, const Incident& theirs);

}  // namespace incident
