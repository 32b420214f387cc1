// People (.incident/people.yaml): found by key or email, and every problem
// of the file reported with its place.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <string>

#include "located_findings.hpp"
#include "model/yaml_doc.hpp"
#include "oncall/people.hpp"

using namespace incident;

TEST_SUITE_BEGIN("oncall");

using testing::describe;

TEST_CASE("people: found by key, and by email whatever its case") {
    const std::string yaml =
        "people:\n"
        "  alice:\n"
        "    name: Alice Example\n"
        "    email: Alice@Example.com\n"
        "    time_zone: Europe/Berlin\n"
        "    contact:\n"
        "      - email: alice@example.com\n"
        "      - slack: \"@alice\"\n"
        "        target: team-slack\n"
        "      - push: alice-phone\n"
        "  bob: {name: Bob, email: bob@example.com}\n"
        "  carol: {name: Carol}\n";
    Problems problems;
    const People people = parse_people(load_yaml(yaml, "people.yaml"), "people.yaml", problems);
    INFO(describe(problems.findings()));
    REQUIRE(problems.empty());
    REQUIRE(people.list.size() == 3);
    CHECK(people.list[0].key == "alice");  // file order
    CHECK(people.list[2].key == "carol");

    struct Case {
        const char* who;
        const char* key;  // nullptr: nobody
    } cases[] = {
        {"alice", "alice"},
        {"bob", "bob"},
        {"Alice@Example.com", "alice"},  // as written
        {"alice@example.com", "alice"},  // another case
        {"ALICE@EXAMPLE.COM", "alice"},
        {"BOB@example.COM", "bob"},
        {"carol", "carol"},            // no email
        {"zed", nullptr},              // unknown key
        {"zed@example.com", nullptr},  // unknown email
        {"Alice Example", nullptr},    // a name is neither
        {"", nullptr},
    };
    for (const auto& c : cases) {
        const std::string who = c.who;
        INFO(who);
        const Person* p = people.find(c.who);
        if (!c.key) {
            CHECK(p == nullptr);
            continue;
        }
        REQUIRE(p != nullptr);
        CHECK(p->key == c.key);
    }

    const Person& alice = people.list[0];
    CHECK(alice.name == "Alice Example");
    CHECK(alice.time_zone == "Europe/Berlin");
    REQUIRE(alice.contact.size() == 3);
    CHECK(alice.contact[0].kind == "email");
    CHECK(alice.contact[0].address == "alice@example.com");
    CHECK(alice.contact[1].kind == "slack");
    CHECK(alice.contact[1].address == "@alice");
    CHECK(alice.contact[1].target == "team-slack");
    CHECK(alice.contact[2].kind == "push");  // push needs no target
    CHECK(person_email_or(people, "alice") == "Alice@Example.com");
    CHECK(person_email_or(people, "carol") == "carol");  // no email: as given
    CHECK(person_email_or(people, "someone@else.org") == "someone@else.org");
}

TEST_CASE("people: every problem of the file, each located") {
    const std::string yaml =
        "people:\n"                       // 1
        "  alice:\n"                      // 2
        "    email: alice@example.com\n"  // 3
        "  bob:\n"                        // 4
        "    email: ALICE@example.com\n"  // 5
        "    phone: \"555\"\n"            // 6
        "    contact:\n"                  // 7
        "      - pager: \"555\"\n"        // 8
        "      - slack: \"@bob\"\n"       // 9
        "      - {sms: \"+15550100\"}\n"  // 10
        "  carol:\n"                      // 11
        "    time_zone: Mars/Olympus\n"   // 12
        "    email: carol\n";             // 13
    Problems problems;
    const People people = parse_people(load_yaml(yaml, "people.yaml"), "people.yaml", problems);
    const std::vector<testing::Located> expected = {
        {5, 12, "people.bob.email: also the email of alice"},  // a duplicate email, whatever its case
        {6, 5, "people.bob: unknown key 'phone'"},
        {8, 9, "people.bob.contact.0: unknown contact method 'pager'"},
        {8, 9, "people.bob.contact.0: no contact method"},
        {9, 9, "people.bob.contact.1: slack needs a target"},
        {10, 9, "people.bob.contact.2: sms needs a target"},
        {12, 16, "people.carol.time_zone: 'Mars/Olympus' is not an IANA time zone"},
        {13, 12, "people.carol.email: not an email address"},
    };
    testing::check_located(problems.findings(), "people.yaml", expected);
    CHECK_THROWS_AS(problems.throw_if_any(), InvalidData);
    // What could be read is returned: the first of a duplicated email keeps it.
    REQUIRE(people.list.size() == 3);
    CHECK(people.find("alice@example.com")->key == "alice");
}

TEST_CASE("people: the shape of the file") {
    struct Case {
        const char* yaml;
        int line, column;
        const char* says;
    } cases[] = {
        {"- alice\n", 1, 1, "expected a mapping with the key people"},
        {"people: {}\nteams: {}\n", 2, 1, "unknown key 'teams' (known: people)"},
        {"people: [alice]\n", 1, 9, "people: expected a mapping of person keys"},
        {"people:\n  alice: Alice\n", 2, 10, "people.alice: expected a mapping"},
        {"people:\n  9lives: {name: Cat}\n", 2, 3, "a person's key is a letter"},
        {"people:\n  alice: {contact: {email: a@example.com}}\n", 2, 20, "people.alice.contact: expected a list"},
        {"people:\n  alice: {contact: [{email: a@example.com, sms: \"1\", target: t}]}\n", 2, 44,
         "one method per entry (email and sms)"},
    };
    for (const auto& c : cases) {
        const std::string yaml = c.yaml;
        INFO(yaml);
        Problems problems;
        parse_people(load_yaml(c.yaml, "people.yaml"), "people.yaml", problems);
        INFO(describe(problems.findings()));
        REQUIRE(problems.findings().size() == 1);
        const Finding& f = problems.findings().front();
        CHECK(f.message.find(c.says) != std::string::npos);
        CHECK(f.where.line == c.line);
        CHECK(f.where.column == c.column);
    }
    Problems none;
    CHECK(parse_people(load_yaml("people:\n", "people.yaml"), "people.yaml", none).list.empty());
    CHECK(none.empty());
}
