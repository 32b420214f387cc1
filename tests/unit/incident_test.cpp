#include "model/incident.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"

using namespace incident;

TEST_SUITE_BEGIN("model::incident");

namespace {
Incident parse(const std::string& text) { return incident_from_yaml(load_yaml(text, "x.yaml"), "x.yaml"); }

const char* kFull = R"(id: INC-42
uid: 0b6f0c5e-0000-4000-8000-000000000000
title: Checkout latency above 3 s
status: investigating
drill: false
category: network
subcategory: outage
service: checkout
impact: high
urgency: high
priority: P1
priority_reason: "matrix: impact=high x urgency=high"
reporter: alice@example.com
assignee: bob@example.com
team: sre
tier: L2
roles: {commander: alice@example.com, comms: carol@example.com}
tags: [customer-facing]
related: [INC-12]
problem: PRB-7
location: Car park B
dedup_key: alertmanager/HighLatency/checkout
started_at: 2026-11-22T02:55:00Z
detected_at: 2026-11-22T03:01:00Z
opened_at: 2026-11-22T03:04:05Z
acknowledged_at: 2026-11-22T03:09:00Z
mitigated_at: null
resolved_at: null
closed_at: null
description: |
  Free text.
  Second line.
resolution: null
actions:
  - {id: 1, title: Add pool saturation alert, owner: bob, due: 2026-12-01, type: prevent, status: open}
timeline:
  - {at: 2026-11-22T03:04:05Z, by: alice@example.com, type: opened, text: "yes"}
  - {at: 2026-11-22T03:20:00Z, by: bob@example.com, type: escalated, kind: functional, from: L1, to: L2, text: reason}
)";
}  // namespace

TEST_CASE("a canonical file round-trips byte for byte") { CHECK(incident_to_yaml(parse(kFull)) == kFull); }

TEST_CASE("fields are typed") {
    Incident inc = parse(kFull);
    CHECK(inc.status == Status::investigating);
    CHECK(inc.role("comms") == "carol@example.com");
    CHECK(inc.has_tag("customer-facing"));
    CHECK(inc.description == "Free text.\nSecond line.");
    CHECK(format_rfc3339(*inc.started_at) == "2026-11-22T02:55:00Z");
    CHECK(format_rfc3339(*inc.detected_at) == "2026-11-22T03:01:00Z");
    CHECK_FALSE(inc.resolved_at);
    REQUIRE(inc.timeline.size() == 2);
    CHECK(inc.timeline[0].text == "yes");
    CHECK(inc.timeline[1].get("to") == "L2");
}

TEST_CASE("unknown keys survive, next to the key they followed") {
    std::string text = "x_first: 1\nid: INC-1\ntitle: t\nstatus: open\nticket: {key: OPS-1}\nservice: s\nz_last: [a]\n";
    Incident inc = parse(text);
    std::string out = incident_to_yaml(inc);
    CHECK(out.rfind("x_first: 1\nid: INC-1\n", 0) == 0);
    CHECK(out.find("status: open\nticket: {key: OPS-1}\ndrill: false\n") != std::string::npos);
    CHECK(out.find("service: s\nz_last: [a]\nimpact:") != std::string::npos);
    CHECK(incident_to_yaml(parse(out)) == out);
    auto j = incident_to_json(inc);
    CHECK(j["extra"]["ticket"]["key"] == "OPS-1");
}

TEST_CASE("unknown keys after an omitted optional key are not lost") {
    Incident inc = parse("id: INC-1\ntitle: t\nstatus: open\nlocation: here\nafter_location: 1\n");
    inc.location.clear();
    CHECK(incident_to_yaml(inc).find("after_location: 1") != std::string::npos);
}

TEST_CASE("type errors name the field and its position") {
    struct Case {
        const char* text;
        const char* error;
    } cases[] = {
        {"id: INC-1\ntitle: t\nstatus: nope\n", "x.yaml:3:9: status: unknown value 'nope'"},
        {"id: INC-1\ntitle: t\n", "status: missing"},
        {"title: t\nstatus: open\n", "id: missing"},
        {"id: INC-1\ntitle: t\nstatus: open\ntags: {a: b}\n", "x.yaml:4:7: tags: expected a list"},
        {"id: INC-1\ntitle: t\nstatus: open\nroles: [a]\n", "roles: expected a mapping"},
        {"id: INC-1\ntitle: t\nstatus: open\nopened_at: 2026-13-01T00:00:00Z\n", "opened_at: expected an RFC 3339"},
        {"id: INC-1\ntitle: t\nstatus: open\ntimeline: [{by: x}]\n", "event has no 'at' time"},
        {"id: INC-1\ntitle: [a]\nstatus: open\n", "title: expected a string"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        try {
            parse(c.text);
            FAIL("accepted");
        } catch (const InvalidData& e) {
            CHECK(std::string(e.what()).find(c.error) != std::string::npos);
        }
    }
}

TEST_CASE("awkward text survives the round trip") {
    Incident inc = parse("id: INC-1\ntitle: t\nstatus: open\n");
    for (std::string s : {"yes", "123", "a: b # c", "<script>&amp;</script>", "emoji 😀", "multi\nline", "tab\there",
                          "- dash", "[x]", "'quote\"", "null", "", " leading"}) {
        CAPTURE(s);
        inc.title = s.empty() ? "x" : s;
        Event e;
        e.type = "note";
        e.text = s;
        inc.timeline = {e};
        Incident back = parse(incident_to_yaml(inc));
        CHECK(back.title == inc.title);
        CHECK(back.timeline[0].text == s);
    }
}

TEST_SUITE_END();
