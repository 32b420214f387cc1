#include "status/site.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "evidence/evidence.hpp"
#include "index/index.hpp"
#include "store/repo_file.hpp"
#include "template/template.hpp"

namespace incident {

const std::map<std::string, std::string>& embedded_status_templates();

namespace {

using kainjow::mustache::data;
using json = nlohmann::ordered_json;

// HTML and XML escaping, without the control characters neither may hold.
std::string escape(const std::string& s) {
    std::string clean;
    clean.reserve(s.size());
    for (char c : s)
        if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t') clean += c;
    return kainjow::mustache::html_escape(clean);
}

std::string time_text(Timestamp t) {
    std::string s = format_rfc3339(t);  // 2026-12-07T06:30:00Z
    return s.substr(0, 10) + " " + s.substr(11, 5) + " UTC";
}

std::string label(std::string_view name) {
    std::string s(name);
    std::replace(s.begin(), s.end(), '_', ' ');
    if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

std::string impact_label(const std::string& impact) {
    return impact == "critical" ? "Critical impact"
           : impact == "major"  ? "Major impact"
           : impact == "minor"  ? "Minor impact"
                                : "No impact";
}

struct Overall {
    std::string indicator, description;
};

bool is_current(const PublicIncident& p) { return p.status != "resolved"; }

// The page's overall state: the worst component now (an incident's impact
// is the worst it was, not how it is now), and at least minor while a
// public incident is open that touches no component.
Overall overall(const SiteInput& in, const ComponentStates& states) {
    ComponentState worst = ComponentState::operational;
    for (const auto& [c, st] : states) worst = std::max(worst, st);
    std::string impact = impact_of(worst);
    for (const auto& p : in.incidents)
        if (is_current(p) && p.components.empty() && impact == "none") impact = "minor";
    if (impact == "critical") return {"critical", "Major System Outage"};
    if (impact == "major") return {"major", "Partial System Outage"};
    if (impact == "minor") return {"minor", "Minor Service Outage"};
    if (worst == ComponentState::under_maintenance) return {"maintenance", "Service Under Maintenance"};
    return {"none", "All Systems Operational"};
}

// The windows the page shows: public, not yet over.
std::vector<const MaintenanceWindow*> shown_windows(const SiteInput& in) {
    std::vector<const MaintenanceWindow*> out;
    for (const auto& w : in.maintenance)
        if (!w.public_text.empty() && w.to > in.now) out.push_back(&w);
    return out;
}

std::vector<const Component*> window_components(const MaintenanceWindow& w, const StatusPageSettings& s) {
    std::vector<const Component*> out;
    for (const auto& c : s.components)
        for (const auto& svc : w.services)
            if (std::find(c.services.begin(), c.services.end(), svc) != c.services.end()) {
                out.push_back(&c);
                break;
            }
    return out;
}

std::string names(const std::vector<const Component*>& cs) {
    std::string out;
    for (const auto* c : cs) out += (out.empty() ? "" : ", ") + c->name;
    return out;
}

std::string affects(const PublicIncident& p, const StatusPageSettings& s) {
    std::vector<const Component*> cs;
    for (const auto& [id, st] : p.components) cs.push_back(s.component(id));
    return names(cs);
}

// The latest moment anything public changed: the page's updated_at.
std::optional<Timestamp> last_change(const SiteInput& in) {
    std::optional<Timestamp> t;
    for (const auto& p : in.incidents)
        if (!t || p.updated > *t) t = p.updated;
    for (const auto* w : shown_windows(in))
        for (Timestamp m : {w->from, w->to})  // it began, it ended
            if (m <= in.now && (!t || m > *t)) t = m;
    return t;
}

data incident_data(const PublicIncident& p, const StatusPageSettings& s) {
    data d;
    d.set("id", p.id);
    d.set("name", p.name);
    d.set("status_label", label(p.status));
    d.set("impact", p.impact);
    d.set("impact_label", impact_label(p.impact));
    if (auto a = affects(p, s); !a.empty()) d.set("affects", a);
    data updates{data::type::list};
    for (auto it = p.updates.rbegin(); it != p.updates.rend(); ++it) {
        data u;
        u.set("status_label", label(it->status));
        u.set("body", it->body);
        u.set("at", format_rfc3339(it->at));
        u.set("at_text", time_text(it->at));
        updates.push_back(u);
    }
    d.set("updates", updates);
    if (p.resolved) {
        d.set("resolved", format_rfc3339(*p.resolved));
        d.set("resolved_text", time_text(*p.resolved));
    }
    return d;
}

std::string maintenance_status(const MaintenanceWindow& w, Timestamp now) {
    return now < w.from ? "scheduled" : now < w.to ? "in_progress" : "completed";
}

// Components by group, groups in the order they first appear.
data groups_data(const ComponentStates& states) {
    data groups{data::type::list};
    std::vector<std::string> seen;
    for (const auto& [first, st0] : states) {
        if (std::find(seen.begin(), seen.end(), first->group) != seen.end()) continue;
        seen.push_back(first->group);
        data g;
        if (!first->group.empty()) g.set("name", first->group);
        data members{data::type::list};
        for (const auto& [c, st] : states) {
            if (c->group != first->group) continue;
            data m;
            m.set("name", c->name);
            if (!c->description.empty()) m.set("description", c->description);
            m.set("state", std::string(to_string(st)));
            m.set("state_label", label(to_string(st)));
            members.push_back(m);
        }
        g.set("components", members);
        groups.push_back(g);
    }
    return groups;
}

// History: resolved incidents by the day they were resolved, newest first.
data history_data(const SiteInput& in) {
    const StatusPageSettings& s = in.settings;
    std::vector<const PublicIncident*> past;
    for (const auto& p : in.incidents)
        if (!is_current(p) && p.resolved) past.push_back(&p);
    std::stable_sort(past.begin(), past.end(),
                     [](const auto* a, const auto* b) { return *a->resolved > *b->resolved; });
    data history{data::type::list};
    for (std::size_t i = 0; i < past.size();) {
        const std::string day = format_date(*past[i]->resolved);
        data h;
        h.set("date", day);
        h.set("date_text", day);
        data list{data::type::list};
        for (; i < past.size() && format_date(*past[i]->resolved) == day; ++i)
            list.push_back(incident_data(*past[i], s));
        h.set("incidents", list);
        history.push_back(h);
    }
    return history;
}

data page_data(const SiteInput& in, const ComponentStates& states) {
    const StatusPageSettings& s = in.settings;
    data d;
    d.set("page_name", s.name);
    const Overall o = overall(in, states);
    d.set("overall_indicator", o.indicator);
    d.set("overall_description", o.description);
    data cur{data::type::list};
    for (const auto& p : in.incidents)
        if (is_current(p)) cur.push_back(incident_data(p, s));
    d.set("current", cur);
    if (std::any_of(in.incidents.begin(), in.incidents.end(), is_current)) d.set("has_current", true);
    data windows{data::type::list};
    for (const auto* w : shown_windows(in)) {
        data m;
        m.set("name", w->public_text);
        m.set("status_label", label(maintenance_status(*w, in.now)));
        m.set("from", format_rfc3339(w->from));
        m.set("from_text", time_text(w->from));
        m.set("to", format_rfc3339(w->to));
        m.set("to_text", time_text(w->to));
        if (auto a = names(window_components(*w, s)); !a.empty()) m.set("affects", a);
        windows.push_back(m);
    }
    if (!shown_windows(in).empty()) d.set("has_maintenance", true);
    d.set("maintenance", windows);
    d.set("groups", groups_data(states));
    d.set("history", history_data(in));
    d.set("history_days", std::to_string(s.history_days));
    if (auto t = last_change(in)) {
        d.set("updated", format_rfc3339(*t));
        d.set("updated_text", time_text(*t));
    }
    return d;
}

std::string render(const SiteInput& in, const std::string& name, const data& d) {
    auto it = in.templates.find(name);
    if (it == in.templates.end()) it = builtin_site_templates().find(name);
    return render_template(it->second, d, escape, name);
}

// A feed or entry id that stays the same wherever the page is served from:
// the page's address when it has one, else a name-based UUID.
std::string feed_id(const StatusPageSettings& s, const std::string& what) {
    if (!s.url.empty()) return s.url + "/history.atom" + (what.empty() ? "" : "#" + what);
    std::string h = sha256_hex(s.name + "\n" + what).substr(0, 32);
    h[12] = '8';
    h[16] = "89ab"[(h[16] >= 'a' ? h[16] - 'a' + 10 : h[16] - '0') & 3];
    return "urn:uuid:" + h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" +
           h.substr(20);
}

std::string atom(const SiteInput& in) {
    const StatusPageSettings& s = in.settings;
    struct Entry {
        const PublicIncident* incident;
        const PublicUpdate* update;
    };
    std::vector<Entry> entries;
    for (const auto& p : in.incidents)  // newest first where two have the same time
        for (auto u = p.updates.rbegin(); u != p.updates.rend(); ++u) entries.push_back({&p, &*u});
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.update->at > b.update->at; });
    data d;
    d.set("page_name", s.name);
    d.set("feed_id", feed_id(s, ""));
    d.set("base", s.url.empty() ? std::string() : s.url + "/");
    if (!s.url.empty()) d.set("self", s.url + "/history.atom");
    auto updated = last_change(in);
    d.set("updated", format_rfc3339(updated ? *updated : in.now));
    data list{data::type::list};
    for (const auto& e : entries) {
        data x;
        x.set("id", feed_id(s, e.update->id));
        x.set("title", e.incident->name + " (" + label(e.update->status) + ")");
        x.set("at", format_rfc3339(e.update->at));
        x.set("incident", e.incident->id);
        x.set("body", e.update->body);
        list.push_back(x);
    }
    d.set("entries", list);
    return render(in, "history.atom", d);
}

json or_null(const std::optional<Timestamp>& t) { return t ? json(format_rfc3339(*t)) : json(nullptr); }

std::string page_id(const StatusPageSettings& s) {
    std::string id;
    for (char c : s.name)
        if (std::isalnum(static_cast<unsigned char>(c)))
            id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return id.empty() ? "status" : id;
}

std::string link(const StatusPageSettings& s, const std::string& path) {
    return s.url.empty() ? path : s.url + "/" + path;
}

json component_json(const StatusPageSettings& s, const Component& c, ComponentState st, int position,
                    const json& updated) {
    return {{"id", c.id},
            {"name", c.name},
            {"status", to_string(st)},
            {"created_at", updated},
            {"updated_at", updated},
            {"position", position},
            {"description", c.description.empty() ? json(nullptr) : json(c.description)},
            {"showcase", true},
            {"start_date", nullptr},
            {"group_id", c.group.empty() ? json(nullptr) : json("group-" + slug(c.group))},
            {"page_id", page_id(s)},
            {"group", false},
            {"only_show_if_degraded", false}};
}

json incident_json(const StatusPageSettings& s, const PublicIncident& p) {
    json updates = json::array();
    for (auto it = p.updates.rbegin(); it != p.updates.rend(); ++it)
        updates.push_back({{"id", it->id},
                           {"status", it->status},
                           {"body", it->body},
                           {"incident_id", p.id},
                           {"created_at", format_rfc3339(it->at)},
                           {"updated_at", format_rfc3339(it->at)},
                           {"display_at", format_rfc3339(it->at)},
                           {"affected_components", nullptr}});
    json components = json::array();
    int position = 0;
    for (const auto& [id, st] : p.components)
        components.push_back(component_json(s, *s.component(id), st, ++position, format_rfc3339(p.updated)));
    return {{"id", p.id},
            {"name", p.name},
            {"status", p.status},
            {"created_at", format_rfc3339(p.created)},
            {"updated_at", format_rfc3339(p.updated)},
            {"monitoring_at", or_null(p.monitoring)},
            {"resolved_at", or_null(p.resolved)},
            {"impact", p.impact},
            {"shortlink", link(s, "incidents/" + p.id + ".html")},
            {"started_at", format_rfc3339(p.created)},
            {"page_id", page_id(s)},
            {"incident_updates", updates},
            {"components", components}};
}

json maintenance_json(const SiteInput& in, const MaintenanceWindow& w) {
    const StatusPageSettings& s = in.settings;
    const std::string status = maintenance_status(w, in.now);
    json components = json::array();
    int position = 0;
    for (const auto* c : window_components(w, s))
        components.push_back(component_json(
            s, *c, status == "in_progress" ? ComponentState::under_maintenance : ComponentState::operational,
            ++position, format_rfc3339(w.from)));
    const std::string id = "maintenance-" + w.id;
    return {{"id", id},
            {"name", w.public_text},
            {"status", status},
            {"created_at", format_rfc3339(w.from)},
            {"updated_at", format_rfc3339(w.from)},
            {"monitoring_at", nullptr},
            {"resolved_at", nullptr},
            {"impact", "maintenance"},
            {"shortlink", link(s, "index.html#maintenance")},
            {"started_at", format_rfc3339(w.from)},
            {"page_id", page_id(s)},
            {"incident_updates", json::array({{{"id", id + "-1"},
                                               {"status", "scheduled"},
                                               {"body", w.public_text},
                                               {"incident_id", id},
                                               {"created_at", format_rfc3339(w.from)},
                                               {"updated_at", format_rfc3339(w.from)},
                                               {"display_at", format_rfc3339(w.from)},
                                               {"affected_components", nullptr}}})},
            {"components", components},
            {"scheduled_for", format_rfc3339(w.from)},
            {"scheduled_until", format_rfc3339(w.to)}};
}

// summary.json and status.json.
std::pair<std::string, std::string> statuspage_json(const SiteInput& in, const ComponentStates& states) {
    const StatusPageSettings& s = in.settings;
    auto updated = last_change(in);
    const json when = or_null(updated);
    const Overall o = overall(in, states);
    json page = {{"id", page_id(s)},
                 {"name", s.name},
                 {"url", s.url.empty() ? json(nullptr) : json(s.url)},
                 {"time_zone", "Etc/UTC"},
                 {"updated_at", when}};
    json status = {{"indicator", o.indicator}, {"description", o.description}};
    json components = json::array();
    int position = 0;
    std::vector<std::string> groups;
    for (const auto& [c, st] : states) {
        if (!c->group.empty() && std::find(groups.begin(), groups.end(), c->group) == groups.end()) {
            groups.push_back(c->group);
            json members = json::array();
            ComponentState group_state = ComponentState::operational;
            for (const auto& [m, mst] : states)
                if (m->group == c->group) {
                    members.push_back(m->id);
                    group_state = std::max(group_state, mst);
                }
            Component g;
            g.id = "group-" + slug(c->group);
            g.name = c->group;
            json gj = component_json(s, g, group_state, ++position, when);
            gj["group"] = true;
            gj["components"] = members;
            components.push_back(gj);
        }
        components.push_back(component_json(s, *c, st, ++position, when));
    }
    json incidents = json::array();
    for (const auto& p : in.incidents)
        if (is_current(p)) incidents.push_back(incident_json(s, p));
    json maintenances = json::array();
    for (const auto* w : shown_windows(in)) maintenances.push_back(maintenance_json(in, *w));
    json summary = {{"page", page},
                    {"status", status},
                    {"components", components},
                    {"incidents", incidents},
                    {"scheduled_maintenances", maintenances}};
    json st = {{"page", page}, {"status", status}};
    return {summary.dump(2) + "\n", st.dump(2) + "\n"};
}

}  // namespace

const SiteTemplates& builtin_site_templates() { return embedded_status_templates(); }

ComponentStates component_states(const SiteInput& in) {
    ComponentStates out;
    for (const auto& c : in.settings.components) {
        ComponentState st = ComponentState::operational;
        for (const auto& p : in.incidents)
            if (is_current(p))
                for (const auto& [id, ps] : p.components)
                    if (id == c.id) st = std::max(st, ps);
        if (st == ComponentState::operational)
            for (const auto* w : shown_windows(in))
                if (w->from <= in.now && in.now < w->to) {
                    auto cs = window_components(*w, in.settings);
                    if (std::find(cs.begin(), cs.end(), &c) != cs.end()) st = ComponentState::under_maintenance;
                }
        out.emplace_back(&c, st);
    }
    return out;
}

std::map<std::string, std::string> render_site(const SiteInput& in) {
    const auto states = component_states(in);
    std::map<std::string, std::string> files;
    data page = page_data(in, states);
    files["index.html"] = render(in, "index.html", page);
    for (const auto& p : in.incidents) {
        data d = incident_data(p, in.settings);
        d.set("page_name", in.settings.name);
        files["incidents/" + p.id + ".html"] = render(in, "incident.html", d);
    }
    files["history.atom"] = atom(in);
    files["style.css"] = render(in, "style.css", data{});
    auto [summary, status] = statuspage_json(in, states);
    files["api/v2/summary.json"] = summary;
    files["api/v2/status.json"] = status;
    return files;
}

SiteInput load_site_input(const Workspace& ws, Timestamp now) {
    SiteInput in;
    in.settings = status_page_settings(ws.config, ".incident/config.yaml");
    const StatusPageSettings& settings = in.settings;
    in.now = now;
    const Timestamp cutoff = std::chrono::floor<std::chrono::days>(now) - std::chrono::days(settings.history_days);
    Index index = load_index(ws.store, ws.config, now);
    for (const auto& s : index.incidents) {
        if (!s.published) continue;
        const bool done = s.status == Status::resolved || s.status == Status::closed;
        auto ended = s.times.resolved ? s.times.resolved : s.times.closed;
        if (done && ended && *ended < cutoff) continue;
        if (auto p = public_view(ws.store.load(std::string(s.id)), settings)) in.incidents.push_back(std::move(*p));
    }
    Problems problems;
    in.maintenance = load_maintenance(ws.repo, problems);
    problems.throw_if_any();
    const fs::path dir = ws.templates_dir() / "status";
    for (const auto& [name, text] : builtin_site_templates())
        if (auto own = read_repository_file(ws.repo, dir / name)) in.templates[name] = *own;
    return in;
}

}  // namespace incident
