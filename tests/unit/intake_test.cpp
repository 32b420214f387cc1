// Alert intake: each format read from payloads shaped as its project
// documents them (tests/data/alerts/), the generic mapping's paths, the
// intake settings, and alerts taken into a repository (open, repeat,
// acknowledge, resolve).
#include "intake/intake.hpp"

#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

nlohmann::json payload(const std::string& name) {
    std::ifstream in(std::string(INCIDENT_SOURCE_DIR) + "/tests/data/alerts/" + name);
    REQUIRE(in);
    return nlohmann::json::parse(in);
}

std::vector<Alert> read(const std::string& name, AlertFormat f, const IntakeSettings& s = {}) {
    return parse_alerts(payload(name), f, s, "", name);
}

}  // namespace

TEST_CASE("each format is told from its shape") {
    CHECK(detect_alert_format(payload("alertmanager.json")) == AlertFormat::alertmanager);
    CHECK(detect_alert_format(payload("grafana.json")) == AlertFormat::grafana);
    CHECK(detect_alert_format(payload("pagerduty-trigger.json")) == AlertFormat::pagerduty);
    CHECK_FALSE(detect_alert_format(payload("generic.json")));
    CHECK_FALSE(detect_alert_format(nlohmann::json::array()));
    CHECK(parse_alert_format("grafana") == AlertFormat::grafana);
    CHECK_FALSE(parse_alert_format("nagios"));
}

TEST_CASE("an Alertmanager group is one alert, or one per alert when so configured") {
    auto group = read("alertmanager.json", AlertFormat::alertmanager);
    REQUIRE(group.size() == 1);
    const Alert& g = group[0];
    CHECK(g.key == R"({}/{severity="critical"}:{alertname="CheckoutLatencyHigh"})");
    CHECK(g.action == AlertAction::trigger);
    CHECK(g.title == "Checkout p99 latency above 2s");
    CHECK(g.service == "checkout");
    CHECK(g.severity == "critical");
    CHECK(format_rfc3339(*g.started_at) == "2026-11-22T02:58:30Z");  // the earliest of the group
    CHECK(contains(g.description, "p99 is 3.4s on checkout-1"));
    CHECK(contains(g.description, "instance=checkout-2:8080"));
    CHECK(g.links.back() == "http://alertmanager.example.com:9093");

    IntakeSettings per_alert;
    per_alert.per_group = false;
    auto alerts = read("alertmanager.json", AlertFormat::alertmanager, per_alert);
    REQUIRE(alerts.size() == 2);
    CHECK(alerts[0].key == "5ef77f1f8a3ecd13");
    CHECK(alerts[1].key == "a1b2c3d4e5f60718");
    CHECK(format_rfc3339(*alerts[1].started_at) == "2026-11-22T02:59:00Z");

    auto body = payload("alertmanager.json");
    body["status"] = "resolved";
    for (auto& a : body["alerts"]) a["status"] = "resolved";
    CHECK(parse_alerts(body, AlertFormat::alertmanager, {}, "", "x")[0].action == AlertAction::resolve);
    body["alerts"][0]["status"] = "firing";  // one still firing: the group fires
    CHECK(parse_alerts(body, AlertFormat::alertmanager, {}, "", "x")[0].action == AlertAction::trigger);
}

TEST_CASE("a Grafana alert keeps its dashboard, panel and silence links and its values") {
    IntakeSettings per_alert;
    per_alert.per_group = false;
    auto alerts = read("grafana.json", AlertFormat::grafana, per_alert);
    REQUIRE(alerts.size() == 1);
    const Alert& a = alerts[0];
    CHECK(a.key == "0c8d9f4a6b1e2f37");
    CHECK(a.title == "Disk 92% full on db-3");
    CHECK(a.service == "postgres");
    CHECK(a.severity == "warning");
    CHECK(a.links.size() == 4);
    CHECK(a.links[1] == "https://grafana.example.com/d/storage?orgId=1");
    CHECK(contains(a.description, "A=92.4"));
}

TEST_CASE("PagerDuty Events v2: trigger, acknowledge, resolve") {
    auto t = read("pagerduty-trigger.json", AlertFormat::pagerduty);
    REQUIRE(t.size() == 1);
    CHECK(t[0].action == AlertAction::trigger);
    CHECK(t[0].key == "payments-api/5xx");
    CHECK(t[0].title == "Payments API returns 5xx for 12% of requests");
    CHECK(t[0].service == "payments");
    CHECK(t[0].category == "availability");
    CHECK(t[0].severity == "critical");
    CHECK(format_rfc3339(*t[0].started_at) == "2026-11-22T03:20:00Z");
    CHECK(contains(t[0].description, "region=eu-west-1"));
    CHECK(t[0].links ==
          std::vector<std::string>{"https://status.example.com/payments", "https://monitoring.example.com"});
    CHECK(read("pagerduty-acknowledge.json", AlertFormat::pagerduty)[0].action == AlertAction::acknowledge);
    CHECK(read("pagerduty-resolve.json", AlertFormat::pagerduty)[0].action == AlertAction::resolve);
    CHECK(read("pagerduty-resolve.json", AlertFormat::pagerduty)[0].title == t[0].title);
    auto bare = payload("pagerduty-resolve.json");
    bare.erase("payload");
    CHECK(parse_alerts(bare, AlertFormat::pagerduty, {}, "", "x")[0].title == "resolve from PagerDuty Events");

    struct Bad {
        const char* change;
        const char* message;
    };
    for (const auto& b :
         std::vector<Bad>{{R"({"event_action": "explode"})", "event_action: expected"},
                          {R"({"payload": {"summary": null}})", "payload.summary: required"},
                          {R"({"payload": {"source": ""}})", "payload.source: required"},
                          {R"({"event_action": "resolve", "dedup_key": null})", "dedup_key: required"}}) {
        auto body = payload("pagerduty-trigger.json");
        body.merge_patch(nlohmann::json::parse(b.change));
        CAPTURE(b.change);
        auto e = thrown<InvalidData>([&] { parse_alerts(body, AlertFormat::pagerduty, {}, "", "pd.json"); });
        REQUIRE(e);
        CHECK(contains(e->what(), b.message));
    }
    auto no_key = payload("pagerduty-trigger.json");
    no_key.erase("dedup_key");
    CHECK(looks_like_uid(parse_alerts(no_key, AlertFormat::pagerduty, {}, "", "x")[0].key));  // made, as PagerDuty does
}

TEST_CASE("generic paths and mappings") {
    auto j = nlohmann::json::parse(R"({"a": {"b": [{"c": 1}, {"d.e": "x"}]}, "$": 2})");
    CHECK(*json_at_path(j, "a.b[0].c") == 1);
    CHECK(*json_at_path(j, "$.a.b[1][\"d.e\"]") == "x");
    CHECK(json_at_path(j, "a.b[2]") == nullptr);
    CHECK(json_at_path(j, "a.z.y") == nullptr);
    for (const char* bad : {"", "a..b", "a.", "a[", "a[x]", ".a"}) {
        CAPTURE(bad);
        CHECK(thrown<UsageError>([&] { json_at_path(j, bad); }));
    }
    GenericMapping m;
    m.title = "check.name";
    m.service = "check.app";
    m.severity = "check.level";
    m.dedup_key = "check.id";
    m.status = "check.state";
    auto alerts = parse_generic(payload("generic.json"), m, "generic.json");
    REQUIRE(alerts.size() == 1);
    CHECK(alerts[0].title == "Login errors above 5%");
    CHECK(alerts[0].service == "auth");
    CHECK(alerts[0].key == "login-errors");
    CHECK(alerts[0].action == AlertAction::trigger);
    auto resolved = payload("generic.json");
    resolved["check"]["state"] = "OK";
    CHECK(parse_generic(resolved, m, "x")[0].action == AlertAction::resolve);
}

TEST_CASE("intake settings are read from the config, located when wrong") {
    IncidentRepo repo;
    // init's config spells the defaults out; this one replaces them.
    std::string config = repo.read(".incident/config.yaml");
    const auto from = config.find("\nintake:\n"), to = config.find("\n\n", from + 1);
    REQUIRE(to != std::string::npos);
    repo.write(".incident/config.yaml", config.substr(0, from) + config.substr(to) +
                                            "\nintake:\n  group_by: alert\n  auto_mitigate: false\n"
                                            "  severity:\n    p1: {impact: high, urgency: high}\n"
                                            "  generic:\n    nagios:\n      title: host.problem\n");
    Workspace ws = repo.open();
    IntakeSettings s = intake_settings(ws.config, "config.yaml");
    CHECK_FALSE(s.per_group);
    CHECK_FALSE(s.auto_mitigate);
    CHECK(s.severity.at("p1").first == "high");
    CHECK(s.generic.at("nagios").title == "host.problem");
    repo.write(".incident/config.yaml", repo.read(".incident/config.yaml") + "  bogus: 1\n");
    auto e = thrown<InvalidData>([&] { intake_settings(repo.open().config, "config.yaml"); });
    REQUIRE(e);
    CHECK(contains(e->what(), "intake: unknown key 'bogus'"));
}

TEST_CASE("alerts open, repeat, acknowledge and resolve incidents, each key once") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp now = at("2026-11-22T03:30:00Z");
    auto take = [&](const std::string& name) {
        return take_alerts(ws, read(name, AlertFormat::pagerduty), {}, "alertmanager", now, options());
    };
    auto first = take("pagerduty-trigger.json");
    REQUIRE(first.size() == 1);
    CHECK(first[0].outcome == "opened");
    CHECK(first[0].id == "INC-1");
    Incident inc = ws.store.load("INC-1");
    CHECK(inc.priority == "P1");  // critical -> high x high
    CHECK(inc.dedup_key == "payments-api/5xx");
    CHECK(format_rfc3339(*inc.detected_at) == "2026-11-22T03:20:00Z");
    auto again = take("pagerduty-trigger.json");
    CHECK(again[0].outcome == "repeated");
    CHECK(again[0].id == "INC-1");
    CHECK(again[0].count == 2);
    CHECK(take("pagerduty-acknowledge.json")[0].outcome == "acknowledged");
    CHECK(ws.store.load("INC-1").acknowledged_at);
    CHECK(take("pagerduty-resolve.json")[0].outcome == "resolved");
    inc = ws.store.load("INC-1");
    CHECK(inc.status == Status::mitigated);
    CHECK(inc.timeline.back().type == "status");
    CHECK(ws.store.list_ids().size() == 1);
    CHECK(find_open_by_key(ws, "payments-api/5xx", now) == "INC-1");
    CHECK(find_open_by_key(ws, "nothing", now).empty());

    IncidentRepo other;
    Workspace fresh = other.open();
    auto ignored = take_alerts(fresh, read("pagerduty-resolve.json", AlertFormat::pagerduty), {}, "am", now, options());
    CHECK(ignored[0].outcome == "ignored");
    CHECK(ignored[0].id.empty());
    CHECK(fresh.store.list_ids().empty());
}

}  // namespace incident::test
