// The communication cadence and the regulatory deadline clocks: each
// shipped set's figures, business days over a weekend and a holiday, a
// stage counted from another's submission, a deadline met late, the
// reminders owed once.
#include "deadlines/deadlines.hpp"

#include <doctest/doctest.h>

#include "effects/reminders.hpp"
#include "model/yaml_doc.hpp"
#include "sla/cadence.hpp"

using namespace incident;

TEST_SUITE_BEGIN("deadlines");

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

Config config_with(const std::string& text) {
    Config c;
    apply_config_layer(c, load_yaml(text, "config.yaml"), "config.yaml");
    return c;
}

Incident opened(const Config& c, const char* when = "2026-12-01T10:00:00Z", const char* priority = "P1") {
    NewIncident f;
    f.title = "customer data exposed";
    f.priority = priority;
    return open_incident("INC-9", f, RuleSet{}, Actor{"alice", at(when), c});
}

const DeadlineClock& clock_of(const std::vector<DeadlineClock>& clocks, const std::string& label) {
    for (const auto& c : clocks)
        if (c.label() == label) return c;
    FAIL("no clock " << label);
    return clocks.front();
}

std::string due(const std::vector<DeadlineClock>& clocks, const std::string& label) {
    const auto& c = clock_of(clocks, label);
    return c.due ? format_rfc3339(*c.due) : "none";
}

SlaClock cadence_of(const Incident& inc, const Config& c, Timestamp now) {
    std::vector<Timestamp> updates;
    for (const Event& e : inc.timeline)
        if (e.type == "update") updates.push_back(e.at);
    return cadence_clock({inc.priority, inc.status, lifecycle_times(inc), updates}, cadence_settings(c, "config.yaml"),
                         c, now);
}

}  // namespace

TEST_CASE("cadence: due, at risk, overdue, reset by a new update, met or missed once resolved") {
    Config c = config_with("communication: {P1: 30m, P2: 1h}\nsla_clock: {at_risk: 0.5}\n");
    Incident inc = opened(c);
    CHECK(cadence_of(inc, c, at("2026-12-01T10:10:00Z")).state == ClockState::ok);
    auto risk = cadence_of(inc, c, at("2026-12-01T10:16:00Z"));
    CHECK(risk.state == ClockState::at_risk);
    CHECK(format_rfc3339(*risk.due) == "2026-12-01T10:30:00Z");
    CHECK(cadence_of(inc, c, at("2026-12-01T10:30:00Z")).state == ClockState::breached);
    stakeholder_update(inc, Actor{"bob", at("2026-12-01T10:40:00Z"), c}, "we are on it");
    auto reset = cadence_of(inc, c, at("2026-12-01T10:45:00Z"));
    CHECK(reset.state == ClockState::ok);
    CHECK(format_rfc3339(*reset.due) == "2026-12-01T11:10:00Z");
    // The record for reports: one late (40m after opening), then one on time.
    stakeholder_update(inc, Actor{"bob", at("2026-12-01T11:00:00Z"), c}, "fix deploying");
    std::vector<Timestamp> updates = {at("2026-12-01T10:40:00Z"), at("2026-12-01T11:00:00Z")};
    auto record = cadence_record({inc.priority, inc.status, lifecycle_times(inc), updates},
                                 cadence_settings(c, "config.yaml"), at("2026-12-01T11:20:00Z"));
    CHECK(record.due == 2);
    CHECK(record.on_time == 1);
    resolve(inc, Actor{"bob", at("2026-12-01T11:20:00Z"), c}, "fixed", "done");
    auto stopped = cadence_of(inc, c, at("2026-12-02T00:00:00Z"));
    CHECK_FALSE(stopped.running);
    CHECK(stopped.state == ClockState::missed);  // the first update came late
    // A priority without a cadence has no clock; a bad setting is located.
    CHECK(cadence_of(opened(c, "2026-12-01T10:00:00Z", "P3"), c, at("2026-12-01T12:00:00Z")).state == ClockState::none);
    CHECK_THROWS_WITH_AS(cadence_settings(config_with("communication: {P9: 30m}\n"), "config.yaml"),
                         doctest::Contains("config.yaml:1:17"), InvalidData);
    CHECK_THROWS_AS(cadence_settings(config_with("communication: {P1: 10s}\n"), "config.yaml"), InvalidData);
}

TEST_CASE("deadlines: GDPR, NIS2, DORA and HIPAA from their own moments") {
    Config c;
    auto sets = deadline_sets(c, "config.yaml");
    Incident inc = opened(c);
    Actor a{"alice", at("2026-12-01T10:00:00Z"), c};
    for (const char* set : {"gdpr", "nis2", "dora", "hipaa"}) attach_deadline(inc, a, set, sets);
    CHECK_THROWS_AS(attach_deadline(inc, a, "gdpr", sets), TransitionRefused);
    CHECK_THROWS_AS(attach_deadline(inc, a, "ccpa", sets), UsageError);
    // Nothing runs before its moment is recorded.
    auto none = deadline_clocks(inc, sets, c, at("2026-12-01T11:00:00Z"));
    CHECK(clock_of(none, "gdpr.authority").state == ClockState::none);
    CHECK(clock_of(none, "gdpr.authority").waiting_for == "aware");
    // Awareness backfilled to 08:00: GDPR 72 h, NIS2 24 h and 72 h, DORA's 24 h backstop.
    record_moment(inc, a, "aware", at("2026-12-01T08:00:00Z"));
    auto clocks = deadline_clocks(inc, sets, c, at("2026-12-01T11:00:00Z"));
    CHECK(due(clocks, "gdpr.authority") == "2026-12-04T08:00:00Z");
    CHECK(due(clocks, "nis2.early-warning") == "2026-12-02T08:00:00Z");
    CHECK(due(clocks, "nis2.notification") == "2026-12-04T08:00:00Z");
    CHECK(due(clocks, "nis2.final-report") == "none");  // counted from the notification's submission
    CHECK(due(clocks, "dora.initial") == "2026-12-02T08:00:00Z");
    CHECK(clock_of(clocks, "gdpr.authority").state == ClockState::ok);
    // Classified as major at 10:00: DORA's initial report is due 4 h later.
    record_moment(inc, a, "classified", at("2026-12-01T10:00:00Z"));
    clocks = deadline_clocks(inc, sets, c, at("2026-12-01T13:30:00Z"));
    CHECK(due(clocks, "dora.initial") == "2026-12-01T14:00:00Z");
    CHECK(clock_of(clocks, "dora.initial").state == ClockState::at_risk);
    // NIS2: the notification submitted on 3 December; the final report a month after it.
    record_submission(inc, Actor{"carol", at("2026-12-03T09:00:00Z"), c}, "nis2.notification", "CSIRT-77", sets);
    clocks = deadline_clocks(inc, sets, c, at("2026-12-05T00:00:00Z"));
    CHECK(clock_of(clocks, "nis2.notification").state == ClockState::met);
    CHECK(clock_of(clocks, "nis2.notification").ref == "CSIRT-77");
    CHECK(due(clocks, "nis2.final-report") == "2027-01-03T09:00:00Z");
    // GDPR met late: reported missed, with by how long.
    record_submission(inc, Actor{"carol", at("2026-12-04T10:30:00Z"), c}, "gdpr", "DPA-2026-123", sets);
    clocks = deadline_clocks(inc, sets, c, at("2026-12-05T00:00:00Z"));
    CHECK(clock_of(clocks, "gdpr.authority").state == ClockState::missed);
    CHECK(clock_of(clocks, "gdpr.authority").late == std::chrono::minutes(150));
    CHECK(clock_of(clocks, "nis2.early-warning").state == ClockState::breached);
    // HIPAA: 60 days from discovery.
    record_moment(inc, a, "discovered", at("2026-11-30T12:00:00Z"));
    clocks = deadline_clocks(inc, sets, c, at("2026-12-05T00:00:00Z"));
    CHECK(due(clocks, "hipaa.individuals") == "2027-01-29T12:00:00Z");
    CHECK(due(clocks, "hipaa.hhs") == "2027-01-29T12:00:00Z");
    // Submissions name a stage where the set has more than one; an unknown one is refused.
    CHECK_THROWS_AS(record_submission(inc, a, "nis2", "X", sets), UsageError);
    CHECK_THROWS_AS(record_submission(inc, a, "nis2.final", "X", sets), UsageError);
    CHECK_THROWS_AS(record_submission(inc, a, "sec-8k", "X", sets), UsageError);  // not attached
    CHECK_THROWS_AS(record_moment(inc, a, "noticed", at("2026-12-01T08:00:00Z")), UsageError);
}

TEST_CASE("deadlines: the SEC's four business days skip a weekend and a holiday") {
    Config c = config_with(
        "business_hours: {timezone: America/New_York, days: [mon, tue, wed, thu, fri], start: '09:00', end: '17:00',"
        " holidays: ['2026-12-25']}\n");
    auto sets = deadline_sets(c, "config.yaml");
    Incident inc = opened(c, "2026-12-20T10:00:00Z");
    Actor a{"alice", at("2026-12-20T10:00:00Z"), c};
    attach_deadline(inc, a, "sec-8k", sets);
    // Determined material on Thursday 24 December, 15:00 in New York: Friday
    // is a holiday, then the weekend; Monday to Thursday are the four days.
    record_moment(inc, a, "determined", at("2026-12-24T20:00:00Z"));
    auto clocks = deadline_clocks(inc, sets, c, at("2026-12-28T12:00:00Z"));
    CHECK(due(clocks, "sec-8k.form-8k") == "2027-01-01T05:00:00Z");  // the end of Thursday 31 December, New York
    CHECK(clock_of(clocks, "sec-8k.form-8k").state == ClockState::ok);
    record_submission(inc, Actor{"carol", at("2027-01-01T04:00:00Z"), c}, "sec-8k", "0001234567-27-000001", sets);
    clocks = deadline_clocks(inc, sets, c, at("2027-01-02T00:00:00Z"));
    CHECK(clock_of(clocks, "sec-8k.form-8k").state == ClockState::met);
}

TEST_CASE("deadlines: sets from the config, located errors") {
    auto sets =
        deadline_sets(config_with("deadlines:\n  pci:\n    stages: [{name: acquirer, within: 24h, from: aware}]\n"
                                  "  gdpr:\n    stages: [{name: authority, within: 48h, from: aware}]\n"),
                      "config.yaml");
    REQUIRE(find_set(sets, "pci"));
    CHECK(find_set(sets, "gdpr")->stages.front().within == std::chrono::hours(48));  // replaces the shipped one
    auto error = [](const std::string& text) {
        try {
            deadline_sets(config_with("deadlines:\n" + text), "config.yaml");
        } catch (const InvalidData& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    CHECK(error("  x: {stages: [{name: a, within: soon, from: aware}]}\n").find("config.yaml:2:") == 0);
    CHECK(error("  x: {stages: [{name: a, within: 1d, from: lunch}]}\n").find("from must be a moment") !=
          std::string::npos);
    CHECK(error("  x: {stages: [{name: a, within: 1d, from: b}, {name: b, within: 1d, from: aware}]}\n")
              .find("an earlier stage") != std::string::npos);
    CHECK(error("  X: {stages: [{name: a, within: 1d, from: aware}]}\n").find("lower-case") != std::string::npos);
    CHECK(error("  x: {stages: [{name: a, within: 1d, from: aware, backstop: 1d}]}\n").find("go together") !=
          std::string::npos);
}

TEST_CASE("reminders: an overdue update and a deadline at risk, each once") {
    Config c = config_with("communication: {P1: 30m}\n");
    auto sets = deadline_sets(c, "config.yaml");
    const Cadence cadence = cadence_settings(c, "config.yaml");
    Incident inc = opened(c);
    Actor a{"alice", at("2026-12-01T10:00:00Z"), c};
    inc.set_role("comms", "carol@example.com");
    attach_deadline(inc, a, "gdpr", sets);
    record_moment(inc, a, "aware", at("2026-12-01T09:00:00Z"));
    CHECK(plan_reminders(inc, cadence, sets, c, at("2026-12-01T10:20:00Z")).empty());
    auto owed = plan_reminders(inc, cadence, sets, c, at("2026-12-03T20:00:00Z"));
    REQUIRE(owed.size() == 2);
    CHECK(owed[0].clock == "update");
    CHECK(owed[0].to == "carol@example.com");
    CHECK(owed[1].clock == "gdpr.authority");
    CHECK(owed[1].state == ClockState::at_risk);
    for (const auto& r : owed) {
        Event e = make_event(Actor{"incident", at("2026-12-03T20:00:00Z"), c}, "reminder", r.text);
        e.set("clock", r.clock);
        e.set("state", std::string(to_string(r.state)));
        e.set("due", format_rfc3339(r.due));
        add_event(inc, std::move(e));
    }
    CHECK(plan_reminders(inc, cadence, sets, c, at("2026-12-03T21:00:00Z")).empty());
    // Overdue is a new reminder; so is the next update due after a new update.
    owed = plan_reminders(inc, cadence, sets, c, at("2026-12-04T10:00:00Z"));
    REQUIRE(owed.size() == 1);
    CHECK(owed[0].state == ClockState::breached);
}

TEST_SUITE_END();
