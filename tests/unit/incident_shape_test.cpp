// check_incident_shape against the schema it stands for: the same verdict as
// valijson with schemas/incident.schema.json on thousands of incidents with
// values replaced, removed and added at random (seeded: a failure reproduces).
#include "validate/incident_shape.hpp"

#include <doctest/doctest.h>

#include <random>

#include "model/yaml_doc.hpp"
#include "validate/validate.hpp"

using namespace incident;

TEST_SUITE_BEGIN("validate::incident_shape");

namespace {

const char* kFull = R"(id: INC-7
uid: 00000000-0000-4000-8000-000000000007
title: Checkout down
status: closed
drill: false
category: software
subcategory: outage
service: checkout
impact: high
urgency: high
priority: P1
priority_reason: "matrix: impact high x urgency high"
sla_policy: gold
reporter: ann@example.com
assignee: bob@example.com
team: sre
tier: L2
roles: {commander: carol@example.com, scribe: null}
tags: [customer-facing, web]
related: [INC-3]
problem: PRB-1
location: dc-1
dedup_key: alert-42
started_at: 2026-11-20T09:55:00Z
detected_at: 2026-11-20T09:58:00Z
opened_at: 2026-11-20T10:00:00Z
acknowledged_at: 2026-11-20T10:02:00.5+01:00
mitigated_at: 2026-11-20T10:30:00Z
resolved_at: 2026-11-20T11:00:00Z
closed_at: 2026-11-21T09:00:00Z
description: |
  Payments failed.
  Two lines.
resolution: {code: fixed, summary: rolled back, by: bob@example.com}
actions:
  - {id: 1, title: Add a canary, owner: bob@example.com, due: 2026-12-01, type: prevent, status: open, tracker: T-1}
  - {id: 2, title: Page faster, owner: null, due: null, type: null, status: done}
timeline:
  - {at: 2026-11-20T10:00:00Z, by: ann@example.com, type: opened}
  - {at: 2026-11-20T10:02:00Z, by: bob@example.com, type: acknowledged, text: on it}
  - {at: 2026-11-20T11:00:00Z, by: null, type: status, from: mitigated, to: resolved}
custom: {anything: [1, 2]}
)";

const char* kMinimal = "id: OPS-1\ntitle: t\nstatus: open\n";

// Values a person or a program could put anywhere, as YAML text.
const char* kValues[] = {
    "x",
    "''",
    "",
    "null",
    "~",
    "1",
    "-1",
    "0",
    "1.5",
    "1e3",
    ".inf",
    "true",
    "yes",
    "FALSE",
    "[]",
    "{}",
    "[a, 1]",
    "[a, b]",
    "{a: 1}",
    "{a: b}",
    "'1'",
    "'true'",
    "INC-1",
    "inc-0",
    "A-1",
    "ABCDEFGHIJKLMNOPQ-1",
    "X-1234567890",
    "open",
    "closed",
    "investigatin",
    "done",
    "mitigate",
    "prevent",
    "2026-11-22T03:04:05Z",
    "2026-11-22t03:04:05z",
    "2026-11-22 03:04:05.123-07:00",
    "2026-11-22T03:04:05",
    "2026-11-22",
    "'2026-11-22'",
    "2026-13-99T99:99:99Z",
    "soon",
    "{code: c, summary: s}",
    "{code: c}",
    "{code: 1, summary: s}",
    "{commander: a}",
    "{commander: 1}",
    "[{at: 2026-11-22T03:04:05Z, type: x}]",
    "[{at: soon, type: x}]",
    "[{id: 1, title: t}]",
    "[{id: 0, title: t}]",
    "[{id: '1', title: t}]",
    "[x]",
};

YamlNode parse_value(const std::string& text) {
    YamlNode doc = load_yaml("v: " + text + "\n", "value.yaml");
    return doc["v"];
}

std::size_t count_nodes(const YamlNode& n) {
    std::size_t c = 1;
    for (const auto& item : n.items()) c += count_nodes(item);
    for (const auto& [k, v] : n.entries()) c += count_nodes(v);
    return c;
}

// A copy of `n` in which the node numbered `target` (depth first, values
// only) is replaced by `with`, or dropped when `with` is undefined and it is
// a mapping's value or a list's item.
YamlNode replaced(const YamlNode& n, std::size_t& counter, std::size_t target, const YamlNode& with) {
    if (counter++ == target) return with;
    if (n.is_sequence()) {
        YamlNode out = YamlNode::sequence(n.is_flow());
        for (const auto& item : n.items()) {
            YamlNode v = replaced(item, counter, target, with);
            if (v) out.push_back(std::move(v));
        }
        return out;
    }
    if (n.is_map()) {
        YamlNode out = YamlNode::mapping(n.is_flow());
        for (const auto& [k, item] : n.entries()) {
            YamlNode v = replaced(item, counter, target, with);
            if (v) out.append(k, std::move(v));
        }
        return out;
    }
    return n;
}

std::string verdict(const std::vector<Finding>& findings) {
    std::string s;
    for (const auto& f : findings) s += f.message + "; ";
    return s.empty() ? "conforms" : s;
}

}  // namespace

TEST_CASE("incident shape: the base documents conform, and every value kind is judged as the schema judges it") {
    for (const char* text : {kFull, kMinimal}) {
        YamlNode doc = load_yaml(text, "t.yaml");
        CHECK(check_incident_shape(doc, "t.yaml").empty());
        CHECK(check_schema(doc, "incident.schema.json", "t.yaml").empty());
    }
}

TEST_CASE("incident shape: the same verdict as the JSON Schema on 4 000 altered incidents") {
    std::mt19937 rng(20261123);
    auto below = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
    std::size_t conforming = 0, broken = 0;
    for (int round = 0; round < 4000; ++round) {
        YamlNode doc = load_yaml(round % 4 == 3 ? kMinimal : kFull, "t.yaml");
        for (int edits = 1 + static_cast<int>(below(2)); edits > 0; --edits) {
            std::size_t counter = 0, target = 1 + below(count_nodes(doc) - 1);
            YamlNode with = below(8) == 0 ? YamlNode() : parse_value(kValues[below(std::size(kValues))]);
            doc = replaced(doc, counter, target, with);
        }
        if (below(10) == 0) doc.set(below(2) ? "status" : "extra_key", parse_value(kValues[below(std::size(kValues))]));
        std::string ours = verdict(check_incident_shape(doc, "t.yaml"));
        std::string schema = verdict(check_schema(doc, "incident.schema.json", "t.yaml"));
        CAPTURE(yaml_to_json(doc).dump());
        CAPTURE(ours);
        CAPTURE(schema);
        REQUIRE((ours == "conforms") == (schema == "conforms"));
        (ours == "conforms" ? conforming : broken)++;
    }
    // Both kinds of verdict are well represented.
    CHECK(conforming > 500);
    CHECK(broken > 1000);
}

TEST_CASE("incident shape: findings are located and name the path") {
    YamlNode doc = load_yaml("id: INC-2\ntitle: t\nstatus: open\ntags: {a: b}\ntimeline:\n  - {at: soon, type: x}\n",
                             "INC-2.yaml");
    auto findings = check_incident_shape(doc, "INC-2.yaml");
    REQUIRE(findings.size() == 2);
    CHECK(findings[0].message == "tags: expected a list or null, found a mapping");
    CHECK(findings[0].where.line == 4);
    CHECK(findings[0].where.column == 7);
    CHECK(findings[1].message.rfind("timeline.0.at: expected an RFC 3339 time", 0) == 0);
    CHECK(findings[1].where.line == 6);
    auto missing = check_incident_shape(load_yaml("title: t\nstatus: open\n", "x.yaml"), "x.yaml");
    REQUIRE(missing.size() == 1);
    CHECK(missing[0].message == "id: missing");
}

TEST_SUITE_END();
