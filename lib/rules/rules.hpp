// The rule language: ordered rules as data (`when` conditions on incident
// fields, `then` actions), parsed with located errors, evaluated with a
// trace that says which rule matched on which condition, and linted.
#pragma once

#include <re2/re2.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/errors.hpp"
#include "model/incident.hpp"
#include "runbook/runbook.hpp"

namespace incident {

struct Condition {
    enum class Kind { all, any, negate, compare, tag, contains };
    Kind kind = Kind::all;
    std::vector<Condition> children;     // all / any / not
    std::string field;                   // compare
    std::string op;                      // equals, in, matches, <, <=, >, >=, exists
    std::vector<std::string> values;     // equals/in/compare operands; tag; contains text
    std::shared_ptr<const re2::RE2> re;  // matches: RE2, linear in the text (no backtracking)
    Location where;
};

struct RuleAction {
    std::vector<std::pair<std::string, std::string>> set;  // impact, urgency, category, subcategory, team, tier
    std::vector<std::string> tags, notify;
    std::vector<std::string> deadlines;  // regulatory deadline sets to attach (lib/deadlines)
    std::string priority, floor, ceiling, sla;
    std::string escalation;  // escalation_policy
    std::string runbook;     // .incident/runbooks/NAME.md: its checklist becomes the incident's tasks
    bool stop = false;
};

struct Rule {
    std::string name;
    std::string origin;  // "rules.yaml" or "pack:sre"
    Condition when;      // an empty `all` matches everything
    RuleAction then;
    std::string source;  // TOOL/ID of one written by incident import; empty otherwise
    Location where;
};

struct RuleSet {
    std::vector<Rule> rules;
    // Why the rules file could not be read (located), when it could not:
    // decide() then errs high and says so, and `rules check` fails.
    std::string unreadable;
    // The runbooks the rules name, read from the repository by whoever
    // loads the rules (open_workspace); one that is missing is left out.
    std::map<std::string, Runbook> runbooks;
};

// Parses rules text (a mapping with `rules:` and optional `include:` of
// shipped packs). Throws InvalidData located in `file`.
RuleSet parse_rules(std::string_view text, const std::string& file);

// One rule's outcome, for --explain.
struct RuleTrace {
    std::string rule;
    std::string origin;
    bool matched = false;
    std::string why;  // the conditions that decided
};

struct Decision {
    std::string priority;
    std::string reason;  // becomes priority_reason
    bool manual = false;
    std::vector<RuleTrace> trace;
    std::vector<std::string> fired, notify;
    std::string sla;
    std::string escalation;              // the escalation policy a rule chose
    std::vector<std::string> deadlines;  // the deadline sets the rules attach
    std::vector<std::string> runbooks;   // the runbooks the rules attach
};

// Runs the rules over `inc` (changing the fields they set, except those in
// `locked`), then the impact x urgency matrix, then floors and ceilings.
// A manual priority is kept. Does not touch status or the timeline.
Decision decide(Incident& inc, const RuleSet& rules, const Config& config, const std::set<std::string>& locked = {});

// A `when:` condition on its own (hooks use the rules' language), and
// whether `inc` meets it, with the reason as --explain gives it.
Condition parse_when(const YamlNode& n, const std::string& file);
struct Match {
    bool ok = false;
    std::string why;
};
Match evaluate(const Condition& c, const Incident& inc, const Config& config);

// The value of a field for conditions: known keys, and extra.NAME for
// unknown keys. nullopt when unset.
std::optional<std::string> field_value(const Incident& inc, const std::string& field);
bool is_condition_field(const std::string& field);

struct Finding {
    Location where;
    std::string severity;  // error | warning
    std::string message;
};

// Lints a parsed rule set against the configuration: values outside the
// configured scales, unknown teams and tiers, duplicate names, unreachable rules.
std::vector<Finding> lint_rules(const RuleSet& rules, const Config& config);
// The same checks for one condition (a hook's `when:`); `who` names its owner in messages.
void lint_condition(std::vector<Finding>& out, const Condition& c, const std::string& who, const Config& config);

// Shipped rule packs.
struct RulePack {
    const char* name;
    const char* summary;
    const char* rules;  // rules text
    const char* tests;  // rule test cases
    const char* teams;  // `teams:` block for the preset's config
};
const std::vector<RulePack>& rule_packs();
const RulePack* find_pack(std::string_view name);
std::vector<std::string> pack_names();

}  // namespace incident
