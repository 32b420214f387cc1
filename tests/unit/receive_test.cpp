// incident serve's requests without the network: routes, the bearer token,
// and bodies answered as their senders expect (tests/data/alerts/).
#include "intake/receive.hpp"

#include "store/lock.hpp"
#include "workspace_fixture.hpp"

namespace incident::test {

TEST_CASE("routes name a format, and nothing else is a route") {
    CHECK(alert_route("/v1/alerts/alertmanager")->format == AlertFormat::alertmanager);
    CHECK(alert_route("/v1/alerts/grafana")->format == AlertFormat::grafana);
    CHECK(alert_route("/v2/enqueue")->format == AlertFormat::pagerduty);
    auto g = alert_route("/v1/alerts/generic/checks");
    REQUIRE(g);
    CHECK(g->format == AlertFormat::generic);
    CHECK(g->generic == "checks");
    for (const char* p : {"/", "/v1/alerts/", "/v1/alerts/generic/", "/v1/alerts/generic/a/b", "/v1/alerts/nagios",
                          "/v1/alerts/alertmanager/"})
        CHECK_FALSE(alert_route(p));
}

TEST_CASE("the bearer token must match exactly") {
    CHECK(bearer_matches("Bearer s3cret", "s3cret"));
    CHECK(bearer_matches("bearer s3cret", "s3cret"));  // the scheme is case-insensitive (RFC 9110)
    CHECK_FALSE(bearer_matches("Bearer s3cre", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearer s3cretx", "s3cret"));
    CHECK_FALSE(bearer_matches("Basic s3cret", "s3cret"));
    CHECK_FALSE(bearer_matches("s3cret", "s3cret"));
    CHECK_FALSE(bearer_matches("", "s3cret"));
    CHECK_FALSE(bearer_matches("Bearer ", ""));  // no token configured matches nothing
}

TEST_CASE("bodies are taken and answered in each sender's shape") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp now = at("2026-11-22T03:30:00Z");
    auto post = [&](const char* path, const std::string& body) {
        return receive_alerts(ws, *alert_route(path), body, "serve", now, options());
    };
    AlertReply am = post("/v1/alerts/alertmanager", alert_body("alertmanager.json"));
    CHECK(am.status == 200);
    CHECK(am.body["incidents"][0]["id"] == "INC-1");
    CHECK(am.body["incidents"][0]["outcome"] == "opened");
    REQUIRE(am.outcomes.size() == 1);
    CHECK(am.outcomes[0].change.committed);

    AlertReply pd = post("/v2/enqueue", alert_body("pagerduty-trigger.json"));
    CHECK(pd.status == 202);
    CHECK(pd.body["status"] == "success");
    CHECK(pd.body["dedup_key"] == "payments-api/5xx");

    AlertReply bad = post("/v2/enqueue", R"({"routing_key": "r", "event_action": "explode"})");
    CHECK(bad.status == 400);
    CHECK(bad.body["status"] == "invalid event");
    CHECK(bad.body["errors"][0] == "body: event_action: expected trigger, acknowledge or resolve");

    AlertReply cut = post("/v1/alerts/grafana", R"({"alerts": [)");
    CHECK(cut.status == 400);
    CHECK(contains(cut.body["error"]["message"].get<std::string>(), "body:1:"));

    AlertReply unknown = post("/v1/alerts/generic/checks", "{}");
    CHECK(unknown.status == 404);
    CHECK(ws.store.list_ids().size() == 2);
}

TEST_CASE("a change that cannot be made is 503, for the sender to retry") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    RepositoryLock held(ws.repo.lock_path(), std::chrono::milliseconds(0));
    ChangeOptions quick = options();
    quick.lock_timeout = std::chrono::milliseconds(50);
    AlertReply r = receive_alerts(ws, *alert_route("/v2/enqueue"), alert_body("pagerduty-trigger.json"), "serve",
                                  at("2026-11-22T03:30:00Z"), quick);
    CHECK(r.status == 503);
    CHECK(ws.store.list_ids().empty());
}

}  // namespace incident::test
