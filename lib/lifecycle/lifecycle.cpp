#include "lifecycle/lifecycle.hpp"

#include <algorithm>
#include <set>

#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

Event make_event(const Actor& a, std::string type, std::string text) {
    Event e;
    e.at = a.at;
    e.by = a.who;
    e.type = std::move(type);
    e.text = std::move(text);
    return e;
}

namespace {

void require_on_scale(const std::vector<std::string>& scale, const std::string& value, const char* what) {
    if (!value.empty() && Config::rank(scale, value) < 0)
        throw UsageError(std::string(what) + " '" + value + "' is not on the configured scale",
                         "use one of: " + join(scale));
}

// A `deadline` event for each set the rules name that is not attached yet
// (lib/deadlines reads them; rules check names an unknown set).
void attach_rule_deadlines(Incident& inc, const Actor& a, const std::vector<std::string>& sets) {
    for (const auto& set : sets) {
        bool attached = std::any_of(inc.timeline.begin(), inc.timeline.end(),
                                    [&](const Event& e) { return e.type == "deadline" && e.get("set") == set; });
        if (attached) continue;
        Event e = make_event(a, "deadline", set + ", attached by the rules");
        e.set("set", set);
        add_event(inc, std::move(e));
    }
}

void refuse_if_closed(const Incident& inc, const std::string& what) {
    if (inc.status == Status::closed)
        throw TransitionRefused(inc.id + " is closed; it cannot be " + what,
                                "open a follow-up with: incident open --related " + inc.id + " TITLE");
}

void refuse_if_done(const Incident& inc, const std::string& what) {
    refuse_if_closed(inc, what);
    if (inc.status == Status::resolved)
        throw TransitionRefused(inc.id + " is resolved; it cannot be " + what,
                                "reopen it first: incident reopen " + inc.id);
}

// The classification fields given by hand: rules may not overwrite them.
template <typename Fields>
std::set<std::string> given_by_hand(const Fields& f) {
    std::set<std::string> out;
    for (const auto& [name, value] : {std::pair{"impact", &f.impact},
                                      {"urgency", &f.urgency},
                                      {"team", &f.team},
                                      {"tier", &f.tier},
                                      {"category", &f.category},
                                      {"subcategory", &f.subcategory}})
        if (!value->empty()) out.insert(name);
    return out;
}

}  // namespace

Event& add_event(Incident& inc, Event e) {
    if (inc.opened_at && e.at < *inc.opened_at)
        throw UsageError("the event's time " + format_rfc3339(e.at) + " is before " + inc.id + " was opened (" +
                             format_rfc3339(*inc.opened_at) + ")",
                         "events cannot predate the incident; correct opened_at with incident edit " + inc.id);
    auto pos = std::upper_bound(inc.timeline.begin(), inc.timeline.end(), e.at,
                                [](const Timestamp& t, const Event& x) { return t < x.at; });
    return *inc.timeline.insert(pos, std::move(e));
}

Incident open_incident(const std::string& id, const NewIncident& f, const RuleSet& rules, const Actor& a) {
    const Config& cfg = a.config;
    std::vector<std::string> deadlines, runbooks;  // what the rules attach
    if (f.title.empty()) throw UsageError("a title is required");
    require_on_scale(cfg.impact_scale, f.impact, "impact");
    require_on_scale(cfg.urgency_scale, f.urgency, "urgency");
    require_on_scale(cfg.priorities, f.priority, "priority");
    require_on_scale(cfg.tiers, f.tier, "tier");
    if (!f.team.empty() && !cfg.teams.empty() && !cfg.team(f.team))
        throw UsageError("team '" + f.team + "' is not configured",
                         "configured teams are listed under teams: in .incident/config.yaml");
    if (f.detected_at && *f.detected_at > a.at)
        throw UsageError("--detected-at is later than the time the incident is opened");
    if (f.started_at && *f.started_at > (f.detected_at ? *f.detected_at : a.at))
        throw UsageError("--started-at is later than the time the incident was detected or opened");
    Incident inc = f;
    inc.id = id;
    inc.status = Status::open;
    inc.description = normalise_description(f.description);
    if (inc.reporter.empty()) inc.reporter = a.who;
    if (inc.team.empty()) inc.team = cfg.default_team;
    if (inc.tier.empty()) inc.tier = cfg.tiers.front();
    inc.opened_at = a.at;
    inc.acknowledged_at = inc.mitigated_at = inc.resolved_at = inc.closed_at = std::nullopt;
    inc.priority_reason.clear();
    inc.sla_policy.clear();
    inc.escalation_policy.clear();
    inc.resolution.reset();
    inc.actions.clear();
    inc.timeline.clear();
    if (!f.priority.empty()) {
        inc.priority = f.priority;
        inc.priority_reason = manual_priority_reason(a.who);
        // The fields stay as given; what the matching rules attach still comes.
        Incident probe = inc;
        Decision d = decide(probe, rules, cfg, given_by_hand(f));
        runbooks = std::move(d.runbooks);
    } else {
        // The rules and the matrix at once: every incident has a priority,
        // and so its SLA clocks, from the first second.
        Decision d = decide(inc, rules, cfg, given_by_hand(f));
        inc.priority = d.priority;
        inc.priority_reason = d.reason;
        if (!d.sla.empty()) inc.sla_policy = d.sla;
        if (!d.escalation.empty()) inc.escalation_policy = d.escalation;
        deadlines = std::move(d.deadlines);
        runbooks = std::move(d.runbooks);
    }
    Event e = make_event(a, "opened", f.title);
    if (!inc.priority.empty()) e.set("priority", inc.priority);
    add_event(inc, std::move(e));
    attach_rule_deadlines(inc, a, deadlines);
    attach_runbooks(inc, a, runbooks, rules);
    return inc;
}

const Event& triage(Incident& inc, const Classification& c, const RuleSet& rules, const Actor& a, Decision* decision) {
    refuse_if_done(inc, "triaged");
    const Config& cfg = a.config;
    require_on_scale(cfg.impact_scale, c.impact, "impact");
    require_on_scale(cfg.urgency_scale, c.urgency, "urgency");
    require_on_scale(cfg.priorities, c.priority, "priority");
    require_on_scale(cfg.tiers, c.tier, "tier");
    auto apply = [](std::string& field, const std::string& v) {
        if (!v.empty()) field = v;
    };
    apply(inc.category, c.category);
    apply(inc.subcategory, c.subcategory);
    apply(inc.service, c.service);
    apply(inc.impact, c.impact);
    apply(inc.urgency, c.urgency);
    apply(inc.team, c.team);
    apply(inc.tier, c.tier);
    std::string before = inc.priority;
    if (!c.priority.empty()) {
        inc.priority = c.priority;
        inc.priority_reason = manual_priority_reason(a.who);
    }
    Decision d = decide(inc, rules, cfg, given_by_hand(c));
    inc.priority = d.priority;
    inc.priority_reason = d.reason;
    if (!d.sla.empty()) inc.sla_policy = d.sla;
    if (!d.escalation.empty()) inc.escalation_policy = d.escalation;
    if (inc.status == Status::open) inc.status = Status::triaged;
    Event e = make_event(a, "triaged", inc.priority_reason);
    e.set("priority", inc.priority);
    if (!before.empty() && before != inc.priority) e.set("from", before);
    if (!d.fired.empty()) e.set("rules", join(d.fired, ","));
    attach_rule_deadlines(inc, a, d.deadlines);
    attach_runbooks(inc, a, d.runbooks, rules);
    if (decision) *decision = std::move(d);
    return add_event(inc, std::move(e));
}

const Event& acknowledge(Incident& inc, const Actor& a, const std::string& text) {
    refuse_if_done(inc, "acknowledged");
    if (inc.acknowledged_at)
        throw TransitionRefused(inc.id + " was already acknowledged at " + format_rfc3339(*inc.acknowledged_at),
                                "nothing changed; add a note with: incident note " + inc.id + " TEXT");
    inc.acknowledged_at = a.at;
    if (inc.assignee.empty()) inc.assignee = a.who;
    Event e = make_event(a, "acknowledged", text);
    if (inc.status == Status::open || inc.status == Status::triaged) {
        e.set("from", std::string(to_string(inc.status)));
        inc.status = Status::investigating;
        e.set("to", "investigating");
    }
    return add_event(inc, std::move(e));
}

const Event& set_status(Incident& inc, Status to, const Actor& a, const std::string& text) {
    const std::string id = inc.id;
    refuse_if_closed(inc, "changed");
    if (to == inc.status) throw TransitionRefused(id + " is already " + std::string(to_string(to)), "nothing changed");
    switch (to) {
        case Status::resolved:
            throw TransitionRefused("resolving needs a resolution code and summary",
                                    "use: incident resolve " + id + " --code CODE --summary TEXT");
        case Status::closed:
            throw TransitionRefused("closing needs confirmation", "use: incident close " + id + " --confirmed-by USER");
        case Status::open:
            throw TransitionRefused(id + " cannot go back to open", "use --status investigating, or add a note");
        default:
            break;
    }
    if (inc.status == Status::resolved)
        throw TransitionRefused(id + " is resolved", "reopen it with: incident reopen " + id);
    if (to == Status::triaged && inc.status != Status::open)
        throw TransitionRefused(id + " is past triage (" + std::string(to_string(inc.status)) + ")",
                                "re-classify with: incident triage " + id);
    Event e = make_event(a, "status", text);
    e.set("from", std::string(to_string(inc.status)));
    e.set("to", std::string(to_string(to)));
    inc.status = to;
    if (to == Status::mitigated && !inc.mitigated_at) inc.mitigated_at = a.at;
    return add_event(inc, std::move(e));
}

const Event& stakeholder_update(Incident& inc, const Actor& a, const std::string& text) {
    refuse_if_closed(inc, "updated");
    if (text.empty()) throw UsageError("an update needs --message TEXT (or --status)");
    return add_event(inc, make_event(a, "update", text));
}

const Event& add_related(Incident& inc, const Actor& a, const std::vector<std::string>& ids) {
    refuse_if_closed(inc, "linked");
    std::vector<std::string> added;
    for (const auto& id : ids) {
        if (id == inc.id) throw UsageError(inc.id + " cannot be related to itself");
        if (std::find(inc.related.begin(), inc.related.end(), id) == inc.related.end() &&
            std::find(added.begin(), added.end(), id) == added.end())
            added.push_back(id);
    }
    if (added.empty()) throw TransitionRefused(inc.id + " is already related to " + join(ids), "nothing changed");
    inc.related.insert(inc.related.end(), added.begin(), added.end());
    Event e = make_event(a, "related", "related to " + join(added));
    e.set("ids", join(added, ","));
    return add_event(inc, std::move(e));
}

const Event& add_note(Incident& inc, const Actor& a, const std::string& text, bool contact_attempt) {
    if (text.empty() && !contact_attempt) throw UsageError("a note needs text");
    if (contact_attempt && inc.status != Status::resolved)
        throw TransitionRefused(
            "contact attempts confirm a resolution, and " + inc.id + " is " + std::string(to_string(inc.status)),
            "resolve it first: incident resolve " + inc.id + " --code CODE --summary TEXT");
    return add_event(inc, make_event(a, contact_attempt ? "contact_attempt" : "note", text));
}

const Event& assign(Incident& inc, const Actor& a, const std::string& user, const std::string& role) {
    refuse_if_closed(inc, "reassigned");
    if (user.empty()) throw UsageError("assign needs a USER");
    Event e = make_event(a, role.empty() ? "assigned" : "role_handoff");
    std::string previous = role.empty() ? inc.assignee : inc.role(role);
    if (previous == user)
        throw TransitionRefused(
            user + " already holds " + (role.empty() ? "the assignment" : "the " + role + " role") + " on " + inc.id,
            "nothing changed");
    if (!role.empty()) e.set("role", role);
    if (!previous.empty()) e.set("from", previous);
    e.set("to", user);
    if (role.empty())
        inc.assignee = user;
    else
        inc.set_role(role, user);
    return add_event(inc, std::move(e));
}

const Event& escalate_functional(Incident& inc, const Actor& a, const std::string& to_tier, const std::string& to_team,
                                 const std::string& reason, const Attributes& tags) {
    refuse_if_done(inc, "escalated");
    const Config& cfg = a.config;
    std::string tier = to_tier;
    if (tier.empty() && to_team.empty()) {
        int r = Config::rank(cfg.tiers, inc.tier);
        if (r + 1 >= static_cast<int>(cfg.tiers.size()))
            throw TransitionRefused(inc.id + " is already at the top tier (" + inc.tier + ")",
                                    "escalate to a team with --team TEAM, or hierarchically with --hierarchical");
        tier = cfg.tiers[static_cast<size_t>(r + 1)];
    }
    require_on_scale(cfg.tiers, tier, "tier");
    if (!to_team.empty() && !cfg.teams.empty() && !cfg.team(to_team))
        throw UsageError("team '" + to_team + "' is not configured");
    if ((tier.empty() || tier == inc.tier) && (to_team.empty() || to_team == inc.team))
        throw TransitionRefused(inc.id + " is already with " + (tier.empty() ? inc.team : tier), "nothing changed");
    // Back to a lower tier is a de-escalation: its own event, not counted as an escalation.
    const bool down = !tier.empty() && Config::rank(cfg.tiers, tier) < Config::rank(cfg.tiers, inc.tier);
    Event e = make_event(a, down ? "de-escalated" : "escalated", reason);
    e.set("kind", "functional");
    if (!tier.empty() && tier != inc.tier) {
        e.set("from", inc.tier);
        e.set("to", tier);
        inc.tier = tier;
    }
    if (!to_team.empty() && to_team != inc.team) {
        e.set("from_team", inc.team);
        e.set("to_team", to_team);
        inc.team = to_team;
    }
    e.attrs.insert(e.attrs.end(), tags.begin(), tags.end());
    return add_event(inc, std::move(e));
}

const Event& escalate_hierarchical(Incident& inc, const Actor& a, const std::string& reason, const Attributes& tags) {
    refuse_if_done(inc, "escalated");
    const Team* team = a.config.team(inc.team);
    if (!team || team->managers.empty())
        throw TransitionRefused(
            "no manager is configured for team '" + inc.team + "'",
            "add teams." + (inc.team.empty() ? std::string("TEAM") : inc.team) + ".managers to .incident/config.yaml");
    int level = 0;
    for (const auto& e : inc.timeline)
        if (e.type == "escalated" && e.get("kind") == "hierarchical" && e.get("team") == inc.team) ++level;
    if (level >= static_cast<int>(team->managers.size()))
        throw TransitionRefused(inc.id + " has already been escalated to every manager of " + inc.team,
                                "the last was " + team->managers.back());
    Event e = make_event(a, "escalated", reason);
    e.set("kind", "hierarchical");
    e.set("team", inc.team);
    e.set("to", team->managers[static_cast<size_t>(level)]);
    e.set("level", level + 1);
    e.attrs.insert(e.attrs.end(), tags.begin(), tags.end());
    return add_event(inc, std::move(e));
}

const Event& resolve(Incident& inc, const Actor& a, const std::string& code, const std::string& summary) {
    refuse_if_closed(inc, "resolved");
    if (inc.status == Status::resolved)
        throw TransitionRefused(inc.id + " is already resolved (" + (inc.resolution ? inc.resolution->code : "") + ")",
                                "to change the resolution, reopen it first: incident reopen " + inc.id);
    if (code.empty() || summary.empty())
        throw UsageError("resolve needs --code and --summary", "codes: " + join(a.config.resolution_codes));
    if (Config::rank(a.config.resolution_codes, code) < 0)
        throw UsageError("unknown resolution code '" + code + "'", "use one of: " + join(a.config.resolution_codes));
    Event e = make_event(a, "resolved", summary);
    e.set("from", std::string(to_string(inc.status)));
    e.set("to", "resolved");
    e.set("code", code);
    inc.status = Status::resolved;
    inc.resolved_at = a.at;
    if (!inc.mitigated_at) inc.mitigated_at = a.at;
    inc.resolution = Resolution{code, summary, a.who};
    return add_event(inc, std::move(e));
}

const Event& reopen(Incident& inc, const Actor& a, const std::string& reason) {
    if (inc.status == Status::closed)
        throw TransitionRefused(inc.id + " is closed and closed incidents are never reopened",
                                "open a new incident linked to it: incident open --related " + inc.id + " TITLE");
    if (inc.status != Status::resolved)
        throw TransitionRefused(inc.id + " is " + std::string(to_string(inc.status)) + ", not resolved",
                                "only resolved incidents can be reopened");
    Event e = make_event(a, "reopened", reason);
    if (inc.resolution) e.set("previous_code", inc.resolution->code);
    inc.status = Status::investigating;
    inc.resolved_at.reset();
    inc.resolution.reset();
    return add_event(inc, std::move(e));
}

bool postmortem_required_to_close(const Incident& inc, const Config& cfg) {
    return Config::rank(cfg.postmortem_required_to_close, inc.priority) >= 0 && !inc.drill;
}

const Event& close(Incident& inc, const Actor& a, const CloseRequest& req) {
    const Config& cfg = a.config;
    if (inc.status == Status::closed) throw TransitionRefused(inc.id + " is already closed", "nothing changed");
    if (inc.status != Status::resolved)
        throw TransitionRefused(
            inc.id + " is " + std::string(to_string(inc.status)) + "; only resolved incidents can be closed",
            "resolve it first: incident resolve " + inc.id + " --code CODE --summary TEXT");
    int attempts = 0;
    if (inc.resolved_at)
        for (const auto& e : inc.timeline)
            if (e.type == "contact_attempt" && e.at >= *inc.resolved_at) ++attempts;
    if (cfg.close_requires_confirmation && req.confirmed_by.empty() && attempts < cfg.close_contact_attempts)
        throw TransitionRefused(
            inc.id + " needs its resolution confirmed before it is closed (" + std::to_string(attempts) + " of " +
                std::to_string(cfg.close_contact_attempts) + " contact attempts recorded)",
            "pass --confirmed-by USER, or record attempts with: incident note " + inc.id + " --contact-attempt TEXT");
    const bool needs_postmortem = postmortem_required_to_close(inc, cfg);
    if (needs_postmortem && !req.postmortem_exists)
        throw TransitionRefused(inc.id + " is " + inc.priority + " and needs a postmortem before it is closed",
                                "write it with: incident postmortem " + inc.id);
    if (needs_postmortem && !req.postmortem_problems.empty())
        throw TransitionRefused(
            inc.id + " is " + inc.priority +
                " and its postmortem is not complete: " + join(req.postmortem_problems, "; "),
            "finish postmortems/" + inc.id + ".md, then check with: incident postmortem " + inc.id + " --check");
    if (needs_postmortem && req.postmortem_uncommitted)
        throw TransitionRefused(inc.id + " is " + inc.priority + " and postmortems/" + inc.id +
                                    ".md has changes that are not committed: the close is checked against the "
                                    "postmortem the repository holds",
                                "commit it first (git commit -m \"" + inc.id + ": postmortem\" postmortems/" + inc.id +
                                    ".md), then close; or close with --no-commit");
    if (Config::rank(cfg.close_problem_required_for, inc.priority) >= 0 && inc.problem.empty())
        throw TransitionRefused(inc.id + " is " + inc.priority + " and needs a problem record before it is closed",
                                "link one with: incident edit " + inc.id + " (problem: PRB-N)");
    refuse_open_tasks(inc, cfg);
    Event e = make_event(a, "closed", req.text);
    if (!req.confirmed_by.empty())
        e.set("confirmed_by", req.confirmed_by);
    else
        e.set("contact_attempts", attempts);
    inc.status = Status::closed;
    inc.closed_at = a.at;
    return add_event(inc, std::move(e));
}

}  // namespace incident
