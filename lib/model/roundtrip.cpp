#include "model/roundtrip.hpp"

#include <nlohmann/json.hpp>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

// The line of `text` where top-level `key` is written (1 when not found).
int line_of_key(const std::string& text, const std::string& key) {
    int line = 1;
    for (std::size_t at = 0; at < text.size(); ++line) {
        if (text.compare(at, key.size() + 1, key + ":") == 0) return line;
        at = text.find('\n', at);
        if (at == std::string::npos) break;
        ++at;
    }
    return 1;
}

// JSON with sorted keys: equal when the documents are.
nlohmann::json comparable(const Incident& inc) { return nlohmann::json(incident_to_json(inc)); }

}  // namespace

std::string first_difference(const Incident& a, const Incident& b) {
    nlohmann::json ja = comparable(a), jb = comparable(b);
    if (ja == jb) return {};
    for (const auto& [key, value] : ja.items()) {
        if (jb.contains(key) && jb[key] == value) continue;
        if (key == "extra" && jb.contains(key))
            for (const auto& [extra, v] : value.items())
                if (!jb[key].contains(extra) || jb[key][extra] != v) return extra;
        return key;
    }
    for (const auto& [key, value] : jb["extra"].items())
        if (!ja["extra"].contains(key)) return key;
    return "the document";
}

std::string verified_incident_yaml(const Incident& inc, const std::string& display) {
    std::string text = incident_to_yaml(inc);
    auto refuse = [&](const Location& where, const std::string& why) {
        throw InvalidData(where, "the change cannot be saved: " + why + " (nothing was written)");
    };
    Incident back;
    try {
        back = incident_from_yaml(load_yaml(text, display), display);
    } catch (const InvalidData& e) {
        refuse(e.where(), "the file would not read back: " + e.detail());
    }
    std::string key = first_difference(inc, back);
    if (!key.empty())
        refuse(Location{display, line_of_key(text, key), 1}, key + " would not read back as it was written");
    return text;
}

}  // namespace incident
