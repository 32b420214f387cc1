// What each chat tool is sent, exactly: text from an incident escaped for the
// tool (no mention, no formatting, no forged link; an e-mail address whole),
// messages that say what happened, and a test message that names no incident.
#include <doctest/doctest.h>

#include "notify/notify.hpp"

using namespace incident;
using json = nlohmann::json;

namespace {

// The payload for a target of `type` about an incident whose title and
// service are `hostile`, for a timeline event of `type` with `text`.
json payload(const std::string& type, const std::string& hostile, const std::string& event_type = "opened",
             const std::string& text = "") {
    Incident inc;
    inc.id = "INC-1";
    inc.priority = "P1";
    inc.title = hostile;
    inc.service = hostile;
    Event e;
    e.type = event_type;
    e.by = "alice";
    e.text = text;
    NotifyTarget t{"t", type, "U", "", {}, "", ""};
    return json::parse(build_delivery(t, notify_event(e), inc, e, "", "", Timestamp{}).body);
}

struct Escaped {
    std::string hostile;
    std::string chat_text;   // Slack mrkdwn, Google Chat message text
    std::string markdown;    // Teams, Discord
    std::string mattermost;  // Markdown with entities
    std::string card;        // Google Chat card HTML
};

const Escaped kHostile[] = {
    {"@here", "@\u200bhere", "@\u200bhere", "@\u200bhere", "@here"},
    {"<!channel>", "&lt;!channel&gt;", "\\<!channel\\>", "&lt;!channel&gt;", "&lt;!channel&gt;"},
    {"**bold**", "\u2217\u2217bold\u2217\u2217", "\\*\\*bold\\*\\*", "\\*\\*bold\\*\\*", "**bold**"},
    {"_it_ ~st~ `code`", "\u02cdit\u02cd \u223cst\u223c \u02cbcode\u02cb", "\\_it\\_ \\~st\\~ \\`code\\`",
     "\\_it\\_ \\~st\\~ \\`code\\`", "_it_ ~st~ `code`"},
    {"[x](http://evil)", "[x]\uff08http://evil)", "\\[x\\](http://evil)", "\\[x\\](http://evil)", "[x](http://evil)"},
    {"<http://evil|click>", "&lt;http://evil|click&gt;", "\\<http://evil\\|click\\>", "&lt;http://evil\\|click&gt;",
     "&lt;http://evil|click&gt;"},
    {"tester@example.com snake_case", "tester@example.com snake_case", "tester@example.com snake\\_case",
     "tester@example.com snake\\_case", "tester@example.com snake_case"},
};

const std::string kTitle = "INC-1 Opened: ";

}  // namespace

TEST_SUITE_BEGIN("notify::text");

TEST_CASE("slack: verbatim mrkdwn, entities, look-alikes for formatting, mentions broken") {
    for (const auto& h : kHostile) {
        CAPTURE(h.hostile);
        json b = payload("slack", h.hostile);
        CHECK(b["text"] == kTitle + h.chat_text);
        CHECK(b["blocks"][0]["text"]["text"] == kTitle + h.hostile);  // plain_text header: shown as it is
        const json& section = b["blocks"][1];
        CHECK(section["text"]["text"] == "Opened by alice");
        CHECK(section["text"]["verbatim"] == true);
        CHECK(section["fields"][2]["text"] == "*Service*\n" + h.chat_text);
        for (const auto& f : section["fields"]) CHECK(f["verbatim"] == true);
    }
}

TEST_CASE("google chat: message text as Slack's, card text as HTML") {
    for (const auto& h : kHostile) {
        CAPTURE(h.hostile);
        json b = payload("googlechat", h.hostile);
        CHECK(b["text"] == kTitle + h.chat_text);
        const json& card = b["cardsV2"][0]["card"];
        CHECK(card["header"]["title"] == kTitle + h.card);
        CHECK(card["sections"][0]["widgets"][2]["decoratedText"]["text"] == h.card);
    }
}

TEST_CASE("teams and discord: Markdown escaped with backslashes") {
    for (const auto& h : kHostile) {
        CAPTURE(h.hostile);
        json t = payload("teams", h.hostile);
        const json& body = t["attachments"][0]["content"]["body"];
        CHECK(body[0]["text"] == kTitle + h.markdown);
        CHECK(body[2]["facts"][2]["value"] == h.markdown);
        json d = payload("discord", h.hostile);
        CHECK(d["content"] == kTitle + h.markdown);
        CHECK(d["embeds"][0]["title"] == kTitle + h.markdown);
        CHECK(d["embeds"][0]["fields"][2]["value"] == h.markdown);
    }
}

TEST_CASE("mattermost: Markdown with entities") {
    for (const auto& h : kHostile) {
        CAPTURE(h.hostile);
        json b = payload("mattermost", h.hostile);
        CHECK(b["text"] == kTitle + h.mattermost);
        CHECK(b["attachments"][0]["title"] == kTitle + h.mattermost);
        CHECK(b["attachments"][0]["fields"][2]["value"] == h.mattermost);
    }
}

TEST_CASE("event text in the message line is escaped the same way") {
    json b = payload("slack", "t", "update", "@channel **now** mail ops@example.com");
    CHECK(b["blocks"][1]["text"]["text"] ==
          "Update by alice: @\u200bchannel \u2217\u2217now\u2217\u2217 mail ops@example.com");
}

TEST_CASE("messages say what happened, with the note only when there is one") {
    struct Case {
        const char* type;
        const char* text;
        const char* title;
        const char* line;
    } cases[] = {
        {"acknowledged", "", "INC-1 Acknowledged: Checkout down", "Acknowledged by alice"},
        {"acknowledged", "on it", "INC-1 Acknowledged: Checkout down", "Acknowledged by alice: on it"},
        {"closed", "", "INC-1 Closed: Checkout down", "Closed by alice"},
        {"closed", "confirmed fixed", "INC-1 Closed: Checkout down", "Closed by alice: confirmed fixed"},
        {"reopened", "", "INC-1 Reopened: Checkout down", "Reopened by alice"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.type);
        CAPTURE(c.text);
        json b = payload("slack", "Checkout down", c.type, c.text);
        CHECK(b["text"] == c.title);
        CHECK(b["blocks"][1]["text"]["text"] == c.line);
    }
}

TEST_CASE("a test message says it is a test and names no incident") {
    for (const char* type : {"slack", "teams", "discord", "mattermost", "googlechat", "webhook"}) {
        CAPTURE(type);
        NotifyTarget t{"chat", type, "U", "", {}, "", ""};
        Delivery d = build_test_delivery(t, "alice", Timestamp{});
        CHECK(d.event == "test");
        CHECK(d.incident.empty());
        CHECK(d.body.find("INC-") == std::string::npos);
        CHECK(d.body.find("opened\"") == std::string::npos);
        json b = json::parse(d.body);
        if (std::string(type) == "webhook") {
            CHECK(b["type"] == "incident.test");
            CHECK(b["data"]["by"] == "alice");
        } else {
            CHECK(d.body.find("Test message from incident") != std::string::npos);
        }
    }
}

TEST_SUITE_END();
