#include "rules/rule_tests.hpp"

#include <algorithm>

#include "model/yaml_doc.hpp"

namespace incident {

namespace {

const std::vector<std::string> kExpectable = {"priority",          "team",     "tier",        "impact",
                                              "urgency",           "category", "subcategory", "sla_policy",
                                              "escalation_policy", "tags",     "deadlines"};

}  // namespace

std::vector<RuleCase> parse_rule_cases(std::string_view text, const std::string& file) {
    const YamlNode root = load_yaml(text, file);
    const YamlNode& cases = root["cases"];
    if (!cases || !cases.is_sequence()) throw InvalidData(locate(root, file), "a rule test file needs a 'cases:' list");
    std::vector<RuleCase> out;
    for (const auto& c : cases.items()) {
        if (!c.is_map())
            throw InvalidData(locate(c, file), "each case must be a mapping with name, incident and expect");
        RuleCase rc;
        rc.where = locate(c, file);
        for (const auto& kv : c.entries()) {
            const std::string key = kv.first.scalar();
            if (key != "name" && key != "incident" && key != "expect")
                throw InvalidData(locate(kv.first, file),
                                  "unknown key '" + key + "' in a case (known: name, incident, expect)");
        }
        rc.name =
            c["name"] && c["name"].is_scalar() ? c["name"].scalar() : "case at line " + std::to_string(rc.where.line);
        rc.incident = c["incident"];
        if (!rc.incident || !rc.incident.is_map())
            throw InvalidData(rc.where, rc.name + ": 'incident' must be a mapping of fields");
        auto expect = c["expect"];
        if (!expect || !expect.is_map() || expect.size() == 0)
            throw InvalidData(rc.where, rc.name + ": 'expect' must name at least one field");
        for (const auto& kv : expect.entries()) {
            const std::string key = kv.first.scalar();
            if (std::find(kExpectable.begin(), kExpectable.end(), key) == kExpectable.end())
                throw InvalidData(locate(kv.first, file),
                                  rc.name + ": cannot expect '" + key +
                                      "' (known: priority, team, tier, impact, urgency, "
                                      "category, subcategory, sla_policy, escalation_policy, tags, deadlines)");
            if (!kv.second.is_scalar() && !kv.second.is_sequence())
                throw InvalidData(locate(kv.second, file), rc.name + ": expected value must be a string or list");
            std::string value;
            if (kv.second.is_sequence())
                for (const auto& t : kv.second.items()) value += (value.empty() ? "" : ",") + t.scalar();
            else
                value = kv.second.scalar();
            rc.expect.emplace_back(key, value);
        }
        out.push_back(std::move(rc));
    }
    return out;
}

std::vector<CaseResult> run_rule_cases(const std::vector<RuleCase>& cases, const RuleSet& rules, const Config& config,
                                       const PolicyFor& policy_for) {
    std::vector<CaseResult> out;
    for (const auto& rc : cases) {
        CaseResult r{rc.name, rc.where, true, {}, {}};
        YamlNode doc = rc.incident;
        if (!doc["id"]) doc.set("id", YamlNode("TEST-1"));
        if (!doc["status"]) doc.set("status", YamlNode("open"));
        if (!doc["title"]) doc.set("title", YamlNode(rc.name));
        Incident inc = incident_from_yaml(doc, rc.where.file);
        if (inc.team.empty()) inc.team = config.default_team;
        if (inc.tier.empty() && !config.tiers.empty()) inc.tier = config.tiers.front();
        Decision d = decide(inc, rules, config);
        inc.priority = d.priority;
        if (!d.sla.empty()) inc.sla_policy = d.sla;
        if (!d.escalation.empty()) inc.escalation_policy = d.escalation;
        if (policy_for) inc.escalation_policy = policy_for(inc);
        r.reason = d.reason;
        for (const auto& [key, want] : rc.expect) {
            std::string got;
            if (key == "tags" || key == "deadlines") {
                // every expected tag (deadline set) must be there
                const bool tags = key == "tags";
                auto has = [&](const std::string& v) {
                    return tags ? inc.has_tag(v)
                                : std::find(d.deadlines.begin(), d.deadlines.end(), v) != d.deadlines.end();
                };
                std::string missing;
                size_t start = 0;
                while (start <= want.size()) {
                    size_t comma = want.find(',', start);
                    std::string item =
                        want.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
                    if (!item.empty() && !has(item)) missing += (missing.empty() ? "" : ",") + item;
                    if (comma == std::string::npos) break;
                    start = comma + 1;
                }
                if (!missing.empty()) {
                    r.passed = false;
                    r.diffs.push_back(key + ": missing " + missing);
                }
                continue;
            }
            got = field_value(inc, key).value_or("");
            if (got != want) {
                r.passed = false;
                r.diffs.push_back(key + ": expected " + want + ", got " + (got.empty() ? "(unset)" : got));
            }
        }
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace incident
