#include "history/history.hpp"

#include <optional>

#include "model/errors.hpp"
#include "model/fields.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

using json = nlohmann::ordered_json;

// The incident's fields as JSON, unknown keys included; nullopt when the text does not read.
std::optional<json> fields_of(const std::string& text, const std::string& path) {
    try {
        Incident inc = incident_from_yaml(load_yaml(text, path), path);
        json j = incident_to_json(inc);
        j.erase("extra");  // each unknown key by its name instead
        for (const auto& x : inc.extra) j[x.key] = yaml_to_json(x.value);
        return j;
    } catch (const InvalidData&) {
        return std::nullopt;
    }
}

std::vector<std::string> changed_fields(const json& before, const json& after) {
    std::vector<std::string> out;
    for (const auto& [key, value] : after.items())
        if (!before.contains(key) || before[key] != value) out.push_back(key);
    for (const auto& [key, _] : before.items())
        if (!after.contains(key)) out.push_back(key);
    return out;
}

}  // namespace

std::vector<IncidentChange> incident_history(const std::string& repo_dir, const std::string& path) {
    std::vector<IncidentChange> out;
    json before = json::object();
    for (const auto& c : git::file_log(repo_dir, path)) {
        IncidentChange change{c, {}};
        std::string text = git::file_at(repo_dir, c.commit, path);
        change.added = before.empty();
        change.removed = text.empty();
        if (!change.removed) {
            if (auto after = fields_of(text, path)) {
                if (change.added) {
                    for (const auto& [key, value] : after->items())
                        if (!value.is_null() && !value.empty() && value != "" && value != false)
                            change.fields.push_back(key);
                } else {
                    change.fields = changed_fields(before, *after);
                }
                before = std::move(*after);
            } else {
                change.unreadable = true;
            }
        } else {
            before = json::object();
        }
        out.push_back(std::move(change));
    }
    return out;
}

}  // namespace incident
