#include "notify/notify.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("notify");

TEST_CASE("Standard Webhooks signature matches the reference vector") {
    CHECK(webhook_signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                            R"({"test": 2432232314})") == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST_CASE("timeline events map to notification events") {
    struct Case {
        const char* type;
        const char* kind;
        const char* automatic;
        const char* expect;
    } cases[] = {
        {"opened", "", "", "opened"},
        {"acknowledged", "", "", "updated"},
        {"note", "", "", ""},
        {"escalated", "functional", "", "escalated"},
        {"escalated", "functional", "sla", "sla-at-risk"},
        {"escalated", "hierarchical", "sla", "sla-breached"},
        {"closed", "", "", "closed"},
        {"action_added", "", "", ""},
    };
    for (const auto& c : cases) {
        Event e;
        e.type = c.type;
        if (*c.kind) e.set("kind", c.kind);
        if (*c.automatic) e.set("auto", c.automatic);
        CAPTURE(c.type);
        CHECK(notify_event(e) == c.expect);
    }
}

TEST_CASE("settings: located errors, no secrets in the repository") {
    auto error_of = [](const std::string& text) -> std::string {
        Config cfg;
        try {
            apply_config_layer(cfg, load_yaml(text, "c.yaml"), "c.yaml");
            notify_settings(cfg, "c.yaml");
        } catch (const InvalidData& e) {
            return e.what();
        }
        return "";
    };
    CHECK(error_of("notify:\n  - {name: a, type: slack, url_env: A}\n") == "");
    CHECK(error_of("notify:\n  - {name: a, type: irc, url_env: A}\n").find("type must be one of") != std::string::npos);
    CHECK(error_of("notify:\n  - {name: a, type: slack, url: https://x}\n").find("secrets never go") !=
          std::string::npos);
    CHECK(error_of("notify:\n  - {name: a, type: slack, url_env: 'bad name'}\n").find("url_env must name") !=
          std::string::npos);
    CHECK(error_of("notify:\n  - {name: a, type: slack, url_env: A, events: [exploded]}\n").find("unknown event") !=
          std::string::npos);
    CHECK(error_of("notify_delivery: {attempts: 50}\n").find("attempts: expected 1 to 10") != std::string::npos);
}

TEST_CASE("payloads stay within limits and keep UTF-8 whole") {
    Incident inc;
    inc.id = "INC-1";
    inc.priority = "P1";
    for (int i = 0; i < 400; ++i) inc.title += "é😀<&>";
    Event e;
    e.type = "opened";
    NotifyTarget slack{"s", "slack", "S", "", {}, "", ""};
    Delivery d = build_delivery(slack, "opened", inc, e, "", "", Timestamp{});
    auto body = nlohmann::json::parse(d.body);
    std::string header = body["blocks"][0]["text"]["text"];
    CHECK(find_invalid_utf8(header) == std::string_view::npos);
    CHECK(body["text"].get<std::string>().find('<') == std::string::npos);
    NotifyTarget discord{"d", "discord", "D", "", {}, "", ""};
    body = nlohmann::json::parse(build_delivery(discord, "opened", inc, e, "", "", Timestamp{}).body);
    CHECK(find_invalid_utf8(body["embeds"][0]["title"].get<std::string>()) == std::string_view::npos);
}

TEST_CASE("outbox: put, list in order, replace, remove; unset URL is not sent") {
    TestContext t;
    Outbox box(t.dir / "outbox");
    Delivery a, b;
    a.id = "msg_a";
    a.created_at = "2026-11-22T01:00:00Z";
    a.body = "{}";
    b.id = "msg_b";
    b.created_at = "2026-11-22T00:00:00Z";
    box.put(a);
    box.put(b);
    auto all = box.list();
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == "msg_b");
    a.attempts = 3;
    box.put(a);
    CHECK(box.list().size() == 2);
    box.remove("msg_b");
    REQUIRE(box.list().size() == 1);
    CHECK(box.list()[0].attempts == 3);
    a.url_env = "NOT_SET_ANYWHERE";
    auto r = send_delivery(
        a, DeliverySettings{}, [](const std::string&) { return std::nullopt; }, Timestamp{},
        [](std::chrono::milliseconds) {});
    CHECK_FALSE(r.delivered);
    CHECK(r.error == "NOT_SET_ANYWHERE is not set");
}

TEST_SUITE_END();
