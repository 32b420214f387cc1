#include "drill/drill.hpp"

#include <algorithm>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "sla/sla.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

fs::path scenarios_dir(const Repository& repo) { return repo.root / ".incident" / "scenarios"; }

std::string text_at(const YamlNode& map, const char* key, const std::string& file) {
    const YamlNode& v = map[key];
    if (!v || v.is_null()) return {};
    return scalar_at(v, file, key);
}

Inject inject_from(const YamlNode& n, const std::string& file) {
    if (!n.is_map()) fail_at(n, file, "injects: each inject is a mapping with after and text");
    Inject i;
    auto after = parse_duration(text_at(n, "after", file));
    if (!after) fail_at(n["after"] ? n["after"] : n, file, "injects.after: expected a duration such as 10m or 1h30m");
    i.after = *after;
    i.text = text_at(n, "text", file);
    if (i.text.empty()) fail_at(n, file, "injects.text: missing");
    return i;
}

std::string clock_outcome(const SlaClock& c) {
    if (c.state == ClockState::none) return "none";
    if (c.state == ClockState::met || c.state == ClockState::missed) return std::string(to_string(c.state));
    return c.state == ClockState::breached ? "missed" : "running";
}

}  // namespace

std::vector<std::string> scenario_names(const Repository& repo) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(scenarios_dir(repo), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".yaml") out.push_back(it->path().stem().string());
    std::sort(out.begin(), out.end());
    return out;
}

Scenario load_scenario(const Repository& repo, const std::string& name) {
    if (!is_identifier(swap_chars(name, {{'-', "_"}})))
        throw UsageError("'" + name + "' is not a scenario name (letters, digits, - and _)");
    const fs::path path = scenarios_dir(repo) / (name + ".yaml");
    const std::string display = repo.relative(path);
    auto doc = load_repository_yaml(repo, path);
    if (!doc) {
        auto names = scenario_names(repo);
        throw NotFound("no scenario " + name + " (looked for " + display + ")",
                       names.empty() ? "write one: see man incident-drill" : "scenarios: " + join(names));
    }
    const YamlNode root = std::move(*doc);
    if (!root.is_map()) fail_at(root, display, "a scenario is a mapping (title, injects, ...)");
    Scenario s;
    s.name = name;
    NewIncident& f = s.fields;
    f.title = text_at(root, "title", display);
    if (f.title.empty()) fail_at(root, display, "title: missing");
    for (auto [key, member] : {std::pair{"service", &f.service},
                               {"category", &f.category},
                               {"subcategory", &f.subcategory},
                               {"impact", &f.impact},
                               {"urgency", &f.urgency},
                               {"location", &f.location},
                               {"description", &f.description}})
        *member = text_at(root, key, display);
    const YamlNode& injects = root["injects"];
    if (injects && !injects.is_null()) {
        if (!injects.is_sequence()) fail_at(injects, display, "injects: expected a list");
        for (const auto& n : injects.items()) s.injects.push_back(inject_from(n, display));
    }
    std::stable_sort(s.injects.begin(), s.injects.end(),
                     [](const Inject& a, const Inject& b) { return a.after < b.after; });
    return s;
}

NewIncident drill_draft(const Scenario& s, Timestamp start) {
    NewIncident d = s.fields;
    d.drill = true;
    d.tags.push_back("drill-scenario-" + s.name);
    std::string plan = d.description;
    if (!s.injects.empty()) {
        plan += std::string(plan.empty() ? "" : "\n\n") + "Injects (scenario " + s.name + "):";
        for (const auto& i : s.injects)
            plan += "\n- " + format_rfc3339(start + i.after) + " (+" + format_duration(i.after) + "): " + i.text;
    }
    d.description = plan;
    return d;
}

DrillScore score_drill(const Incident& drill, const Config& config, Timestamp now) {
    DrillScore s;
    s.drill = &drill;
    for (const auto& t : drill.tags)
        if (t.rfind("drill-scenario-", 0) == 0) s.scenario = t.substr(15);
    auto since_open = [&](const std::optional<Timestamp>& t) -> std::optional<Seconds> {
        if (!t || !drill.opened_at) return std::nullopt;
        return std::chrono::duration_cast<Seconds>(*t - *drill.opened_at);
    };
    s.to_acknowledge = since_open(drill.acknowledged_at);
    s.to_resolve = since_open(drill.resolved_at);
    for (const auto& e : drill.timeline)
        if (e.type == "escalated") {
            s.to_escalate = since_open(e.at);
            break;
        }
    SlaStatus sla = sla_status(drill, config, now);
    s.respond = clock_outcome(sla.respond);
    s.resolve = clock_outcome(sla.resolve);
    for (const auto& o : {s.respond, s.resolve}) {
        if (o == "met" || o == "missed") ++s.scored;
        if (o == "met") ++s.met;
    }
    return s;
}

}  // namespace incident
