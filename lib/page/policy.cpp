#include "page/policy.hpp"

#include <algorithm>

#include "model/text.hpp"
#include "oncall/schedule.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

constexpr std::pair<std::string_view, PolicyTarget::Kind> kKinds[] = {
    {"schedule", PolicyTarget::Kind::schedule},
    {"person", PolicyTarget::Kind::person},
    {"managers", PolicyTarget::Kind::managers},
};

// Every key of `map` is one of `known` (a comma-separated list for the message).
void known_keys(const YamlNode& map, const std::string& display, const std::string& what,
                const std::vector<std::string_view>& known, Problems& problems) {
    for (const auto& [k, _] : map.entries())
        if (std::find(known.begin(), known.end(), k.scalar()) == known.end()) {
            std::string names;
            for (auto n : known) names += (names.empty() ? "" : ", ") + std::string(n);
            problems.add(k, display, what + ": unknown key '" + k.scalar() + "' (known: " + names + ")");
        }
}

std::optional<PolicyTarget> parse_target(const YamlNode& n, const std::string& display, const std::string& what,
                                         const Config& config, Problems& problems) {
    const std::string text = n.is_scalar() ? n.scalar() : "";
    const auto colon = text.find(':');
    auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&](const auto& k) {
        return colon != std::string::npos && text.substr(0, colon) == k.first;
    });
    if (kind == std::end(kKinds) || colon + 1 >= text.size()) {
        problems.add(n, display, what + ": expected schedule:NAME, person:KEY or managers:TEAM");
        return std::nullopt;
    }
    PolicyTarget t{kind->second, text.substr(colon + 1), locate(n, display)};
    if (t.kind == PolicyTarget::Kind::managers) {
        const Team* team = config.team(t.name);
        if (!team)
            problems.add(n, display, what + ": no team '" + t.name + "' in the config's teams");
        else if (team->managers.empty())
            problems.add(n, display, what + ": team '" + t.name + "' has no managers in the config");
    }
    return t;
}

PolicyStep parse_step(const YamlNode& n, const std::string& display, const std::string& what, const Config& config,
                      Problems& problems) {
    PolicyStep step;
    if (!n.is_map()) {
        problems.add(n, display, what + ": expected a mapping such as {notify: [schedule:sre], after: 5m}");
        return step;
    }
    known_keys(n, display, what, {"notify", "after"}, problems);
    const YamlNode& notify = n["notify"];
    if (!notify || !notify.is_sequence() || notify.items().empty())
        problems.add(notify ? notify : n, display, what + ".notify: expected a list of whom to page");
    else
        for (std::size_t i = 0; i < notify.items().size(); ++i)
            if (auto t =
                    parse_target(notify.items()[i], display, what + ".notify." + std::to_string(i), config, problems))
                step.notify.push_back(std::move(*t));
    if (const YamlNode& after = n["after"]; after) {
        auto d = after.is_scalar() ? parse_duration(after.scalar()) : std::nullopt;
        if (!d || *d < Seconds{1})
            problems.add(after, display, what + ".after: expected a duration such as 5m");
        else
            step.after = *d;
    }
    return step;
}

Policy parse_policy(const std::string& name, const YamlNode& n, const std::string& display, const Config& config,
                    Problems& problems) {
    Policy p{name, {}, 0, {}, locate(n, display)};
    const std::string what = "policies." + name;
    if (!n.is_map()) {
        problems.add(n, display, what + ": expected a mapping with steps (and repeat)");
        return p;
    }
    known_keys(n, display, what, {"steps", "repeat", "source"}, problems);
    if (const YamlNode& src = n["source"]; src && src.is_scalar()) p.source = src.scalar();
    if (const YamlNode& r = n["repeat"]; r) {
        auto count = yaml_integer(r);
        if (!count || *count < 0 || *count > 100)
            problems.add(r, display, what + ".repeat: expected a whole number from 0 to 100");
        else
            p.repeat = static_cast<int>(*count);
    }
    const YamlNode& steps = n["steps"];
    if (!steps || !steps.is_sequence() || steps.items().empty()) {
        problems.add(steps ? steps : n, display, what + ".steps: expected a list of steps");
        return p;
    }
    for (std::size_t i = 0; i < steps.items().size(); ++i)
        p.steps.push_back(
            parse_step(steps.items()[i], display, what + ".steps." + std::to_string(i), config, problems));
    // Every step with a step after it (the last one too, when the steps repeat) says how long it waits.
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const bool followed = i + 1 < p.steps.size() || p.repeat > 0;
        const YamlNode& step = steps.items()[i];
        if (followed && step.is_map() && !step["after"])
            problems.add(step, display,
                         what + ".steps." + std::to_string(i) +
                             ": 'after' is needed: how long to wait for an acknowledgement before the next step");
    }
    return p;
}

void parse_by_priority(EscalationPolicies& out, const YamlNode& n, const std::string& display, const Config& config,
                       Problems& problems) {
    if (!n.is_map()) {
        problems.add(n, display, "by_priority: expected a mapping such as {P1: sre}");
        return;
    }
    for (const auto& [k, v] : n.entries()) {
        const std::string priority = k.scalar();
        const std::string what = "by_priority." + priority;
        if (Config::rank(config.priorities, priority) < 0)
            problems.add(k, display, what + ": '" + priority + "' is not a priority (" + join(config.priorities) + ")");
        PriorityPolicy pp{"", false, locate(v, display)};
        if (v.is_scalar()) {
            pp.policy = v.scalar();
        } else if (v.is_map()) {
            known_keys(v, display, what, {"policy", "business_hours"}, problems);
            pp.policy = v["policy"] && v["policy"].is_scalar() ? v["policy"].scalar() : "";
            if (const YamlNode& b = v["business_hours"]; b) {
                if (!b.is_scalar() || (b.scalar() != "true" && b.scalar() != "false"))
                    problems.add(b, display, what + ".business_hours: expected true or false");
                pp.business_hours = b.is_scalar() && b.scalar() == "true";
            }
        }
        if (pp.policy.empty())
            problems.add(v, display, what + ": expected a policy's name, or {policy: NAME, business_hours: true}");
        else if (!out.policies.count(pp.policy))
            problems.add(v, display, what + ": no policy '" + pp.policy + "' in policies");
        out.by_priority[priority] = pp;
    }
}

}  // namespace

std::string PolicyTarget::text() const {
    for (const auto& [word, k] : kKinds)
        if (k == kind) return std::string(word) + ":" + name;
    return name;
}

std::optional<Seconds> Policy::offset(std::size_t index) const {
    if (steps.empty() || index >= total_steps()) return std::nullopt;
    Seconds at{0};
    for (std::size_t i = 0; i < index; ++i) at += steps[i % steps.size()].after;
    return at;
}

const Policy* EscalationPolicies::find(const std::string& name) const {
    auto it = policies.find(name);
    return it == policies.end() ? nullptr : &it->second;
}

std::string EscalationPolicies::policy_for(const Incident& inc) const {
    if (!inc.escalation_policy.empty()) return inc.escalation_policy;
    auto it = by_priority.find(inc.priority);
    return it == by_priority.end() ? std::string() : it->second.policy;
}

bool EscalationPolicies::business_hours_only(const Incident& inc) const {
    if (!inc.escalation_policy.empty()) return false;
    auto it = by_priority.find(inc.priority);
    return it != by_priority.end() && it->second.business_hours;
}

fs::path escalation_path(const Repository& repo) { return repo.root / ".incident" / "escalation.yaml"; }

EscalationPolicies parse_escalation(const YamlNode& root, const std::string& display, const Config& config,
                                    Problems& problems) {
    EscalationPolicies out;
    if (!root.is_map()) {
        problems.add(root, display, "expected a mapping with policies (and by_priority)");
        return out;
    }
    known_keys(root, display, "escalation", {"policies", "by_priority"}, problems);
    if (const YamlNode& policies = root["policies"]; policies && !policies.is_null()) {
        if (!policies.is_map())
            problems.add(policies, display, "policies: expected a mapping of policy names");
        else
            for (const auto& [k, v] : policies.entries()) {
                if (!is_schedule_key(k.scalar()))
                    problems.add(k, display, "policies." + k.scalar() + ": a name is letters, digits, '-' and '_'");
                out.policies[k.scalar()] = parse_policy(k.scalar(), v, display, config, problems);
            }
    }
    if (const YamlNode& by = root["by_priority"]; by && !by.is_null())
        parse_by_priority(out, by, display, config, problems);
    return out;
}

void check_escalation_targets(const EscalationPolicies& policies, const std::vector<std::string>& schedules,
                              const People& people, Problems& problems) {
    for (const auto& [name, policy] : policies.policies)
        for (const auto& step : policy.steps)
            for (const auto& t : step.notify) {
                if (t.kind == PolicyTarget::Kind::schedule &&
                    std::find(schedules.begin(), schedules.end(), t.name) == schedules.end())
                    problems.add(t.where, "no schedule '" + t.name + "' (.incident/oncall/" + t.name + ".yaml)");
                if (t.kind == PolicyTarget::Kind::person && !people.find(t.name) &&
                    t.name.find('@') == std::string::npos)
                    problems.add(t.where, "no person '" + t.name + "' in .incident/people.yaml");
            }
}

std::vector<Finding> unknown_rule_policies(const RuleSet& rules, const EscalationPolicies& policies) {
    std::vector<Finding> out;
    for (const auto& r : rules.rules)
        if (!r.then.escalation.empty() && !policies.find(r.then.escalation))
            out.push_back({r.where, "error",
                           "rule " + r.name + ": no escalation policy '" + r.then.escalation +
                               "' in .incident/escalation.yaml (its incidents would page nobody)"});
    return out;
}

EscalationPolicies load_escalation(const Repository& repo, const Config& config) {
    auto root = load_repository_yaml(repo, escalation_path(repo));
    if (!root) return {};
    Problems problems;
    EscalationPolicies out = parse_escalation(*root, repo.relative(escalation_path(repo)), config, problems);
    problems.throw_if_any();
    return out;
}

}  // namespace incident
