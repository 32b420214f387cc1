// Evaluating rules: conditions with their explanation, actions, the matrix
// as the default rule, floors and ceilings.
#include <algorithm>
#include <cctype>

#include "deadlines/deadlines.hpp"
#include "model/fields.hpp"
#include "model/text.hpp"
#include "rules/rules.hpp"

namespace incident {

namespace {

struct Outcome {
    bool ok;
    std::string why;
};

// The ordered scale a field lives on, if any (most severe first).
std::optional<double> number(const std::string& s) {
    try {
        size_t used = 0;
        double d = std::stod(s, &used);
        if (used == s.size()) return d;
    } catch (...) {
    }
    return std::nullopt;
}

// "a < b" on a scale means "a is more severe than b": P1 < P2.
Outcome compare(const Condition& c, const std::string& value, const Config& cfg) {
    const std::string& operand = c.values.at(0);
    double a = 0, b = 0;
    if (const auto* scale = cfg.scale(c.field)) {
        int ra = Config::rank(*scale, value), rb = Config::rank(*scale, operand);
        if (ra < 0 || rb < 0) return {false, c.field + "=" + value + " not comparable with " + operand};
        a = ra;
        b = rb;
    } else {
        auto na = number(value), nb = number(operand);
        if (!na || !nb) return {false, c.field + "=" + value + " is not a number"};
        a = *na;
        b = *nb;
    }
    bool ok = c.op == "<" ? a < b : c.op == "<=" ? a <= b : c.op == ">" ? a > b : a >= b;
    return {ok, c.field + "=" + value + (ok ? " " : " not ") + c.op + " " + operand};
}

// A comparison of one field: exists, equals, in, matches, contains, or an order.
// `negated`: under a `not`, where the value a rule "wanted" is the one it does not.
Outcome eval_comparison(const Condition& c, const Incident& inc, const Config& cfg, bool negated) {
    auto value = field_value(inc, c.field);
    if (c.op == "exists") {
        bool want = c.values.at(0) == "true" || c.values.at(0) == "yes";
        bool ok = value.has_value() == want;
        return {ok, c.field + (value ? " is set" : " is unset")};
    }
    if (!value) return {false, c.field + " is unset"};
    if (c.op == "equals") {
        bool ok = c.field == "tags" ? inc.has_tag(c.values.at(0)) : *value == c.values.at(0);
        return {ok, c.field + "=" + *value + (ok ? "" : (negated ? " (not " : " (wanted ") + c.values.at(0) + ")")};
    }
    if (c.op == "in") {
        bool ok = std::find(c.values.begin(), c.values.end(), *value) != c.values.end();
        return {ok, c.field + "=" + *value + (ok ? " in list" : " not in list")};
    }
    if (c.op == "matches") {
        // RE2 is linear in the text; the bound keeps a pasted log in a description from
        // making every triage slow all the same.
        constexpr std::size_t kMatchedBytes = 64 * 1024;
        bool ok = RE2::PartialMatch(std::string_view(*value).substr(0, kMatchedBytes), *c.re);
        return {ok, c.field + (ok ? " matches /" : " does not match /") + c.values.at(0) + "/"};
    }
    if (c.op == "contains") {
        bool ok = ascii_lower(*value).find(c.values.at(0)) != std::string::npos;
        return {ok, c.field + (ok ? " contains '" : " lacks '") + c.values.at(0) + "'"};
    }
    return compare(c, *value, cfg);
}

// Each outcome's `why` says what the incident is ("tag x absent",
// "service=api"), whichever way the condition went, so a `not` gives its
// condition's reason unchanged: "tag x absent" is why {not: {tag: x}}
// matched ("not (tag x absent)" reads as the opposite).
Outcome eval(const Condition& c, const Incident& inc, const Config& cfg, bool negated = false) {
    using K = Condition::Kind;
    switch (c.kind) {
        case K::all: {
            std::string why;
            for (const auto& child : c.children) {
                auto o = eval(child, inc, cfg, negated);
                if (!o.ok) return o;
                why += (why.empty() ? "" : ", ") + o.why;
            }
            return {true, why.empty() ? "always" : why};
        }
        case K::any: {
            std::string why;
            for (const auto& child : c.children) {
                auto o = eval(child, inc, cfg, negated);
                if (o.ok) return o;
                why += (why.empty() ? "" : "; ") + o.why;
            }
            return {false, "none of: " + why};
        }
        case K::negate: {
            auto o = eval(c.children.at(0), inc, cfg, !negated);
            return {!o.ok, o.why};
        }
        case K::tag: {
            bool ok = inc.has_tag(c.values.at(0));
            return {ok, "tag " + c.values.at(0) + (ok ? " present" : " absent")};
        }
        case K::contains: {
            bool ok = ascii_lower(inc.title + "\n" + inc.description).find(c.values.at(0)) != std::string::npos;
            return {ok, "text " + std::string(ok ? "contains" : "lacks") + " '" + c.values.at(0) + "'"};
        }
        case K::compare:
            break;
    }
    return eval_comparison(c, inc, cfg, negated);
}

}  // namespace

Match evaluate(const Condition& c, const Incident& inc, const Config& config) {
    Outcome o = eval(c, inc, config);
    return {o.ok, o.why};
}

namespace {

// The more severe of two priorities (empty loses).
std::string more_severe(const Config& cfg, const std::string& a, const std::string& b) {
    if (a.empty()) return b;
    if (b.empty()) return a;
    return Config::rank(cfg.priorities, a) <= Config::rank(cfg.priorities, b) ? a : b;
}

// The field a rule action sets (parse_action took only fields rules may set).
std::string& settable(Incident& inc, const std::string& name) { return inc.*find_incident_field(name)->text; }

// The priority the impact x urgency matrix gives, with its reason; an
// unknown impact or urgency counts as the most severe (unknown_errs_high)
// or else the least: never no priority.
std::string matrix_priority(const Incident& inc, const Config& cfg, std::vector<std::string>& reasons) {
    std::string impact = inc.impact, urgency = inc.urgency, assumed;
    auto assume = [&](std::string& value, const std::vector<std::string>& scale, const char* name) {
        if (!value.empty() || scale.empty()) return;
        value = cfg.unknown_errs_high ? scale.front() : scale.back();
        assumed += std::string(" (") + name + " unknown: assumed " + value + ")";
    };
    assume(impact, cfg.impact_scale, "impact");
    assume(urgency, cfg.urgency_scale, "urgency");
    std::string priority = cfg.matrix_priority(impact, urgency);
    if (!priority.empty())
        reasons.push_back("matrix: impact=" + impact + " x urgency=" + urgency + " -> " + priority + assumed);
    return priority;
}

}  // namespace

Decision decide(Incident& inc, const RuleSet& rules, const Config& cfg, const std::set<std::string>& locked) {
    Decision d;
    std::string floor, ceiling, set_priority, set_by;
    std::vector<std::string> reasons;
    for (const auto& rule : rules.rules) {
        auto o = eval(rule.when, inc, cfg);
        d.trace.push_back({rule.name, rule.origin, o.ok, o.why});
        if (!o.ok) continue;
        d.fired.push_back(rule.name);
        reasons.push_back("rule " + rule.name + ": " + o.why);
        const RuleAction& a = rule.then;
        for (const auto& [name, value] : a.set) {
            if (locked.count(name)) continue;
            settable(inc, name) = value;
        }
        for (const auto& t : a.tags)
            if (!inc.has_tag(t)) inc.tags.push_back(t);
        for (const auto& n : a.notify)
            if (std::find(d.notify.begin(), d.notify.end(), n) == d.notify.end()) d.notify.push_back(n);
        if (!a.priority.empty() && set_priority.empty()) {
            set_priority = a.priority;
            set_by = rule.name;
        }
        floor = more_severe(cfg, floor, a.floor);
        if (!a.ceiling.empty())
            ceiling =
                ceiling.empty() ? a.ceiling : (more_severe(cfg, ceiling, a.ceiling) == ceiling ? a.ceiling : ceiling);
        if (!a.sla.empty()) d.sla = a.sla;
        if (!a.escalation.empty()) d.escalation = a.escalation;
        for (const auto& n : a.deadlines)
            if (std::find(d.deadlines.begin(), d.deadlines.end(), n) == d.deadlines.end()) d.deadlines.push_back(n);
        if (!a.runbook.empty() && std::find(d.runbooks.begin(), d.runbooks.end(), a.runbook) == d.runbooks.end())
            d.runbooks.push_back(a.runbook);
        if (a.stop) break;
    }
    if (is_manual_priority(inc)) {
        d.manual = true;
        d.priority = inc.priority;
        d.reason = inc.priority_reason;
        return d;
    }
    if (!rules.unreadable.empty() && !cfg.priorities.empty()) {
        d.priority = cfg.priorities.front();
        d.reason = "the rules could not be read, so the most severe priority (" + rules.unreadable + ")";
        return d;
    }
    if (!set_priority.empty()) {
        d.priority = set_priority;
        reasons.push_back("priority " + set_priority + " set by rule " + set_by);
    } else {
        d.priority = matrix_priority(inc, cfg, reasons);
    }
    if (!ceiling.empty() && more_severe(cfg, d.priority, ceiling) == d.priority && d.priority != ceiling) {
        reasons.push_back("ceiling " + ceiling);
        d.priority = ceiling;
    }
    // Floors win over ceilings: when in doubt, err high.
    if (!floor.empty() && more_severe(cfg, d.priority, floor) == floor && d.priority != floor) {
        reasons.push_back("floor " + floor);
        d.priority = floor;
    }
    d.reason = join(reasons, "; ");
    return d;
}

// What to do when a rule from a shipped pack names a team the configuration
// lacks: the pack's preset configures them all (empty for the user's own rules).
std::string pack_teams_hint(const Rule& r) {
    const RulePack* pack = r.origin.starts_with("pack:") ? find_pack(r.origin.substr(5)) : nullptr;
    if (!pack) return {};
    std::vector<std::string> teams;
    for (const auto& line : split(pack->teams, '\n'))
        if (line.starts_with("  ") && line.find(':') != std::string::npos)
            teams.push_back(line.substr(2, line.find(':') - 2));
    return "; the " + std::string(pack->name) + " pack routes to the teams " + join(teams) +
           ": add the missing ones under teams: in .incident/config.yaml (incident init --preset " + pack->name +
           " starts a repository with them)";
}

void lint_condition(std::vector<Finding>& out, const Condition& c, const std::string& who, const Config& cfg) {
    for (const auto& child : c.children) lint_condition(out, child, who, cfg);
    if (c.kind != Condition::Kind::compare) return;
    if (const auto* scale = cfg.scale(c.field))
        for (const auto& v : c.values)
            if (!v.empty() && Config::rank(*scale, v) < 0)
                out.push_back({c.where, "error", who + ": " + c.field + " '" + v + "' is not on the configured scale"});
    if (c.field == "status" && c.op != "matches")
        for (const auto& v : c.values)
            if (!parse_status(v)) out.push_back({c.where, "error", who + ": unknown status '" + v + "'"});
}

std::vector<Finding> lint_rules(const RuleSet& rules, const Config& cfg) {
    std::vector<Finding> out;
    auto error = [&](const Location& w, const std::string& m) { out.push_back({w, "error", m}); };
    auto on_scale = [&](const Location& w, const std::vector<std::string>& scale, const std::string& v,
                        const std::string& what) {
        if (!v.empty() && Config::rank(scale, v) < 0) error(w, what + " '" + v + "' is not on the configured scale");
    };
    std::vector<DeadlineSet> sets;
    try {
        sets = deadline_sets(cfg, ".incident/config.yaml");
    } catch (const InvalidData&) {  // validate reports the config itself
    }
    std::set<std::string> names;
    bool stopped_always = false;
    std::string stopper;
    for (const auto& r : rules.rules) {
        if (!names.insert(r.name).second) out.push_back({r.where, "warning", "rule " + r.name + ": duplicate name"});
        if (stopped_always)
            out.push_back({r.where, "warning",
                           "rule " + r.name + ": unreachable (rule " + stopper + " always matches and stops)"});
        lint_condition(out, r.when, "rule " + r.name, cfg);
        for (const auto& [name, value] : r.then.set) {
            if (name == "impact") on_scale(r.where, cfg.impact_scale, value, "rule " + r.name + ": impact");
            if (name == "urgency") on_scale(r.where, cfg.urgency_scale, value, "rule " + r.name + ": urgency");
            if (name == "tier") on_scale(r.where, cfg.tiers, value, "rule " + r.name + ": tier");
            if (name == "team" && !cfg.teams.empty() && !cfg.team(value))
                error(r.where, "rule " + r.name + ": team '" + value + "' is not configured" + pack_teams_hint(r));
        }
        for (const auto& p : {r.then.priority, r.then.floor, r.then.ceiling})
            on_scale(r.where, cfg.priorities, p, "rule " + r.name + ": priority");
        if (!r.then.sla.empty() && !cfg.sla_policies.count(r.then.sla))
            error(r.where, "rule " + r.name + ": no SLA policy '" + r.then.sla + "' in sla_policies");
        for (const auto& set : r.then.deadlines)
            if (!find_set(sets, set))
                error(r.where, "rule " + r.name + ": no deadline set '" + set + "' (shipped: gdpr, nis2, dora, " +
                                   "sec-8k, hipaa; more under deadlines: in the config)");
        if (!r.then.runbook.empty() && !rules.runbooks.count(r.then.runbook))
            error(r.where, "rule " + r.name + ": no runbook .incident/runbooks/" + r.then.runbook +
                               ".md (or it does not read: incident validate says why)");
        bool always = r.when.kind == Condition::Kind::all && r.when.children.empty();
        if (always && r.then.stop && !stopped_always) {
            stopped_always = true;
            stopper = r.name;
        }
    }
    return out;
}

}  // namespace incident
