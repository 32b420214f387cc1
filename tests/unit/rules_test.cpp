#include "rules/rules.hpp"

#include <doctest/doctest.h>

#include "lifecycle/lifecycle.hpp"
#include "model/yaml_doc.hpp"
#include "rules/rule_tests.hpp"

using namespace incident;

TEST_SUITE_BEGIN("rules");

namespace {
Incident incident_of(const std::string& yaml) {
    return incident_from_yaml(load_yaml("{id: INC-1, title: t, status: open, " + yaml + "}", "t"), "t");
}
std::string error_of(const std::string& text) {
    try {
        parse_rules(text, "r.yaml");
    } catch (const InvalidData& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("conditions: every operator, table-driven") {
    Config cfg;
    Incident inc = incident_of(
        "category: network, impact: medium, priority: P2, tags: [customer-facing], description: DB pool exhausted, "
        "affected: '1200'");
    struct Case {
        const char* when;
        bool expect;
    } cases[] = {
        {"{category: network}", true},
        {"{category: software}", false},
        {"{category: [software, network]}", true},
        {"{field: category, in: [a, b]}", false},
        {"{field: category, matches: '^net'}", true},
        {"{field: description, contains: POOL}", true},
        {"{contains: exhausted}", true},
        {"{tag: customer-facing}", true},
        {"{tag: internal}", false},
        {"{field: priority, '<=': P2}", true},
        {"{field: priority, '<': P2}", false},
        {"{field: impact, '>': high}", true},
        {"{field: extra.affected, '>=': 1000}", true},
        {"{field: extra.affected, '<': 1000}", false},
        {"{field: assignee, exists: false}", true},
        {"{not: {tag: internal}}", true},
        {"{any: [{tag: internal}, {category: network}]}", true},
        {"{all: [{tag: internal}, {category: network}]}", false},
    };
    for (const auto& c : cases) {
        CAPTURE(c.when);
        RuleSet rs = parse_rules(std::string("rules: [{name: r, when: ") + c.when + ", then: {}}]", "r.yaml");
        Incident copy = inc;
        Decision d = decide(copy, rs, cfg);
        CHECK(d.trace.at(0).matched == c.expect);
    }
}

TEST_CASE("actions, matrix, floors win over ceilings, manual is kept") {
    Config cfg;
    RuleSet rs = parse_rules(R"(rules:
  - {name: up, when: {tag: a}, then: {impact: high, team: sre, tags: [x]}}
  - {name: cap, when: {tag: b}, then: {priority_ceiling: P4}}
  - {name: floor, when: {tag: c}, then: {priority_floor: P2}}
)",
                             "r.yaml");
    Incident inc = incident_of("tags: [a], urgency: low");
    Decision d = decide(inc, rs, cfg);
    CHECK(d.priority == "P3");
    CHECK(inc.team == "sre");
    CHECK(inc.has_tag("x"));
    Incident capped = incident_of("tags: [b], impact: high, urgency: high");
    CHECK(decide(capped, rs, cfg).priority == "P4");
    Incident both = incident_of("tags: [b, c], impact: low, urgency: low");
    CHECK(decide(both, rs, cfg).priority == "P2");
    Incident locked = incident_of("tags: [a], impact: low, urgency: low");
    CHECK(decide(locked, rs, cfg, {"impact"}).priority == "P5");
    Incident manual = incident_of("priority: P4, priority_reason: 'manual: set by bob', tags: [c]");
    Decision m = decide(manual, rs, cfg);
    CHECK(m.manual);
    CHECK(m.priority == "P4");
}

TEST_CASE("parse errors are located") {
    CHECK(error_of("rules:\n  - name: r\n    when: {field: title, matches: '(['}\n")
              .rfind("r.yaml:3:35: matches: bad regular expression '(['", 0) == 0);
    CHECK(error_of("rules:\n  - name: r\n    wen: {}\n").find("r.yaml:3:5: unknown rule key 'wen'") == 0);
    CHECK(error_of("rules:\n  - {name: r, when: {field: colour, equals: x}}\n").find("unknown field 'colour'") !=
          std::string::npos);
    CHECK(error_of("rules:\n  - {name: r, then: {priority: [P1]}}\n").find("priority: expected a single value") !=
          std::string::npos);
    CHECK(error_of("include: [nope]\n").find("no rule pack named 'nope'") != std::string::npos);
}

TEST_CASE("lint: scales, teams, unreachable rules") {
    Config cfg;
    RuleSet rs = parse_rules(R"(rules:
  - {name: all, then: {stop: true}}
  - {name: after, when: {field: impact, equals: huge}, then: {team: nobody, priority_floor: P9}}
)",
                             "r.yaml");
    cfg.teams = {Team{"sre", {}, {}}};
    auto findings = lint_rules(rs, cfg);
    std::string all;
    for (const auto& f : findings) all += f.severity + ": " + f.message + "\n";
    CHECK(all.find("warning: rule after: unreachable") != std::string::npos);
    CHECK(all.find("impact 'huge' is not on the configured scale") != std::string::npos);
    CHECK(all.find("team 'nobody' is not configured") != std::string::npos);
    CHECK(all.find("priority 'P9'") != std::string::npos);
}

TEST_CASE("every shipped pack passes its own cases, and a wrong case fails with a diff") {
    Config cfg;
    for (const auto& pack : rule_packs()) {
        CAPTURE(pack.name);
        RuleSet rs = parse_rules(std::string("include: [") + pack.name + "]", "t");
        for (const auto& r : run_rule_cases(parse_rule_cases(pack.tests, "t"), rs, cfg)) {
            CAPTURE(r.name);
            CHECK(r.passed);
        }
    }
    RuleSet sre = parse_rules("include: [sre]", "t");
    auto bad = run_rule_cases(
        parse_rule_cases(
            "cases: [{name: wrong, incident: {title: x, impact: low, urgency: low}, expect: {priority: P1}}]", "t"),
        sre, cfg);
    REQUIRE(bad.size() == 1);
    CHECK_FALSE(bad[0].passed);
    CHECK(bad[0].diffs.at(0) == "priority: expected P1, got P5");
}

TEST_CASE("matches runs in linear time and refuses what RE2 cannot do") {
    Config cfg;
    // Patterns that make a backtracking engine take exponential time or overflow its stack.
    for (const char* pattern : {"(a+)+$", "(a|aa)+$", "(a|b)*c", "(.*a){12}x"}) {
        RuleSet rs = parse_rules(std::string("rules:\n  - name: r\n    when: {field: title, matches: '") + pattern +
                                     "'}\n    then: {priority: P1}\n",
                                 "r.yaml");
        Incident inc = incident_of("impact: low, urgency: low");
        inc.title.assign(30000, 'a');
        inc.title.push_back('!');
        CHECK(decide(inc, rs, cfg).priority != "P1");
    }
    CHECK(error_of("rules:\n  - name: r\n    when: {field: title, matches: '(a)\\1'}\n")
              .find("no backreferences or look-around") != std::string::npos);
    RuleSet icase =
        parse_rules("rules:\n  - {name: r, when: {field: title, matches: 'SLOW'}, then: {priority: P1}}\n", "r");
    Incident slow = incident_of("impact: low, urgency: low");
    slow.title = "it is slow";
    CHECK(decide(slow, icase, cfg).priority == "P1");
}

TEST_SUITE_END();
