// Heartbeats: located errors in heartbeats.yaml, the state at an instant, an
// overdue heartbeat opening one incident (once), and a check-in mitigating it.
#include "heartbeat/heartbeat.hpp"

#include <doctest/doctest.h>

#include "located_findings.hpp"
#include "model/yaml_doc.hpp"
#include "workspace_fixture.hpp"

using namespace incident;
using namespace incident::test;

TEST_SUITE_BEGIN("heartbeat");

namespace {

const char* const kHeartbeats =
    "heartbeats:\n"
    "  backup: {every: 1h, grace: 10m, service: backup, impact: high, urgency: high}\n"
    "  report: {every: 1d}\n";

Heartbeats parse(const std::string& text, Problems& problems) {
    return parse_heartbeats(load_yaml(text, "heartbeats.yaml"), "heartbeats.yaml", Config(), problems);
}

struct HeartbeatRepo : IncidentRepo {
    HeartbeatRepo() {
        write(".incident/heartbeats.yaml", kHeartbeats);
        commit_all("heartbeats");
    }
};

}  // namespace

TEST_CASE("a heartbeats file reads") {
    Problems problems;
    Heartbeats hbs = parse(kHeartbeats, problems);
    INFO(testing::describe(problems.findings()));
    CHECK(problems.empty());
    REQUIRE(hbs.list.size() == 2);
    const Heartbeat* b = hbs.find("backup");
    REQUIRE(b);
    CHECK(b->every == Seconds{3600});
    CHECK(b->grace == Seconds{600});
    CHECK(b->service == "backup");
    CHECK(b->impact == "high");
    CHECK(b->dedup_key() == "heartbeat/backup");
    CHECK(hbs.find("report")->grace == Seconds{0});
    CHECK(hbs.find("nope") == nullptr);
}

TEST_CASE("every problem of a heartbeats file is located") {
    Problems problems;
    parse(
        "heartbeats:\n"
        "  backup: {every: soon, grace: 10m}\n"
        "  ../x: {every: 1h}\n"
        "  nightly: {grace: 1h, impact: huge, colour: red}\n"
        "extra: 1\n",
        problems);
    testing::check_located(problems.findings(), "heartbeats.yaml",
                           {{2, 19, "backup.every: expected a duration"},
                            {3, 3, "a name is a letter or digit"},
                            {4, 12, "'every' is needed"},
                            {4, 32, "impact: expected one of the config's scale"},
                            {4, 38, "unknown key 'colour'"},
                            {5, 1, "unknown key 'extra'"}});
}

TEST_CASE("a heartbeat's state at an instant") {
    const Heartbeat hb{"backup", Seconds{3600}, Seconds{600}, {}, {}, {}, {}};
    const Timestamp last = at("2026-11-22T03:00:00Z");
    struct Case {
        const char* now;
        HeartbeatState state;
    };
    for (const auto& c : {Case{"2026-11-22T03:30:00Z", HeartbeatState::ok},
                          Case{"2026-11-22T04:05:00Z", HeartbeatState::ok},  // late, within the grace
                          Case{"2026-11-22T04:10:00Z", HeartbeatState::ok},  // exactly every + grace
                          Case{"2026-11-22T04:10:01Z", HeartbeatState::overdue}}) {
        INFO(c.now);
        CHECK(heartbeat_state(hb, last, at(c.now)) == c.state);
    }
    CHECK(heartbeat_state(hb, std::nullopt, at("2030-01-01T00:00:00Z")) == HeartbeatState::waiting);
    CHECK(to_string(HeartbeatState::waiting) == "waiting");
}

TEST_CASE("an overdue heartbeat opens one incident; a check-in mitigates it once") {
    HeartbeatRepo repo;
    Workspace ws = repo.open();
    // Never checked in: waiting, and nothing opens however late it is.
    CHECK(check_heartbeats(ws, at("2026-11-23T00:00:00Z"), options()).opened.empty());
    CHECK(heartbeat_statuses(ws, at("2026-11-23T00:00:00Z"))[0].state == HeartbeatState::waiting);

    Checkin c = record_checkin(ws, "backup", at("2026-11-22T03:00:00Z"), options());
    CHECK(c.state == HeartbeatState::ok);
    CHECK(c.mitigated.incident.id.empty());
    CHECK(last_checkin(ws.repo, "backup") == at("2026-11-22T03:00:00Z"));
    CHECK(check_heartbeats(ws, at("2026-11-22T04:10:00Z"), options()).opened.empty());

    const int before = repo.commits();
    HeartbeatCheck first = check_heartbeats(ws, at("2026-11-22T04:30:00Z"), options());
    REQUIRE(first.opened.size() == 1);
    const Incident& inc = first.opened[0].incident;
    CHECK(inc.title == "Heartbeat backup missed: no check-in since 2026-11-22T03:00:00Z");
    CHECK(inc.dedup_key == "heartbeat/backup");
    CHECK(inc.service == "backup");
    CHECK(inc.priority == "P1");
    CHECK(inc.detected_at == at("2026-11-22T04:10:00Z"));
    CHECK(repo.commits() == before + 1);
    // Ticking again opens nothing more.
    CHECK(check_heartbeats(ws, at("2026-11-22T05:00:00Z"), options()).opened.empty());
    CHECK(repo.commits() == before + 1);
    auto st = heartbeat_statuses(ws, at("2026-11-22T05:00:00Z"));
    CHECK(st[0].state == HeartbeatState::overdue);
    CHECK(st[0].incident == inc.id);

    Checkin back = record_checkin(ws, "backup", at("2026-11-22T05:00:00Z"), options());
    CHECK(back.state == HeartbeatState::ok);
    CHECK(back.mitigated.incident.id == inc.id);
    CHECK(ws.store.load(inc.id).status == Status::mitigated);
    CHECK(ws.store.load(inc.id).timeline.back().text == "heartbeat backup checked in at 2026-11-22T05:00:00Z");
    // Once: the next check-in finds nothing to mitigate.
    CHECK(record_checkin(ws, "backup", at("2026-11-22T05:30:00Z"), options()).mitigated.incident.id.empty());
    CHECK(repo.commits() == before + 2);
}

TEST_CASE("a check-in of an unknown heartbeat is not found; an earlier one keeps the later") {
    HeartbeatRepo repo;
    Workspace ws = repo.open();
    CHECK(thrown<NotFound>([&] { record_checkin(ws, "nope", at("2026-11-22T03:00:00Z"), options()); }));
    record_checkin(ws, "report", at("2026-11-22T03:00:00Z"), options());
    record_checkin(ws, "report", at("2026-11-22T02:00:00Z"), options());
    CHECK(last_checkin(ws.repo, "report") == at("2026-11-22T03:00:00Z"));
}

TEST_SUITE_END();
