// On-call schedules: who is on call when, read from YAML the way a schedule
// file is read. Every expected instant is UTC, worked out by hand from the
// zone's rules, with the local time it names beside it.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "located_findings.hpp"
#include "model/errors.hpp"
#include "model/time.hpp"
#include "model/yaml_doc.hpp"
#include "oncall/people.hpp"
#include "oncall/schedule.hpp"

using namespace incident;

TEST_SUITE_BEGIN("oncall");

using testing::describe;

namespace {

Timestamp at(const char* t) {
    auto v = parse_rfc3339(t);
    REQUIRE_MESSAGE(v, "not RFC 3339: " << t);
    return *v;
}

const char* const kPeopleYaml =
    "people:\n"
    "  alice: {name: Alice, email: alice@example.com}\n"
    "  bob: {name: Bob, email: bob@example.com}\n"
    "  carol: {name: Carol, email: carol@example.com}\n"
    "  dave: {name: Dave, email: dave@example.com}\n";

People people() {
    Problems problems;
    People p = parse_people(load_yaml(kPeopleYaml, "people.yaml"), "people.yaml", problems);
    REQUIRE(problems.empty());
    return p;
}

// A schedule read from `yaml` as .incident/oncall/primary.yaml; it must read cleanly.
Schedule schedule(const std::string& yaml) {
    Problems problems;
    Schedule s = parse_schedule(load_yaml(yaml, "primary.yaml"), "primary", "primary.yaml", people(), problems);
    INFO(describe(problems.findings()));
    REQUIRE(problems.empty());
    return s;
}

// A schedule of one layer named "main".
std::string one_layer(const char* zone, const char* start, const char* rotation, int shift, const char* members,
                      const char* end = nullptr) {
    std::string y = std::string("name: Primary\ntime_zone: ") + zone +
                    "\nlayers:\n  - name: main\n    start: " + start + "\n    rotation: " + rotation +
                    "\n    shift: " + std::to_string(shift) + "\n    members: " + members + "\n";
    if (end) y += std::string("    end: ") + end + "\n";
    return y;
}

// An expected shift; from/until are RFC 3339, nullptr for an unknown edge (on_call).
struct Expect {
    const char* person;
    const char* from;
    const char* until;
    const char* source;  // "layer NAME", or the override's id
};

std::string edge(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : "?"; }

std::string line(const std::string& person, const std::string& from, const std::string& until,
                 const std::string& source) {
    return person + " " + from + " .. " + until + " " + source + "\n";
}

std::string expected(std::vector<Expect> rows, bool sort_by_person) {
    if (sort_by_person)
        std::sort(rows.begin(), rows.end(),
                  [](const Expect& a, const Expect& b) { return std::string(a.person) < b.person; });
    std::string out;
    for (const auto& r : rows)
        out += line(r.person, r.from ? format_rfc3339(at(r.from)) : "?", r.until ? format_rfc3339(at(r.until)) : "?",
                    r.source);
    return out;
}

// final_shifts, one line per shift (an override shows its id).
std::string shifts(const Schedule& s, const char* from, const char* to) {
    std::string out;
    for (const auto& x : final_shifts(s, at(from), at(to)))
        out += line(x.person, format_rfc3339(x.from), format_rfc3339(x.until),
                    x.source == "override" ? x.override_id : x.source);
    return out;
}

// on_call, one line per person, sorted by person.
std::string on_call_at(const Schedule& s, const char* t) {
    auto got = on_call(s, at(t));
    std::sort(got.begin(), got.end(), [](const OnCall& a, const OnCall& b) { return a.person < b.person; });
    std::string out;
    for (const auto& c : got)
        out += line(c.person, edge(c.from), edge(c.until), c.source == "override" ? c.override_id : c.source);
    return out;
}

struct ShiftCase {
    const char* name;
    std::string yaml;
    const char* from;
    const char* to;
    std::vector<Expect> expect;
};

void check_shifts(const std::vector<ShiftCase>& cases) {
    for (const auto& c : cases) {
        const std::string name = c.name;
        INFO(name);
        const Schedule s = schedule(c.yaml);
        CHECK(shifts(s, c.from, c.to) == expected(c.expect, false));
    }
}

struct AtCase {
    const char* t;
    std::vector<Expect> expect;  // empty: nobody
};

void check_on_call(const Schedule& s, const std::vector<AtCase>& cases) {
    for (const auto& c : cases) {
        const std::string when = std::string("at ") + c.t;
        INFO(when);
        CHECK(on_call_at(s, c.t) == expected(c.expect, true));
    }
}

}  // namespace

TEST_CASE("a weekly 09:00 hand-off in Europe/Berlin keeps its wall-clock time across both DST changes of 2026") {
    // Saturdays: the day before each change. Monday: the day after.
    const std::string saturdays = one_layer("Europe/Berlin", "2026-03-21T09:00", "weekly", 1, "[alice, bob]");
    const std::string mondays = one_layer("Europe/Berlin", "2026-03-23T09:00", "weekly", 1, "[carol, dave]");
    check_shifts({
        {"Saturday hand-offs around 2026-03-29",
         saturdays,
         "2026-03-20T00:00:00Z",
         "2026-04-12T00:00:00Z",
         {
             {"alice", "2026-03-21T08:00:00Z", "2026-03-28T08:00:00Z", "layer main"},  // Sat 09:00 CET .. Sat 09:00 CET
             {"bob", "2026-03-28T08:00:00Z", "2026-04-04T07:00:00Z", "layer main"},    // 09:00 CET .. 09:00 CEST (167h)
             {"alice", "2026-04-04T07:00:00Z", "2026-04-11T07:00:00Z", "layer main"},  // 09:00 CEST .. 09:00 CEST
             {"bob", "2026-04-11T07:00:00Z", "2026-04-12T00:00:00Z", "layer main"},    // cut at the bound
         }},
        {"Saturday hand-offs around 2026-10-25 (turn 31 on 2026-10-24)",
         saturdays,
         "2026-10-17T00:00:00Z",
         "2026-11-01T00:00:00Z",
         {
             {"bob", "2026-10-17T00:00:00Z", "2026-10-17T07:00:00Z", "layer main"},    // cut .. Sat 09:00 CEST
             {"alice", "2026-10-17T07:00:00Z", "2026-10-24T07:00:00Z", "layer main"},  // 09:00 CEST .. 09:00 CEST
             {"bob", "2026-10-24T07:00:00Z", "2026-10-31T08:00:00Z", "layer main"},    // 09:00 CEST .. 09:00 CET (169h)
             {"alice", "2026-10-31T08:00:00Z", "2026-11-01T00:00:00Z", "layer main"},  // 09:00 CET .. cut
         }},
        {"Monday hand-off the day after 2026-03-29",
         mondays,
         "2026-03-29T00:00:00Z",
         "2026-03-31T00:00:00Z",
         {
             {"carol", "2026-03-29T00:00:00Z", "2026-03-30T07:00:00Z", "layer main"},  // .. Mon 09:00 CEST
             {"dave", "2026-03-30T07:00:00Z", "2026-03-31T00:00:00Z", "layer main"},
         }},
        {"Monday hand-off the day after 2026-10-25 (turn 31 on 2026-10-26)",
         mondays,
         "2026-10-25T00:00:00Z",
         "2026-10-27T00:00:00Z",
         {
             {"carol", "2026-10-25T00:00:00Z", "2026-10-26T08:00:00Z", "layer main"},  // .. Mon 09:00 CET
             {"dave", "2026-10-26T08:00:00Z", "2026-10-27T00:00:00Z", "layer main"},
         }},
    });

    const Schedule s = schedule(saturdays);
    check_on_call(
        s, {
               // Sat 2026-03-28 08:59:59 CET: alice's first week, to its last second.
               {"2026-03-28T07:59:59Z", {{"alice", "2026-03-21T08:00:00Z", "2026-03-28T08:00:00Z", "layer main"}}},
               // Sat 09:00 CET: bob until Sat 2026-04-04 09:00 CEST.
               {"2026-03-28T08:00:00Z", {{"bob", "2026-03-28T08:00:00Z", "2026-04-04T07:00:00Z", "layer main"}}},
               // Sat 2026-04-04 08:59:59 CEST: still bob.
               {"2026-04-04T06:59:59Z", {{"bob", "2026-03-28T08:00:00Z", "2026-04-04T07:00:00Z", "layer main"}}},
               // Sun 2026-10-25 12:00 CET: bob, whose week ends Sat 2026-10-31 09:00 CET.
               {"2026-10-25T11:00:00Z", {{"bob", "2026-10-24T07:00:00Z", "2026-10-31T08:00:00Z", "layer main"}}},
           });
}

TEST_CASE("a daily 02:30 hand-off on the nights 02:30 does not exist and exists twice (Europe/Berlin)") {
    check_shifts({
        {"2026-03-29: 02:30 does not exist; the hand-off moves to 03:00 CEST",
         one_layer("Europe/Berlin", "2026-03-27T02:30", "daily", 1, "[alice, bob]"),
         "2026-03-28T00:00:00Z",
         "2026-03-31T00:00:00Z",
         {
             {"alice", "2026-03-28T00:00:00Z", "2026-03-28T01:30:00Z", "layer main"},  // cut .. Sat 02:30 CET
             {"bob", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "layer main"},    // .. Sun 03:00 CEST (the gap)
             {"alice", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "layer main"},  // .. Mon 02:30 CEST
             {"bob", "2026-03-30T00:30:00Z", "2026-03-31T00:00:00Z", "layer main"},    // .. cut (Tue 02:00 CEST)
         }},
        {"2026-10-25: 02:30 happens twice; the hand-off takes the first (CEST)",
         one_layer("Europe/Berlin", "2026-10-23T02:30", "daily", 1, "[alice, bob]"),
         "2026-10-24T00:00:00Z",
         "2026-10-27T00:00:00Z",
         {
             {"alice", "2026-10-24T00:00:00Z", "2026-10-24T00:30:00Z", "layer main"},  // cut .. Sat 02:30 CEST
             {"bob", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "layer main"},    // .. Sun 02:30 CEST (first)
             {"alice", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "layer main"},  // .. Mon 02:30 CET (25h)
             {"bob", "2026-10-26T01:30:00Z", "2026-10-27T00:00:00Z", "layer main"},    // .. cut
         }},
    });

    const Schedule spring = schedule(one_layer("Europe/Berlin", "2026-03-27T02:30", "daily", 1, "[alice, bob]"));
    check_on_call(
        spring, {
                    // Sun 01:59:59 CET, the last second before the gap: still bob.
                    {"2026-03-29T00:59:59Z", {{"bob", "2026-03-28T01:30:00Z", "2026-03-29T01:00:00Z", "layer main"}}},
                    // Sun 03:00 CEST, the first instant after the gap.
                    {"2026-03-29T01:00:00Z", {{"alice", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "layer main"}}},
                    // Mon 02:29:59 CEST / 02:30 CEST.
                    {"2026-03-30T00:29:59Z", {{"alice", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z", "layer main"}}},
                    {"2026-03-30T00:30:00Z", {{"bob", "2026-03-30T00:30:00Z", "2026-03-31T00:30:00Z", "layer main"}}},
                });
    const Schedule fall = schedule(one_layer("Europe/Berlin", "2026-10-23T02:30", "daily", 1, "[alice, bob]"));
    check_on_call(
        fall, {
                  // Sun 02:29:59 CEST (first pass): bob.
                  {"2026-10-25T00:29:59Z", {{"bob", "2026-10-24T00:30:00Z", "2026-10-25T00:30:00Z", "layer main"}}},
                  // Sun 02:15 CET (second pass of the hour): alice since the first 02:30.
                  {"2026-10-25T01:15:00Z", {{"alice", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "layer main"}}},
                  // Sun 02:30 CET, the second 02:30: no second hand-off.
                  {"2026-10-25T01:30:00Z", {{"alice", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z", "layer main"}}},
              });
}

TEST_CASE("an hourly rotation steps by absolute hours across a DST change") {
    check_shifts({
        {"shift 2 across 2026-03-29 (Europe/Berlin)",
         one_layer("Europe/Berlin", "2026-03-28T22:00", "hourly", 2, "[alice, bob]"),
         "2026-03-28T21:00:00Z",
         "2026-03-29T05:00:00Z",
         {
             {"alice", "2026-03-28T21:00:00Z", "2026-03-28T23:00:00Z", "layer main"},  // 22:00 .. 00:00 CET
             {"bob", "2026-03-28T23:00:00Z", "2026-03-29T01:00:00Z", "layer main"},    // 00:00 CET .. 03:00 CEST
             {"alice", "2026-03-29T01:00:00Z", "2026-03-29T03:00:00Z", "layer main"},  // 03:00 .. 05:00 CEST
             {"bob", "2026-03-29T03:00:00Z", "2026-03-29T05:00:00Z", "layer main"},    // 05:00 .. 07:00 CEST
         }},
        {"shift 2 across 2026-10-25 (Europe/Berlin)",
         one_layer("Europe/Berlin", "2026-10-24T22:00", "hourly", 2, "[alice, bob]"),
         "2026-10-24T20:00:00Z",
         "2026-10-25T04:00:00Z",
         {
             {"alice", "2026-10-24T20:00:00Z", "2026-10-24T22:00:00Z", "layer main"},  // 22:00 .. 00:00 CEST
             {"bob", "2026-10-24T22:00:00Z", "2026-10-25T00:00:00Z", "layer main"},    // 00:00 .. 02:00 CEST
             {"alice", "2026-10-25T00:00:00Z", "2026-10-25T02:00:00Z", "layer main"},  // 02:00 CEST .. 03:00 CET
             {"bob", "2026-10-25T02:00:00Z", "2026-10-25T04:00:00Z", "layer main"},    // 03:00 .. 05:00 CET
         }},
    });
}

TEST_CASE("America/New_York and Australia/Sydney: daily 09:00 hand-offs across their opposite DST changes") {
    check_shifts({
        {"New York, DST starts 2026-03-08",
         one_layer("America/New_York", "2026-03-07T09:00", "daily", 1, "[alice, bob]"),
         "2026-03-07T00:00:00Z",
         "2026-03-10T00:00:00Z",
         {
             {"alice", "2026-03-07T14:00:00Z", "2026-03-08T13:00:00Z", "layer main"},  // Sat 09:00 EST .. Sun 09:00 EDT
             {"bob", "2026-03-08T13:00:00Z", "2026-03-09T13:00:00Z", "layer main"},    // .. Mon 09:00 EDT
             {"alice", "2026-03-09T13:00:00Z", "2026-03-10T00:00:00Z", "layer main"},  // .. cut
         }},
        {"New York, DST ends 2026-11-01",
         one_layer("America/New_York", "2026-10-31T09:00", "daily", 1, "[alice, bob]"),
         "2026-10-31T00:00:00Z",
         "2026-11-03T00:00:00Z",
         {
             {"alice", "2026-10-31T13:00:00Z", "2026-11-01T14:00:00Z", "layer main"},  // Sat 09:00 EDT .. Sun 09:00 EST
             {"bob", "2026-11-01T14:00:00Z", "2026-11-02T14:00:00Z", "layer main"},    // .. Mon 09:00 EST
             {"alice", "2026-11-02T14:00:00Z", "2026-11-03T00:00:00Z", "layer main"},
         }},
        {"Sydney, DST ends 2026-04-05",
         one_layer("Australia/Sydney", "2026-04-04T09:00", "daily", 1, "[alice, bob]"),
         "2026-04-03T00:00:00Z",
         "2026-04-06T00:00:00Z",
         {
             {"alice", "2026-04-03T22:00:00Z", "2026-04-04T23:00:00Z",
              "layer main"},                                                         // Sat 09:00 AEDT .. Sun 09:00 AEST
             {"bob", "2026-04-04T23:00:00Z", "2026-04-05T23:00:00Z", "layer main"},  // .. Mon 09:00 AEST
             {"alice", "2026-04-05T23:00:00Z", "2026-04-06T00:00:00Z", "layer main"},
         }},
        {"Sydney, DST starts 2026-10-04",
         one_layer("Australia/Sydney", "2026-10-03T09:00", "daily", 1, "[alice, bob]"),
         "2026-10-02T00:00:00Z",
         "2026-10-05T00:00:00Z",
         {
             {"alice", "2026-10-02T23:00:00Z", "2026-10-03T22:00:00Z",
              "layer main"},                                                         // Sat 09:00 AEST .. Sun 09:00 AEDT
             {"bob", "2026-10-03T22:00:00Z", "2026-10-04T22:00:00Z", "layer main"},  // .. Mon 09:00 AEDT
             {"alice", "2026-10-04T22:00:00Z", "2026-10-05T00:00:00Z", "layer main"},
         }},
    });

    // In July New York is on summer time (UTC-4) and Sydney on standard time (UTC+10).
    const Schedule ny = schedule(one_layer("America/New_York", "2026-01-05T09:00", "weekly", 1, "[alice, bob]"));
    const Schedule syd = schedule(one_layer("Australia/Sydney", "2026-01-05T09:00", "weekly", 1, "[alice, bob]"));
    // 2026-07-06 is 26 weeks after 2026-01-05: alice's turn in both.
    check_on_call(
        ny, {
                // Mon 2026-07-06 09:00 EDT .. Mon 2026-07-13 09:00 EDT.
                {"2026-07-06T13:00:00Z", {{"alice", "2026-07-06T13:00:00Z", "2026-07-13T13:00:00Z", "layer main"}}},
                // January: Mon 2026-01-12 09:00 EST is 14:00Z.
                {"2026-01-12T13:59:59Z", {{"alice", "2026-01-05T14:00:00Z", "2026-01-12T14:00:00Z", "layer main"}}},
            });
    check_on_call(
        syd, {
                 // Mon 2026-07-06 09:00 AEST is Sun 2026-07-05 23:00Z.
                 {"2026-07-05T23:00:00Z", {{"alice", "2026-07-05T23:00:00Z", "2026-07-12T23:00:00Z", "layer main"}}},
                 // January: Mon 2026-01-12 09:00 AEDT is Sun 2026-01-11 22:00Z.
                 {"2026-01-11T21:59:59Z", {{"alice", "2026-01-04T22:00:00Z", "2026-01-11T22:00:00Z", "layer main"}}},
             });
}

TEST_CASE("restrictions over midnight, and a Sunday-night window that ends Monday morning") {
    const Schedule nightly = schedule(
        "time_zone: UTC\n"
        "layers:\n"
        "  - name: nights\n"
        "    start: 2026-01-05T00:00\n"
        "    rotation: weekly\n"
        "    members: [alice]\n"
        "    restrict:\n"
        "      - {from: \"22:00\", to: \"06:00\"}\n");
    check_on_call(
        nightly,
        {
            // The layer starts inside the window that began Sunday 22:00.
            {"2026-01-05T00:00:00Z", {{"alice", "2026-01-05T00:00:00Z", "2026-01-05T06:00:00Z", "layer nights"}}},
            {"2026-01-06T21:59:59Z", {}},
            {"2026-01-06T22:00:00Z", {{"alice", "2026-01-06T22:00:00Z", "2026-01-07T06:00:00Z", "layer nights"}}},
            {"2026-01-07T05:59:59Z", {{"alice", "2026-01-06T22:00:00Z", "2026-01-07T06:00:00Z", "layer nights"}}},
            {"2026-01-07T06:00:00Z", {}},
            {"2026-01-07T12:00:00Z", {}},
        });

    const Schedule sunday = schedule(
        "time_zone: UTC\n"
        "layers:\n"
        "  - name: sunday\n"
        "    start: 2026-01-05T00:00\n"
        "    rotation: daily\n"
        "    members: [alice, bob]\n"
        "    restrict:\n"
        "      - {days: [sun], from: \"22:00\", to: \"06:00\"}\n");
    check_on_call(
        sunday,
        {
            {"2026-01-10T23:00:00Z", {}},  // Saturday night
            {"2026-01-11T21:59:59Z", {}},  // Sunday evening
            // Sunday 2026-01-11 is turn 6 of the daily rotation: alice, until the daily hand-off
            // at Monday 00:00 (turn 7, bob, still inside Sunday's window).
            {"2026-01-11T22:00:00Z", {{"alice", "2026-01-11T22:00:00Z", "2026-01-12T00:00:00Z", "layer sunday"}}},
            {"2026-01-12T05:59:59Z", {{"bob", "2026-01-12T00:00:00Z", "2026-01-12T06:00:00Z", "layer sunday"}}},
            {"2026-01-12T06:00:00Z", {}},  // Monday morning: the window is over
            {"2026-01-12T22:30:00Z", {}},  // Monday night: no window
        });
    check_shifts({
        {"a Sunday-night window, two weeks",
         "time_zone: UTC\n"
         "layers:\n"
         "  - name: sunday\n"
         "    start: 2026-01-05T00:00\n"
         "    rotation: weekly\n"
         "    members: [alice]\n"
         "    restrict:\n"
         "      - {days: [Sunday], from: \"22:00\", to: \"06:00\"}\n",
         "2026-01-05T00:00:00Z",
         "2026-01-19T00:00:00Z",
         {
             {"alice", "2026-01-05T00:00:00Z", "2026-01-05T06:00:00Z",
              "layer sunday"},  // Sun 01-04's night, from start
             {"alice", "2026-01-11T22:00:00Z", "2026-01-12T06:00:00Z",
              "layer sunday"},  // through the Mon 00:00 hand-off
             {"alice", "2026-01-18T22:00:00Z", "2026-01-19T00:00:00Z", "layer sunday"},  // cut at the bound
         }},
        {"a night window on the night of 2026-03-29 is an hour short (Europe/Berlin)",
         "time_zone: Europe/Berlin\n"
         "layers:\n"
         "  - name: nights\n"
         "    start: 2026-03-01T00:00\n"
         "    rotation: weekly\n"
         "    members: [alice]\n"
         "    restrict:\n"
         "      - {from: \"22:00\", to: \"06:00\"}\n",
         "2026-03-28T12:00:00Z",
         "2026-03-30T12:00:00Z",
         {
             {"alice", "2026-03-28T21:00:00Z", "2026-03-29T04:00:00Z", "layer nights"},  // Sat 22:00 CET .. 06:00 CEST
             {"alice", "2026-03-29T20:00:00Z", "2026-03-30T04:00:00Z", "layer nights"},  // Sun 22:00 .. 06:00 CEST
         }},
    });
}

TEST_CASE("a layer with restrictions wins over a layer without only inside its windows") {
    const std::string yaml =
        "time_zone: UTC\n"
        "layers:\n"
        "  - name: day\n"
        "    start: 2026-01-05T09:00\n"
        "    rotation: weekly\n"
        "    members: [alice, bob]\n"
        "  - name: night\n"
        "    start: 2026-01-05T00:00\n"
        "    rotation: daily\n"
        "    members: [carol]\n"
        "    restrict:\n"
        "      - {from: \"22:00\", to: \"06:00\"}\n";
    check_shifts({
        {"around the weekly hand-off of the lower layer",
         yaml,
         "2026-01-11T20:00:00Z",
         "2026-01-12T12:00:00Z",
         {
             {"alice", "2026-01-11T20:00:00Z", "2026-01-11T22:00:00Z", "layer day"},
             {"carol", "2026-01-11T22:00:00Z", "2026-01-12T06:00:00Z", "layer night"},  // one shift over 00:00
             {"alice", "2026-01-12T06:00:00Z", "2026-01-12T09:00:00Z", "layer day"},
             {"bob", "2026-01-12T09:00:00Z", "2026-01-12T12:00:00Z", "layer day"},
         }},
    });
    const Schedule s = schedule(yaml);
    check_on_call(
        s, {
               {"2026-01-11T23:00:00Z", {{"carol", "2026-01-11T22:00:00Z", "2026-01-12T06:00:00Z", "layer night"}}},
               // alice is back after the night, until the lower layer's hand-off.
               {"2026-01-12T07:00:00Z", {{"alice", "2026-01-12T06:00:00Z", "2026-01-12T09:00:00Z", "layer day"}}},
               {"2026-01-12T15:00:00Z", {{"bob", "2026-01-12T09:00:00Z", "2026-01-12T22:00:00Z", "layer day"}}},
               // Sunday 2026-01-04 23:00: neither layer has started.
               {"2026-01-04T23:00:00Z", {}},
           });
}

TEST_CASE("combine: all puts every layer's people on call at once; an override still replaces everyone") {
    const std::string yaml =
        "time_zone: UTC\n"
        "combine: all\n"
        "layers:\n"
        "  - name: day\n"
        "    start: 2026-01-05T09:00\n"
        "    rotation: weekly\n"
        "    members: [alice, bob]\n"
        "  - name: night\n"
        "    start: 2026-01-05T00:00\n"
        "    rotation: daily\n"
        "    members: [carol]\n"
        "    restrict:\n"
        "      - {from: \"22:00\", to: \"06:00\"}\n"
        "overrides:\n"
        "  - {from: 2026-01-12T10:00, to: 2026-01-12T11:00, who: dave}\n";
    check_shifts({
        {"the weekly person all day, the night person beside them at night",
         yaml,
         "2026-01-11T20:00:00Z",
         "2026-01-12T12:00:00Z",
         {
             {"alice", "2026-01-11T20:00:00Z", "2026-01-12T09:00:00Z", "layer day"},
             {"carol", "2026-01-11T22:00:00Z", "2026-01-12T06:00:00Z", "layer night"},
             {"bob", "2026-01-12T09:00:00Z", "2026-01-12T10:00:00Z", "layer day"},
             {"dave", "2026-01-12T10:00:00Z", "2026-01-12T11:00:00Z", "primary#1"},
             {"bob", "2026-01-12T11:00:00Z", "2026-01-12T12:00:00Z", "layer day"},
         }},
    });
    // Without it, the night layer wins whole at night.
    std::string last = yaml;
    last.replace(last.find("combine: all"), 12, "combine: last");
    const Schedule s = schedule(last);
    CHECK_FALSE(s.every_layer);
    const auto night = on_call(s, *parse_rfc3339("2026-01-11T23:00:00Z"));
    REQUIRE(night.size() == 1);
    CHECK(night[0].person == "carol");
    const auto both = on_call(schedule(yaml), *parse_rfc3339("2026-01-11T23:00:00Z"));
    REQUIRE(both.size() == 2);
    CHECK(both[0].person == "carol");  // the last layer first
    CHECK(both[1].person == "alice");
}

TEST_CASE("on_call_from: nobody on call before it, the turns still counted from the start") {
    const Schedule s = schedule(
        "time_zone: Europe/Berlin\n"
        "layers:\n"
        "  - {name: main, start: 2026-01-05T09:00, on_call_from: 2026-01-19T12:00, rotation: weekly,\n"
        "     members: [alice, bob]}\n");
    check_on_call(
        s, {
               {"2026-01-12T10:00:00Z", {}},  // bob's turn, but before on_call_from
               // Turn 2 (alice's), from on_call_from (12:00 CET) to the next hand-off.
               {"2026-01-19T11:00:00Z", {{"alice", "2026-01-19T11:00:00Z", "2026-01-26T08:00:00Z", "layer main"}}},
           });
    CHECK(shifts(s, "2026-01-12T00:00:00Z", "2026-01-27T00:00:00Z") ==
          expected({{"alice", "2026-01-19T11:00:00Z", "2026-01-26T08:00:00Z", "layer main"},
                    {"bob", "2026-01-26T08:00:00Z", "2026-01-27T00:00:00Z", "layer main"}},
                   false));
}

TEST_CASE("overrides: inside one shift, and across a hand-off") {
    // Europe/Berlin in January is CET (UTC+1): the weekly hand-off Monday 09:00 is 08:00Z.
    const std::string yaml =
        "time_zone: Europe/Berlin\n"
        "layers:\n"
        "  - name: week\n"
        "    start: 2026-01-05T09:00\n"
        "    rotation: weekly\n"
        "    members: [alice, bob]\n"
        "overrides:\n"
        "  - {from: 2026-01-07T12:00, to: 2026-01-07T18:00, who: carol, reason: dentist}\n"
        "  - {from: \"2026-01-12T06:00:00Z\", to: \"2026-01-12T10:00:00+01:00\", who: dave@example.com}\n";
    check_shifts({
        {"two weeks",
         yaml,
         "2026-01-05T08:00:00Z",
         "2026-01-19T08:00:00Z",
         {
             {"alice", "2026-01-05T08:00:00Z", "2026-01-07T11:00:00Z", "layer week"},  // Mon 09:00 .. Wed 12:00 CET
             {"carol", "2026-01-07T11:00:00Z", "2026-01-07T17:00:00Z", "primary#1"},   // Wed 12:00 .. 18:00 CET
             {"alice", "2026-01-07T17:00:00Z", "2026-01-12T06:00:00Z", "layer week"},  // .. Mon 07:00 CET
             {"dave", "2026-01-12T06:00:00Z", "2026-01-12T09:00:00Z", "primary#2"},    // Mon 07:00 .. 10:00 CET
             {"bob", "2026-01-12T09:00:00Z", "2026-01-19T08:00:00Z", "layer week"},    // .. Mon 09:00 CET
         }},
    });
    const Schedule s = schedule(yaml);
    REQUIRE(s.overrides.size() == 2);
    CHECK(s.overrides[1].who == "dave");  // named by email, stored by key
    CHECK(s.overrides[0].reason == "dentist");
    check_on_call(
        s, {
               {"2026-01-07T10:59:59Z", {{"alice", "2026-01-05T08:00:00Z", "2026-01-07T11:00:00Z", "layer week"}}},
               {"2026-01-07T11:00:00Z", {{"carol", "2026-01-07T11:00:00Z", "2026-01-07T17:00:00Z", "primary#1"}}},
               {"2026-01-07T17:00:00Z", {{"alice", "2026-01-07T17:00:00Z", "2026-01-12T06:00:00Z", "layer week"}}},
               // The hand-off instant itself, under the override.
               {"2026-01-12T08:00:00Z", {{"dave", "2026-01-12T06:00:00Z", "2026-01-12T09:00:00Z", "primary#2"}}},
               {"2026-01-12T09:00:00Z", {{"bob", "2026-01-12T09:00:00Z", "2026-01-19T08:00:00Z", "layer week"}}},
           });
}

TEST_CASE("an override of one person in a two-person slot") {
    const std::string yaml =
        "time_zone: UTC\n"
        "layers:\n"
        "  - name: pair\n"
        "    start: 2026-01-05T00:00\n"
        "    rotation: daily\n"
        "    members: [[alice, bob], carol]\n"
        "overrides:\n"
        "  - {from: 2026-01-05T06:00, to: 2026-01-05T12:00, who: dave, instead_of: alice}\n"
        "  - {from: 2026-01-06T06:00, to: 2026-01-06T12:00, who: dave, instead_of: alice}\n";  // carol's day
    check_shifts({
        {"two days",
         yaml,
         "2026-01-05T00:00:00Z",
         "2026-01-07T00:00:00Z",
         {
             {"alice", "2026-01-05T00:00:00Z", "2026-01-05T06:00:00Z", "layer pair"},
             {"bob", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "layer pair"},  // untouched by the override
             {"dave", "2026-01-05T06:00:00Z", "2026-01-05T12:00:00Z", "primary#1"},
             {"alice", "2026-01-05T12:00:00Z", "2026-01-06T00:00:00Z", "layer pair"},
             {"carol", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z", "layer pair"},  // alice not on call: no effect
         }},
    });
    const Schedule s = schedule(yaml);
    check_on_call(
        s, {
               {"2026-01-05T05:00:00Z",
                {{"alice", "2026-01-05T00:00:00Z", "2026-01-05T06:00:00Z", "layer pair"},
                 {"bob", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "layer pair"}}},
               {"2026-01-05T08:00:00Z",
                {{"bob", "2026-01-05T00:00:00Z", "2026-01-06T00:00:00Z", "layer pair"},
                 {"dave", "2026-01-05T06:00:00Z", "2026-01-05T12:00:00Z", "primary#1"}}},
               {"2026-01-06T08:00:00Z", {{"carol", "2026-01-06T00:00:00Z", "2026-01-07T00:00:00Z", "layer pair"}}},
           });
}

TEST_CASE("on_call's edges, final_shifts merging and cutting, and nobody outside a layer's start and end") {
    const Schedule s =
        schedule(one_layer("UTC", "2026-01-05T09:00", "daily", 1, "[alice]", "2026-01-09T09:00"));  // Mon .. Fri
    check_on_call(
        s, {
               {"2026-01-05T08:59:59Z", {}},  // before the start
               {"2026-01-05T09:00:00Z", {{"alice", "2026-01-05T09:00:00Z", "2026-01-09T09:00:00Z", "layer main"}}},
               // Daily hand-offs alice -> alice are no edge: the shift runs from start to end.
               {"2026-01-07T12:00:00Z", {{"alice", "2026-01-05T09:00:00Z", "2026-01-09T09:00:00Z", "layer main"}}},
               {"2026-01-09T08:59:59Z", {{"alice", "2026-01-05T09:00:00Z", "2026-01-09T09:00:00Z", "layer main"}}},
               {"2026-01-09T09:00:00Z", {}},  // at the end
               {"2026-02-01T00:00:00Z", {}},  // after it
           });
    check_shifts({
        {"one long shift from a single-member daily layer, cut at both bounds",
         one_layer("UTC", "2026-01-05T09:00", "daily", 1, "[alice]", "2026-01-09T09:00"),
         "2026-01-06T00:00:00Z",
         "2026-01-08T00:00:00Z",
         {{"alice", "2026-01-06T00:00:00Z", "2026-01-08T00:00:00Z", "layer main"}}},
        {"the whole layer, nobody before and after",
         one_layer("UTC", "2026-01-05T09:00", "daily", 1, "[alice]", "2026-01-09T09:00"),
         "2026-01-01T00:00:00Z",
         "2026-01-31T00:00:00Z",
         {{"alice", "2026-01-05T09:00:00Z", "2026-01-09T09:00:00Z", "layer main"}}},
        {"a range entirely before the layer",
         one_layer("UTC", "2026-01-05T09:00", "daily", 1, "[alice]", "2026-01-09T09:00"),
         "2026-01-01T00:00:00Z",
         "2026-01-05T09:00:00Z",
         {}},
        {"an empty range",
         one_layer("UTC", "2026-01-05T09:00", "daily", 1, "[alice]", "2026-01-09T09:00"),
         "2026-01-06T00:00:00Z",
         "2026-01-06T00:00:00Z",
         {}},
    });

    // Edges further than kShiftHorizon (400 days) are unknown.
    const Schedule forever = schedule(one_layer("UTC", "2024-01-01T00:00", "weekly", 1, "[alice]"));
    check_on_call(forever, {{"2026-01-07T00:00:00Z", {{"alice", nullptr, nullptr, "layer main"}}}});
    // Within it they are known: a start 10 days back, an end 10 days ahead.
    const Schedule near = schedule(one_layer("UTC", "2025-12-28T00:00", "weekly", 1, "[alice]", "2026-01-17T00:00"));
    check_on_call(
        near, {{"2026-01-07T00:00:00Z", {{"alice", "2025-12-28T00:00:00Z", "2026-01-17T00:00:00Z", "layer main"}}}});
}

TEST_CASE("on_call finds a shift's edges up to kShiftHorizon (400 days) back and ahead") {
    // Single-member layers: the shift is the whole layer, from its start to its end.
    struct Case {
        const char* start;  // local (UTC) start and end of the layer
        const char* end;
        const char* from;  // expected edges of alice's shift at 2026-01-07T00:00Z
        const char* until;
    } cases[] = {
        {"2025-12-28T00:00", "2026-01-17T00:00", "2025-12-28T00:00:00Z", "2026-01-17T00:00:00Z"},  // 10 days
        {"2025-06-01T00:00", "2026-06-01T00:00", "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"},  // 220, 145 days
        {"2025-05-02T00:00", "2026-06-01T00:00", "2025-05-02T00:00:00Z", "2026-06-01T00:00:00Z"},  // 250 days back
        {"2025-04-22T00:00", "2026-06-01T00:00", "2025-04-22T00:00:00Z", "2026-06-01T00:00:00Z"},  // 260 days back
        {"2025-03-13T00:00", "2026-11-03T00:00", "2025-03-13T00:00:00Z", "2026-11-03T00:00:00Z"},  // 300 days
        {"2024-12-04T00:00", "2027-02-10T00:00", "2024-12-04T00:00:00Z", "2027-02-10T00:00:00Z"},  // 399 days
    };
    for (const auto& c : cases) {
        const std::string start = c.start;
        INFO(start);
        check_on_call(schedule(one_layer("UTC", c.start, "weekly", 1, "[alice]", c.end)),
                      {{"2026-01-07T00:00:00Z", {{"alice", c.from, c.until, "layer main"}}}});
    }
}

TEST_CASE("final_shifts refuses a range with more than kMaxShifts changes") {
    const Schedule s = schedule(one_layer("UTC", "2026-01-01T00:00", "hourly", 1, "[alice, bob]"));
    // 2026 to 2050 holds about 210,000 hourly hand-offs.
    CHECK_THROWS_AS(final_shifts(s, at("2026-01-01T00:00:00Z"), at("2050-01-01T00:00:00Z")), UsageError);
    CHECK(final_shifts(s, at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z")).size() == 24);
}

TEST_CASE("schedule reader: every problem of a file, each located") {
    const std::string yaml =
        "name: Primary\n"                            // 1
        "time_zone: Mars/Olympus\n"                  // 2
        "colour: blue\n"                             // 3
        "layers:\n"                                  // 4
        "  - name: week\n"                           // 5
        "    start: 2026-01-05T09:00\n"              // 6
        "    rotation: weekly\n"                     // 7
        "    members: [alice, zed]\n"                // 8
        "    restrict:\n"                            // 9
        "      - {from: \"9:00\", to: \"25:00\"}\n"  // 10
        "    handoff: \"09:00\"\n";                  // 11
    Problems problems;
    const Schedule s = parse_schedule(load_yaml(yaml, "primary.yaml"), "primary", "primary.yaml", people(), problems);
    const std::vector<testing::Located> expected_problems = {
        {3, 1, "unknown key 'colour'"},
        {2, 12, "'Mars/Olympus' is not an IANA time zone"},
        {11, 5, "unknown key 'handoff'"},
        {8, 22, "'zed' is not in .incident/people.yaml"},
        {10, 16, "from: expected a local time \"HH:MM\""},
        {10, 28, "to: expected a local time \"HH:MM\""},
    };
    testing::check_located(problems.findings(), "primary.yaml", expected_problems);
    CHECK_THROWS_AS(problems.throw_if_any(), InvalidData);
    // What could be read is still returned.
    REQUIRE(s.layers.size() == 1);
    CHECK(s.layers[0].rotation == Rotation::weekly);
    CHECK(s.layers[0].turns.size() == 2);
}

TEST_CASE("schedule reader: overrides and layers refused with their place") {
    struct Case {
        const char* name;
        const char* yaml;
        int line, column;
        const char* says;
    } cases[] = {
        {"unknown override person",
         "time_zone: UTC\nlayers:\n  - {start: 2026-01-05T09:00, rotation: daily, members: [alice]}\n"
         "overrides:\n  - {from: 2026-01-06T00:00, to: 2026-01-07T00:00, who: zed}\n",
         5, 57, "overrides.0.who: 'zed' is not in"},
        {"override that ends before it starts",
         "time_zone: UTC\nlayers:\n  - {start: 2026-01-05T09:00, rotation: daily, members: [alice]}\n"
         "overrides:\n  - {from: 2026-01-07T00:00, to: 2026-01-06T00:00, who: bob}\n",
         5, 34, "overrides.0.to: not after from"},
        {"bad rotation",
         "time_zone: UTC\nlayers:\n  - {start: 2026-01-05T09:00, rotation: fortnightly, members: [alice]}\n", 3, 41,
         "layers.0.rotation: expected hourly, daily or weekly"},
        {"bad start", "time_zone: UTC\nlayers:\n  - {start: 2026-01-05T09:00Z, rotation: daily, members: [alice]}\n", 3,
         13, "layers.0.start: expected a local time"},
        {"bad day",
         "time_zone: UTC\nlayers:\n  - start: 2026-01-05T09:00\n    rotation: daily\n    members: [alice]\n"
         "    restrict: [{days: [mon, funday], from: \"09:00\", to: \"17:00\"}]\n",
         6, 29, "'funday' is not a day"},
        {"no layers", "time_zone: UTC\nlayers: []\n", 2, 9, "layers: expected a list of at least one layer"},
        {"on_call_from before the start",
         "time_zone: UTC\nlayers:\n  - {start: 2026-01-05T09:00, on_call_from: 2026-01-01T00:00, rotation: daily, "
         "members: [alice]}\n",
         3, 45, "layers.0.on_call_from: before the layer's start"},
        {"bad combine",
         "time_zone: UTC\ncombine: every\nlayers:\n  - {start: 2026-01-05T09:00, rotation: daily, members: [alice]}\n",
         2, 10, "combine: expected last (the last layer with someone on call) or all"},
    };
    for (const auto& c : cases) {
        const std::string name = c.name;
        INFO(name);
        Problems problems;
        parse_schedule(load_yaml(c.yaml, "s.yaml"), "s", "s.yaml", people(), problems);
        INFO(describe(problems.findings()));
        REQUIRE(problems.findings().size() == 1);
        const Finding& f = problems.findings().front();
        CHECK(f.message.find(c.says) != std::string::npos);
        CHECK(f.where.line == c.line);
        CHECK(f.where.column == c.column);
    }
}

TEST_CASE("local times: parse_local_time and parse_schedule_time") {
    const Zone berlin{date::locate_zone("Europe/Berlin")};
    struct Case {
        const char* text;
        const char* instant;  // nullptr: refused
    } cases[] = {
        {"2026-01-05T09:00", "2026-01-05T08:00:00Z"},           // CET
        {"2026-07-05 09:00:30", "2026-07-05T07:00:30Z"},        // CEST
        {"2026-01-05", "2026-01-04T23:00:00Z"},                 // midnight CET
        {"2026-03-29T02:30", "2026-03-29T01:00:00Z"},           // in the gap: 03:00 CEST
        {"2026-10-25T02:30", "2026-10-25T00:30:00Z"},           // ambiguous: the first, CEST
        {"2026-10-25T02:30:00+01:00", "2026-10-25T01:30:00Z"},  // an offset picks the second
        {"2026-12-24T17:00:00Z", "2026-12-24T17:00:00Z"},
        {"2026-02-30T09:00", nullptr},
        {"2026-01-05T24:00", nullptr},
        {"2026-01-05T9:00", nullptr},
        {"tomorrow", nullptr},
    };
    for (const auto& c : cases) {
        const std::string text = c.text;
        INFO(text);
        auto t = parse_schedule_time(c.text, berlin);
        if (!c.instant) {
            CHECK_FALSE(t);
            continue;
        }
        REQUIRE(t);
        CHECK(format_rfc3339(*t) == format_rfc3339(at(c.instant)));
    }
}
