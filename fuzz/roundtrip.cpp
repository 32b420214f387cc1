// The round trip: an incident file that loads is written and read back as
// the same document; and an incident built in code from arbitrary strings
// (as commands build them from arguments and payloads) is either written so
// that it reads back the same, or refused — never written unreadable.
// A difference is a finding: the target traps.
#include "model/roundtrip.hpp"

#include <algorithm>

#include "fuzz.hpp"
#include "model/incident.hpp"
#include "model/yaml_doc.hpp"

namespace {

using namespace incident;

void check_same(const Incident& wrote) {
    std::string text = incident_to_yaml(wrote);
    Incident back;
    try {
        back = incident_from_yaml(load_yaml(text, "fuzz.yaml"), "fuzz.yaml");
    } catch (const InvalidData&) {
        __builtin_trap();  // written, then unreadable
    }
    if (!first_difference(wrote, back).empty()) __builtin_trap();
}

// Pieces of the input, split at NUL bytes: the strings a command would get.
std::vector<std::string> pieces(const std::string& input) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nul; (nul = input.find('\0', start)) != std::string::npos; start = nul + 1)
        out.push_back(input.substr(start, nul - start));
    out.push_back(input.substr(start));
    return out;
}

void round_trip(const std::string& input) {
    try {
        check_same(incident_from_yaml(load_yaml(input, "fuzz.yaml"), "fuzz.yaml"));
        return;
    } catch (const InvalidData&) {
    }
    auto p = pieces(input);
    for (const auto& s : p)
        if (find_invalid_utf8(s) != std::string::npos) return;  // commands refuse such arguments
    auto at = [&](std::size_t i) { return i < p.size() ? p[i] : std::string("x"); };
    Incident inc;
    inc.id = "INC-1";
    inc.title = at(0).empty() ? "x" : at(0);
    inc.description = normalise_description(at(1));
    inc.service = at(2);
    if (p.size() > 3) inc.tags = {at(3)};
    Event e;
    e.type = "note";
    e.text = at(4);
    e.by = at(5);
    if (p.size() > 6) e.set("from", at(6));
    inc.timeline.push_back(e);
    const auto& known = incident_keys();
    bool unknown = std::find(known.begin(), known.end(), at(7)) == known.end();
    if (p.size() > 8 && unknown && !at(7).empty() && key_fits(at(7)) && key_fits(at(8))) {
        YamlNode nested = YamlNode::mapping();
        nested.set(at(8), YamlNode(at(0)));
        inc.extra.push_back({"title", at(7), nested});
    }
    check_same(inc);
}

}  // namespace

INCIDENT_FUZZ_TARGET(round_trip)
