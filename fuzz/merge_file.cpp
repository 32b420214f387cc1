// The merge driver: three incident files (split at NUL bytes: the common
// version, ours, theirs) are merged or refused with a reason, never crash;
// a merged text always reads back as an incident.
#include "fuzz.hpp"
#include "merge/merge.hpp"
#include "model/yaml_doc.hpp"

namespace {

using namespace incident;

void merge(const std::string& input) {
    std::string part[3];
    std::size_t start = 0;
    for (int i = 0; i < 3; ++i) {
        std::size_t nul = i < 2 ? input.find('\0', start) : std::string::npos;
        part[i] = input.substr(start, nul == std::string::npos ? std::string::npos : nul - start);
        if (nul == std::string::npos) break;
        start = nul + 1;
    }
    MergeOutcome m = merge_incident_files(part[0], part[1], part[2], "fuzz.yaml");
    if (m.text.empty() == m.problem.empty()) __builtin_trap();  // exactly one of the two
    if (!m.text.empty()) {
        try {
            incident_from_yaml(load_yaml(m.text, "fuzz.yaml"), "fuzz.yaml");
        } catch (const InvalidData&) {
            __builtin_trap();  // merged, then unreadable
        }
    }
}

}  // namespace

INCIDENT_FUZZ_TARGET(merge)
