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
    NotifyReport r = notify_change(s, box, opened(), opening(), (t.dir / "templates").string(), env, Timestamp{}, false,
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

TEST_SUITE_END();
