#include "model/incident.hpp"

#include <algorithm>
#include <array>

#include "model/fields.hpp"

namespace incident {

namespace {

constexpr std::array<std::string_view, 6> kStatusNames = {"open",      "triaged",  "investigating",
                                                          "mitigated", "resolved", "closed"};

}  // namespace

std::string_view to_string(Status s) { return kStatusNames[static_cast<size_t>(s)]; }

std::optional<Status> parse_status(std::string_view text) {
    for (size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames[i] == text) return static_cast<Status>(i);
    return std::nullopt;
}

std::string status_names() {
    std::string s;
    for (auto n : kStatusNames) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

void Event::set(const std::string& key, const std::string& value) { put(key, YamlNode(value)); }

// Written plain: a number in the file and in JSON.
void Event::set(const std::string& key, long long number) { put(key, YamlNode::plain(std::to_string(number))); }

void Event::put(const std::string& key, const YamlNode& value) {
    for (auto& [k, v] : attrs)
        if (k == key) {
            v = value;
            return;
        }
    attrs.emplace_back(key, value);
}

std::string Event::get(const std::string& key) const {
    for (const auto& [k, v] : attrs)
        if (k == key && v.is_scalar()) return v.scalar();
    return {};
}

std::string Incident::role(std::string_view name) const {
    for (const auto& [k, v] : roles)
        if (k == name) return v;
    return {};
}

void Incident::set_role(const std::string& name, const std::string& user) {
    for (auto& [k, v] : roles)
        if (k == name) {
            v = user;
            return;
        }
    roles.emplace_back(name, user);
}

bool Incident::has_tag(std::string_view tag) const { return std::find(tags.begin(), tags.end(), tag) != tags.end(); }

std::string normalise_description(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool is_manual_priority(const Incident& inc) {
    return !inc.priority.empty() && inc.priority_reason.rfind("manual", 0) == 0;
}

std::string manual_priority_reason(const std::string& who) { return "manual: set by " + who; }

const std::vector<std::string>& incident_keys() {
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const auto& f : incident_fields()) out.emplace_back(f.key);
        return out;
    }();
    return keys;
}

}  // namespace incident
