// Pages on the wire: send_delivery against a real SMTP server (Debian's
// python3-aiosmtpd, tests/cli/smtp_sink.py) and a local HTTP receiver
// (tests/cli/receiver.py), both on 127.0.0.1, started per test.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "page/contact.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

namespace {

const std::string kPython = "/usr/bin/python3";  // Debian's, with python3-aiosmtpd
const std::string kScripts = std::string(INCIDENT_SOURCE_DIR) + "/tests/cli/";

// A helper script as a child process, stopped (SIGTERM) when the test ends.
struct Child {
    pid_t pid = -1;
    int out = -1;
    explicit Child(std::vector<std::string> args) {
        int fds[2];
        REQUIRE(pipe(fds) == 0);
        pid = fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            dup2(fds[1], 1);
            close(fds[0]);
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            execv(argv[0], argv.data());
            _exit(127);
        }
        close(fds[1]);
        out = fds[0];
    }
    std::string first_line() const {
        std::string line;
        char c;
        while (read(out, &c, 1) == 1 && c != '\n') line += c;
        return line;
    }
    ~Child() {
        kill(pid, SIGTERM);
        waitpid(pid, nullptr, 0);
        close(out);
    }
};

struct SmtpSink {
    TestContext t;
    Child child;
    std::string port;
    explicit SmtpSink(const std::string& fail_code = "0", const std::string& fail_count = "0")
        : child({kPython, kScripts + "smtp_sink.py", (t.dir / "mail").string(), "0", fail_code, fail_count}),
          port(child.first_line()) {
        REQUIRE(all_digits(port));
    }
    std::string url() const { return "smtp://127.0.0.1:" + port; }
    std::string message(int n) const { return t.read("mail/" + std::to_string(n) + ".eml"); }
    std::string envelope(int n) const { return t.read("mail/" + std::to_string(n) + ".json"); }
};

// tests/cli/receiver.py: every request as one JSON line.
struct HttpReceiver {
    TestContext t;
    Child child;
    std::string port;
    HttpReceiver()
        : child({kPython, kScripts + "receiver.py", (t.dir / "port").string(), (t.dir / "log").string(),
                 (t.dir / "script").string()}) {
        for (int i = 0; i < 200 && port.empty(); ++i) {
            port = t.read("port");
            if (port.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(25));
        }
        REQUIRE(all_digits(port));
    }
    std::string url() const { return "http://127.0.0.1:" + port; }
    nlohmann::json request() const { return nlohmann::json::parse(first_line(t.read("log"))); }
};

Env env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional(it->second);
    };
}

DeliverySettings quick() {
    DeliverySettings s;
    s.attempts = 3;
    s.backoff = std::chrono::milliseconds(10);
    return s;
}

struct Paged {
    Incident inc;
    Person alice{"alice", "Alice Example", "alice@example.com", "", {}, ""};
    Page page;
    Paged() {
        inc.id = "INC-7";
        inc.title = "Checkout down";
        inc.priority = "P1";
        inc.service = "checkout";
        page = {"page_INC-7_1_alice", &inc, &alice, 1, 1, "http://127.0.0.1:9/v1/page/u1?who=alice&exp=1&sig=ab"};
    }
    Delivery by(const ContactMethod& m, const std::string& config, const NotifySettings& notify = {}) {
        Config cfg;
        apply_config_layer(cfg, load_yaml(config, "c.yaml"), "c.yaml");
        std::string why;
        auto d = page_delivery(m, page, paging_settings(cfg, "c.yaml"), notify, Timestamp{Seconds{1'800'000'000}}, why);
        INFO(why);
        REQUIRE(d);
        return *d;
    }
};

SendResult send(Delivery& d, const Env& env, DeliverySettings s = quick()) {
    return send_delivery(d, s, env, Timestamp{Seconds{1'800'000'000}}, [](std::chrono::milliseconds) {});
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE_BEGIN("page::send");

TEST_CASE("an email page reaches a real SMTP server: envelope, subject, body, link") {
    SmtpSink sink;
    Paged p;
    Delivery d = p.by({"email", "alice@example.com", ""}, "smtp: {url: '" + sink.url() + "', from: pager@example.com}");
    SendResult r = send(d, env_of({}));
    INFO(r.error);
    REQUIRE(r.delivered);
    CHECK(nlohmann::json::parse(sink.envelope(1)) ==
          nlohmann::json::parse(R"({"mail_from": "pager@example.com", "rcpt_tos": ["alice@example.com"]})"));
    const std::string mail = sink.message(1);
    CHECK(has(mail, "\r\nSubject: [P1] INC-7 page: Checkout down\r\n"));
    CHECK(has(mail, "INC-7 page: Checkout down\r\nPriority: P1\r\nService: checkout\r\n"));
    CHECK(has(mail, "\r\n" + p.page.link + "\r\n"));
}

TEST_CASE("a title with CR/LF cannot add a mail header or a recipient") {
    SmtpSink sink;
    Paged p;
    p.inc.title = "Down\r\nBcc: victim@example.org\r\n\r\nforged body";
    Delivery d = p.by({"email", "alice@example.com", ""}, "smtp: {url: '" + sink.url() + "', from: pager@example.com}");
    REQUIRE(send(d, env_of({})).delivered);
    const std::string mail = sink.message(1);
    const std::string head = mail.substr(0, mail.find("\r\n\r\n"));
    CHECK_FALSE(has(head, "\r\nBcc:"));
    CHECK(has(head, "Subject: [P1] INC-7 page: Down  Bcc: victim@example.org    forged body"));
    CHECK(nlohmann::json::parse(sink.envelope(1))["rcpt_tos"] == nlohmann::json::array({"alice@example.com"}));
}

TEST_CASE("SMTP 451 is retried and then delivered; 550 is not retried") {
    Paged p;
    {
        SmtpSink sink("451", "1");
        Delivery d = p.by({"email", "alice@example.com", ""}, "smtp: {url: '" + sink.url() + "', from: p@example.com}");
        SendResult r = send(d, env_of({}));
        CHECK(r.delivered);
        CHECK(d.attempts == 2);
        CHECK(has(sink.message(1), "Subject: [P1] INC-7 page"));
    }
    {
        SmtpSink sink("550", "5");
        Delivery d = p.by({"email", "alice@example.com", ""}, "smtp: {url: '" + sink.url() + "', from: p@example.com}");
        SendResult r = send(d, env_of({}));
        CHECK_FALSE(r.delivered);
        CHECK_FALSE(r.retryable);
        CHECK(d.attempts == 1);
        CHECK(r.error.rfind("SMTP 550: ", 0) == 0);
    }
}

TEST_CASE("with starttls, a server that offers no STARTTLS gets nothing") {
    SmtpSink sink;
    Paged p;
    Delivery d = p.by({"email", "alice@example.com", ""},
                      "smtp: {url: '" + sink.url() + "', from: p@example.com, starttls: true}");
    DeliverySettings once = quick();
    once.attempts = 1;
    SendResult r = send(d, env_of({}), once);
    CHECK_FALSE(r.delivered);
    CHECK_FALSE(r.error.empty());
    CHECK_FALSE(std::filesystem::exists(sink.t.dir / "mail" / "1.eml"));
}

TEST_CASE("an SMTP login comes from the environment, and an unset one is named, never sent") {
    Paged p;
    Delivery d = p.by({"email", "alice@example.com", ""},
                      "smtp: {url: 'smtp://127.0.0.1:9', from: p@example.com, user_env: SU, password_env: SP}");
    SendResult r = send(d, env_of({{"SU", "user"}}));
    CHECK(r.error == "SP is not set");
    CHECK(d.attempts == 0);
}

TEST_CASE("a push page: ntfy's headers exactly, the token as a bearer") {
    HttpReceiver rx;
    Paged p;
    Delivery d = p.by({"push", "alice-pager", ""},
                      "paging_providers:\n  - {name: ntfy, type: push, url: '" + rx.url() + "', token_env: NT}\n");
    REQUIRE(send(d, env_of({{"NT", "tk_123"}})).delivered);
    auto req = rx.request();
    CHECK(req["path"] == "/alice-pager");
    auto h = req["headers"];
    CHECK(h["title"] == "[P1] INC-7 page: Checkout down");
    CHECK(h["priority"] == "urgent");
    CHECK(h["tags"] == "rotating_light");
    CHECK(h["click"] == p.page.link);
    CHECK(h["actions"] == "view, Acknowledge, " + p.page.link + ", clear=true");
    CHECK(h["authorization"] == "Bearer tk_123");
    CHECK(h["content-type"] == "text/plain; charset=utf-8");
    CHECK(has(req["body"], "\n" + p.page.link + "\n"));
}

TEST_CASE("an SMS page: a Twilio-shaped form, basic auth from the environment") {
    HttpReceiver rx;
    Paged p;
    Delivery d = p.by({"sms", "+4915112345678", "twilio"}, R"(paging_providers:
  - name: twilio
    type: sms
    url_env: TWILIO_URL
    user_env: TWILIO_SID
    password_env: TWILIO_TOKEN
    form: {To: "{{{to}}}", From: "+15005550006", Body: "{{{incident.id}}} {{{incident.priority}}}: {{{incident.title}}} {{{link}}}"}
)");
    REQUIRE(send(d, env_of({{"TWILIO_URL", rx.url() + "/2010-04-01/Accounts/AC1/Messages.json"},
                            {"TWILIO_SID", "AC1"},
                            {"TWILIO_TOKEN", "secret"}}))
                .delivered);
    auto req = rx.request();
    CHECK(req["path"] == "/2010-04-01/Accounts/AC1/Messages.json");
    CHECK(req["headers"]["content-type"] == "application/x-www-form-urlencoded");
    CHECK(req["headers"]["authorization"] == "Basic QUMxOnNlY3JldA==");  // AC1:secret
    CHECK(req["body"] ==
          "To=%2B4915112345678&From=%2B15005550006&Body=INC-7+P1%3A+Checkout+down+http%3A%2F%2F127.0.0.1%3A9%2Fv1%"
          "2Fpage%2Fu1%3Fwho%3Dalice%26exp%3D1%26sig%3Dab");
}

TEST_CASE("a Slack page mentions the person in the message that is posted") {
    HttpReceiver rx;
    Paged p;
    NotifySettings notify;
    notify.targets.push_back(NotifyTarget{"ops-slack", "slack", "SLACK_URL", "", {}, "", ""});
    Delivery d = p.by({"slack", "U024BE7LH", "ops-slack"}, "{}", notify);
    REQUIRE(send(d, env_of({{"SLACK_URL", rx.url() + "/hook"}})).delivered);
    auto body = nlohmann::json::parse(rx.request()["body"].get<std::string>());
    CHECK(body["text"] == "<@U024BE7LH> INC-7 Paged: Checkout down");
    CHECK(body["blocks"][1]["text"]["text"] ==
          "<@U024BE7LH> Step 1 of the escalation policy pages you about INC-7 (P1, checkout): Checkout down\n"
          "<http://127.0.0.1:9/v1/page/u1?who=alice&amp;exp=1&amp;sig=ab|Acknowledge or resolve>");
}

TEST_SUITE_END();
