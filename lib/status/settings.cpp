#include "status/settings.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "model/yaml_doc.hpp"

namespace incident {

namespace {

constexpr std::array<std::string_view, 5> kStateNames = {"operational", "under_maintenance", "degraded_performance",
                                                         "partial_outage", "major_outage"};

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

ComponentState state_at(const YamlNode& v, const std::string& file, const std::string& key) {
    auto s = parse_component_state(scalar_at(v, file, key));
    if (!s) fail_at(v, file, key + ": unknown state '" + v.scalar() + "' (known: " + component_state_names() + ")");
    return *s;
}

Component read_component(const YamlNode& n, const std::string& file, const std::string& key) {
    Component c;
    read_settings(
        n, file, key,
        {{"name", [&](const YamlNode& v, const std::string& k) { c.name = scalar_at(v, file, k); }},
         {"description", [&](const YamlNode& v, const std::string& k) { c.description = scalar_at(v, file, k); }},
         {"group", [&](const YamlNode& v, const std::string& k) { c.group = scalar_at(v, file, k); }},
         {"services", [&](const YamlNode& v, const std::string& k) { c.services = strings(v, file, k); }}});
    c.id = slug(c.name);
    if (c.id.empty()) fail_at(n, file, key + ": a component needs a name with a letter or a digit");
    if (c.name.size() > 100) fail_at(n, file, key + ": a component's name is at most 100 characters");
    return c;
}

void read_components(StatusPageSettings& s, const YamlNode& n, const std::string& file, const std::string& key) {
    if (!n.is_sequence()) fail_at(n, file, key + ": expected a list of components");
    for (std::size_t i = 0; i < n.items().size(); ++i) {
        Component c = read_component(n.items()[i], file, key + "." + std::to_string(i));
        if (s.component(c.id) || s.component(c.name))
            fail_at(n.items()[i], file, key + ": two components are called " + c.name);
        s.components.push_back(std::move(c));
    }
}

void read_states(StatusPageSettings& s, const Config& config, const YamlNode& n, const std::string& file,
                 const std::string& key) {
    require_map(n, file, key);
    for (const auto& [k, v] : n.entries()) {
        const std::string& name = k.scalar();
        ComponentState state = state_at(v, file, key + "." + name);
        if (name == "mitigated")
            s.mitigated = state;
        else if (name == "unprioritised")
            s.unprioritised = state;
        else if (Config::rank(config.priorities, name) >= 0)
            s.by_priority[name] = state;
        else
            fail_at(k, file, key + ": unknown key '" + name + "' (a priority, mitigated or unprioritised)");
    }
}

}  // namespace

std::string slug(std::string_view name) {
    std::string id;
    for (char c : lower(name)) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            id += c;
        else if (!id.empty() && id.back() != '-')
            id += '-';
    }
    while (!id.empty() && id.back() == '-') id.pop_back();
    return id;
}

std::string_view to_string(ComponentState s) { return kStateNames[static_cast<std::size_t>(s)]; }

std::optional<ComponentState> parse_component_state(std::string_view text) {
    for (std::size_t i = 0; i < kStateNames.size(); ++i)
        if (kStateNames[i] == text) return static_cast<ComponentState>(i);
    return std::nullopt;
}

std::string component_state_names() {
    std::string out;
    for (auto n : kStateNames) out += (out.empty() ? "" : ", ") + std::string(n);
    return out;
}

const Component* StatusPageSettings::component(std::string_view name) const {
    const std::string wanted = lower(name);
    for (const auto& c : components)
        if (c.id == wanted || lower(c.name) == wanted) return &c;
    return nullptr;
}

StatusPageSettings status_page_settings(const Config& config, const std::string& file) {
    StatusPageSettings s;
    // By default the first priority is a major outage, the second a partial one, the rest degraded.
    for (std::size_t i = 0; i < config.priorities.size(); ++i)
        s.by_priority[config.priorities[i]] = i == 0   ? ComponentState::major_outage
                                              : i == 1 ? ComponentState::partial_outage
                                                       : ComponentState::degraded_performance;
    auto it = config.sections.find("status_page");
    if (it == config.sections.end() || it->second.is_null()) return s;
    const YamlNode& n = it->second;
    read_settings(n, file, "status_page",
                  {{"name",
                    [&](const YamlNode& v, const std::string& k) {
                        s.name = scalar_at(v, file, k);
                        if (s.name.empty() || s.name.size() > 100) fail_at(v, file, k + ": 1 to 100 characters");
                    }},
                   {"url",
                    [&](const YamlNode& v, const std::string& k) {
                        s.url = scalar_at(v, file, k);
                        if (s.url.rfind("https://", 0) != 0 && s.url.rfind("http://", 0) != 0)
                            fail_at(v, file, k + ": an http:// or https:// address");
                        while (s.url.size() > 8 && s.url.back() == '/') s.url.pop_back();
                    }},
                   {"components", [&](const YamlNode& v, const std::string& k) { read_components(s, v, file, k); }},
                   {"states", [&](const YamlNode& v, const std::string& k) { read_states(s, config, v, file, k); }},
                   {"history_days",
                    [&](const YamlNode& v, const std::string& k) {
                        auto d = yaml_integer(v);
                        if (!d || *d < 1 || *d > 3660) fail_at(v, file, k + ": a whole number of days, 1 to 3660");
                        s.history_days = static_cast<int>(*d);
                    }},
                   {"branch",
                    [&](const YamlNode& v, const std::string& k) {
                        s.branch = scalar_at(v, file, k);
                        if (s.branch.empty() || s.branch.front() == '-' || s.branch.find("..") != std::string::npos ||
                            std::any_of(s.branch.begin(), s.branch.end(), [](char c) {
                                return std::isspace(static_cast<unsigned char>(c)) || c == '~' || c == '^' ||
                                       c == ':' || c == '?' || c == '*' || c == '[' || c == '\\';
                            }))
                            fail_at(v, file, k + ": not a branch name git takes");
                    }},
                   {"publish_on_change",
                    [&](const YamlNode& v, const std::string& k) { s.publish_on_change = boolean(v, file, k); }}});
    return s;
}

}  // namespace incident
