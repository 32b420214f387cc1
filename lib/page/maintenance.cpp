// Reading and writing maintenance windows: every problem of a file located
// (validate shows them all; a command stops at the first).
#include "page/maintenance.hpp"

#include <algorithm>

#include "model/yaml_write.hpp"
#include "oncall/schedule.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

constexpr std::string_view kKeys[] = {"services", "from", "to", "reason", "public", "by", "created_at"};

void known_keys(const YamlNode& root, const std::string& display, Problems& problems) {
    for (const auto& [k, _] : root.entries())
        if (std::find(std::begin(kKeys), std::end(kKeys), k.scalar()) == std::end(kKeys))
            problems.add(
                k, display,
                "unknown key '" + k.scalar() + "' (known: services, from, to, reason, public, by, created_at)");
}

std::vector<std::string> services_of(const YamlNode& root, const std::string& display, Problems& problems) {
    std::vector<std::string> out;
    const YamlNode& n = root["services"];
    if (!n || !n.is_sequence() || n.items().empty()) {
        problems.add(n ? n : root, display, "services: expected a list of services such as [checkout]");
        return out;
    }
    for (std::size_t i = 0; i < n.items().size(); ++i) {
        const YamlNode& s = n.items()[i];
        if (s.is_scalar() && !s.scalar().empty())
            out.push_back(s.scalar());
        else
            problems.add(s, display, "services." + std::to_string(i) + ": expected a service's name");
    }
    return out;
}

// A scalar under `key`; empty when absent or not one (a problem when required).
std::string text_of(const YamlNode& root, std::string_view key, bool required, const std::string& display,
                    Problems& problems) {
    const YamlNode& v = root[key];
    if (!v || v.is_null()) {
        if (required) problems.add(root, display, std::string(key) + ": missing");
        return {};
    }
    if (!v.is_scalar()) {
        problems.add(v, display, std::string(key) + ": expected a string");
        return {};
    }
    return v.scalar();
}

}  // namespace

bool MaintenanceWindow::covers(const std::string& service, Timestamp t) const {
    return from <= t && t < to && std::find(services.begin(), services.end(), service) != services.end();
}

fs::path maintenance_dir(const Repository& repo) { return repo.root / ".incident" / "maintenance"; }
fs::path maintenance_path(const Repository& repo, const std::string& id) {
    return maintenance_dir(repo) / (id + ".yaml");
}
bool is_maintenance_id(std::string_view id) { return is_schedule_key(id); }

MaintenanceWindow parse_maintenance(const YamlNode& root, const std::string& id, const std::string& display,
                                    Problems& problems) {
    MaintenanceWindow w;
    w.id = id;
    w.file = display;
    if (!root.is_map()) {
        problems.add(root, display, "expected a mapping: {services, from, to, reason}");
        return w;
    }
    known_keys(root, display, problems);
    w.services = services_of(root, display, problems);
    for (auto [key, slot] : {std::pair{"from", &w.from}, std::pair{"to", &w.to}}) {
        const std::string text = text_of(root, key, true, display, problems);
        if (text.empty()) continue;
        if (auto t = parse_rfc3339(text))
            *slot = *t;
        else
            problems.add(root[key], display,
                         std::string(key) + ": expected RFC 3339 with an offset, such as 2026-12-24T18:00:00Z");
    }
    if (w.from != Timestamp{} && w.to != Timestamp{} && w.to <= w.from)
        problems.add(root["to"], display, "to: not after from");
    w.reason = text_of(root, "reason", true, display, problems);
    w.public_text = text_of(root, "public", false, display, problems);
    w.by = text_of(root, "by", false, display, problems);
    return w;
}

std::vector<MaintenanceWindow> load_maintenance(const Repository& repo, Problems& problems) {
    std::vector<MaintenanceWindow> out;
    std::vector<std::string> ids;
    try {
        ids = repository_yaml_names(repo, maintenance_dir(repo));
    } catch (const InvalidData& e) {  // the directory leads out of the repository
        problems.add(e.where(), e.detail());
    }
    for (const auto& id : ids) {
        const fs::path p = maintenance_path(repo, id);
        Problems mine;
        try {
            auto doc = load_repository_yaml(repo, p);
            if (!doc) continue;
            MaintenanceWindow w = parse_maintenance(*doc, id, repo.relative(p), mine);
            if (mine.empty()) out.push_back(std::move(w));
        } catch (const InvalidData& e) {
            mine.add(e.where(), e.detail());
        }
        for (const auto& f : mine.findings()) problems.add(f.where, f.message);
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const MaintenanceWindow& a, const MaintenanceWindow& b) { return a.from < b.from; });
    return out;
}

std::optional<MaintenanceWindow> maintenance_for(const std::vector<MaintenanceWindow>& windows,
                                                 const std::string& service, Timestamp t) {
    std::optional<MaintenanceWindow> found;
    for (const auto& w : windows)
        if (w.covers(service, t) && (!found || w.to > found->to)) found = w;
    return found;
}

std::string maintenance_state(const MaintenanceWindow& w, Timestamp t) {
    return t < w.from ? "planned" : t < w.to ? "active" : "past";
}

std::string maintenance_text(const MaintenanceWindow& w, Timestamp created) {
    std::string text =
        "# A maintenance window, written by incident maintenance: incidents of these\n"
        "# services are recorded but page nobody from `from` until `to`.\n";
    YamlNode services = YamlNode::sequence(true);
    for (const auto& s : w.services) services.push_back(YamlNode(s));
    write_entry(text, "services", services, 0);
    write_entry(text, "from", YamlNode(format_rfc3339(w.from)), 0);
    write_entry(text, "to", YamlNode(format_rfc3339(w.to)), 0);
    write_entry(text, "reason", YamlNode(w.reason), 0);
    if (!w.public_text.empty()) write_entry(text, "public", YamlNode(w.public_text), 0);
    if (!w.by.empty()) write_entry(text, "by", YamlNode(w.by), 0);
    write_entry(text, "created_at", YamlNode(format_rfc3339(created)), 0);
    return text;
}

}  // namespace incident
