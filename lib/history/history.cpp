#include "history/history.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>

#include "model/errors.hpp"
#include "model/roundtrip.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

std::optional<Incident> read(const std::string& text, const std::string& path) {
    try {
        return incident_from_yaml(load_yaml(text, path), path);
    } catch (const InvalidData&) {
        return std::nullopt;
    }
}

// The fields a new incident sets: those with a value, unknown keys by name.
std::vector<std::string> set_fields(const Incident& inc) {
    std::vector<std::string> out;
    const auto json = incident_to_json(inc);
    for (const auto& [key, value] : json.items())
        if (key != "extra" && !value.is_null() && !value.empty() && value != "" && value != false) out.push_back(key);
    for (const auto& x : inc.extra) out.push_back(x.key);
    return out;
}

// The `by` of the events in `after`'s timeline that `before`'s lacks (all of
// them when there is no `before`), once each, in order.
std::vector<std::string> new_actors(const std::optional<Incident>& before, const Incident& after) {
    using Key = std::tuple<Timestamp, std::string_view, std::string_view, std::string_view>;
    auto key = [](const Event& e) { return Key{e.at, e.by, e.type, e.text}; };
    std::set<Key> known;
    if (before)
        for (const auto& e : before->timeline) known.insert(key(e));
    std::vector<std::string> out;
    for (const auto& e : after.timeline)
        if (!e.by.empty() && !known.count(key(e)) && std::find(out.begin(), out.end(), e.by) == out.end())
            out.push_back(e.by);
    return out;
}

}  // namespace

std::vector<IncidentChange> incident_history(const std::string& repo_dir, const std::string& path) {
    std::vector<IncidentChange> out;
    std::optional<Incident> before;  // the last version that read, while the file exists
    for (const auto& c : git::file_log(repo_dir, path)) {
        IncidentChange change;
        change.commit = c;
        std::string text = git::file_at(repo_dir, c.commit, path);
        change.added = !before;
        change.removed = text.empty();
        if (change.removed) {
            before.reset();
        } else if (auto after = read(text, path)) {
            change.fields = before ? differences(*before, *after) : set_fields(*after);
            change.actors = new_actors(before, *after);
            before = std::move(after);
        } else {
            change.unreadable = true;
        }
        out.push_back(std::move(change));
    }
    return out;
}

}  // namespace incident
