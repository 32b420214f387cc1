#include "notify/notify.hpp"

#include <doctest/doctest.h>

#include <regex>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "notify/markup.hpp"
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

namespace {

using json = nlohmann::json;

// The payload for a target of `type` about an incident whose title, service
// and event text are all `hostile`.
json payload(const std::string& type, const std::string& hostile) {
    Incident inc;
    inc.id = "INC-1";
    inc.priority = "P1";
    inc.title = hostile;
    inc.service = hostile;
    Event e;
    e.type = "opened";
    e.by = "alice";
    e.text = hostile;
    NotifyTarget t{"t", type, "U", "", {}, "", ""};
    return json::parse(build_delivery(t, "opened", inc, e, "", "", Timestamp{}).body);
}

struct Field {
    std::string where;
    std::string text;
    std::size_t limit;
};

// Every text field a target's tool interprets, with the tool's limit.
std::vector<Field> text_fields(const std::string& type, const json& b) {
    std::vector<Field> out;
    auto add = [&](const std::string& where, const json& v, std::size_t limit) {
        out.push_back({type + " " + where, v.get<std::string>(), limit});
    };
    if (type == "slack") {
        add("text", b["text"], 3000);
        add("section", b["blocks"][1]["text"]["text"], 3000);
        for (const auto& f : b["blocks"][1]["fields"]) add("field", f["text"], 2000);
    } else if (type == "teams") {
        const json& body = b["attachments"][0]["content"]["body"];
        add("title", body[0]["text"], 500);
        add("text", body[1]["text"], 4000);
        for (const auto& f : body[2]["facts"]) add("fact", f["value"], 500);
    } else if (type == "discord") {
        add("content", b["content"], 2000);
        add("embed title", b["embeds"][0]["title"], 256);
        add("description", b["embeds"][0]["description"], 3000);
        for (const auto& f : b["embeds"][0]["fields"]) add("field", f["value"], 1024);
    } else if (type == "mattermost") {
        add("text", b["text"], 4000);
        const json& a = b["attachments"][0];
        add("fallback", a["fallback"], 500);
        add("attachment title", a["title"], 500);
        add("attachment text", a["text"], 4000);
        for (const auto& f : a["fields"]) add("field", f["value"], 1000);
    } else if (type == "googlechat") {
        add("text", b["text"], 4000);
        const json& card = b["cardsV2"][0]["card"];
        add("header", card["header"]["title"], 200);
        for (const auto& w : card["sections"][0]["widgets"]) {
            if (w.contains("decoratedText")) add("decoratedText", w["decoratedText"]["text"], 500);
            if (w.contains("textParagraph")) add("textParagraph", w["textParagraph"]["text"], 3000);
        }
    }
    return out;
}

bool entity_target(const std::string& type) { return type == "slack" || type == "mattermost" || type == "googlechat"; }

// Nothing in `s` the tool would read as markup, and no escape cut in two.
void check_inert(const std::string& type, const Field& f) {
    CAPTURE(f.where);
    CAPTURE(f.text);
    CHECK(code_points(f.text) <= f.limit);
    CHECK(find_invalid_utf8(f.text) == std::string_view::npos);
    if (entity_target(type)) {
        CHECK(f.text.find_first_of("<>") == std::string::npos);  // no <!channel>, <users/all>, <a href>
        // every '&' opens a whole entity
        CHECK(std::regex_replace(f.text, std::regex("&(amp|lt|gt);"), "").find('&') == std::string::npos);
    } else {
        // every '<', '>', '[', '*' and '_' follows an escaping backslash, and no backslash is left dangling
        std::size_t run = 0;
        for (char c : f.text) {
            if (std::string_view("<>[]*_`|").find(c) != std::string_view::npos) CHECK(run % 2 == 1);
            run = c == '\\' ? run + 1 : 0;
        }
        // a lone backslash before a cut would escape the ellipsis
        auto cut = f.text.rfind("…");
        if (cut != std::string::npos) {
            std::size_t before = 0;
            while (before < cut && f.text[cut - 1 - before] == '\\') ++before;
            CHECK(before % 2 == 0);
        }
    }
    if (type != "slack" && type != "googlechat")
        for (const char* m : {"@here", "@channel", "@all", "@everyone"}) CHECK(f.text.find(m) == std::string::npos);
}

const char* kChatTargets[] = {"slack", "teams", "discord", "mattermost", "googlechat"};

}  // namespace

TEST_CASE("hostile titles reach no chat tool as markup or mentions") {
    for (const char* hostile : {"<users/all> deploy", "see <a href=\"https://evil.example\">this</a>",
                                "<!channel> <!here> <!all>", "@here @channel @all @everyone", "R&D <@U123> *bold*",
                                "[click](https://evil.example) _x_ `y` ~z~ |w|", "- item\n1. item\n# heading"})
        for (const char* type : kChatTargets) {
            CAPTURE(hostile);
            auto fields = text_fields(type, payload(type, hostile));
            REQUIRE(fields.size() >= 4);
            for (const auto& f : fields) check_inert(type, f);
        }
}

TEST_CASE("hostile text is cut before it is escaped, at every limit") {
    for (const std::string& unit : {std::string("<"), std::string("&"), std::string("a<"), std::string("é@\\")}) {
        std::string hostile;
        while (hostile.size() < 6000) hostile += unit;
        for (const char* type : kChatTargets) {
            CAPTURE(unit);
            auto fields = text_fields(type, payload(type, hostile));
            for (const auto& f : fields) check_inert(type, f);
            // the title, the first field, is long enough to be cut everywhere
            CHECK(code_points(fields[0].text) + 6 > fields[0].limit);  // cut no shorter than it must be
            CHECK(fields[0].text.substr(fields[0].text.size() - 3) == "…");
        }
    }
}

TEST_CASE("the generic webhook carries values as data") {
    auto b = payload("webhook", "<users/all> & <!channel>");
    CHECK(b["data"]["incident"]["title"] == "<users/all> & <!channel>");
}

TEST_CASE("escapes per tool") {
    CHECK(chat_text_escape("<!here> & <@U1>") == "&lt;!here&gt; &amp; &lt;@\u200bU1&gt;");
    CHECK(chat_html_escape("<users/all> <a href=\"x\">&") == "&lt;users/all&gt; &lt;a href=\"x\"&gt;&amp;");
    CHECK(markdown_escape("*a* _b_ [c](d) <e> @here") == "\\*a\\* \\_b\\_ \\[c\\](d) \\<e\\> @\u200bhere");
    CHECK(markdown_escape("- a\n  1. b\n# c\nx-y 2. z") == "\\- a\n  1\\. b\n\\# c\nx-y 2. z");
    CHECK(mattermost_escape("<!channel> & @all *x*") == "&lt;!channel&gt; &amp; @\u200ball \\*x\\*");
}

TEST_CASE("fit cuts the raw text; clip_markup cuts between escapes") {
    struct Case {
        std::string in;
        std::size_t max;
        std::string fitted, clipped;
    } cases[] = {
        {"<<<<", 10, "&lt;&lt;…", "<<<<"}, {"ab", 2, "ab", "ab"},          {"abc", 2, "a…", "a…"},
        {"a &lt;b", 5, "a …", "a …"},      {"ab\\*cd", 4, "ab\\…", "ab…"}, {"a\\\\bc", 4, "a\\\\…", "a\\\\…"},
        {"é&é&é&", 4, "é…", "é&é…"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.in);
        CHECK(fit(c.in, c.max, chat_text_escape) == c.fitted);
        CHECK(clip_markup(c.in, c.max) == c.clipped);
    }
    CHECK(fit("**", 3, markdown_escape) == "\\*…");
    CHECK(fit("x", 0, markdown_escape) == "");
    CHECK(code_points("é😀a") == 3);
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
