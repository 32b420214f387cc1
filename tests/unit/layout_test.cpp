#include "model/layout.hpp"

#include <doctest/doctest.h>

#include "model/roundtrip.hpp"
#include "model/yaml_doc.hpp"

using namespace incident;

TEST_SUITE_BEGIN("layout");

namespace {

Incident sample() {
    Incident inc;
    inc.id = "INC-1";
    inc.title = "Checkout errors";
    inc.service = "checkout";
    inc.opened_at = parse_rfc3339("2026-11-20T10:00:00Z");
    for (const char* text : {"opened", "first look"}) {
        Event e;
        e.at = *inc.opened_at;
        e.by = "alice@example.com";
        e.type = std::string(text) == "opened" ? "opened" : "note";
        e.text = text;
        inc.timeline.push_back(e);
    }
    return inc;
}

Incident read(const std::string& text) { return incident_from_yaml(load_yaml(text, "f.yaml"), "f.yaml"); }

// `text` with `from` replaced by `to` (which must be there).
std::string edit(std::string text, const std::string& from, const std::string& to) {
    auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

Event note(const std::string& text) {
    Event e;
    e.at = *parse_rfc3339("2026-11-20T11:00:00Z");
    e.by = "bob@example.com";
    e.type = "note";
    e.text = text;
    return e;
}

}  // namespace

TEST_CASE("a file the tool wrote is written as the tool writes it") {
    Incident inc = sample();
    std::string before = incident_to_yaml(inc);
    inc.timeline.push_back(note("later"));
    CHECK(verified_incident_yaml(inc, "f.yaml", before) == incident_to_yaml(inc));
}

TEST_CASE("comments, blank lines and hand-written lines of untouched fields are kept") {
    Incident inc = sample();
    std::string hand = "# header comment\n" + incident_to_yaml(inc);
    hand = edit(hand, "title: Checkout errors\n", "# shown on the status page\ntitle: 'Checkout errors'\n\n");
    hand = edit(hand, "service: checkout\n", "service: checkout   # the shop\n");
    hand = edit(hand, "timeline:\n", "timeline:\n  # oldest first\n");
    hand += "# the end\n";
    REQUIRE(first_difference(read(hand), inc).empty());

    SUBCASE("a new event is appended after the old ones") {
        inc.timeline.push_back(note("rolled back"));
        std::string out = verified_incident_yaml(inc, "f.yaml", hand);
        CHECK(out.find("# header comment\n") == 0);
        CHECK(out.find("# shown on the status page\ntitle: 'Checkout errors'\n\n") != std::string::npos);
        CHECK(out.find("service: checkout   # the shop\n") != std::string::npos);
        CHECK(out.find("  # oldest first\n  - {at:") != std::string::npos);
        CHECK(out.find("text: first look}\n  - {at: 2026-11-20T11:00:00Z, by: bob@example.com, type: note, "
                       "text: rolled back}\n# the end\n") != std::string::npos);
        CHECK(first_difference(read(out), inc).empty());
    }
    SUBCASE("a changed field is written anew under its comment") {
        inc.title = "Checkout and payments errors";
        std::string out = verified_incident_yaml(inc, "f.yaml", hand);
        CHECK(out.find("# shown on the status page\ntitle: Checkout and payments errors\n") != std::string::npos);
        CHECK(out.find("service: checkout   # the shop\n") != std::string::npos);
        CHECK(first_difference(read(out), inc).empty());
    }
    SUBCASE("a field that is no longer written goes, with nothing else") {
        inc.service.clear();
        std::string out = verified_incident_yaml(inc, "f.yaml", hand);
        CHECK(out.find("# the shop") == std::string::npos);
        CHECK(out.find("# shown on the status page") != std::string::npos);
        CHECK(first_difference(read(out), inc).empty());
    }
}

TEST_CASE("list items written at the key's own indentation get new items there too") {
    Incident inc = sample();
    std::string hand = "# mine\n" + incident_to_yaml(inc);
    hand = edit(hand, "  - {at: 2026-11-20T10:00:00Z, by: alice@example.com, type: opened",
                "- {at: 2026-11-20T10:00:00Z, by: alice@example.com, type: opened");
    hand = edit(hand, "  - {at: 2026-11-20T10:00:00Z, by: alice@example.com, type: note",
                "- {at: 2026-11-20T10:00:00Z, by: alice@example.com, type: note");
    REQUIRE(first_difference(read(hand), inc).empty());
    inc.timeline.push_back(note("x"));
    std::string out = verified_incident_yaml(inc, "f.yaml", hand);
    CHECK(out.find("# mine\n") == 0);
    CHECK(out.find("\n- {at: 2026-11-20T11:00:00Z") != std::string::npos);
    CHECK(first_difference(read(out), inc).empty());
}

TEST_CASE("a layout that cannot be kept falls back to the tool's own") {
    Incident inc = sample();
    inc.description = "line one\nline two";
    // A description block whose last line looks like a comment.
    std::string hand = "# mine\n" + incident_to_yaml(inc);
    hand = edit(hand, "  line two\n", "  line two\n  # not a comment\n");
    inc = read(hand);
    REQUIRE(inc.description == "line one\nline two\n# not a comment");
    inc.description = "rewritten";
    std::string out = verified_incident_yaml(inc, "f.yaml", hand);
    CHECK(first_difference(read(out), inc).empty());
    // A file in flow style as a whole keeps nothing but its meaning.
    std::string flow = "{id: INC-1, title: t, status: open}\n";
    Incident small = read(flow);
    small.title = "u";
    CHECK(verified_incident_yaml(small, "f.yaml", flow) == incident_to_yaml(small));
}

TEST_SUITE_END();
