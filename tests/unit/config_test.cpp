#include "model/config.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"

using namespace incident;

TEST_SUITE_BEGIN("model::config");

TEST_CASE("defaults are complete and consistent") {
    Config c;
    CHECK(c.id_prefix == "INC");
    CHECK(c.matrix_priority("high", "high") == "P1");
    CHECK(c.matrix_priority("low", "low") == "P5");
    CHECK(c.matrix_priority("huge", "high").empty());
    CHECK(c.sla.at("P1").respond == std::chrono::minutes(15));
    CHECK(c.sla_at_risk == 0.75);
    CHECK(c.unknown_errs_high);
    CHECK(c.business_hours.timezone == "UTC");
    CHECK(c.business_hours.days == std::vector<unsigned>{1, 2, 3, 4, 5});
    CHECK(c.business_hours.start == std::chrono::hours(9));
    CHECK(c.tiers == std::vector<std::string>{"L1", "L2", "L3"});
    CHECK(c.default_team == "service-desk");
    CHECK(c.postmortem_template == "google-sre");
    CHECK(c.postmortem_meeting_within == std::chrono::hours(5 * 8));
    CHECK(c.close_requires_confirmation);
    CHECK(c.close_contact_attempts == 3);
    CHECK(c.auto_commit);
    CHECK(c.commit_message == "{id}: {event}: {title}");
    CHECK_NOTHROW(check_config(c, "defaults"));
}

TEST_CASE("the text init writes with a preset's teams: the preset's teams, the same layout") {
    std::string teams = "teams:\n  ops: {managers: [boss@example.com]}\ndefault_team: ops";
    std::string text = default_config_text(teams);
    CHECK(text.find("\ndefault_team: ops\n\npostmortem:") != std::string::npos);
    CHECK(text.find("service-desk") == std::string::npos);
    Config c;
    apply_config_layer(c, load_yaml(text, "init"), "init");
    REQUIRE(c.teams.size() == 1);  // the preset's teams replace the default ones
    CHECK(c.teams[0].name == "ops");
    CHECK(default_config_text().find("\ndefault_team: service-desk\n\npostmortem:") != std::string::npos);
}

TEST_CASE("layers override only what they name; the environment wins over files") {
    Config c;
    apply_config_layer(c, load_yaml("id_prefix: USR\ntiers: [T1, T2]\n", "user.yaml"), "user.yaml");
    apply_config_layer(c, load_yaml("id_prefix: REPO\n", "repo.yaml"), "repo.yaml");
    CHECK(c.id_prefix == "REPO");
    CHECK(c.tiers == std::vector<std::string>{"T1", "T2"});
    apply_config_env(c, [](const std::string& k) -> std::optional<std::string> {
        if (k == "INCIDENT_ID_PREFIX") return "ENV";
        if (k == "INCIDENT_AUTO_COMMIT") return "false";
        return std::nullopt;
    });
    CHECK(c.id_prefix == "ENV");
    CHECK_FALSE(c.auto_commit);
}

TEST_CASE("bad settings are located") {
    struct Case {
        const char* text;
        const char* error;
    } cases[] = {
        {"tiers: L1\n", "cfg.yaml:1:8: tiers: expected a list"},
        {"colour: red\n", "cfg.yaml:1:1: unknown key 'colour'"},
        {"sla:\n  P1: {respond: soon}\n", "sla.P1.respond: expected a duration"},
        {"id_prefix: ../x\n", "id_prefix: must be letters and digits"},
        {"close: {contact_attempts: -1}\n", "close.contact_attempts: expected a whole number"},
        {"teams:\n  sre: {boss: x}\n", "teams.sre: unknown key 'boss'"},
        {"sla_clock: {at_risk: .nan}\n", "cfg.yaml:1:22: sla_clock.at_risk: expected a fraction"},
        {"sla_clock: {at_risk: 1.5}\n", "sla_clock.at_risk: expected a fraction"},
        {"sla:\n  P1: {respond: 999999999w}\n", "sla.P1.respond: expected a duration"},
        {"id_prefix: ABCDEFGHIJKLMNOPQ\n", "id_prefix: must be letters and digits"},
        {"business_hours: {start: \"25:00\"}\n", "business_hours.start: expected a time of day"},
        {"business_hours: {start: \"9:0\"}\n", "business_hours.start: expected a time of day"},
        {"business_hours:\n  timezone: Mars/Olympus\n", "cfg.yaml:2:13: business_hours.timezone: unknown time zone"},
    };
    for (const auto& k : cases) {
        CAPTURE(k.text);
        Config c;
        try {
            apply_config_layer(c, load_yaml(k.text, "cfg.yaml"), "cfg.yaml");
            FAIL("accepted");
        } catch (const InvalidData& e) {
            CHECK(std::string(e.what()).find(k.error) != std::string::npos);
        }
    }
}

TEST_SUITE_END();
