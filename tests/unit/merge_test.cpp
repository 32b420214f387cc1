// The merge driver's three-way merge, one case per kind of field: each case
// changes a common incident on two sides and checks the merge both ways
// round (the two clones must agree) and that the result reads back.
#include "merge/merge.hpp"

#include <doctest/doctest.h>

#include <functional>

#include "evidence/evidence.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/roundtrip.hpp"
#include "model/yaml_doc.hpp"
#include "rules/rules.hpp"

using namespace incident;

TEST_SUITE_BEGIN("merge");

namespace {

const Config& config() {
    static const Config c;
    return c;
}
Actor by(const char* who, const char* when) { return Actor{who, *parse_rfc3339(when), config()}; }

Incident common() {
    Incident draft;
    draft.title = "Checkout latency";
    draft.tags = {"customer-facing", "eu"};
    draft.impact = draft.urgency = "medium";  // P3: closing needs no postmortem
    Incident inc = open_incident("INC-1", draft, RuleSet{}, by("alice", "2026-11-22T03:00:00Z"));
    inc.uid = "0000-1111";
    return inc;
}

Action action(const char* title, const char* owner, const char* type) {
    Action a;
    a.title = title;
    a.owner = owner;
    a.type = type;
    return a;
}

using Change = std::function<void(Incident&)>;

// The merge of two changes to common(), as the driver makes it from the files.
Incident merged(const Change& ours, const Change& theirs) {
    Incident base = common(), a = base, b = base;
    ours(a);
    theirs(b);
    auto text = [](const Incident& i) { return incident_to_yaml(i); };
    MergeOutcome m = merge_incident_files(text(base), text(a), text(b), "incidents/INC-1.yaml");
    REQUIRE(m.problem == "");
    Incident out = incident_from_yaml(load_yaml(m.text, "merged"), "merged");
    // The other clone merges the same two changes the other way round.
    MergeOutcome other = merge_incident_files(text(base), text(b), text(a), "incidents/INC-1.yaml");
    REQUIRE(other.problem == "");
    CHECK(first_difference(out, incident_from_yaml(load_yaml(other.text, "other"), "other")) == "");
    return out;
}

std::vector<std::string> texts(const Incident& inc) {
    std::vector<std::string> out;
    for (const auto& e : inc.timeline) out.push_back(e.type + ":" + e.text);
    return out;
}

}  // namespace

TEST_CASE("both sides attach evidence: every attachment and its event stay") {
    auto evidence = [](const char* name, const char* content) {
        NewEvidence e;
        e.record.name = name;
        e.record.sha256 = sha256_hex(content);
        e.record.size = static_cast<long long>(std::string(content).size());
        e.content = content;
        return std::vector<NewEvidence>{e};
    };
    Incident m =
        merged([&](Incident& i) { attach_evidence(i, by("bob", "2026-11-22T03:10:00Z"), evidence("a.log", "a")); },
               [&](Incident& i) { attach_evidence(i, by("carol", "2026-11-22T03:05:00Z"), evidence("b.log", "b")); });
    REQUIRE(m.attachments.size() == 2);
    CHECK(m.attachments[0].name == "a.log");
    CHECK(m.attachments[1].name == "b.log");
    CHECK(m.attachments[1].by == "carol");
    CHECK(texts(m) == std::vector<std::string>{"opened:Checkout latency", "attached:", "attached:"});
}

TEST_CASE("both sides add events: each is kept once, in time order") {
    Incident m = merged([](Incident& i) { add_note(i, by("bob", "2026-11-22T03:10:00Z"), "pool is full", false); },
                        [](Incident& i) {
                            add_note(i, by("carol", "2026-11-22T03:05:00Z"), "customers report 502s", false);
                            add_note(i, by("carol", "2026-11-22T03:20:00Z"), "paging the DBA", false);
                        });
    CHECK(texts(m) == std::vector<std::string>{"opened:Checkout latency", "note:customers report 502s",
                                               "note:pool is full", "note:paging the DBA"});
}

TEST_CASE("one side resolves, the other notes: resolved, with the note") {
    Incident m =
        merged([](Incident& i) { resolve(i, by("bob", "2026-11-22T04:00:00Z"), "fixed", "pool resized"); },
               [](Incident& i) { add_note(i, by("carol", "2026-11-22T04:10:00Z"), "graphs are flat again", false); });
    CHECK(m.status == Status::resolved);
    CHECK(format_rfc3339(*m.resolved_at) == "2026-11-22T04:00:00Z");
    REQUIRE(m.resolution);
    CHECK(m.resolution->code == "fixed");
    CHECK(texts(m).back() == "note:graphs are flat again");
    CHECK(texts(m).size() == 3);
}

TEST_CASE("one side acknowledges and notes later, the other resolves: resolved, the acknowledgement kept") {
    Incident m = merged(
        [](Incident& i) {
            acknowledge(i, by("bob", "2026-11-22T03:05:00Z"), "");
            add_note(i, by("bob", "2026-11-22T04:30:00Z"), "watching the graphs", false);
        },
        [](Incident& i) { resolve(i, by("carol", "2026-11-22T04:00:00Z"), "fixed", "pool resized"); });
    CHECK(m.status == Status::resolved);
    REQUIRE(m.resolved_at);
    REQUIRE(m.acknowledged_at);
    CHECK(format_rfc3339(*m.acknowledged_at) == "2026-11-22T03:05:00Z");
    CHECK(texts(m).size() == 4);
}

TEST_CASE("keys the tool does not know are merged too, from either side") {
    std::string base = incident_to_yaml(common());
    Incident retitled = common();
    retitled.title = "Checkout latency in eu-west";
    std::string ours = incident_to_yaml(retitled), theirs = base + "x_runbook: https://runbooks.example/checkout\n";
    for (auto [a, b] : {std::pair{ours, theirs}, std::pair{theirs, ours}}) {
        MergeOutcome m = merge_incident_files(base, a, b, "incidents/INC-1.yaml");
        REQUIRE(m.problem == "");
        CHECK(m.text.find("title: Checkout latency in eu-west\n") != std::string::npos);
        CHECK(m.text.find("x_runbook: https://runbooks.example/checkout\n") != std::string::npos);
    }
}

TEST_CASE("both change the assignee: the side whose own newest event is later wins") {
    Incident m = merged([](Incident& i) { assign(i, by("bob", "2026-11-22T03:10:00Z"), "bob", ""); },
                        [](Incident& i) { assign(i, by("carol", "2026-11-22T03:30:00Z"), "carol", ""); });
    CHECK(m.assignee == "carol");
    CHECK(texts(m).size() == 3);  // both assignments stay in the history
}

TEST_CASE("a value changed on one side only is taken from that side") {
    Incident m = merged([](Incident& i) { i.service = "checkout"; }, [](Incident& i) { i.problem = "PRB-7"; });
    CHECK(m.service == "checkout");
    CHECK(m.problem == "PRB-7");
}

TEST_CASE("tags: additions on both sides stay, a removal on either side holds") {
    Incident m = merged(
        [](Incident& i) {
            i.tags = {"customer-facing", "database"};
        },  // -eu +database
        [](Incident& i) {
            i.tags = {"eu", "customer-facing", "sev"};
        });  // +sev
    CHECK(m.tags == std::vector<std::string>{"customer-facing", "database", "sev"});
}

TEST_CASE("roles merge role by role") {
    Incident m = merged([](Incident& i) { assign(i, by("bob", "2026-11-22T03:10:00Z"), "bob", "commander"); },
                        [](Incident& i) { assign(i, by("carol", "2026-11-22T03:11:00Z"), "carol", "comms"); });
    CHECK(m.role("commander") == "bob");
    CHECK(m.role("comms") == "carol");
}

TEST_CASE("a closed incident stays closed, whatever the other side did later") {
    Incident m = merged(
        [](Incident& i) {
            resolve(i, by("bob", "2026-11-22T04:00:00Z"), "fixed", "pool resized");
            CloseRequest req;
            req.confirmed_by = "alice";
            close(i, by("bob", "2026-11-22T05:00:00Z"), req);
        },
        [](Incident& i) {
            acknowledge(i, by("carol", "2026-11-22T03:10:00Z"), "");
            add_note(i, by("carol", "2026-11-22T06:00:00Z"), "late note", false);
        });
    CHECK(m.status == Status::closed);
    CHECK(m.closed_at);
    REQUIRE(m.acknowledged_at);  // the other side's acknowledgement stays
    CHECK(format_rfc3339(*m.acknowledged_at) == "2026-11-22T03:10:00Z");
    CHECK(texts(m).back() == "note:late note");
}

TEST_CASE("action items: both sides' new items under one number stay, the later one renumbered") {
    Incident m = merged(
        [](Incident& i) { add_action(i, by("bob", "2026-11-22T03:10:00Z"), action("Add an alert", "bob", "prevent")); },
        [](Incident& i) {
            add_action(i, by("carol", "2026-11-22T03:20:00Z"), action("Resize the pool", "carol", "mitigate"));
        });
    REQUIRE(m.actions.size() == 2);
    CHECK(m.actions[0].id != m.actions[1].id);
    CHECK(m.actions[0].title == "Add an alert");
    CHECK(m.actions[1].title == "Resize the pool");
}

TEST_CASE("what cannot be merged safely is refused, with the reason") {
    std::string base = incident_to_yaml(common());
    MergeOutcome bad = merge_incident_files(base, base, "title: [unclosed\n", "incidents/INC-1.yaml");
    CHECK(bad.text == "");
    CHECK(bad.problem.find("their side does not read") != std::string::npos);

    Incident other = common();
    other.uid = "2222-3333";
    other.title = "Another incident";
    MergeOutcome clash = merge_incident_files("", base, incident_to_yaml(other), "incidents/INC-1.yaml");
    CHECK(clash.text == "");
    CHECK(clash.problem.find("two different incidents took the id INC-1") != std::string::npos);

    // Files without a uid (older ones, or written by hand) cannot be told apart: not merged.
    Incident a = common(), b = other;
    a.uid.clear();
    b.uid.clear();
    MergeOutcome unknown = merge_incident_files("", incident_to_yaml(a), incident_to_yaml(b), "incidents/INC-1.yaml");
    CHECK(unknown.text == "");
}

TEST_CASE("both sides adding the same incident is no conflict") {
    std::string text = incident_to_yaml(common());
    MergeOutcome same = merge_incident_files("", text, text, "incidents/INC-1.yaml");
    CHECK(same.problem == "");
    CHECK(same.text == text);
}

TEST_SUITE_END();

TEST_CASE("merge: two different attachments of one name are a conflict with the reason, never two records") {
    auto attach = [](const std::string& sha) {
        return [sha](Incident& i) {
            Attachment a;
            a.name = "ev.txt";
            a.sha256 = std::string(64, sha[0]);
            a.size = 3;
            a.at = *parse_rfc3339("2026-11-22T03:10:00Z");
            i.attachments.push_back(a);
        };
    };
    Incident base = common(), a = base, b = base;
    attach("a")(a);
    attach("b")(b);
    auto text = [](const Incident& i) { return incident_to_yaml(i); };
    MergeOutcome m = merge_incident_files(text(base), text(a), text(b), "incidents/INC-1.yaml");
    CHECK(m.text == "");
    CHECK(m.problem ==
          "both sides attached a different file named 'ev.txt': keep one (git shows both), and attach the other "
          "under another name");
    // The same file attached on both sides is one record.
    MergeOutcome same = merge_incident_files(text(base), text(a), text(a), "incidents/INC-1.yaml");
    CHECK(same.problem == "");
    CHECK(incident_from_yaml(load_yaml(same.text, "m"), "m").attachments.size() == 1);
}
