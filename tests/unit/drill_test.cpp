// Drills: scenarios read and refused with a location, the draft they open,
// and the score from a drill's timeline.
#include "drill/drill.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"
#include "rules/rules.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("drill");

namespace {
Timestamp at(const char* t) { return *parse_rfc3339(t); }
}  // namespace

TEST_CASE("a scenario is read with its injects in time order; a bad one is located") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    t.write(".incident/scenarios/fire.yaml",
            "title: Fire alarm in building 2\nlocation: Site A/Building 2\ninjects:\n"
            "  - {after: 1h, text: second}\n  - {after: 5m, text: first}\n");
    t.write(".incident/scenarios/bad.yaml", "title: x\ninjects: {after: 5m}\n");
    Repository repo = find_repository(t.dir);
    Scenario s = load_scenario(repo, "fire");
    CHECK(s.fields.title == "Fire alarm in building 2");
    REQUIRE(s.injects.size() == 2);
    CHECK(s.injects[0].text == "first");
    CHECK(scenario_names(repo) == std::vector<std::string>{"bad", "fire"});
    CHECK_THROWS_WITH_AS(load_scenario(repo, "bad"), doctest::Contains("bad.yaml:2:"), InvalidData);
    CHECK_THROWS_AS(load_scenario(repo, "none"), NotFound);
    CHECK_THROWS_AS(load_scenario(repo, "../fire"), UsageError);
    NewIncident d = drill_draft(s, at("2026-11-22T03:00:00Z"));
    CHECK(d.drill);
    CHECK(d.tags == std::vector<std::string>{"drill-scenario-fire"});
    CHECK(d.description.find("2026-11-22T03:05:00Z (+5m): first") != std::string::npos);
}

TEST_CASE("a drill is scored from its timeline against the SLA of its priority") {
    Config cfg;
    NewIncident draft;
    draft.title = "Fire alarm";
    draft.impact = draft.urgency = "high";  // P1
    draft.drill = true;
    draft.tags = {"drill-scenario-fire"};
    Actor start{"lead", at("2026-11-22T03:00:00Z"), cfg};
    Incident inc = open_incident("INC-1", draft, RuleSet{}, start);
    acknowledge(inc, Actor{"bob", at("2026-11-22T03:20:00Z"), cfg}, "");
    DrillScore s = score_drill(inc, cfg, at("2026-11-22T04:00:00Z"));
    CHECK(s.scenario == "fire");
    REQUIRE(s.to_acknowledge);
    CHECK(s.to_acknowledge->count() == 1200);
    CHECK_FALSE(s.to_resolve);
    CHECK(s.respond == "missed");  // P1 responds within 15 minutes
    CHECK(s.resolve == "running");
    CHECK(s.met == 0);
    CHECK(s.scored == 1);
}

TEST_SUITE_END();
