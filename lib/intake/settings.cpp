// The `intake:` section of the config, and the generic format it maps.
#include <variant>

#include "intake/intake.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/store.hpp"

namespace incident {

namespace {

// The steps of a path: keys and list indexes. Throws UsageError.
std::vector<std::variant<std::string, std::size_t>> path_steps(const std::string& path) {
    std::vector<std::variant<std::string, std::size_t>> steps;
    std::size_t i = path.rfind("$.", 0) == 0 ? 2 : 0;
    auto refuse = [&] { throw UsageError("'" + path + "' is not a path such as alert.labels.service or items[0]"); };
    while (i < path.size()) {
        if (path[i] == '[') {
            std::size_t end = path.find(']', i);
            if (end == std::string::npos) refuse();
            std::string inner = path.substr(i + 1, end - i - 1);
            if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"')
                steps.emplace_back(inner.substr(1, inner.size() - 2));
            else if (all_digits(inner) && inner.size() < 9)
                steps.emplace_back(static_cast<std::size_t>(std::stoul(inner)));
            else
                refuse();
            i = end + 1;
        } else {
            std::size_t end = path.find_first_of(".[", i);
            if (end == i) refuse();
            steps.emplace_back(path.substr(i, end == std::string::npos ? std::string::npos : end - i));
            i = end == std::string::npos ? path.size() : end;
        }
        if (i < path.size() && path[i] == '.') {
            if (++i == path.size()) refuse();
        }
    }
    if (steps.empty()) refuse();
    return steps;
}

std::string value_text(const nlohmann::json& body, const std::string& path) {
    if (path.empty()) return {};
    const nlohmann::json* v = json_at_path(body, path);
    if (!v || v->is_null()) return {};
    return v->is_string() ? v->get<std::string>() : v->dump();
}

GenericMapping read_mapping(const YamlNode& n, const std::string& file, const std::string& name) {
    GenericMapping m;
    auto path = [&](std::string& field) {
        return [&field, &file](const YamlNode& v, const std::string& key) {
            field = scalar_at(v, file, key);
            try {
                path_steps(field);
            } catch (const UsageError& e) {
                fail_at(v, file, key + ": " + e.what());
            }
        };
    };
    read_settings(n, file, name,
                  {{"alerts", path(m.alerts)},
                   {"title", path(m.title)},
                   {"service", path(m.service)},
                   {"severity", path(m.severity)},
                   {"dedup_key", path(m.dedup_key)},
                   {"status", path(m.status)},
                   {"description", path(m.description)},
                   {"resolved_values",
                    [&](const YamlNode& v, const std::string& key) { m.resolved_values = strings(v, file, key); }}});
    if (m.title.empty()) fail_at(n, file, name + ": a generic source needs a title path");
    return m;
}

void read_severity(IntakeSettings& s, const YamlNode& n, const std::string& file, const Config& cfg) {
    require_map(n, file, "intake.severity");
    s.severity.clear();
    for (const auto& [key, value] : n.entries()) {
        const std::string name = "intake.severity." + key.scalar();
        std::pair<std::string, std::string> iu;
        read_settings(
            value, file, name,
            {{"impact", [&](const YamlNode& v, const std::string& k) { iu.first = scalar_at(v, file, k); }},
             {"urgency", [&](const YamlNode& v, const std::string& k) { iu.second = scalar_at(v, file, k); }}});
        if (!iu.first.empty() && Config::rank(cfg.impact_scale, iu.first) < 0)
            fail_at(value, file, name + ".impact: '" + iu.first + "' is not on the impact scale");
        if (!iu.second.empty() && Config::rank(cfg.urgency_scale, iu.second) < 0)
            fail_at(value, file, name + ".urgency: '" + iu.second + "' is not on the urgency scale");
        s.severity[ascii_lower(key.scalar())] = iu;
    }
}

}  // namespace

const nlohmann::json* json_at_path(const nlohmann::json& j, const std::string& path) {
    const nlohmann::json* at = &j;
    for (const auto& step : path_steps(path)) {
        if (const auto* key = std::get_if<std::string>(&step)) {
            if (!at->is_object()) return nullptr;
            auto it = at->find(*key);
            if (it == at->end()) return nullptr;
            at = &*it;
        } else {
            std::size_t n = std::get<std::size_t>(step);
            if (!at->is_array() || n >= at->size()) return nullptr;
            at = &(*at)[n];
        }
    }
    return at;
}

std::vector<Alert> parse_generic(const nlohmann::json& body, const GenericMapping& m, const std::string& source) {
    std::vector<const nlohmann::json*> items = {&body};
    if (!m.alerts.empty()) {
        const nlohmann::json* list = json_at_path(body, m.alerts);
        if (!list || !list->is_array()) throw InvalidData(Location{source}, m.alerts + ": expected a list of alerts");
        items.clear();
        for (const auto& item : *list) items.push_back(&item);
    }
    std::vector<Alert> out;
    for (const auto* item : items) {
        Alert a;
        a.title = value_text(*item, m.title);
        if (a.title.empty()) throw InvalidData(Location{source}, m.title + ": no title there");
        a.service = value_text(*item, m.service);
        a.severity = ascii_lower(value_text(*item, m.severity));
        a.description = value_text(*item, m.description);
        a.key = value_text(*item, m.dedup_key);
        if (a.key.empty()) a.key = new_uid();
        std::string status = ascii_lower(value_text(*item, m.status));
        for (const auto& r : m.resolved_values)
            if (!status.empty() && status == ascii_lower(r)) a.action = AlertAction::resolve;
        out.push_back(std::move(a));
    }
    return out;
}

IntakeSettings intake_settings(const Config& cfg, const std::string& file) {
    IntakeSettings s;
    auto it = cfg.sections.find("intake");
    if (it == cfg.sections.end() || it->second.is_null()) return s;
    read_settings(
        it->second, file, "intake",
        {{"group_by",
          [&](const YamlNode& v, const std::string& key) {
              std::string g = scalar_at(v, file, key);
              if (g != "group" && g != "alert") fail_at(v, file, key + ": expected group or alert");
              s.per_group = g == "group";
          }},
         {"auto_mitigate", [&](const YamlNode& v, const std::string& key) { s.auto_mitigate = boolean(v, file, key); }},
         {"service_labels",
          [&](const YamlNode& v, const std::string& key) { s.service_labels = strings(v, file, key); }},
         {"severity", [&](const YamlNode& v, const std::string&) { read_severity(s, v, file, cfg); }},
         {"token_env", [&](const YamlNode& v, const std::string& key) { s.token_env = scalar_at(v, file, key); }},
         {"generic", [&](const YamlNode& v, const std::string& key) {
              require_map(v, file, key);
              for (const auto& [name, mapping] : v.entries())
                  s.generic[name.scalar()] = read_mapping(mapping, file, key + "." + name.scalar());
          }}});
    return s;
}

}  // namespace incident
