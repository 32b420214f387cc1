// Escalation policies and the pager: located errors in escalation.yaml, the
// steps due at an instant, whom a step reaches (a schedule: who is on call
// then), idempotence, and held pages after a kill.
#include <doctest/doctest.h>

#include "located_findings.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "page/pager.hpp"
#include "workspace_fixture.hpp"

using namespace incident;
using namespace incident::test;

TEST_SUITE_BEGIN("page");

namespace {

const char* const kPolicies =
    "policies:\n"
    "  sre:\n"
    "    repeat: 1\n"
    "    steps:\n"
    "      - {notify: [schedule:primary], after: 5m}\n"
    "      - {notify: [person:carol, person:alice], after: 10m}\n"
    "by_priority: {P1: sre, P3: {policy: sre, business_hours: true}}\n";

EscalationPolicies parse(const std::string& text, Problems& problems) {
    return parse_escalation(load_yaml(text, "escalation.yaml"), "escalation.yaml", Config(), problems);
}

// A repository with people, a weekly schedule (alice this week), the
// policies above and SMTP; pages go nowhere (no server), they stay queued.
struct PagingRepo : IncidentRepo {
    PagingRepo() {
        write(".incident/people.yaml",
              "people:\n"
              "  alice: {name: Alice, email: alice@example.com}\n"
              "  bob: {name: Bob, email: bob@example.com, contact: [{email: bob@example.com}, {email: "
              "bob@home.example}]}\n"
              "  carol: {name: Carol, email: carol@example.com}\n");
        write(".incident/oncall/primary.yaml",
              "name: Primary\ntime_zone: UTC\nlayers:\n"
              "  - {name: weekly, start: 2026-11-16T09:00, rotation: weekly, members: [alice, bob]}\n");
        write(".incident/escalation.yaml", kPolicies);
        write(".incident/config.yaml",
              read(".incident/config.yaml") + "smtp: {url: 'smtp://127.0.0.1:1', from: incident@example.com}\n");
        commit_all("paging");
    }
    std::string open_p1(Workspace& ws) {
        auto r = create_incident(ws, opened(ws, "db down"), options());
        REQUIRE(r.incident.priority == "P1");
        return r.incident.id;
    }
};

std::vector<std::string> paged(const Incident& inc) {
    std::vector<std::string> out;
    for (const auto& e : inc.timeline)
        if (e.type == "paged") out.push_back(e.get("round") + "." + e.get("step") + " " + e.get("person"));
    return out;
}

PageOptions at_time(const char* t) {
    PageOptions o;
    o.now = at(t);
    o.change = options("pager@example.com");
    o.budget = std::chrono::milliseconds(200);
    return o;
}

void no_sleep(std::chrono::milliseconds) {}

}  // namespace

TEST_CASE("escalation: every problem is located") {
    Problems problems;
    parse(
        "policies:\n"
        "  sre:\n"
        "    steps:\n"
        "      - {notify: [team:sre], after: 5m}\n"
        "      - {notify: [person:bob], after: soon}\n"
        "      - {notify: []}\n"
        "by_priority: {P9: sre, P2: nothing}\n",
        problems);
    testing::check_located(
        problems.findings(), "escalation.yaml",
        {{4, 19, "policies.sre.steps.0.notify.0: expected schedule:NAME, person:KEY or managers:TEAM"},
         {5, 39, "policies.sre.steps.1.after: expected a duration such as 5m"},
         {6, 18, "policies.sre.steps.2.notify: expected a list of whom to page"},
         {7, 15, "by_priority.P9: 'P9' is not a priority"},
         {7, 28, "by_priority.P2: no policy 'nothing' in policies"}});
}

TEST_CASE("escalation: a step followed by another says how long it waits") {
    Problems problems;
    parse("policies:\n  sre:\n    repeat: 2\n    steps:\n      - {notify: [person:bob]}\n", problems);
    REQUIRE(problems.findings().size() == 1);
    CHECK(problems.findings()[0].message.find("'after' is needed") != std::string::npos);
}

TEST_CASE("escalation: offsets run over every pass, then stop") {
    Problems problems;
    auto p = parse(kPolicies, problems);
    REQUIRE(problems.empty());
    const Policy& sre = *p.find("sre");
    CHECK(sre.total_steps() == 4);
    CHECK(sre.offset(0) == Seconds{0});
    CHECK(sre.offset(1) == Seconds{300});
    CHECK(sre.offset(2) == Seconds{900});
    CHECK(sre.offset(3) == Seconds{1200});
    CHECK_FALSE(sre.offset(4));
    Incident inc;
    inc.priority = "P1";
    CHECK(p.policy_for(inc) == "sre");
    inc.priority = "P2";
    CHECK(p.policy_for(inc).empty());
    inc.escalation_policy = "sre";
    CHECK(p.policy_for(inc) == "sre");
}

TEST_CASE("pager: steps fire when due, once, until someone acknowledges") {
    PagingRepo repo;
    Workspace ws = repo.open();
    const std::string id = repo.open_p1(ws);
    auto env = [](const std::string&) { return std::optional<std::string>(); };

    auto r = page_tick(ws, at_time("2026-11-22T03:00:00Z"), env, no_sleep);
    REQUIRE(r.paged.size() == 1);
    CHECK(paged(ws.store.load(id)) == std::vector<std::string>{"1.1 alice"});
    CHECK(r.queued.size() == 1);  // no SMTP server: kept in the outbox

    // Again at the same instant, and before the delay: nothing more.
    CHECK(page_tick(ws, at_time("2026-11-22T03:00:00Z"), env, no_sleep).paged.empty());
    CHECK(page_tick(ws, at_time("2026-11-22T03:04:59Z"), env, no_sleep).paged.empty());

    page_tick(ws, at_time("2026-11-22T03:05:00Z"), env, no_sleep);
    CHECK(paged(ws.store.load(id)) == std::vector<std::string>{"1.1 alice", "1.2 carol", "1.2 alice"});

    // Acknowledged: the repeat never fires.
    change_incident(
        ws, id,
        [&](Incident& inc) {
            return acknowledge(inc, Actor{"carol@example.com", at("2026-11-22T03:06:00Z"), ws.config}, "");
        },
        options());
    CHECK(page_tick(ws, at_time("2026-11-22T04:00:00Z"), env, no_sleep).paged.empty());
}

TEST_CASE("pager: catching up fires every step that is due; a schedule answers for that instant") {
    PagingRepo repo;
    Workspace ws = repo.open();
    const std::string id = repo.open_p1(ws);
    auto env = [](const std::string&) { return std::optional<std::string>(); };
    page_tick(ws, at_time("2026-11-22T03:00:00Z"), env, no_sleep);
    // Next week bob is on call (by two methods); by then every step is due, the repeat's too.
    page_tick(ws, at_time("2026-11-24T10:00:00Z"), env, no_sleep);
    CHECK(paged(ws.store.load(id)) == std::vector<std::string>{"1.1 alice", "1.2 carol", "1.2 alice", "2.1 bob",
                                                               "2.1 bob", "2.2 carol", "2.2 alice"});
}

TEST_CASE("pager: a page held by a run that died is released when its event is saved, else dropped") {
    PagingRepo repo;
    Workspace ws = repo.open();
    const std::string id = repo.open_p1(ws);
    Outbox outbox(ws.outbox_dir());
    Delivery lost;
    lost.id = "page-x-1-alice-1";
    lost.incident = id;
    lost.held_for = id + " paged";
    outbox.put(lost);
    std::vector<std::string> warnings;
    settle_held_pages(ws, options(), warnings);
    CHECK(outbox.list().empty());
    REQUIRE(warnings.size() == 1);

    auto env = [](const std::string&) { return std::optional<std::string>(); };
    page_tick(ws, at_time("2026-11-22T03:00:00Z"), env, no_sleep);
    auto queued = outbox.list();
    REQUIRE(queued.size() == 1);
    CHECK(queued[0].held_for.empty());
    Delivery saved = queued[0];
    saved.held_for = id + " paged";  // as if killed between saving the event and releasing
    outbox.put(saved);
    warnings.clear();
    settle_held_pages(ws, options(), warnings);
    CHECK(warnings.empty());
    REQUIRE(outbox.list().size() == 1);
    CHECK(outbox.list()[0].held_for.empty());
}

TEST_CASE("pager: a step whose schedule does not read waits for it, then fires") {
    PagingRepo repo;
    const std::string good = repo.read(".incident/oncall/primary.yaml");
    repo.write(".incident/oncall/primary.yaml", good + "colour: blue\n");
    Workspace ws = repo.open();
    const std::string id = repo.open_p1(ws);
    auto env = [](const std::string&) { return std::optional<std::string>(); };
    auto r = page_tick(ws, at_time("2026-11-22T03:00:00Z"), env, no_sleep);
    CHECK(r.paged.empty());
    CHECK(contains(join(r.warnings, "\n"), "primary.yaml:5:1"));
    CHECK(contains(join(r.warnings, "\n"), "step 1 waits until its schedule reads"));
    repo.write(".incident/oncall/primary.yaml", good);
    page_tick(ws, at_time("2026-11-22T03:01:00Z"), env, no_sleep);
    CHECK(paged(ws.store.load(id)) == std::vector<std::string>{"1.1 alice"});
}
