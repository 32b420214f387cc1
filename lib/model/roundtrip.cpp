#include "model/roundtrip.hpp"

#include <nlohmann/json.hpp>

#include "model/errors.hpp"
#include "model/layout.hpp"
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

}  // namespace

std::vector<std::string> differences(const Incident& a, const Incident& b) {
    nlohmann::ordered_json ja = incident_to_json(a), jb = incident_to_json(b);
    // Compared as sorted JSON, so that the order of a mapping's keys is not a difference.
    auto differ = [](const nlohmann::ordered_json& x, const nlohmann::ordered_json& y) {
        return nlohmann::json(x) != nlohmann::json(y);
    };
    std::vector<std::string> out;
    for (const auto& [key, value] : ja.items())
        if (key != "extra" && differ(value, jb[key])) out.push_back(key);
    const auto &xa = ja["extra"], &xb = jb["extra"];
    for (const auto& [key, value] : xa.items())
        if (!xb.contains(key) || differ(value, xb[key])) out.push_back(key);
    for (const auto& [key, value] : xb.items())
        if (!xa.contains(key)) out.push_back(key);
    return out;
}

std::string first_difference(const Incident& a, const Incident& b) {
    auto d = differences(a, b);
    return d.empty() ? std::string() : d.front();
}

namespace {

// The hand-written layout of `previous` kept around the change, or empty
// when there is none to keep or it would not read back as `inc`.
std::string with_kept_layout(const Incident& inc, const std::vector<YamlBlock>& after, const std::string& display,
                             std::string_view previous) {
    try {
        YamlNode root = load_yaml(previous, display);
        auto before = incident_yaml_blocks(incident_from_yaml(root, display));
        std::string canonical;
        for (const auto& b : before) canonical += b.text;
        if (canonical == previous) return {};  // written by the tool: nothing to keep
        std::string text = keep_layout(previous, root, before, after);
        if (text.empty() || !first_difference(inc, incident_from_yaml(load_yaml(text, display), display)).empty())
            return {};
        return text;
    } catch (const InvalidData&) {
        return {};  // the old file does not load: it is replaced whole
    }
}

}  // namespace

std::string verified_incident_yaml(const Incident& inc, const std::string& display, std::string_view previous) {
    auto blocks = incident_yaml_blocks(inc);
    if (!previous.empty())
        if (std::string kept = with_kept_layout(inc, blocks, display, previous); !kept.empty()) return kept;
    std::string text;
    for (const auto& b : blocks) text += b.text;
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
