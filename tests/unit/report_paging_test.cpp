// The paging figures of a report: from hand-made incidents, exact figures;
// the pages a summary keeps, through the index cache too.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "index/index.hpp"
#include "report/render.hpp"
#include "report/report.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("report");

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

Summary paged(const char* id, const char* opened, const char* ack, std::vector<PageMark> pages) {
    Summary s;
    s.id = id;
    s.priority = "P1";
    s.times.opened = at(opened);
    if (ack) s.times.acknowledged = at(ack);
    s.pages = std::move(pages);
    return s;
}

// Business hours are the defaults: Monday to Friday, 09:00 to 17:00 UTC.
// 2026-11-02 is a Monday, 2026-11-07 a Saturday.
std::vector<Summary> incidents() {
    return {
        // Taken at step 2: pages at 10:02 and 10:12, in office hours.
        paged("INC-1", "2026-11-02T10:00:00Z", "2026-11-02T10:15:00Z",
              {{"alice", at("2026-11-02T10:02:00Z"), 1}, {"bob", at("2026-11-02T10:12:00Z"), 2}}),
        // Taken at step 1; alice paged twice (two contact methods) at night.
        paged("INC-2", "2026-11-02T22:00:00Z", "2026-11-02T22:05:00Z",
              {{"alice", at("2026-11-02T22:01:00Z"), 1}, {"alice", at("2026-11-02T22:01:00Z"), 1}}),
        // Never acknowledged; a Saturday; step 1 again in round 2.
        paged("INC-3", "2026-11-07T12:00:00Z", nullptr,
              {{"bob", at("2026-11-07T12:00:00Z"), 1},
               {"carol", at("2026-11-07T12:10:00Z"), 2},
               {"alice", at("2026-11-07T12:20:00Z"), 1}}),
        // Acknowledged before its page, which came at 17:00 sharp (out of hours).
        paged("INC-4", "2026-11-03T09:00:00Z", "2026-11-03T09:01:00Z", {{"bob", at("2026-11-03T17:00:00Z"), 1}}),
        // Never paged.
        paged("INC-5", "2026-11-04T09:00:00Z", "2026-11-04T09:01:00Z", {}),
        // Paged, but opened before the period (backlog only): not counted.
        paged("INC-6", "2026-10-20T09:00:00Z", nullptr, {{"dave", at("2026-10-20T09:00:00Z"), 1}}),
    };
}

ReportRequest november() {
    return {at("2026-11-01T00:00:00Z"),
            at("2026-11-08T00:00:00Z"),
            at("2026-11-10T00:00:00Z"),
            *parse_group_by("none"),
            false,
            ""};
}

Report report_of(const std::vector<Summary>& all) {
    std::vector<const Summary*> rows;
    for (const auto& s : all) rows.push_back(&s);
    return build_report(rows, november(), Config());
}

// Files written by a test are "fresh" and not cached; age them.
void age(const fs::path& p) {
    struct timespec times[2] = {{1700000000, 0}, {1700000000, 0}};
    utimensat(AT_FDCWD, p.c_str(), times, 0);
}

}  // namespace

TEST_CASE("paging: time to first page, pages per incident, acknowledgement by step, out of hours per person") {
    const auto all = incidents();
    Report r = report_of(all);
    REQUIRE(r.paging.has_value());
    const Paging& p = *r.paging;
    CHECK(p.incidents == 4);
    CHECK(p.first_page.n == 4);  // 120 s, 60 s, 0 s, 8 h
    CHECK(*p.first_page.median == doctest::Approx(90));
    CHECK(*p.first_page.p90 == doctest::Approx(28800));
    CHECK(*p.first_page.mean == doctest::Approx((120 + 60 + 0 + 28800) / 4.0));
    CHECK(p.pages == 8);
    CHECK(*p.pages_mean() == doctest::Approx(2.0));
    CHECK(p.most_pages == 3);
    CHECK(p.acknowledged_at_step == std::map<int, int>{{1, 1}, {2, 1}});
    CHECK(p.acknowledged_before_page == 1);
    REQUIRE(p.people.size() == 3);
    CHECK(p.people[0].person == "alice");
    CHECK(p.people[0].pages == 4);
    CHECK(p.people[0].out_of_hours == 3);  // two at 22:01, one on Saturday
    CHECK(p.people[1].person == "bob");
    CHECK(p.people[1].pages == 3);
    CHECK(p.people[1].out_of_hours == 2);  // Saturday, and 17:00 sharp
    CHECK(p.people[2].person == "carol");
    CHECK(p.people[2].out_of_hours == 1);

    auto j = report_to_json(r)["paging"];
    CHECK(j["incidents"] == 4);
    CHECK(j["time_to_first_page"]["median"] == 90.0);
    CHECK(j["pages_per_incident"]["mean"] == 2.0);
    CHECK(j["pages_per_incident"]["max"] == 3);
    CHECK(j["acknowledged_by_step"].dump() == R"([{"step":1,"incidents":1},{"step":2,"incidents":1}])");
    CHECK(j["acknowledged_before_any_page"] == 1);
    CHECK(j["people"][0].dump() == R"({"person":"alice","pages":4,"out_of_hours":3})");
    auto records = report_to_records(r);
    CHECK(records.back()["record"] == "paging");
    auto md = report_markdown(r);
    CHECK(md.find("## Paging") != std::string::npos);
    CHECK(md.find("| before any page | 1 |") != std::string::npos);
    CHECK(md.find("| alice | 4 | 3 |") != std::string::npos);
    CHECK(report_html(r).find("<h2>Pages per person</h2>") != std::string::npos);
}

TEST_CASE("paging: no section when no incident of the period was paged") {
    auto all = incidents();
    for (auto& s : all)
        if (s.id != "INC-6") s.pages.clear();
    Report r = report_of(all);
    CHECK_FALSE(r.paging.has_value());
    CHECK(report_to_json(r)["paging"].is_null());
    CHECK(report_to_records(r).back()["record"] != "paging");
    CHECK(report_markdown(r).find("Paging") == std::string::npos);
    for (const auto& t : report_tables(r)) CHECK(t.title != "Paging");
}

TEST_CASE("paging: a summary keeps the pages that went out, and so does the index cache") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    t.write("incidents/INC-1.yaml",
            "id: INC-1\ntitle: paged\nstatus: open\npriority: P1\nopened_at: 2026-11-02T10:00:00Z\ntimeline:\n"
            "  - {at: 2026-11-02T10:00:00Z, by: alice, type: opened}\n"
            "  - {at: 2026-11-02T10:01:00Z, by: pager, type: paged, text: x, policy: sre, step: 1, round: 1, "
            "person: alice, method: email, outcome: queued}\n"
            "  - {at: 2026-11-02T10:01:00Z, by: pager, type: paged, text: x, policy: sre, step: 1, round: 1, "
            "person: alice, method: sms, outcome: not paged}\n"
            "  - {at: 2026-11-02T10:06:00Z, by: pager, type: paged, text: x, policy: sre, step: 2, round: 1, "
            "person: bob, method: push, outcome: queued}\n");
    age(t.dir / "incidents/INC-1.yaml");
    Store store(find_repository(t.dir));
    Config cfg;
    Timestamp now = at("2026-11-21T00:00:00Z");
    auto check = [](const Index& index) {
        REQUIRE(index.incidents.size() == 1);
        const auto& pages = index.incidents[0].pages;
        REQUIRE(pages.size() == 2);  // the "not paged" attempt is no page
        CHECK(pages[0].person == "alice");
        CHECK(pages[0].at == at("2026-11-02T10:01:00Z"));
        CHECK(pages[0].step == 1);
        CHECK(pages[1].person == "bob");
        CHECK(pages[1].step == 2);
    };
    {
        auto parsed = load_index(store, cfg, now);  // waits for its cache to be written as it goes
        REQUIRE(parsed.stats.cache_written);
        check(parsed);
    }
    auto cached = load_index(store, cfg, now);
    CHECK(cached.stats.parsed == 0);
    check(cached);
}
