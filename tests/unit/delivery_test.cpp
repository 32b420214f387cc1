// Delivery that never blocks a command and never loses a message: the
// outbox is written first and each entry is claimed while it is sent; all
// targets are sent to at once within one budget (a server that accepts and
// never answers, on 127.0.0.1, holds nobody longer than the budget).
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "notify/notify.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

namespace {

// A socket on 127.0.0.1 that listens and never accepts: connections
// complete in the kernel, requests get no answer.
struct SilentServer {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port = 0;
    SilentServer() {
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        REQUIRE(bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
        REQUIRE(listen(fd, 16) == 0);
        socklen_t n = sizeof a;
        getsockname(fd, reinterpret_cast<sockaddr*>(&a), &n);
        port = ntohs(a.sin_port);
    }
    ~SilentServer() { close(fd); }
};

Incident opened() {
    Incident inc;
    inc.id = "INC-1";
    inc.title = "Checkout down";
    inc.priority = "P1";
    return inc;
}

Event opening() {
    Event e;
    e.type = "opened";
    e.by = "alice";
    return e;
}

}  // namespace

TEST_SUITE_BEGIN("delivery");

TEST_CASE("an outbox entry is claimed by one deliverer at a time") {
    TestContext t;
    Outbox box(t.dir / "outbox");
    Delivery d;
    d.id = "msg_a";
    box.put(d);
    {
        OutboxClaim first = box.claim("msg_a");
        CHECK(first);
        CHECK_FALSE(box.claim("msg_a"));  // a flush passes it by
        box.put(d);                       // rewritten after a failed try: a new file, free again
        CHECK(box.claim("msg_a"));
    }
    OutboxClaim again = box.claim("msg_a");
    CHECK(again);
    CHECK_FALSE(box.claim("msg_missing"));
}

TEST_CASE("targets that never answer hold the change no longer than the budget, and their messages stay queued") {
    TestContext t;
    SilentServer silent;
    NotifySettings s;
    s.targets = {NotifyTarget{"a", "slack", "URL_A", "", {}, "", ""},
                 NotifyTarget{"b", "webhook", "URL_B", "", {}, "", ""},
                 NotifyTarget{"c", "slack", "URL_UNSET", "", {}, "", ""}};
    s.delivery.timeout = Seconds{30};
    s.delivery.connect_timeout = Seconds{30};
    s.delivery.budget = std::chrono::milliseconds{800};
    const std::string url = "http://127.0.0.1:" + std::to_string(silent.port) + "/hook";
    Env env = [&](const std::string& name) -> std::optional<std::string> {
        if (name == "URL_A" || name == "URL_B") return url;
        return std::nullopt;
    };
    Outbox box(t.dir / "outbox");
    auto start = std::chrono::steady_clock::now();
    NotifyReport r = notify_change(s, box, opened(), opening(), repository_at(t.dir), env, Timestamp{}, false,
                                   [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    auto took = std::chrono::steady_clock::now() - start;
    CHECK(took < std::chrono::milliseconds{2500});  // both targets at once, within one budget (not 2 x 30 s)
    CHECK(r.sent.empty());
    REQUIRE(r.queued.size() == 3);
    CHECK(r.queued[0].find("URL_UNSET is not set; kept in the outbox") != std::string::npos);
    CHECK(r.queued[1].find("budget") != std::string::npos);
    auto queued = box.list();
    CHECK(queued.size() == 3);                            // the unset variable queues too: nothing is dropped
    for (const auto& d : queued) CHECK(box.claim(d.id));  // released: a flush may take them
}

TEST_CASE("a deadline already past sends nothing") {
    Delivery d;
    d.url_env = "U";
    DeliverySettings s;
    auto r = send_delivery(
        d, s, [](const std::string&) { return std::string("http://127.0.0.1:9/"); }, Timestamp{},
        [](std::chrono::milliseconds) {}, std::chrono::steady_clock::now() - std::chrono::seconds(1));
    CHECK_FALSE(r.delivered);
    CHECK(d.attempts == 0);
    CHECK(r.error.find("budget") != std::string::npos);
}

TEST_CASE("a flush keeps to its budget and passes by what is not due") {
    TestContext t;
    SilentServer silent;
    const std::string url = "http://127.0.0.1:" + std::to_string(silent.port) + "/hook";
    Env env = [&](const std::string& name) -> std::optional<std::string> {
        if (name == "URL") return url;
        return std::nullopt;  // "UNSET": contacting it would fail with "UNSET is not set"
    };
    Outbox box(t.dir / "outbox");
    auto entry = [&](const char* id, const char* url_env, const char* not_before) {
        Delivery d;
        d.id = id;
        d.target = url_env;
        d.url_env = url_env;
        d.created_at = std::string("2026-11-22T00:00:0") + id[4] + "Z";
        d.not_before = not_before;
        box.put(d);
    };
    const Timestamp now = *parse_rfc3339("2026-11-22T12:00:00Z");
    entry("msg_1", "UNSET", "2026-11-22T13:00:00Z");  // not due for an hour
    entry("msg_2", "URL", "2026-11-22T11:00:00Z");    // due: hangs until the budget runs out
    entry("msg_3", "URL", "");
    entry("msg_4", "URL", "");
    DeliverySettings s;
    s.timeout = Seconds{30};
    s.connect_timeout = Seconds{30};
    auto start = std::chrono::steady_clock::now();
    FlushReport r = flush_outbox(box, s, std::chrono::milliseconds{800}, "", env, now,
                                 [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds{2500});  // not 3 x 30 s
    REQUIRE(r.entries.size() == 4);
    using O = FlushEntry::Outcome;
    CHECK(r.entries[0].outcome == O::not_due);
    CHECK(r.entries[0].error == "not due until 2026-11-22T13:00:00Z");
    CHECK(r.entries[1].outcome == O::failed);
    CHECK(r.entries[1].error.find("notify flush --budget") != std::string::npos);
    CHECK(r.entries[2].outcome == O::out_of_budget);
    CHECK(r.entries[3].outcome == O::out_of_budget);
    CHECK(r.delivered() == 0);
    CHECK(box.list().size() == 4);  // all still queued
}

TEST_SUITE_END();
