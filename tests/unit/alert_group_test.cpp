// What the size of an alert body never does: a group of thousands of
// Alertmanager alerts is one alert holding its count, its first alerts and a
// digest by alert name; any alert's text is capped on a character boundary;
// and such a group is taken into a repository as one incident. Also which
// answer each error is.
#include "intake/intake.hpp"
#include "intake/receive.hpp"
#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

using json = nlohmann::json;

json prometheus_alert(const std::string& name, bool firing, int i) {
    char instance[16];
    std::snprintf(instance, sizeof instance, "i%04d", i);
    return {{"status", firing ? "firing" : "resolved"},
            {"labels", {{"alertname", name}, {"instance", instance}, {"severity", "critical"}}},
            {"annotations", {{"summary", name + " on " + instance}}},
            {"startsAt", "2026-11-22T03:00:00Z"},
            {"generatorURL", std::string("http://prometheus.example.com/graph?") + instance},
            {"dashboardURL", std::string("http://grafana.example.com/d/") + instance},
            {"fingerprint", instance}};
}

// 9 000 alerts: ten "First" alerts firing, then Disk 5000 (the first 1000
// resolved), CPU 2000 firing, Mem 1000 resolved and Misc01..Misc22 45 each
// firing, listed in another order than by count or name.
json group_of_9000() {
    json alerts = json::array();
    int i = 0;
    auto add = [&](const std::string& name, int count, int resolved) {
        for (int k = 0; k < count; ++k, ++i) alerts.push_back(prometheus_alert(name, k >= resolved, i));
    };
    add("First", 10, 0);
    add("Mem", 1000, 1000);
    for (int m = 22; m >= 1; --m) add(m < 10 ? "Misc0" + std::to_string(m) : "Misc" + std::to_string(m), 45, 0);
    add("CPU", 2000, 0);
    add("Disk", 5000, 1000);
    return {{"version", "4"},
            {"groupKey", "{}:{severity=\"critical\"}"},
            {"status", "firing"},
            {"receiver", "incident"},
            {"externalURL", "http://alertmanager.example.com:9093"},
            {"alerts", alerts}};
}

Alert only(const json& body, const IntakeSettings& s = {}) {
    auto alerts = parse_alerts(body, AlertFormat::alertmanager, s, "", "body");
    REQUIRE(alerts.size() == 1);
    return alerts[0];
}

// One alert whose description annotation is `d`.
json with_description(const std::string& d) {
    json a = prometheus_alert("Big", true, 1);
    a["annotations"]["description"] = d;
    return {{"version", "4"}, {"status", "firing"}, {"alerts", {a}}};
}

}  // namespace

TEST_CASE("a group of 9000 alerts is one alert: its count, its first ten in full, a digest of the rest") {
    const Alert g = only(group_of_9000());
    CHECK(g.key == "{}:{severity=\"critical\"}");
    CHECK(g.action == AlertAction::trigger);
    CHECK(g.description.starts_with("Group of 9000 alerts (7000 firing, 2000 resolved)\n\n"));
    for (int i = 0; i < 10; ++i) CHECK(contains(g.description, "First on i000" + std::to_string(i) + " (firing)\n"));
    CHECK(contains(g.description, "instance=i0009"));
    CHECK(!contains(g.description, "i0010"));
    std::string digest =
        "The other 8990, by alert name:\n"
        "  Disk: 4000 firing, 1000 resolved\n"
        "  CPU: 2000 firing, 0 resolved\n"
        "  Mem: 0 firing, 1000 resolved";
    for (int m = 1; m <= 17; ++m)
        digest += "\n  Misc" + std::string(m < 10 ? "0" : "") + std::to_string(m) + ": 45 firing, 0 resolved";
    digest += "\n  and 5 more names";
    CHECK(g.description.ends_with("\n\n" + digest));
    CHECK(g.description.size() < (64u << 10));
    CHECK(g.links.size() == 11);
    CHECK(g.links.back() == "http://alertmanager.example.com:9093");
    for (const auto& l : g.links) CHECK(!contains(l, "i0005"));  // ten links from the first five alerts
}

TEST_CASE("a description of 1 MB is cut to 64 KiB and says how much was left, never inside a character") {
    const std::string emoji = "\xF0\x9F\x98\x80";  // 4 bytes
    IntakeSettings per_alert;
    per_alert.per_group = false;
    for (std::size_t before_cut = 0; before_cut <= 4; ++before_cut) {
        CAPTURE(before_cut);
        const std::size_t start = (64u << 10) - before_cut;  // where the character begins
        std::string d = std::string(start, 'a') + emoji;
        d += std::string((1u << 20) - d.size(), 'b');
        const std::string full = d + "\n\nLabels:\n  alertname=Big\n  instance=i0001\n  severity=critical\n" +
                                 "Annotations:\n  description=" + d + "\n  summary=Big on i0001";
        const std::string got = only(with_description(d), per_alert).description;
        // The character is kept whole when it ends by the cut, else left out whole.
        const std::size_t kept = before_cut == 0 || before_cut == 4 ? (64u << 10) : start;
        CHECK(got == full.substr(0, kept) + "\n[" + std::to_string(full.size() - kept) + " more bytes not kept]");
    }
}

TEST_CASE("a title is cut at 1 KiB") {
    json body = with_description("short");
    body["alerts"][0]["annotations"]["summary"] = std::string(5000, 't');
    const Alert a = only(body);
    CHECK(a.title == std::string(1024, 't') + "\n[3976 more bytes not kept]");
}

TEST_CASE("refused_reply: what a retry cannot fix is 400 or 409, what it may fix 503") {
    auto status = [](const Error& e) { return refused_reply(e).status; };
    CHECK(status(InvalidData(Location{"incidents/INC-1.yaml"}, "title: required")) == 400);
    CHECK(status(UsageError("unknown resolution code")) == 400);
    CHECK(status(TransitionRefused("INC-1 is closed")) == 409);
    CHECK(status(IoError("git commit failed")) == 503);
    const AlertReply r = refused_reply(TransitionRefused("INC-1 is closed"));
    CHECK(r.body["error"]["status"] == 409);
    CHECK(r.body["error"]["message"] == "INC-1 is closed");
}

TEST_CASE("receive_alerts: a group of 9000 alerts is one incident, committed, that loads back") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const int before = repo.commits();
    AlertReply r = receive_alerts(ws, *alert_route("/v1/alerts/alertmanager"), group_of_9000().dump(), "serve",
                                  at("2026-11-22T03:30:00Z"), options());
    CHECK(r.status == 200);
    REQUIRE(r.body["incidents"].size() == 1);
    CHECK(r.body["incidents"][0]["id"] == "INC-1");
    CHECK(r.body["incidents"][0]["outcome"] == "opened");
    REQUIRE(r.outcomes.size() == 1);
    CHECK(r.outcomes[0].change.committed);
    CHECK(repo.commits() == before + 1);
    CHECK(ws.store.list_ids() == std::vector<std::string>{"INC-1"});
    Incident inc = ws.store.load("INC-1");
    CHECK(inc.dedup_key == "{}:{severity=\"critical\"}");
    CHECK(contains(inc.description, "Group of 9000 alerts (7000 firing, 2000 resolved)"));
    CHECK(contains(inc.description, "and 5 more names"));
    CHECK(repo.git("status --porcelain --untracked-files=all").empty());
}

// An alert name is cut at 200 bytes in the digest, never inside a
// character (the incident would not read back, and the body be refused
// with 400 however often it is sent).
TEST_CASE("a long non-ASCII alert name in the digest is cut on a character boundary") {
    json body = group_of_9000();
    for (int i = 10; i < 1010; ++i)  // the Mem alerts: shown in the digest
        body["alerts"][i]["labels"]["alertname"] = std::string(199, 'n') + "\xC3\xA9";  // é at bytes 199-200
    IncidentRepo repo;
    Workspace ws = repo.open();
    AlertReply r = receive_alerts(ws, *alert_route("/v1/alerts/alertmanager"), body.dump(), "serve",
                                  at("2026-11-22T03:30:00Z"), options());
    CHECK(r.status == 200);
    CHECK(ws.store.list_ids().size() == 1);
}

// The first ten alerts are kept at up to 4 KiB each, their titles at 256
// bytes: with the digest, well under the 64 KiB a description is cut to.
TEST_CASE("ten large alerts leave room for the digest of the rest") {
    json body = group_of_9000();
    for (int i = 0; i < 10; ++i) body["alerts"][i]["annotations"]["description"] = std::string(20000, 'd');
    const Alert g = only(body);
    CHECK(g.description.starts_with("Group of 9000 alerts"));
    CHECK(contains(g.description, "The other 8990, by alert name:"));
    CHECK(contains(g.description, "and 5 more names"));
}

}  // namespace incident::test
