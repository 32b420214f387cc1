#include "rules/rules.hpp"

#include <algorithm>
#include <cctype>

#include "model/fields.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

const std::vector<std::string> kOps = {"equals", "in", "matches", "<", "<=", ">", ">=", "exists"};

std::string scalar(const YamlNode& n, const std::string& file, const std::string& what) {
    if (!n.is_scalar()) fail_at(n, file, what + ": expected a single value");
    return n.scalar();
}

std::vector<std::string> scalars(const YamlNode& n, const std::string& file, const std::string& what) {
    if (n.is_scalar()) return {n.scalar()};
    if (!n.is_sequence()) fail_at(n, file, what + ": expected a value or a list");
    std::vector<std::string> out;
    for (const auto& x : n.items()) out.push_back(scalar(x, file, what));
    return out;
}

Condition parse_condition(const YamlNode& n, const std::string& file, int depth);

// {field: F, OPERATOR: value}: one comparison.
Condition parse_comparison(const YamlNode& n, const std::string& file) {
    Condition c;
    c.where = locate(n, file);
    c.kind = Condition::Kind::compare;
    c.field = scalar(n["field"], file, "field");
    if (!is_condition_field(c.field))
        fail_at(n["field"], file,
                "unknown field '" + c.field + "' (use a standard field, or extra.NAME for a custom key)");
    for (const auto& kv : n.entries()) {
        const std::string key = kv.first.scalar();
        if (key == "field") continue;
        if (std::find(kOps.begin(), kOps.end(), key) == kOps.end() && key != "contains")
            fail_at(kv.first, file,
                    "unknown condition operator '" + key +
                        "' (known: equals, in, matches, contains, <, <=, >, >=, exists)");
        if (!c.op.empty()) fail_at(kv.first, file, "one operator per condition; combine with all/any");
        c.op = key;
        c.values = scalars(kv.second, file, key);
        if (key == "contains") c.values = {ascii_lower(c.values.at(0))};
        if (key == "matches") {
            RE2::Options options;
            options.set_case_sensitive(false);
            options.set_log_errors(false);
            auto re = std::make_shared<const RE2>(c.values.at(0), options);
            if (!re->ok())
                fail_at(kv.second, file,
                        "matches: bad regular expression '" + c.values.at(0) + "': " + re->error() +
                            " (RE2 syntax: no backreferences or look-around)");
            c.re = std::move(re);
        }
    }
    if (c.op.empty()) fail_at(n, file, "condition on '" + c.field + "' has no operator (equals, in, matches, ...)");
    return c;
}

// {F: value, G: [a, b]}: every key is a field that must equal its value.
Condition parse_shorthand(const YamlNode& n, const std::string& file) {
    Condition c;
    c.where = locate(n, file);
    c.kind = Condition::Kind::all;
    for (const auto& kv : n.entries()) {
        const std::string key = kv.first.scalar();
        if (!is_condition_field(key))
            fail_at(kv.first, file,
                    "unknown field or operator '" + key + "' (known operators: all, any, not, tag, contains, field)");
        Condition eq;
        eq.kind = Condition::Kind::compare;
        eq.field = key;
        eq.op = kv.second.is_sequence() ? "in" : "equals";
        eq.values = scalars(kv.second, file, key);
        eq.where = locate(kv.first, file);
        c.children.push_back(std::move(eq));
    }
    return c;
}

Condition parse_list(Condition::Kind kind, const YamlNode& n, const std::string& file, int depth) {
    Condition c;
    c.kind = kind;
    c.where = locate(n, file);
    if (!n.is_sequence())
        fail_at(n, file, std::string(kind == Condition::Kind::all ? "all" : "any") + ": expected a list of conditions");
    for (const auto& child : n.items()) c.children.push_back(parse_condition(child, file, depth + 1));
    return c;
}

// {field: F, OP: V} or the shorthand {F: V, G: W} (all equal).
Condition parse_condition(const YamlNode& n, const std::string& file, int depth) {
    if (depth > 32) fail_at(n, file, "conditions nested too deeply");
    if (!n.is_map() || n.size() == 0)
        fail_at(n, file, "a condition must be a mapping such as {field: category, equals: network}");
    Condition c;
    c.where = locate(n, file);
    if (n.size() == 1) {
        const auto& kv = n.entries().front();
        const std::string key = kv.first.scalar();
        if (key == "all") return parse_list(Condition::Kind::all, kv.second, file, depth);
        if (key == "any") return parse_list(Condition::Kind::any, kv.second, file, depth);
        if (key == "not") {
            c.kind = Condition::Kind::negate;
            c.children.push_back(parse_condition(kv.second, file, depth + 1));
            return c;
        }
        if (key == "tag") {
            c.kind = Condition::Kind::tag;
            c.values = {scalar(kv.second, file, "tag")};
            return c;
        }
        if (key == "contains") {
            c.kind = Condition::Kind::contains;
            c.values = {ascii_lower(scalar(kv.second, file, "contains"))};
            return c;
        }
    }
    return n["field"] ? parse_comparison(n, file) : parse_shorthand(n, file);
}

// The actions besides setting a field, and where each goes.
constexpr std::pair<std::string_view, std::string RuleAction::*> kActionTexts[] = {
    {"priority", &RuleAction::priority},
    {"priority_floor", &RuleAction::floor},
    {"priority_ceiling", &RuleAction::ceiling},
    {"sla", &RuleAction::sla},
    {"escalation_policy", &RuleAction::escalation},
    {"runbook", &RuleAction::runbook},
};
constexpr std::pair<std::string_view, std::vector<std::string> RuleAction::*> kActionLists[] = {
    {"tags", &RuleAction::tags},
    {"notify", &RuleAction::notify},
    {"deadlines", &RuleAction::deadlines},
};

std::string action_names() {
    std::vector<std::string> names;
    for (const auto& f : incident_fields())
        if (f.rule_sets) names.emplace_back(f.key);
    for (const auto& [key, _] : kActionLists) names.emplace_back(key);
    for (const auto& [key, _] : kActionTexts) names.emplace_back(key);
    names.emplace_back("stop");
    return join(names);
}

template <typename Table>
auto find_key(const Table& table, std::string_view key) {
    auto it = std::find_if(std::begin(table), std::end(table), [&](const auto& e) { return e.first == key; });
    return it == std::end(table) ? nullptr : &*it;
}

RuleAction parse_action(const YamlNode& n, const std::string& file) {
    RuleAction a;
    if (!n.is_map()) fail_at(n, file, "then: expected a mapping of actions");
    for (const auto& kv : n.entries()) {
        const std::string key = kv.first.scalar();
        if (const auto* f = find_incident_field(key); f && f->rule_sets)
            a.set.emplace_back(key, scalar(kv.second, file, key));
        else if (const auto* list = find_key(kActionLists, key))
            a.*list->second = scalars(kv.second, file, key);
        else if (const auto* text = find_key(kActionTexts, key)) {
            a.*text->second = scalar(kv.second, file, key);
            if (key == "runbook" && !is_runbook_name(a.runbook))
                fail_at(kv.second, file,
                        "runbook: '" + a.runbook +
                            "' is not a runbook's name (lower-case letters, digits, - and _; the file is "
                            ".incident/runbooks/NAME.md)");
        } else if (key == "stop") {
            auto stop = yaml_bool(kv.second);
            if (!stop) fail_at(kv.second, file, "stop: expected true or false");
            a.stop = *stop;
        } else
            fail_at(kv.first, file, "unknown action '" + key + "' (known: " + action_names() + ")");
    }
    return a;
}

void parse_into(RuleSet& set, const YamlNode& root, const std::string& file, const std::string& origin, int depth) {
    if (root.is_null()) return;
    if (!root.is_map()) fail_at(root, file, "a rules file must be a mapping with a 'rules:' list");
    for (const auto& kv : root.entries()) {
        const std::string key = kv.first.scalar();
        if (key != "include" && key != "rules" && key != "$schema")
            fail_at(kv.first, file, "unknown key '" + key + "' (known: include, rules)");
    }
    if (auto inc = root["include"]) {
        for (const auto& name : scalars(inc, file, "include")) {
            const RulePack* pack = find_pack(name);
            if (!pack) fail_at(inc, file, "include: no rule pack named '" + name + "' (shipped: itil, sre, security)");
            if (depth > 0) fail_at(inc, file, "include: packs cannot include packs");
            std::string pack_file = "pack:" + name;
            parse_into(set, load_yaml(pack->rules, pack_file), pack_file, pack_file, depth + 1);
        }
    }
    auto rules = root["rules"];
    if (!rules || rules.is_null()) return;
    if (!rules.is_sequence()) fail_at(rules, file, "rules: expected a list");
    for (const auto& r : rules.items()) {
        if (!r.is_map()) fail_at(r, file, "each rule must be a mapping with name, when and then");
        Rule rule;
        rule.where = locate(r, file);
        rule.origin = origin;
        for (const auto& kv : r.entries()) {
            const std::string key = kv.first.scalar();
            if (key == "name")
                rule.name = scalar(kv.second, file, "name");
            else if (key == "when")
                rule.when = parse_condition(kv.second, file, 0);
            else if (key == "then")
                rule.then = parse_action(kv.second, file);
            else if (key == "source")
                rule.source = scalar(kv.second, file, "source");
            else if (key != "description")
                fail_at(kv.first, file,
                        "unknown rule key '" + key + "' (known: name, description, when, then, source)");
        }
        if (rule.name.empty()) fail_at(r, file, "a rule needs a name");
        set.rules.push_back(std::move(rule));
    }
}

}  // namespace

bool is_condition_field(const std::string& field) {
    if (field.rfind("extra.", 0) == 0 && field.size() > 6) return true;
    const auto* f = find_incident_field(field);
    return field == "text" || (f && f->condition);
}

std::optional<std::string> field_value(const Incident& inc, const std::string& f) {
    if (f == "text") return inc.title + "\n" + inc.description;
    if (f.rfind("extra.", 0) == 0) {
        for (const auto& x : inc.extra)
            if (x.key == f.substr(6) && x.value.is_scalar() && !x.value.scalar().empty()) return x.value.scalar();
        return std::nullopt;
    }
    const auto* field = find_incident_field(f);
    return field && field->condition ? field_text(inc, *field) : std::nullopt;
}

Condition parse_when(const YamlNode& n, const std::string& file) { return parse_condition(n, file, 0); }

RuleSet parse_rules(std::string_view text, const std::string& file) {
    RuleSet set;
    parse_into(set, load_yaml(text, file), file, file, 0);
    return set;
}

}  // namespace incident
