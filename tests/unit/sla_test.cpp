#include "sla/sla.hpp"

#include <doctest/doctest.h>

#include "lifecycle/lifecycle.hpp"
#include "sla/calendar.hpp"

using namespace incident;

TEST_SUITE_BEGIN("sla");

namespace {
Timestamp at(const char* s) { return *parse_rfc3339(s); }
}  // namespace

TEST_CASE("working time: window, weekend, holiday, time zone") {
    BusinessHours h = Config().business_hours;  // Mon-Fri 09:00-17:00 UTC
    h.holidays = {"2026-11-24"};
    WorkCalendar cal(h);
    struct Case {
        const char* from;
        const char* to;
        long hours;
    } cases[] = {
        {"2026-11-20T16:00:00Z", "2026-11-23T10:00:00Z", 2},  // Fri 16:00 -> Mon 10:00
        {"2026-11-21T10:00:00Z", "2026-11-22T23:00:00Z", 0},  // the weekend
        {"2026-11-23T08:00:00Z", "2026-11-23T18:00:00Z", 8},  // a full day
        {"2026-11-23T09:00:00Z", "2026-11-25T09:00:00Z", 8},  // Tuesday is a holiday
        {"2026-11-23T12:00:00Z", "2026-11-23T12:00:00Z", 0},
    };
    for (const auto& c : cases) {
        CAPTURE(c.from);
        CHECK(cal.working_time(at(c.from), at(c.to)) == std::chrono::hours(c.hours));
    }
    CHECK(format_rfc3339(cal.add_working_time(at("2026-11-20T16:00:00Z"), std::chrono::hours(4))) ==
          "2026-11-23T12:00:00Z");
    CHECK(format_rfc3339(cal.add_working_time(at("2026-11-23T16:00:00Z"), std::chrono::hours(2))) ==
          "2026-11-25T10:00:00Z");  // across the holiday
}

TEST_CASE("working time follows the zone's daylight-saving change") {
    BusinessHours h = Config().business_hours;
    h.timezone = "Europe/Berlin";
    WorkCalendar cal(h);
    // Friday 2026-10-23 09:00 Berlin is 07:00 UTC (summer); Monday 2026-10-26 09:00 is 08:00 UTC (winter).
    CHECK(cal.working_time(at("2026-10-23T07:00:00Z"), at("2026-10-23T15:00:00Z")) == std::chrono::hours(8));
    CHECK(cal.working_time(at("2026-10-26T07:00:00Z"), at("2026-10-26T09:00:00Z")) == std::chrono::hours(1));
    BusinessHours bad;
    bad.timezone = "Mars/Olympus";
    CHECK_THROWS_AS(WorkCalendar{bad}, InvalidData);
}

TEST_CASE("clocks: ok, at-risk, breached, met, missed, paused") {
    Config cfg;
    cfg.sla_pause_when_mitigated = true;
    RuleSet none;
    NewIncident f;
    f.title = "t";
    f.impact = "high";
    f.urgency = "high";  // P1: respond 15m, resolve 4h
    Incident inc = open_incident("INC-1", f, none, Actor{"a", at("2026-11-22T00:00:00Z"), cfg});
    CHECK(sla_status(inc, cfg, at("2026-11-22T00:10:00Z")).respond.state == ClockState::ok);
    CHECK(sla_status(inc, cfg, at("2026-11-22T00:12:00Z")).respond.state == ClockState::at_risk);
    CHECK(sla_status(inc, cfg, at("2026-11-22T00:15:00Z")).respond.state == ClockState::breached);
    acknowledge(inc, Actor{"a", at("2026-11-22T00:20:00Z"), cfg}, "");
    auto s = sla_status(inc, cfg, at("2026-11-22T01:00:00Z"));
    CHECK(s.respond.state == ClockState::missed);
    CHECK(s.active().name == "resolve");
    set_status(inc, Status::mitigated, Actor{"a", at("2026-11-22T01:00:00Z"), cfg}, "");
    s = sla_status(inc, cfg, at("2026-11-22T09:00:00Z"));  // 8h later, but paused after 1h
    CHECK(s.resolve.elapsed == std::chrono::hours(1));
    CHECK(s.resolve.paused);
    CHECK_FALSE(s.resolve.due);
    set_status(inc, Status::investigating, Actor{"a", at("2026-11-22T09:00:00Z"), cfg}, "");
    s = sla_status(inc, cfg, at("2026-11-22T11:00:00Z"));
    CHECK(s.resolve.elapsed == std::chrono::hours(3));
    CHECK(s.resolve.state == ClockState::at_risk);
    CHECK(format_rfc3339(*s.resolve.due) == "2026-11-22T12:00:00Z");
    resolve(inc, Actor{"a", at("2026-11-22T11:30:00Z"), cfg}, "fixed", "x");
    CHECK(sla_status(inc, cfg, at("2026-11-23T00:00:00Z")).resolve.state == ClockState::met);
}

TEST_CASE("auto escalation plan is idempotent per clock") {
    Config cfg;
    RuleSet none;
    NewIncident f;
    f.title = "t";
    f.impact = "high";
    f.urgency = "high";
    f.team = "sre";
    Incident inc = open_incident("INC-1", f, none, Actor{"a", at("2026-11-22T00:00:00Z"), cfg});
    CHECK_FALSE(plan_auto_escalation(inc, cfg, at("2026-11-22T00:05:00Z")));
    auto p = plan_auto_escalation(inc, cfg, at("2026-11-22T00:12:00Z"));
    REQUIRE(p);
    CHECK(p->functional);
    CHECK_FALSE(p->hierarchical);
    Attributes tags = {{"auto", YamlNode("sla")}, {"clock", YamlNode("respond")}};
    escalate_functional(inc, Actor{"a", at("2026-11-22T00:12:00Z"), cfg}, "", "", p->reason, tags);
    CHECK_FALSE(plan_auto_escalation(inc, cfg, at("2026-11-22T00:13:00Z")));
    p = plan_auto_escalation(inc, cfg, at("2026-11-22T00:20:00Z"));
    REQUIRE(p);
    CHECK_FALSE(p->functional);
    CHECK(p->hierarchical);
    inc.drill = true;
    CHECK_FALSE(plan_auto_escalation(inc, cfg, at("2026-11-22T00:20:00Z")));
}

TEST_SUITE_END();
