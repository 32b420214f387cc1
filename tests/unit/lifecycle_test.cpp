#include "lifecycle/lifecycle.hpp"

#include <doctest/doctest.h>

#include <algorithm>

#include "index/summary.hpp"
#include "model/errors.hpp"

using namespace incident;

TEST_SUITE_BEGIN("lifecycle");

namespace {
Timestamp at(const char* s) { return *parse_rfc3339(s); }

struct Fixture {
    Config config;
    RuleSet rules;
    Fixture() {
        config.teams = {Team{"sre", {"m1@example.com", "m2@example.com"}, {}}};
        config.default_team = "sre";
    }
    Actor actor(const char* when = "2026-11-22T03:00:00Z") { return Actor{"alice", at(when), config}; }
    Incident fresh(const char* impact = "high", const char* urgency = "high") {
        NewIncident f;
        f.title = "t";
        f.impact = impact;
        f.urgency = urgency;
        return open_incident("INC-1", f, rules, actor());
    }
};

Incident in_status(Fixture& fx, Status s) {
    Incident inc = fx.fresh();
    auto a = fx.actor("2026-11-22T04:00:00Z");
    if (s == Status::open) return inc;
    if (s == Status::triaged) {
        triage(inc, {}, fx.rules, a);
        return inc;
    }
    if (s == Status::investigating) {
        acknowledge(inc, a, "");
        return inc;
    }
    if (s == Status::mitigated) {
        set_status(inc, Status::mitigated, a, "");
        return inc;
    }
    resolve(inc, a, "fixed", "done");
    if (s == Status::closed) close(inc, a, CloseRequest{"bob", true, {}, ""});
    return inc;
}
}  // namespace

TEST_CASE("open: matrix priority, defaults, opened event") {
    Fixture fx;
    Incident inc = fx.fresh("medium", "low");
    CHECK(inc.status == Status::open);
    CHECK(inc.priority == "P4");
    CHECK(inc.priority_reason == "matrix: impact=medium x urgency=low -> P4");
    CHECK(inc.team == "sre");
    CHECK(inc.tier == "L1");
    CHECK(inc.reporter == "alice");
    REQUIRE(inc.timeline.size() == 1);
    CHECK(inc.timeline[0].type == "opened");
    NewIncident bad;
    bad.title = "t";
    bad.impact = "enormous";
    CHECK_THROWS_AS(open_incident("INC-2", bad, fx.rules, fx.actor()), UsageError);
}

TEST_CASE("status changes: the table of allowed and refused moves") {
    using S = Status;
    struct Case {
        S from, to;
        bool allowed;
    } cases[] = {
        {S::open, S::triaged, true},
        {S::open, S::investigating, true},
        {S::open, S::mitigated, true},
        {S::triaged, S::investigating, true},
        {S::investigating, S::mitigated, true},
        {S::mitigated, S::investigating, true},
        {S::investigating, S::triaged, false},
        {S::open, S::open, false},
        {S::investigating, S::open, false},
        {S::open, S::resolved, false},
        {S::open, S::closed, false},
        {S::resolved, S::investigating, false},
        {S::closed, S::investigating, false},
        {S::mitigated, S::mitigated, false},
    };
    for (const auto& c : cases) {
        CAPTURE(to_string(c.from));
        CAPTURE(to_string(c.to));
        Fixture fx;
        Incident inc = in_status(fx, c.from);
        REQUIRE(inc.status == c.from);
        auto before = inc.timeline.size();
        if (c.allowed) {
            set_status(inc, c.to, fx.actor("2026-11-22T05:00:00Z"), "");
            CHECK(inc.status == c.to);
            CHECK(inc.timeline.size() == before + 1);
        } else {
            CHECK_THROWS_AS(set_status(inc, c.to, fx.actor(), ""), TransitionRefused);
            CHECK(inc.status == c.from);
            CHECK(inc.timeline.size() == before);
        }
    }
}

TEST_CASE("open and triage err high on unknowns, and triage keeps a hand-set priority") {
    Fixture fx;
    NewIncident f;
    f.title = "t";
    Incident inc = open_incident("INC-1", f, fx.rules, fx.actor());
    CHECK(inc.priority == "P1");  // nothing known: the clock runs from the first second, erring high
    CHECK(inc.priority_reason.find("impact unknown: assumed high") != std::string::npos);
    Config low = fx.config;
    low.unknown_errs_high = false;
    CHECK(open_incident("INC-2", f, fx.rules, Actor{"a", at("2026-11-22T03:00:00Z"), low}).priority == "P5");
    triage(inc, {}, fx.rules, fx.actor());
    CHECK(inc.priority == "P1");
    CHECK(inc.priority_reason.find("impact unknown: assumed high") != std::string::npos);
    Classification manual;
    manual.priority = "P3";
    triage(inc, manual, fx.rules, fx.actor());
    CHECK(is_manual_priority(inc));
    Classification again;
    again.impact = "low";
    again.urgency = "low";
    triage(inc, again, fx.rules, fx.actor());
    CHECK(inc.priority == "P3");
}

TEST_CASE("resolve, reopen, close and their policies") {
    Fixture fx;
    Incident inc = in_status(fx, Status::investigating);
    CHECK_THROWS_AS(resolve(inc, fx.actor(), "fixed", ""), UsageError);
    CHECK_THROWS_AS(resolve(inc, fx.actor(), "magic", "x"), UsageError);
    resolve(inc, fx.actor("2026-11-22T06:00:00Z"), "fixed", "done");
    CHECK(inc.resolved_at);
    CHECK(inc.mitigated_at == inc.resolved_at);
    reopen(inc, fx.actor("2026-11-22T07:00:00Z"), "again");
    CHECK(inc.status == Status::investigating);
    CHECK_FALSE(inc.resolution);
    resolve(inc, fx.actor("2026-11-22T08:00:00Z"), "fixed", "done");
    // P1: needs confirmation and the postmortem
    CHECK_THROWS_AS(close(inc, fx.actor(), CloseRequest{"", true, {}, ""}), TransitionRefused);
    CHECK_THROWS_AS(close(inc, fx.actor(), CloseRequest{"bob", false, {}, ""}), TransitionRefused);
    CHECK_THROWS_AS(close(inc, fx.actor(), CloseRequest{"bob", true, {"section 'Summary' is empty"}, ""}),
                    TransitionRefused);
    // contact attempts before the (latest) resolution do not count
    add_note(inc, fx.actor("2026-11-22T09:00:00Z"), "1", true);
    add_note(inc, fx.actor("2026-11-22T09:10:00Z"), "2", true);
    CHECK_THROWS_AS(close(inc, fx.actor("2026-11-22T10:00:00Z"), CloseRequest{"", true, {}, ""}), TransitionRefused);
    add_note(inc, fx.actor("2026-11-22T09:20:00Z"), "3", true);
    close(inc, fx.actor("2026-11-22T10:00:00Z"), CloseRequest{"", true, {}, ""});
    CHECK(inc.status == Status::closed);
    try {
        reopen(inc, fx.actor(), "");
        FAIL("reopened a closed incident");
    } catch (const TransitionRefused& e) {
        CHECK(e.hint().find("incident open --related INC-1") != std::string::npos);
    }
}

TEST_CASE("escalation: tiers functionally, managers hierarchically, once each") {
    Fixture fx;
    Incident inc = in_status(fx, Status::investigating);
    escalate_functional(inc, fx.actor(), "", "", "");
    CHECK(inc.tier == "L2");
    escalate_functional(inc, fx.actor(), "", "", "");
    CHECK(inc.tier == "L3");
    CHECK_THROWS_AS(escalate_functional(inc, fx.actor(), "", "", ""), TransitionRefused);
    CHECK(escalate_hierarchical(inc, fx.actor(), "").get("to") == "m1@example.com");
    CHECK(escalate_hierarchical(inc, fx.actor(), "").get("to") == "m2@example.com");
    CHECK_THROWS_AS(escalate_hierarchical(inc, fx.actor(), ""), TransitionRefused);
}

TEST_CASE("a move to a lower tier is a de-escalation, not counted as an escalation") {
    Fixture fx;
    Incident inc = in_status(fx, Status::investigating);
    CHECK(escalate_functional(inc, fx.actor(), "L3", "", "").type == "escalated");
    const Event& down = escalate_functional(inc, fx.actor(), "L1", "", "back to the service desk");
    CHECK(down.type == "de-escalated");
    CHECK(down.get("from") == "L3");
    CHECK(down.get("to") == "L1");
    CHECK(inc.tier == "L1");
    StringPool pool;
    Summary s = summarise(inc, fx.config, at("2026-11-22T06:00:00Z"), pool);
    CHECK(s.escalations_functional == 1);
}

TEST_CASE("what another tool did itself, brought in by incident import, is no one's effort") {
    Fixture fx;
    Incident inc = fx.fresh();
    Event by_tool;
    by_tool.at = at("2026-11-22T05:00:00Z");
    by_tool.type = "escalated";
    by_tool.by = "opsgenie";
    by_tool.set("source", "opsgenie/1769952932805_1769952932805327854");
    inc.timeline.push_back(by_tool);
    Event by_person = by_tool;
    by_person.by = "carol@example.com";
    inc.timeline.push_back(by_person);
    Event named_so = by_tool;  // a person whose name is the tool's, with no source
    named_so.attrs.clear();
    inc.timeline.push_back(named_so);
    StringPool pool;
    Summary s = summarise(inc, fx.config, at("2026-11-22T06:00:00Z"), pool);
    std::vector<std::string> who;
    for (const auto& a : s.activity) who.emplace_back(a.who);
    CHECK(std::count(who.begin(), who.end(), "carol@example.com") == 1);
    CHECK(std::count(who.begin(), who.end(), "opsgenie") == 1);  // the one without a source
    for (const auto& a : s.activity)
        if (a.who == "opsgenie") CHECK(a.events == 1);
}

TEST_CASE("an action item is edited field by field, and an edit that changes nothing is refused") {
    Fixture fx;
    Incident inc = fx.fresh();
    Action a;
    a.title = "Alert on saturation";
    add_action(inc, fx.actor(), a);
    const Event& e = edit_action(inc, fx.actor(), 1, ActionEdit{{}, "bob", "2026-12-01", {}, {}});
    CHECK(e.type == "action_edited");
    CHECK(e.get("owner") == "bob");
    CHECK(e.get("due") == "2026-12-01");
    CHECK(e.get("title").empty());  // unchanged: not named
    CHECK(inc.actions[0].owner == "bob");
    CHECK_THROWS_AS(edit_action(inc, fx.actor(), 1, ActionEdit{{}, "bob", {}, {}, {}}), TransitionRefused);
    CHECK_THROWS_AS(edit_action(inc, fx.actor(), 1, ActionEdit{{}, {}, "soon", {}, {}}), UsageError);
    CHECK_THROWS_AS(edit_action(inc, fx.actor(), 2, ActionEdit{{}, "bob", {}, {}, {}}), NotFound);
    edit_action(inc, fx.actor(), 1, ActionEdit{{}, "", {}, {}, {}});
    CHECK(inc.actions[0].owner.empty());  // "" clears
}

TEST_CASE("events are inserted in time order") {
    Fixture fx;
    Incident inc = fx.fresh();
    add_note(inc, fx.actor("2026-11-22T05:00:00Z"), "b", false);
    add_note(inc, fx.actor("2026-11-22T04:00:00Z"), "a", false);
    CHECK(inc.timeline[1].text == "a");
    CHECK(inc.timeline[2].text == "b");
}

TEST_SUITE_END();
