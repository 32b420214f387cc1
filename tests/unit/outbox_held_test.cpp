// Pages in the outbox: their fields kept across a put and a list, and a
// held entry (queued before the change that records it is saved) passed by
// until it is released.
#include <doctest/doctest.h>

#include "notify/notify.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("notify::outbox");

TEST_CASE("a page's fields survive the outbox; a chat entry has none of them") {
    TestContext t;
    Outbox box(t.dir / "outbox");
    Delivery d;
    d.id = "page_1";
    d.type = "email";
    d.url = "smtp://127.0.0.1:25";
    d.user_env = "U";
    d.password_env = "P";
    d.token_env = "T";
    d.content_type = "text/plain";
    d.headers = {"Title: x", "Priority: urgent"};
    d.mail_from = "a@example.com";
    d.mail_to = {"b@example.com", "c@example.com"};
    d.starttls = true;
    d.held_for = "INC-7 paged";
    box.put(d);
    auto all = box.list();
    REQUIRE(all.size() == 1);
    const Delivery& back = all[0];
    CHECK(back.url == d.url);
    CHECK(back.user_env == "U");
    CHECK(back.password_env == "P");
    CHECK(back.token_env == "T");
    CHECK(back.content_type == "text/plain");
    CHECK(back.headers == d.headers);
    CHECK(back.mail_from == d.mail_from);
    CHECK(back.mail_to == d.mail_to);
    CHECK(back.starttls);
    CHECK(back.held_for == "INC-7 paged");

    Delivery chat;
    chat.id = "msg_1";
    const auto j = delivery_json(chat);
    for (const char* key : {"url", "headers", "mail_to", "starttls", "held_for"}) CHECK_FALSE(j.contains(key));
}

TEST_CASE("a held entry is not sent by a flush until it is released") {
    TestContext t;
    Outbox box(t.dir / "outbox");
    Delivery d;
    d.id = "page_2";
    d.target = "smtp";
    d.url_env = "NEVER_SET";
    d.held_for = "INC-7 paged";
    box.put(d);
    auto none = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
    auto flush = [&] {
        return flush_outbox(box, DeliverySettings{}, std::chrono::milliseconds(1000), "", none, Timestamp{},
                            [](std::chrono::milliseconds) {});
    };
    FlushReport held = flush();
    REQUIRE(held.entries.size() == 1);
    CHECK(held.entries[0].outcome == FlushEntry::Outcome::not_due);
    CHECK(held.entries[0].error == "held: the change that records it is not saved yet (INC-7 paged)");
    CHECK(box.list()[0].attempts == 0);

    box.release("page_2");
    CHECK(box.list()[0].held_for.empty());
    FlushReport tried = flush();
    REQUIRE(tried.entries.size() == 1);
    CHECK(tried.entries[0].outcome == FlushEntry::Outcome::failed);
    CHECK(tried.entries[0].error == "NEVER_SET is not set");

    box.remove("page_2");
    box.release("page_2");  // gone: nothing happens, nothing is made
    CHECK(box.list().empty());
}

TEST_SUITE_END();
