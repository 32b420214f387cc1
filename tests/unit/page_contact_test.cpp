// How a page reaches a person: the paging settings (located errors, no
// secrets) and, per contact method, the delivery it makes.
#include <doctest/doctest.h>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "page/contact.hpp"

using namespace incident;

namespace {

std::string settings_error(const std::string& text) {
    Config cfg;
    try {
        apply_config_layer(cfg, load_yaml(text, "c.yaml"), "c.yaml");
        paging_settings(cfg, "c.yaml");
    } catch (const InvalidData& e) {
        return e.what();
    }
    return "";
}

PagingSettings settings_of(const std::string& text) {
    Config cfg;
    apply_config_layer(cfg, load_yaml(text, "c.yaml"), "c.yaml");
    return paging_settings(cfg, "c.yaml");
}

const char* kConfig = R"(smtp: {url: "smtp://127.0.0.1:2525", from: pager@example.com, starttls: true,
       user_env: SMTP_USER, password_env: SMTP_PASSWORD}
paging_providers:
  - {name: ntfy, type: push, url: "https://ntfy.example.com", token_env: NTFY_TOKEN}
  - name: twilio
    type: sms
    url_env: TWILIO_URL
    user_env: TWILIO_SID
    password_env: TWILIO_TOKEN
    form: {To: "{{{to}}}", From: "+15005550006", Body: "{{{message}}}"}
serve: {public_url: "https://incident.example.com/", link_ttl: 2h}
)";

struct Fixture {
    Incident inc;
    Person alice;
    Page page;
    PagingSettings paging = settings_of(kConfig);
    NotifySettings notify;
    Fixture() {
        inc.id = "INC-7";
        inc.uid = "u1";
        inc.title = "Checkout down";
        inc.priority = "P1";
        inc.service = "checkout";
        alice.key = "alice";
        alice.name = "Alice Example";
        page.id = "page_INC-7_1_alice";
        page.incident = &inc;
        page.person = &alice;
        page.link = "https://incident.example.com/v1/page/u1?who=alice&exp=100&sig=ab12";
        for (const char* type : {"slack", "teams", "mattermost", "discord", "googlechat"})
            notify.targets.push_back(NotifyTarget{std::string("chat-") + type, type, "CHAT_URL", "", {}, "", ""});
    }
    Delivery by(const ContactMethod& m) {
        std::string why;
        auto d = page_delivery(m, page, paging, notify, Timestamp{Seconds{1'800'000'000}}, why);
        INFO(why);
        REQUIRE(d);
        return *d;
    }
    std::string refused(const ContactMethod& m) {
        std::string why;
        auto d = page_delivery(m, page, paging, notify, Timestamp{Seconds{1'800'000'000}}, why);
        CHECK_FALSE(d);
        return why;
    }
};

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_SUITE_BEGIN("page::contact");

TEST_CASE("paging settings: read, located errors, no secrets in the repository") {
    PagingSettings s = settings_of(kConfig);
    REQUIRE(s.smtp);
    CHECK(s.smtp->starttls);
    CHECK(s.public_url == "https://incident.example.com");
    CHECK(s.link_key_env == "INCIDENT_LINK_KEY");
    CHECK(s.link_ttl == Seconds{7200});
    REQUIRE(s.provider("twilio", "sms"));
    CHECK(s.provider("twilio", "sms")->form.size() == 3);
    CHECK(s.provider("", "push")->name == "ntfy");
    CHECK(s.provider("", "voice") == nullptr);

    CHECK(settings_error("smtp: {url: 'smtp://h:25', from: a@b, password: hunter2}\n") ==
          "c.yaml:1:39: smtp.password: secrets never go in the repository; name an environment variable with "
          "password_env");
    CHECK(has(settings_error("paging_providers:\n  - {name: n, type: push, url: 'https://x', token: t}\n"),
              "c.yaml:2:45: paging_providers.0.token: secrets never go"));
    CHECK(has(settings_error("smtp: {url: 'http://h', from: a@b}\n"), "c.yaml:1:13: smtp.url: expected smtp://"));
    CHECK(has(settings_error("smtp: {url: 'smtp://h'}\n"), "smtp: needs from"));
    CHECK(has(settings_error("smtp: {url: 'smtp://h', from: a@b, colour: red}\n"), "unknown key 'colour'"));
    CHECK(has(settings_error("paging_providers:\n  - {name: t, type: sms, url: 'https://x'}\n"), "needs form"));
    CHECK(has(settings_error("paging_providers:\n  - {name: t, type: fax, url: 'https://x'}\n"), "type must be"));
    CHECK(has(settings_error("paging_providers:\n  - {name: t, type: sms, url: 'https://x', form: {B: '{{#x}}'}}\n"),
              "c.yaml:2:54: paging_providers.0.form.B"));
    CHECK(has(settings_error("serve: {link_ttl: soon}\n"), "serve.link_ttl: expected a duration"));
    CHECK(has(settings_error("serve: {link_key_env: 'not a name'}\n"), "expected the name of an environment"));
}

TEST_CASE("email: a complete RFC 5322 message, headers that no title can break") {
    Fixture f;
    f.inc.title = "Checkout down\r\nBcc: victim@example.org";
    Delivery d = f.by({"email", "alice@example.com", ""});
    CHECK(d.id == "page_INC-7_1_alice");
    CHECK(d.type == "email");
    CHECK(d.url == "smtp://127.0.0.1:2525");
    CHECK(d.mail_from == "pager@example.com");
    CHECK(d.mail_to == std::vector<std::string>{"alice@example.com"});
    CHECK(d.starttls);
    CHECK(d.user_env == "SMTP_USER");
    CHECK(d.password_env == "SMTP_PASSWORD");
    const std::string head = d.body.substr(0, d.body.find("\r\n\r\n") + 2);
    CHECK(head ==
          "From: pager@example.com\r\nTo: alice@example.com\r\n"
          "Subject: [P1] INC-7 page: Checkout down  Bcc: victim@example.org\r\n"
          "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\nMessage-ID: <page_INC-7_1_alice@example.com>\r\n"
          "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n"
          "Auto-Submitted: auto-generated\r\n");
    CHECK(has(d.body, "\r\nPriority: P1\r\nService: checkout\r\n"));
    CHECK(has(d.body, "Step 1 of the escalation policy pages Alice Example."));
    CHECK(has(d.body, "\r\n" + f.page.link + "\r\n"));  // the link on a line of its own
    CHECK(has(d.body, "\r\nOr from a shell: incident ack INC-7\r\n"));
    // Every line ends in CRLF: no bare LF anywhere.
    for (std::size_t i = 0; i < d.body.size(); ++i)
        if (d.body[i] == '\n') CHECK(d.body[i - 1] == '\r');
}

TEST_CASE("email: a UTF-8 subject as encoded words; no smtp or a bad address is refused") {
    Fixture f;
    f.inc.title = "Zahlung fällt aus";
    CHECK(has(f.by({"email", "a@example.com", ""}).body, "Subject: =?UTF-8?B?"));
    f.page.link.clear();
    CHECK_FALSE(has(f.by({"email", "a@example.com", ""}).body, "Acknowledge"));
    CHECK(f.refused({"email", "a@example.com>\r\nRCPT TO:<b@example.com", ""}).find("not an email address") !=
          std::string::npos);
    f.paging.smtp.reset();
    CHECK(f.refused({"email", "a@example.com", ""}) == "email needs smtp: in the config");
}

TEST_CASE("push: ntfy's headers, the topic in the URL, the token by name") {
    Fixture f;
    Delivery d = f.by({"push", "alice-pager", ""});
    CHECK(d.type == "push");
    CHECK(d.target == "ntfy");
    CHECK(d.url == "https://ntfy.example.com/alice-pager");
    CHECK(d.token_env == "NTFY_TOKEN");
    CHECK(d.content_type == "text/plain; charset=utf-8");
    CHECK(d.headers == std::vector<std::string>{"Title: [P1] INC-7 page: Checkout down", "Priority: urgent",
                                                "Tags: rotating_light", "Click: " + f.page.link,
                                                "Actions: view, Acknowledge, " + f.page.link + ", clear=true"});
    CHECK(has(d.body, "\n" + f.page.link + "\n"));
    CHECK(f.refused({"push", "../admin", ""}).find("not a topic name") != std::string::npos);
}

TEST_CASE("sms and voice: the provider's form, each field a template, form-encoded") {
    Fixture f;
    Delivery d = f.by({"sms", "+4915112345678", "twilio"});
    CHECK(d.type == "sms");
    CHECK(d.url_env == "TWILIO_URL");
    CHECK(d.user_env == "TWILIO_SID");
    CHECK(d.password_env == "TWILIO_TOKEN");
    CHECK(d.content_type == "application/x-www-form-urlencoded");
    CHECK(d.body ==
          "To=%2B4915112345678&From=%2B15005550006&Body=%5BP1%5D+INC-7+page%3A+Checkout+down+Acknowledge%3A+"
          "https%3A%2F%2Fincident.example.com%2Fv1%2Fpage%2Fu1%3Fwho%3Dalice%26exp%3D100%26sig%3Dab12");
    CHECK(f.refused({"voice", "+49151", "twilio"}).find("no paging provider called twilio") != std::string::npos);
    f.paging.providers.push_back(
        {"call", "voice", "https://v.example.com", "", "", "", "", {{"Twiml", "<Say>{{incident.title}}</Say>"}}, ""});
    f.inc.title = "A & B </Say>";
    CHECK(f.by({"voice", "+49151", "call"}).body == "Twiml=%3CSay%3EA+%26amp%3B+B+%26lt%3B%2FSay%26gt%3B%3C%2FSay%3E");
}

TEST_CASE("chat: the person mentioned as each tool documents, nothing else") {
    Fixture f;
    f.inc.title = "<!channel> down @here";
    auto body = [&](const ContactMethod& m) { return nlohmann::json::parse(f.by(m).body); };
    auto slack = body({"slack", "U024BE7LH", "chat-slack"});
    CHECK(slack["text"].get<std::string>().rfind("<@U024BE7LH> ", 0) == 0);
    CHECK_FALSE(has(slack["text"].get<std::string>(), "<!channel>"));  // escaped where Slack reads markup
    CHECK_FALSE(has(slack["blocks"][1].dump(), "<!channel>"));
    CHECK(has(slack["blocks"][1]["text"]["text"].get<std::string>(),
              "<https://incident.example.com/v1/page/"
              "u1?who=alice&amp;exp=100&amp;sig=ab12|"));
    auto discord = body({"discord", "80351110224678912", "chat-discord"});
    CHECK(discord["content"].get<std::string>().rfind("<@80351110224678912> ", 0) == 0);
    CHECK(discord["allowed_mentions"] == nlohmann::json::parse(R"({"parse": [], "users": ["80351110224678912"]})"));
    CHECK(body({"mattermost", "alice.example", "chat-mattermost"})["text"].get<std::string>().rfind("@alice.example ",
                                                                                                    0) == 0);
    CHECK(body({"google_chat", "123456789", "chat-googlechat"})["text"].get<std::string>().rfind("<users/123456789> ",
                                                                                                 0) == 0);
    auto teams = body({"teams", "alice@example.com", "chat-teams"})["attachments"][0]["content"];
    CHECK(teams["msteams"]["entities"][0] ==
          nlohmann::json::parse(R"({"type": "mention", "text": "<at>Alice Example</at>",
                                    "mentioned": {"id": "alice@example.com", "name": "Alice Example"}})"));
    CHECK(has(teams["body"][1]["text"].get<std::string>(), "<at>Alice Example</at>"));
    CHECK(f.refused({"slack", "<!channel>", "chat-slack"}).find("not a slack user id") != std::string::npos);
    CHECK(f.refused({"google_chat", "all", "chat-googlechat"}).find("not a google_chat user id") != std::string::npos);
    CHECK(f.refused({"slack", "U1", "chat-teams"}) == "slack: the target chat-teams is of type teams, not slack");
    CHECK(f.refused({"slack", "U1", "nowhere"}) == "slack: no notify target called nowhere");
}

TEST_SUITE_END();
