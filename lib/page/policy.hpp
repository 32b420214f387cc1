// Escalation policies (.incident/escalation.yaml): named policies of steps,
// each naming whom to page (schedule:NAME, person:KEY, managers:TEAM) and
// how long to wait for an acknowledgement before the next step; `repeat`
// runs the steps again. Rules choose a policy (then: {escalation_policy:
// NAME}); otherwise `by_priority` maps a priority to its default, and may
// page only in business hours. A priority with neither pages nobody.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "oncall/people.hpp"
#include "oncall/problems.hpp"
#include "store/repository.hpp"

namespace incident {

struct PolicyTarget {
    enum class Kind { schedule, person, managers };
    Kind kind = Kind::person;
    std::string name;  // the schedule's key, the person's key or email, the team
    Location where;

    std::string text() const;  // as written: "schedule:sre"
};

struct PolicyStep {
    std::vector<PolicyTarget> notify;
    Seconds after{0};  // how long to wait for an acknowledgement before the next step
};

struct Policy {
    std::string name;
    std::string source;  // TOOL/ID of one brought in by incident import; empty otherwise
    int repeat = 0;      // times the steps run again after the first pass
    std::vector<PolicyStep> steps;
    Location where;

    // When step `index` (0-based over every pass: repeat + 1 passes of the
    // steps) is due, counted from when paging began; nullopt past the last.
    std::optional<Seconds> offset(std::size_t index) const;
    std::size_t total_steps() const { return steps.size() * static_cast<std::size_t>(repeat + 1); }
};

struct PriorityPolicy {
    std::string policy;
    bool business_hours = false;  // pages only inside the configured business hours
    Location where;
};

struct EscalationPolicies {
    std::map<std::string, Policy> policies;
    std::map<std::string, PriorityPolicy> by_priority;

    const Policy* find(const std::string& name) const;
    // The name of the policy `inc` pages by: the rules' choice, else its
    // priority's; empty when none.
    std::string policy_for(const Incident& inc) const;
    // Whether that policy pages only in business hours (a by_priority default that says so).
    bool business_hours_only(const Incident& inc) const;
};

fs::path escalation_path(const Repository& repo);

// Reads an escalation document; every problem goes to `problems`, located
// in `display`. Priorities are checked against the config's scale.
EscalationPolicies parse_escalation(const YamlNode& root, const std::string& display, const Config& config,
                                    Problems& problems);

// What a policy names and the repository lacks: a schedule with no file, a
// person not in people.yaml (an email is taken as it is).
void check_escalation_targets(const EscalationPolicies& policies, const std::vector<std::string>& schedules,
                              const People& people, Problems& problems);

// The rules that choose a policy escalation.yaml does not have (an error
// each, at the rule): such an incident would page nobody.
std::vector<Finding> unknown_rule_policies(const RuleSet& rules, const EscalationPolicies& policies);

// .incident/escalation.yaml through the repository opener; empty when
// absent. Throws InvalidData at the first problem.
EscalationPolicies load_escalation(const Repository& repo, const Config& config);

}  // namespace incident
