// Maintenance windows: every problem of a window file located, and which
// window covers a service at an instant (its start in, its end out).
#include "page/maintenance.hpp"

#include <doctest/doctest.h>

#include "located_findings.hpp"
#include "model/yaml_doc.hpp"

using namespace incident;

TEST_SUITE_BEGIN("page::maintenance");

namespace {

MaintenanceWindow parse(const std::string& text, Problems& problems) {
    return parse_maintenance(load_yaml(text, "w.yaml"), "w", "w.yaml", problems);
}

Timestamp t(const char* text) { return *parse_rfc3339(text); }

MaintenanceWindow window(const char* id, std::vector<std::string> services, const char* from, const char* to) {
    return {id, std::move(services), t(from), t(to), "upgrade", "", "", ""};
}

}  // namespace

TEST_CASE("maintenance: a window file reads") {
    Problems problems;
    auto w = parse(
        "services: [checkout, payments]\nfrom: 2026-12-24T18:00:00+01:00\nto: 2026-12-24T20:00:00Z\n"
        "reason: database upgrade\nby: alice@example.com\n",
        problems);
    CHECK(testing::describe(problems.findings()).empty());
    CHECK(w.id == "w");
    CHECK(w.services == std::vector<std::string>{"checkout", "payments"});
    CHECK(w.from == t("2026-12-24T17:00:00Z"));
    CHECK(w.to == t("2026-12-24T20:00:00Z"));
    CHECK(w.reason == "database upgrade");
    CHECK(w.by == "alice@example.com");
}

TEST_CASE("maintenance: every problem is located") {
    Problems problems;
    parse(
        "services: [checkout, [x]]\n"
        "from: 2026-12-24T18:00\n"
        "to: 2026-12-24T17:00:00Z\n"
        "reason: {why: upgrade}\n"
        "until: tomorrow\n",
        problems);
    testing::check_located(problems.findings(), "w.yaml",
                           {{1, 22, "services.1: expected a service's name"},
                            {2, 7, "from: expected RFC 3339 with an offset"},
                            {4, 9, "reason: expected a string"},
                            {5, 1, "unknown key 'until'"}});
}

TEST_CASE("maintenance: missing keys and an end before the start") {
    Problems problems;
    parse("from: 2026-12-24T18:00:00Z\nto: 2026-12-24T18:00:00Z\n", problems);
    testing::check_located(
        problems.findings(), "w.yaml",
        {{1, 1, "services: expected a list"}, {2, 5, "to: not after from"}, {1, 1, "reason: missing"}});
    Problems none;
    parse("[a list]\n", none);
    CHECK(none.findings().size() == 1);
}

TEST_CASE("maintenance: a window covers its services from its start until just before its end") {
    const std::vector<MaintenanceWindow> windows = {
        window("db", {"checkout", "payments"}, "2026-12-24T18:00:00Z", "2026-12-24T20:00:00Z"),
        window("long", {"payments"}, "2026-12-24T19:00:00Z", "2026-12-24T23:00:00Z"),
    };
    CHECK_FALSE(maintenance_for(windows, "checkout", t("2026-12-24T17:59:59Z")));
    CHECK(maintenance_for(windows, "checkout", t("2026-12-24T18:00:00Z"))->id == "db");
    CHECK(maintenance_for(windows, "checkout", t("2026-12-24T19:59:59Z"))->id == "db");
    CHECK_FALSE(maintenance_for(windows, "checkout", t("2026-12-24T20:00:00Z")));
    CHECK_FALSE(maintenance_for(windows, "search", t("2026-12-24T19:00:00Z")));
    CHECK_FALSE(maintenance_for(windows, "Checkout", t("2026-12-24T19:00:00Z")));          // names as written
    CHECK(maintenance_for(windows, "payments", t("2026-12-24T19:30:00Z"))->id == "long");  // the one that ends last
    CHECK(maintenance_state(windows[0], t("2026-12-24T17:59:59Z")) == "planned");
    CHECK(maintenance_state(windows[0], t("2026-12-24T18:00:00Z")) == "active");
    CHECK(maintenance_state(windows[0], t("2026-12-24T20:00:00Z")) == "past");
}

TEST_CASE("maintenance: the file written reads back the same") {
    MaintenanceWindow w = window("x", {"checkout", "a: b"}, "2026-12-24T18:00:00Z", "2026-12-24T20:00:00Z");
    w.by = "alice@example.com";
    Problems problems;
    auto back = parse(maintenance_text(w, t("2026-12-20T10:00:00Z")), problems);
    CHECK(testing::describe(problems.findings()).empty());
    CHECK(back.services == w.services);
    CHECK(back.from == w.from);
    CHECK(back.to == w.to);
    CHECK(back.reason == w.reason);
    CHECK(back.by == w.by);
}

TEST_SUITE_END();
