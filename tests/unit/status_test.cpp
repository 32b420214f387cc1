// The status page: its settings located, the public view of an incident
// (only what was marked public), component states and the site's bytes.
#include <doctest/doctest.h>

#include <regex>

#include "lifecycle/lifecycle.hpp"
#include "model/yaml_doc.hpp"
#include "status/public.hpp"
#include "status/site.hpp"

using namespace incident;

TEST_SUITE_BEGIN("status");

namespace {

Timestamp t(const char* text) { return *parse_rfc3339(text); }

Config config_with(const std::string& status_page) {
    Config c;
    apply_config_layer(c, load_yaml("status_page:\n" + status_page, "config.yaml"), "config.yaml");
    return c;
}

const char* kComponents =
    "  name: Example\n"
    "  components:\n"
    "    - {name: API, group: Platform, services: [api]}\n"
    "    - {name: Web site, services: [web]}\n";

std::string error_of(const std::string& status_page) {
    try {
        status_page_settings(config_with(status_page), "config.yaml");
    } catch (const InvalidData& e) {
        return e.what();
    }
    return "";
}

// An incident opened at 10:00 by a rule-less open, P1 on the api service.
Incident api_incident(const Config& c, const char* priority = "P1") {
    NewIncident f;
    f.title = "db melted; alice@corp.example paged";
    f.service = "api";
    f.priority = priority;
    Actor a{"alice@corp.example", t("2026-12-01T10:00:00Z"), c};
    Incident inc = open_incident("INC-7", f, RuleSet{}, a);
    add_note(inc, Actor{"bob@corp.example", t("2026-12-01T10:01:00Z"), c}, "internal: label team=db", false);
    return inc;
}

}  // namespace

TEST_CASE("status: settings read, with located errors") {
    auto s = status_page_settings(config_with(kComponents), "config.yaml");
    CHECK(s.name == "Example");
    REQUIRE(s.components.size() == 2);
    CHECK(s.components[1].id == "web-site");
    CHECK(s.component("web site") == &s.components[1]);
    CHECK(s.by_priority.at("P1") == ComponentState::major_outage);
    CHECK(s.by_priority.at("P3") == ComponentState::degraded_performance);
    CHECK(error_of("  states: {P1: down}\n").find("config.yaml:2:") == 0);
    CHECK(error_of("  states: {P9: major_outage}\n").find("unknown key 'P9'") != std::string::npos);
    CHECK(error_of("  components: [{name: A}, {name: a}]\n").find("two components are called a") != std::string::npos);
    CHECK(error_of("  components: [{name: '--'}]\n").find("a letter or a digit") != std::string::npos);
    CHECK(error_of("  url: ftp://x\n").find("http://") != std::string::npos);
    CHECK(error_of("  branch: 'a..b'\n").find("branch name") != std::string::npos);
    CHECK(error_of("  colour: red\n").find("unknown key 'colour'") != std::string::npos);
}

TEST_CASE("status: nothing of an incident is public until marked") {
    Config c = config_with(kComponents);
    auto s = status_page_settings(c, "config.yaml");
    Incident inc = api_incident(c);
    CHECK_FALSE(public_view(inc, s));
    stakeholder_update(inc, Actor{"carol", t("2026-12-01T10:02:00Z"), c}, "internal stakeholder text");
    CHECK_FALSE(public_view(inc, s));
}

TEST_CASE("status: public updates, title, status and component states") {
    Config c = config_with(kComponents);
    auto s = status_page_settings(c, "config.yaml");
    Incident inc = api_incident(c);
    PublicChange first;
    first.message = "We are looking into API errors.";
    add_public_events(inc, Actor{"carol", t("2026-12-01T10:05:00Z"), c}, first, s);
    auto v = public_view(inc, s);
    REQUIRE(v);
    CHECK(v->id == "inc-7");
    CHECK(v->name == "Service disruption: API");  // no public title: never the internal one
    CHECK(v->status == "investigating");
    CHECK(v->impact == "critical");
    REQUIRE(v->components.size() == 1);
    CHECK(v->components[0] == std::pair<std::string, ComponentState>{"api", ComponentState::major_outage});

    set_status(inc, Status::mitigated, Actor{"carol", t("2026-12-01T10:30:00Z"), c}, "");
    PublicChange second;
    second.title = "Elevated API errors";
    second.message = "A fix is out; we are watching.";
    second.components = {{"Web site", "degraded_performance"}};
    add_public_events(inc, Actor{"carol", t("2026-12-01T10:31:00Z"), c}, second, s);
    v = public_view(inc, s);
    CHECK(v->name == "Elevated API errors");
    CHECK(v->status == "monitoring");
    CHECK(v->monitoring == t("2026-12-01T10:31:00Z"));
    CHECK(v->impact == "critical");  // the worst it was, not the milder state while mitigated
    REQUIRE(v->components.size() == 2);
    CHECK(v->components[0].second == ComponentState::degraded_performance);  // mitigated
    CHECK(v->components[1].second == ComponentState::degraded_performance);  // by hand
    REQUIRE(v->updates.size() == 2);
    CHECK(v->updates[1].id == "inc-7-2");

    resolve(inc, Actor{"carol", t("2026-12-01T11:00:00Z"), c}, "fixed", "internal summary");
    v = public_view(inc, s);
    CHECK(v->status == "resolved");
    CHECK(v->resolved == t("2026-12-01T11:00:00Z"));
    CHECK(v->components[0].second == ComponentState::operational);

    PublicChange bad;
    bad.components = {{"Database", "major_outage"}};
    CHECK_THROWS_AS(add_public_events(inc, Actor{"c", t("2026-12-01T11:01:00Z"), c}, bad, s), UsageError);
    bad.components = {{"API", "down"}};
    CHECK_THROWS_AS(add_public_events(inc, Actor{"c", t("2026-12-01T11:01:00Z"), c}, bad, s), UsageError);
    PublicChange status;
    status.message = "x";
    status.status = "fixed";
    CHECK_THROWS_AS(add_public_events(inc, Actor{"c", t("2026-12-01T11:01:00Z"), c}, status, s), UsageError);
}

TEST_CASE("status: the site holds the public text alone, the same bytes each time") {
    Config c = config_with(kComponents);
    SiteInput in;
    in.settings = status_page_settings(c, "config.yaml");
    in.now = t("2026-12-01T12:00:00Z");
    Incident inc = api_incident(c);
    PublicChange p;
    p.title = "API <errors> & \"timeouts\"";
    p.message = "Investigating.\x01\nMore soon.";
    add_public_events(inc, Actor{"carol", t("2026-12-01T10:05:00Z"), c}, p, in.settings);
    in.incidents.push_back(*public_view(inc, in.settings));
    MaintenanceWindow internal{
        "m1", {"web"}, t("2026-12-01T11:00:00Z"), t("2026-12-01T13:00:00Z"), "internal reason", "bob@corp.example",
        "",   ""};
    MaintenanceWindow shown = internal;
    shown.id = "m2";
    shown.public_text = "Web site upgrade";
    in.maintenance = {internal, shown};

    auto files = render_site(in);
    CHECK(files == render_site(in));
    for (const char* name : {"index.html", "incidents/inc-7.html", "history.atom", "style.css", "api/v2/summary.json",
                             "api/v2/status.json"})
        CHECK_MESSAGE(files.count(name), name);
    for (const auto& file : files) {
        for (const char* secret : {"corp.example", "melted", "internal", "team=db", "\x01"})
            CHECK_MESSAGE(file.second.find(secret) == std::string::npos, file.first, " holds ", secret);
    }
    CHECK(files["index.html"].find("API &lt;errors&gt; &amp; &quot;timeouts&quot;") != std::string::npos);
    CHECK(files["index.html"].find("Web site upgrade") != std::string::npos);
    auto summary = nlohmann::json::parse(files["api/v2/summary.json"]);
    CHECK(summary["status"]["indicator"] == "critical");
    CHECK(summary["incidents"].size() == 1);
    CHECK(summary["scheduled_maintenances"].size() == 1);
    CHECK(summary["scheduled_maintenances"][0]["status"] == "in_progress");
    // Web site is in a public window now; API is down.
    auto states = component_states(in);
    CHECK(states[0].second == ComponentState::major_outage);
    CHECK(states[1].second == ComponentState::under_maintenance);
}

TEST_CASE("status: a template from the repository that does not render is refused") {
    SiteInput in;
    in.settings = status_page_settings(config_with(kComponents), "config.yaml");
    in.templates["index.html"] = "{{#a}}";
    CHECK_THROWS_AS(render_site(in), InvalidData);
}

TEST_SUITE_END();
