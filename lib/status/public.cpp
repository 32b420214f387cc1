#include "status/public.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "model/errors.hpp"

namespace incident {

namespace {

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool open_status(Status s) { return s != Status::resolved && s != Status::closed; }

// The public status an update gets when none is given: what the incident's own status says.
std::string status_for(Status s) {
    switch (s) {
        case Status::mitigated:
            return "monitoring";
        case Status::resolved:
        case Status::closed:
            return "resolved";
        default:
            return "investigating";
    }
}

bool marked_public(const Event& e) { return e.type == "update" && e.get("public") == "true"; }

// The state `inc` puts each component in while it is open, by its priority
// and status, before any set by hand.
ComponentState automatic_state(const std::string& priority, bool mitigated, const StatusPageSettings& s) {
    if (mitigated) return s.mitigated;
    auto it = s.by_priority.find(priority);
    return it == s.by_priority.end() ? s.unprioritised : it->second;
}

}  // namespace

const std::vector<std::string>& public_statuses() {
    static const std::vector<std::string> names = {"investigating", "identified", "monitoring", "resolved"};
    return names;
}

bool is_public_event(const Event& e) { return marked_public(e) || e.type == "component"; }

void add_public_events(Incident& inc, const Actor& actor, const PublicChange& change,
                       const StatusPageSettings& settings) {
    if (change.empty()) return;
    if (inc.status == Status::closed)
        throw TransitionRefused(inc.id + " is closed; nothing more is published about it",
                                "open a follow-up with: incident open --related " + inc.id + " TITLE");
    const auto& statuses = public_statuses();
    if (!change.status.empty() && std::find(statuses.begin(), statuses.end(), change.status) == statuses.end())
        throw UsageError("--public-status: unknown status '" + change.status + "'",
                         "use one of: investigating, identified, monitoring, resolved");
    std::vector<Event> components;
    for (const auto& [name, state] : change.components) {
        const Component* c = settings.component(name);
        if (!c) {
            std::string known;
            for (const auto& k : settings.components) known += (known.empty() ? "" : ", ") + k.name;
            throw UsageError(
                "--component: no component '" + name + "' in status_page.components",
                known.empty() ? "add one to .incident/config.yaml (status_page: components:)" : "use one of: " + known);
        }
        if (state != "auto" && !parse_component_state(state))
            throw UsageError("--component " + name + ": unknown state '" + state + "'",
                             "use one of: " + component_state_names() + ", or auto (follow the incident)");
        Event e = make_event(actor, "component", c->name + ": " + state);
        e.set("component", c->id);
        e.set("state", state);
        components.push_back(std::move(e));
    }
    if (!change.title.empty() || !change.message.empty()) {
        Event e = make_event(actor, "update", change.message);
        e.attrs.emplace_back("public", YamlNode::plain("true"));
        if (!change.title.empty()) e.set("public_title", change.title);
        e.set("public_status", change.status.empty() ? status_for(inc.status) : change.status);
        add_event(inc, std::move(e));
    }
    for (auto& e : components) add_event(inc, std::move(e));
}

std::string impact_of(ComponentState worst) {
    switch (worst) {
        case ComponentState::major_outage:
            return "critical";
        case ComponentState::partial_outage:
            return "major";
        case ComponentState::degraded_performance:
            return "minor";
        default:
            return "none";
    }
}

// The components `inc` touches, with their states now, into p.components;
// returns the impact's state: the worst it was, by priority (not the
// milder state while mitigated) and by hand, whatever they show now.
static ComponentState place_components(PublicIncident& p, const Incident& inc, const StatusPageSettings& settings,
                                       const std::map<std::string, std::string>& by_hand,
                                       const std::map<std::string, ComponentState>& hand_peak, bool open) {
    ComponentState worst = ComponentState::operational;
    for (const auto& c : settings.components) {
        const bool mapped =
            !inc.service.empty() && std::find(c.services.begin(), c.services.end(), inc.service) != c.services.end();
        auto hand = by_hand.find(c.id);
        std::optional<ComponentState> state;
        if (hand != by_hand.end() && hand->second != "auto")
            state = parse_component_state(hand->second);
        else if (mapped)
            state = automatic_state(inc.priority, inc.status == Status::mitigated, settings);
        if (!state) continue;
        if (mapped) worst = std::max(worst, automatic_state(inc.priority, false, settings));
        if (auto peak = hand_peak.find(c.id); peak != hand_peak.end()) worst = std::max(worst, peak->second);
        worst = std::max(worst, *state);
        if (!open) state = ComponentState::operational;
        p.components.emplace_back(c.id, *state);
    }
    return worst;
}

std::optional<PublicIncident> public_view(const Incident& inc, const StatusPageSettings& settings) {
    PublicIncident p;
    p.id = lower(inc.id);
    std::map<std::string, std::string> by_hand;       // component id -> state or "auto"
    std::map<std::string, ComponentState> hand_peak;  // the worst state set by hand

    std::string last_status;
    bool any = false;
    for (const Event& e : inc.timeline) {
        if (!is_public_event(e)) continue;
        if (!any) p.created = e.at;
        any = true;
        p.updated = e.at;
        if (e.type == "component") {
            by_hand[e.get("component")] = e.get("state");
            if (auto st = parse_component_state(e.get("state")))
                hand_peak[e.get("component")] = std::max(hand_peak[e.get("component")], *st);
            continue;
        }
        if (auto t = e.get("public_title"); !t.empty()) p.name = t;
        std::string status = e.get("public_status");
        if (std::find(public_statuses().begin(), public_statuses().end(), status) == public_statuses().end())
            status = "investigating";
        last_status = status;
        if (status == "monitoring" && !p.monitoring) p.monitoring = e.at;
        if (!e.text.empty())
            p.updates.push_back({p.id + "-" + std::to_string(p.updates.size() + 1), e.at, status, e.text});
    }
    if (!any) return std::nullopt;
    const bool open = open_status(inc.status);
    if (!open) {
        p.status = "resolved";
        p.resolved = inc.resolved_at ? inc.resolved_at : inc.closed_at;
        if (p.resolved && *p.resolved > p.updated) p.updated = *p.resolved;
    } else {
        p.status = last_status.empty() || last_status == "resolved" ? "investigating" : last_status;
    }
    const ComponentState worst = place_components(p, inc, settings, by_hand, hand_peak, open);
    if (p.name.empty()) {
        std::string names;
        for (const auto& [id, s] : p.components) names += (names.empty() ? "" : ", ") + settings.component(id)->name;
        p.name = names.empty() ? "Service disruption" : "Service disruption: " + names;
    }
    p.impact = impact_of(worst);
    return p;
}

}  // namespace incident
