// The spool of a standby receiver through the library: requests checked as
// the holder checks them and kept, nothing opened; pruned by age; replayed at
// the time each came, once, skipping what the holder already recorded, and a
// damaged entry dropped with its name.
#include "intake/spool.hpp"

#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

AlertReply spool(const Workspace& ws, const char* path, const std::string& body, Timestamp now) {
    return spool_alerts(ws, path, *alert_route(path), body, now);
}

AlertReply receive(const Workspace& ws, const char* path, const std::string& body, Timestamp now) {
    return receive_alerts(ws, *alert_route(path), body, "holder", now, options());
}

Replay replay(const Workspace& ws, Seconds window = Seconds{4}) {
    return replay_spool(ws, "standby", window, options());
}

// The alert events an incident has: its repeats (the opening is none).
std::size_t alert_events(const Incident& inc) {
    return std::count_if(inc.timeline.begin(), inc.timeline.end(), [](const Event& e) { return e.type == "alert"; });
}

}  // namespace

TEST_SUITE_BEGIN("spool");

TEST_CASE("a request is checked as the holder checks it, kept and answered 202; nothing is opened") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp now = at("2026-11-22T03:30:00Z");
    const int commits = repo.commits();
    struct Bad {
        const char* path;
        std::string body;
    };
    for (const auto& bad : std::vector<Bad>{{"/v1/alerts/grafana", R"({"alerts": [)"},
                                            {"/v2/enqueue", R"({"routing_key": "r", "event_action": "explode"})"},
                                            {"/v1/alerts/alertmanager", R"({"alerts": 3})"},
                                            {"/v1/alerts/generic/checks", "{}"}}) {
        CAPTURE(bad.path);
        AlertReply spooled = spool(ws, bad.path, bad.body, now);
        AlertReply taken = receive(ws, bad.path, bad.body, now);
        CHECK(spooled.status >= 400);
        CHECK(spooled.status == taken.status);
        CHECK(spooled.body.dump() == taken.body.dump());
        CHECK(spooled_count(ws) == 0);
    }
    const fs::path dir = ws.repo.state_dir / "spool";
    CHECK((!fs::exists(dir) || fs::is_empty(dir)));  // not even a file left behind

    AlertReply am = spool(ws, "/v1/alerts/alertmanager", alert_body("alertmanager.json"), now);
    CHECK(am.status == 202);
    CHECK(am.body.dump() == R"({"spooled":1})");  // one group, one alert
    CHECK(am.outcomes.empty());
    AlertReply pd = spool(ws, "/v2/enqueue", alert_body("pagerduty-trigger.json"), now);
    CHECK(pd.status == 202);
    CHECK(pd.body.dump() == R"({"status":"success","message":"Event spooled","dedup_key":"payments-api/5xx"})");
    CHECK(spooled_count(ws) == 2);
    CHECK(ws.store.list_ids().empty());
    CHECK(repo.commits() == commits);
    CHECK(repo.git("status --porcelain").empty());

    std::string config = repo.read(".incident/config.yaml");
    REQUIRE(contains(config, "  group_by: group\n"));
    repo.write(".incident/config.yaml", config.replace(config.find("  group_by: group\n"), 18, "  group_by: alert\n"));
    AlertReply each = spool(repo.open(), "/v1/alerts/alertmanager", alert_body("alertmanager.json"), now);
    CHECK(each.body.dump() == R"({"spooled":2})");  // as many as its alerts
}

TEST_CASE("pruning drops only the requests that came before the time given") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const std::string body = alert_body("pagerduty-trigger.json");
    for (const char* t : {"2026-11-22T03:00:00Z", "2026-11-22T03:10:00Z", "2026-11-22T03:20:00Z"})
        REQUIRE(spool(ws, "/v2/enqueue", body, at(t)).status == 202);
    CHECK(prune_spool(ws, at("2026-11-22T03:00:00Z")) == 0);
    CHECK(prune_spool(ws, at("2026-11-22T03:10:00Z")) == 1);
    CHECK(spooled_count(ws) == 2);
    CHECK(prune_spool(ws, at("2026-11-22T03:10:00Z")) == 0);
    CHECK(prune_spool(ws, at("2026-11-22T03:20:01Z")) == 2);
    CHECK(spooled_count(ws) == 0);
}

TEST_CASE("replay opens each spooled alert's incident at the time it came, once") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp first = at("2026-11-22T03:30:00Z"), second = at("2026-11-22T03:31:07Z");
    REQUIRE(spool(ws, "/v1/alerts/alertmanager", alert_body("alertmanager.json"), first).status == 202);
    REQUIRE(spool(ws, "/v2/enqueue", alert_body("pagerduty-trigger.json"), second).status == 202);

    Replay r = replay(ws);
    CHECK(r.requests == 2);
    CHECK(r.skipped == 0);
    CHECK(r.problems.empty());
    REQUIRE(r.taken.size() == 2);
    CHECK(r.taken[0].outcome == "opened");
    CHECK(r.taken[1].outcome == "opened");
    CHECK(r.taken[1].key == "payments-api/5xx");
    CHECK(ws.store.load(r.taken[0].id).opened_at == first);
    CHECK(ws.store.load(r.taken[1].id).opened_at == second);
    CHECK(ws.store.load(r.taken[1].id).timeline.front().by == "standby");
    CHECK(spooled_count(ws) == 0);

    Replay again = replay(ws);
    CHECK(again.requests == 0);
    CHECK(again.taken.empty());
    CHECK(ws.store.list_ids().size() == 2);
}

TEST_CASE("replay skips an alert an incident recorded no earlier than the window before it came") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const std::string trigger = alert_body("pagerduty-trigger.json");
    const Timestamp opened = at("2026-11-22T03:30:00Z");
    REQUIRE(receive(ws, "/v2/enqueue", trigger, opened).status == 202);  // the holder opened INC-1

    SUBCASE("opened within the window") {
        for (const Timestamp came : {opened, opened + Seconds{4}}) {  // the window's edge included
            REQUIRE(spool(ws, "/v2/enqueue", trigger, came).status == 202);
            Replay r = replay(ws);
            CHECK(r.requests == 1);
            CHECK(r.skipped == 1);
            CHECK(r.taken.empty());
        }
        CHECK(ws.store.list_ids().size() == 1);
        CHECK(alert_events(ws.store.load("INC-1")) == 0);
        CHECK(spooled_count(ws) == 0);
    }
    SUBCASE("an alert event within the window") {
        REQUIRE(receive(ws, "/v2/enqueue", trigger, opened + Seconds{60}).status == 202);  // a repeat
        REQUIRE(spool(ws, "/v2/enqueue", trigger, opened + Seconds{62}).status == 202);
        Replay r = replay(ws);
        CHECK(r.skipped == 1);
        CHECK(r.taken.empty());
        CHECK(alert_events(ws.store.load("INC-1")) == 1);
    }
    SUBCASE("earlier than the window: taken, a repeat") {
        REQUIRE(spool(ws, "/v2/enqueue", trigger, opened + Seconds{5}).status == 202);
        Replay r = replay(ws);
        CHECK(r.skipped == 0);
        REQUIRE(r.taken.size() == 1);
        CHECK(r.taken[0].id == "INC-1");
        CHECK(r.taken[0].outcome == "repeated");
        CHECK(alert_events(ws.store.load("INC-1")) == 1);
    }
    SUBCASE("a resolve after the trigger is not the trigger: taken, whether the holder took it or not") {
        const std::string resolve = alert_body("pagerduty-resolve.json");
        REQUIRE(spool(ws, "/v2/enqueue", trigger, opened).status == 202);               // the holder took this
        REQUIRE(spool(ws, "/v2/enqueue", resolve, opened + Seconds{2}).status == 202);  // and died before this
        Replay r = replay(ws);
        CHECK(r.skipped == 1);
        REQUIRE(r.taken.size() == 1);
        CHECK(r.taken[0].outcome == "resolved");
        CHECK(ws.store.load("INC-1").status == Status::mitigated);
        // The holder's own resolve, recorded within the window, is skipped.
        REQUIRE(spool(ws, "/v2/enqueue", resolve, opened + Seconds{3}).status == 202);
        CHECK(replay(ws).skipped == 1);
    }
    SUBCASE("another key is not skipped") {
        REQUIRE(spool(ws, "/v1/alerts/alertmanager", alert_body("alertmanager.json"), opened).status == 202);
        Replay r = replay(ws);
        CHECK(r.skipped == 0);
        REQUIRE(r.taken.size() == 1);
        CHECK(r.taken[0].outcome == "opened");
        CHECK(ws.store.list_ids().size() == 2);
    }
}

TEST_CASE("a damaged spool entry is dropped with its name; the others are replayed") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const fs::path dir = ws.repo.state_dir / "spool";
    REQUIRE(spool(ws, "/v2/enqueue", alert_body("pagerduty-trigger.json"), at("2026-11-22T03:30:00Z")).status == 202);
    fs::create_directories(dir);
    const std::string received = R"(, "received": "2026-11-22T03:29:00Z"})";
    for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
             {"00000000000000000001-1.json", "not json"},
             {"00000000000000000002-1.json", R"({"path": "/v2/enqueue", "body": "{}"})"},  // no time
             {"00000000000000000003-1.json", R"({"path": "/v1/alerts/nagios", "body": "{}")" + received},
             {"00000000000000000004-1.json", R"({"path": "/v2/enqueue", "body": "[]")" + received}}) {
        std::ofstream(dir / name) << text;
    }
    CHECK(spooled_count(ws) == 5);

    Replay r = replay(ws);
    REQUIRE(r.problems.size() == 4);
    CHECK(r.problems[0] == "spooled request 00000000000000000001-1.json cannot be read: dropped");
    CHECK(r.problems[1] == "spooled request 00000000000000000002-1.json cannot be read: dropped");
    CHECK(r.problems[2] == "spooled request 00000000000000000003-1.json cannot be read: dropped");
    CHECK(contains(r.problems[3], "spooled request 00000000000000000004-1.json: {\"status\":\"invalid event\""));
    CHECK(contains(r.problems[3], ": dropped"));
    CHECK(r.requests == 1);
    REQUIRE(r.taken.size() == 1);
    CHECK(r.taken[0].outcome == "opened");
    CHECK(spooled_count(ws) == 0);
    CHECK(fs::is_empty(dir));
}

TEST_SUITE_END();

}  // namespace incident::test
