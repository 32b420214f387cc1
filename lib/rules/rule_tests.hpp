// Rule test cases, so teams test their rules in CI like code: incident
// fields in, expected priority/team/tier/... out.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "rules/rules.hpp"

namespace incident {

struct RuleCase {
    std::string name;
    YamlNode incident;  // fields of the incident under test
    std::vector<std::pair<std::string, std::string>> expect;
    Location where;
};

struct CaseResult {
    std::string name;
    Location where;
    bool passed = true;
    std::vector<std::string> diffs;  // "priority: expected P1, got P2"
    std::string reason;              // the decision's priority_reason
};

// Parses a test file: `cases: [{name, incident: {...}, expect: {...}}]`.
std::vector<RuleCase> parse_rule_cases(std::string_view text, const std::string& file);

// The escalation policy an incident pages by (the rules' choice, else the
// one escalation.yaml gives its priority); "" for none.
using PolicyFor = std::function<std::string(const Incident&)>;
// Without `policy_for`, escalation_policy is what the rules chose alone.
std::vector<CaseResult> run_rule_cases(const std::vector<RuleCase>& cases, const RuleSet& rules, const Config& config,
                                       const PolicyFor& policy_for = {});

}  // namespace incident
