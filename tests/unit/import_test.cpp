// incident import's parts: changing entries of a hand-edited YAML file with
// every other line kept; keys made from names; PagerDuty's layers and
// restrictions as schedule layers and windows; located errors in an export.
#include "import/import.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "import/export_dir.hpp"
#include "import/plan_files.hpp"
#include "import/splice.hpp"
#include "model/errors.hpp"
#include "model/yaml_doc.hpp"

using namespace incident;

TEST_SUITE_BEGIN("import");

namespace {

std::string splice(const std::string& text, const std::string& parent, int index, const std::string& entry) {
    const YamlNode root = load_yaml(text, "f.yaml");
    return splice_entries(
        text, root, "f.yaml", parent,
        {{index, [&](int indent) { return std::string(static_cast<std::size_t>(indent), ' ') + entry + "\n"; }}});
}

// A scratch export directory with the given files.
struct Export {
    fs::path dir;
    Export() {
        dir = fs::temp_directory_path() / ("incident-import-test-" + std::to_string(::getpid()));
        fs::remove_all(dir);
        fs::create_directories(dir / "schedules" / "PS1");
        put("schedules/PS1/overrides.json", R"({"overrides": []})");
    }
    ~Export() { fs::remove_all(dir); }
    void put(const std::string& name, const std::string& text) const { std::ofstream(dir / name) << text; }
};

const char* kLayer = R"({"schedules": [{"id": "PS1", "name": "Primary"}]})";

std::string schedule_with(const std::string& layer) {
    return R"({"schedule": {"id": "PS1", "name": "Primary", "time_zone": "Europe/Berlin", "schedule_layers": [)" +
           layer + "]}}";
}

std::string layer(long long turn, const std::string& restrictions) {
    return R"({"id": "PL1", "name": "L", "start": "2026-01-05T09:00:00+01:00", "end": null,
               "rotation_virtual_start": "2026-01-05T09:00:00+01:00", "rotation_turn_length_seconds": )" +
           std::to_string(turn) + R"(, "users": [{"user": {"id": "PU1"}}, {"user": {"id": "PU2"}}],
               "restrictions": [)" +
           restrictions + "]}";
}

}  // namespace

TEST_CASE("an entry is replaced with every other line, comments too, kept") {
    const std::string text =
        "# people\npeople:\n  a:            # first\n    name: A\n\n  # about b\n  b:\n    name: B\nother: 1\n";
    CHECK(splice(text, "people", 0, "a: {name: Z}") ==
          "# people\npeople:\n  a: {name: Z}\n\n  # about b\n  b:\n    name: B\nother: 1\n");
    CHECK(splice(text, "people", 1, "b: {name: Y}") ==
          "# people\npeople:\n  a:            # first\n    name: A\n\n  # about b\n  b: {name: Y}\nother: 1\n");
    CHECK(splice(text, "people", -1, "c: {name: C}") ==
          "# people\npeople:\n  a:            # first\n    name: A\n\n  # about b\n  b:\n    name: B\n  c: {name: "
          "C}\nother: 1\n");
}

TEST_CASE("entries follow the file's indentation; a missing or empty collection is made") {
    CHECK(splice("people:\n    a: {}\n", "people", -1, "b: {}") == "people:\n    a: {}\n    b: {}\n");
    CHECK(splice("rules:\n- name: x\n  when: {}\n", "rules", -1, "- name: y") ==
          "rules:\n- name: x\n  when: {}\n- name: y\n");
    CHECK(splice("include: [sre]\n", "rules", -1, "- name: y") == "include: [sre]\n\nrules:\n  - name: y\n");
    CHECK(splice("people: {}\n", "people", -1, "a: {}") == "people:\n  a: {}\n");
    CHECK(splice("people:\n", "people", -1, "a: {}") == "people:\n  a: {}\n");
    CHECK_THROWS_AS(splice("people: {a: {}}\n", "people", -1, "b: {}"), InvalidData);
}

TEST_CASE("keys are made of names, and never taken twice") {
    auto none = [](const std::string&) { return false; };
    CHECK(key_from("SRE Primary", none) == "sre-primary");
    CHECK(key_from("  Database: follow-the-sun! ", none) == "database-follow-the-sun");
    CHECK(key_from("24/7", none) == "x-24-7");
    CHECK(key_from("", none) == "x");
    CHECK(key_from("SRE", [](const std::string& k) { return k == "sre" || k == "sre-2"; }) == "sre-3");
}

TEST_CASE("PagerDuty turns become weekly, daily or hourly rotations; other lengths are left out") {
    Export e;
    e.put("schedules.json", kLayer);
    e.put("schedules/PS1.json", schedule_with(layer(2 * 604800, "") + "," + layer(86400, "") + "," +
                                              layer(4 * 3600, "") + "," + layer(5400, "")));
    const ImportSet set = read_pagerduty(e.dir);
    REQUIRE(set.schedules.size() == 1);
    const SourceSchedule& s = set.schedules[0];
    REQUIRE(s.layers.size() == 3);  // highest first there: the last here
    CHECK(s.layers[0].rotation == Rotation::hourly);
    CHECK(s.layers[0].shift == 4);
    CHECK(s.layers[1].rotation == Rotation::daily);
    CHECK(s.layers[2].rotation == Rotation::weekly);
    CHECK(s.layers[2].shift == 2);
    CHECK(s.map.fit == Fit::approximate);
    std::string notes;
    for (const auto& n : s.map.notes) notes += n + "\n";
    CHECK(notes.find("a turn of 5400 s is not a whole number") != std::string::npos);
    CHECK(notes.find("turns of 4 hours step by elapsed hours") != std::string::npos);
}

TEST_CASE(
    "a PagerDuty layer that begins after its rotation's start is on call from then, its turns counted as before") {
    Export e;
    e.put("schedules.json", kLayer);
    std::string late = layer(604800, "");
    late.replace(late.find(R"("start": "2026-01-05T09:00:00+01:00")"), 36, R"("start": "2026-02-02T12:00:00+01:00")");
    e.put("schedules/PS1.json", schedule_with(late));
    const ImportSet set = read_pagerduty(e.dir);
    REQUIRE(set.schedules[0].layers.size() == 1);
    const Layer& l = set.schedules[0].layers[0];
    CHECK(l.start == *parse_local_time("2026-01-05T09:00"));
    REQUIRE(l.on_call_from);
    CHECK(*l.on_call_from == *parse_local_time("2026-02-02T12:00"));
    CHECK(set.schedules[0].map.fit == Fit::exact);
}

TEST_CASE("restrictions become windows: a weekly one over several days is whole days and a last part") {
    Export e;
    e.put("schedules.json", kLayer);
    // Monday 09:00 for 4.5 days: Monday to Thursday 09:00-09:00, Friday 09:00-21:00; a daily 22:00 for 8 h.
    e.put("schedules/PS1.json",
          schedule_with(layer(604800, R"({"type": "weekly_restriction", "start_time_of_day": "09:00:00",
                                          "duration_seconds": 388800, "start_day_of_week": 1})")));
    ImportSet set = read_pagerduty(e.dir);
    REQUIRE(set.schedules[0].layers.size() == 1);
    const auto& w = set.schedules[0].layers[0].restrict;
    REQUIRE(w.size() == 2);
    CHECK(w[0].days == 0x0fu);  // Monday to Thursday
    CHECK(w[0].from == Seconds{9 * 3600});
    CHECK(w[0].to == Seconds{9 * 3600});  // a whole day
    CHECK(w[1].days == 0x10u);            // Friday
    CHECK(w[1].to == Seconds{21 * 3600});

    e.put("schedules/PS1.json", schedule_with(layer(86400, R"({"type": "daily_restriction",
                                          "start_time_of_day": "22:00:00", "duration_seconds": 28800})")));
    set = read_pagerduty(e.dir);
    const auto& d = set.schedules[0].layers[0].restrict;
    REQUIRE(d.size() == 1);
    CHECK(d[0].days == 0x7fu);
    CHECK(d[0].from == Seconds{22 * 3600});
    CHECK(d[0].to == Seconds{6 * 3600});  // over midnight
    CHECK(set.schedules[0].map.fit == Fit::exact);
}

TEST_CASE("a malformed export is named by file, line and JSON path") {
    Export e;
    e.put("users.json", R"({"users": [{"id": "PU1", "name": "A", "email": 7}]})");
    try {
        read_pagerduty(e.dir);
        FAIL("no error");
    } catch (const InvalidData& err) {
        CHECK(std::string(err.what()) == "users.json: $.users[0].email: expected a string, found a number");
    }
    e.put("users.json", "{\"users\": [\n  {\"id\": \"PU1\",,\n");
    try {
        read_pagerduty(e.dir);
        FAIL("no error");
    } catch (const InvalidData& err) {
        CHECK(err.where().line == 2);
        CHECK(std::string(err.what()).rfind("users.json:2:", 0) == 0);
    }
    e.put("users.json", R"({"users": [{"id": "../../etc", "email": "a@b"}]})");
    CHECK_THROWS_WITH_AS(read_pagerduty(e.dir), doctest::Contains("$.users[0].id: expected an id"), InvalidData);
    fs::remove(e.dir / "users.json");
    fs::remove(e.dir / "schedules.json");
    CHECK_THROWS_AS(read_pagerduty(e.dir), UsageError);
}

namespace {

// An Opsgenie schedule of one rotation, as schedules.json (expand=rotation) lists it.
std::string og_schedule(const std::string& rotation) {
    return R"({"data": [{"id": "S1", "name": "Primary", "timezone": "Europe/Berlin", "enabled": true, "rotations": [)" +
           rotation + "]}]}";
}

std::string og_rotation(const std::string& participants, const std::string& restriction) {
    return R"({"id": "R1", "name": "Weekly", "startDate": "2026-01-05T08:00:00Z", "type": "weekly", "length": 2,
               "participants": [)" +
           participants + "]" + (restriction.empty() ? "" : R"(, "timeRestriction": )" + restriction) + "}";
}

const char* kTwoUsers = R"({"type": "user", "id": "U1", "username": "a@example.com"},
                           {"type": "user", "id": "U2", "username": "b@example.com"})";

std::string notes_of(const Mapping& m) {
    std::string out;
    for (const auto& n : m.notes) out += n + "\n";
    return out;
}

}  // namespace

TEST_CASE("Opsgenie rotations: every one on call at once, restrictions as windows, non-people left out") {
    Export e;
    // Friday 18:00 to Monday 09:00: a day from 18:00 on Friday and on Saturday, then Sunday 18:00 to Monday 09:00.
    e.put("schedules.json", og_schedule(og_rotation(kTwoUsers, R"({"type": "weekday-and-time-of-day",
        "restrictions": [{"startDay": "friday", "endDay": "monday", "startHour": 18, "startMin": 0,
                          "endHour": 9, "endMin": 0}]})")));
    ImportSet set = read_opsgenie(e.dir);
    REQUIRE(set.schedules.size() == 1);
    const SourceSchedule& s = set.schedules[0];
    CHECK(s.every_layer);
    REQUIRE(s.layers.size() == 1);
    CHECK(s.layers[0].rotation == Rotation::weekly);
    CHECK(s.layers[0].shift == 2);
    CHECK(s.layers[0].start == *parse_local_time("2026-01-05T09:00"));  // 08:00Z in Berlin
    const auto& w = s.layers[0].restrict;
    REQUIRE(w.size() == 2);
    CHECK(w[0].days == 0x30u);  // Friday and Saturday, 18:00 to 18:00
    CHECK(w[0].from == Seconds{18 * 3600});
    CHECK(w[0].to == Seconds{18 * 3600});
    CHECK(w[1].days == 0x40u);  // Sunday 18:00 to Monday 09:00
    CHECK(w[1].from == Seconds{18 * 3600});
    CHECK(w[1].to == Seconds{9 * 3600});

    // 22:00 to 06:00 every day: one window over midnight.
    e.put("schedules.json", og_schedule(og_rotation(kTwoUsers, R"({"type": "time-of-day",
        "restriction": {"startHour": 22, "startMin": 0, "endHour": 6, "endMin": 0}})")));
    set = read_opsgenie(e.dir);
    const auto& d = set.schedules[0].layers[0].restrict;
    REQUIRE(d.size() == 1);
    CHECK(d[0].days == 0x7fu);
    CHECK(d[0].from == Seconds{22 * 3600});
    CHECK(d[0].to == Seconds{6 * 3600});

    // A team in the rotation: every later turn would move, so the rotation stays out.
    e.put("schedules.json", og_schedule(og_rotation(std::string(kTwoUsers) + R"(, {"type": "team", "id": "T1",
        "name": "sre_team"})",
                                                    "")));
    set = read_opsgenie(e.dir);
    CHECK(set.schedules[0].layers.empty());
    CHECK(set.schedules[0].map.fit == Fit::none);
    CHECK(notes_of(set.schedules[0].map).find("a turn of the team sre_team") != std::string::npos);
}

TEST_CASE("Opsgenie escalation rules wait from the start: same delays are one step, the repeat's wait the last") {
    Export e;
    e.put("escalations.json", R"({"data": [{"id": "E1", "name": "SRE", "rules": [
        {"condition": "if-not-acked", "notifyType": "default", "delay": {"timeAmount": 0},
         "recipient": {"type": "schedule", "id": "S1"}},
        {"condition": "if-not-acked", "notifyType": "default", "delay": {"timeAmount": 1, "timeUnit": "hours"},
         "recipient": {"type": "user", "id": "U2"}},
        {"condition": "if-not-closed", "notifyType": "default", "delay": {"timeAmount": 5, "timeUnit": "minutes"},
         "recipient": {"type": "user", "id": "U1"}},
        {"condition": "if-not-acked", "notifyType": "next", "delay": {"timeAmount": 60, "timeUnit": "minutes"},
         "recipient": {"type": "team", "id": "T1", "name": "sre_team"}}],
        "repeat": {"waitInterval": 10, "count": 2, "resetRecipientStates": false, "closeAlertAfterAll": false}}]})");
    const ImportSet set = read_opsgenie(e.dir);
    REQUIRE(set.policies.size() == 1);
    const SourcePolicy& p = set.policies[0];
    CHECK(p.repeat == 2);
    REQUIRE(p.steps.size() == 3);
    CHECK(p.steps[0].first.size() == 1);
    CHECK(p.steps[0].first[0].schedule);
    CHECK(p.steps[0].second == Seconds{5 * 60});
    CHECK(p.steps[1].first[0].id == "U1");
    CHECK(p.steps[1].second == Seconds{55 * 60});
    REQUIRE(p.steps[2].first.size() == 1);  // the team is left out
    CHECK(p.steps[2].first[0].id == "U2");
    CHECK(p.steps[2].second == Seconds{10 * 60});
    const std::string notes = notes_of(p.map);
    CHECK(notes.find("rule 3: if-not-closed") != std::string::npos);
    CHECK(notes.find("rule 4: notifies next") != std::string::npos);
    CHECK(notes.find("rule 4: a recipient of type team (sre_team) is left out") != std::string::npos);

    e.put("escalations.json", R"({"data": [{"id": "E1", "name": "SRE", "rules": [
        {"delay": {"timeAmount": 5, "timeUnit": "weeks"}, "recipient": {"type": "user", "id": "U1"}}]}]})");
    CHECK_THROWS_WITH_AS(read_opsgenie(e.dir),
                         "escalations.json: $.data[0].rules[0].delay.timeUnit: expected minutes, hours or days, "
                         "found \"weeks\"",
                         InvalidData);
}

TEST_SUITE_END();
