#include "report/report.hpp"

#include <doctest/doctest.h>

#include "report/render.hpp"
#include "report/table.hpp"

using namespace incident;

TEST_SUITE_BEGIN("report");

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

Summary make(const char* id, const char* service, const char* priority, const char* opened, const char* ack,
             const char* resolved) {
    Summary s;
    s.id = id;
    s.service = service;
    s.priority = priority;
    s.times.opened = at(opened);
    if (ack) s.times.acknowledged = at(ack);
    if (resolved) {
        s.times.resolved = at(resolved);
        s.status = Status::resolved;
    }
    return s;
}

}  // namespace

TEST_CASE("stat_of: mean, median and nearest-rank p90") {
    auto s = stat_of({5, 1, 3});
    CHECK(s.n == 3);
    CHECK(*s.mean == doctest::Approx(3));
    CHECK(*s.median == 3);
    CHECK(*s.p90 == 5);
    auto even = stat_of({1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
    CHECK(*even.median == doctest::Approx(5.5));
    CHECK(*even.p90 == 9);  // ceil(0.9 * 10) = 9th smallest
    CHECK_FALSE(stat_of({}).mean.has_value());
}

TEST_CASE("figures over a period: MTTA, MTTR, MTBF, backlog, drills, SLA, groups") {
    Config cfg;
    std::vector<Summary> all = {
        make("INC-1", "checkout", "P1", "2026-11-02T10:00:00Z", "2026-11-02T10:10:00Z", "2026-11-02T12:00:00Z"),
        make("INC-2", "checkout", "P2", "2026-11-03T12:00:00Z", "2026-11-03T12:30:00Z", "2026-11-03T13:00:00Z"),
        make("INC-3", "payments", "P2", "2026-11-05T00:00:00Z", nullptr, nullptr),
        make("INC-4", "payments", "P3", "2026-10-01T00:00:00Z", nullptr, nullptr),  // before: backlog only
        make("INC-5", "checkout", "P1", "2026-11-04T00:00:00Z", "2026-11-04T00:01:00Z", "2026-11-04T00:02:00Z"),
    };
    all[4].drill = true;
    all[0].respond.state = ClockState::met;
    all[1].respond.state = ClockState::missed;
    all[2].respond = {ClockState::ok, true, at("2026-11-05T00:10:00Z"), at("2026-11-05T00:15:00Z")};  // breached by now
    all[0].escalations_functional = 2;
    all[1].reopens = 1;
    all[0].activity = {{"bob", 3, at("2026-11-02T10:00:00Z"), at("2026-11-02T11:00:00Z")}};
    all[0].actions = {{1, "Add alert", "bob", "2026-11-05", "open"}, {2, "Done one", "bob", "2026-11-01", "done"}};
    std::vector<const Summary*> rows;
    for (const auto& s : all) rows.push_back(&s);
    ReportRequest req{at("2026-11-01T00:00:00Z"),
                      at("2026-11-08T00:00:00Z"),
                      at("2026-11-10T00:00:00Z"),
                      *parse_group_by("service"),
                      false,
                      ""};
    Report r = build_report(rows, req, cfg);
    const Metrics& m = r.total;
    CHECK(m.incidents == 3);
    CHECK(m.resolved == 2);
    CHECK(m.backlog == 2);  // INC-3 and INC-4
    CHECK(*m.backlog_age.p90 == doctest::Approx(38 * 86400));
    CHECK(*m.mtta.mean == doctest::Approx((600 + 1800) / 2.0));
    CHECK(*m.mttr.median == doctest::Approx((7200 + 3600) / 2.0));
    CHECK(m.mtbf.n == 1);  // checkout: INC-1 resolved 12:00, INC-2 opened next day 12:00
    CHECK(*m.mtbf.mean == doctest::Approx(86400));
    CHECK(m.respond.met == 1);
    CHECK(m.respond.missed == 2);
    CHECK(*m.respond.percent() == doctest::Approx(100.0 / 3));
    CHECK(m.escalations_functional == 2);
    CHECK(m.reopens == 1);
    REQUIRE(r.groups.size() == 2);
    CHECK(r.groups[0].key == "checkout");
    CHECK(r.groups[0].metrics.incidents == 2);
    CHECK(r.groups[1].metrics.backlog == 2);
    REQUIRE(r.overdue_actions.size() == 1);
    CHECK(r.overdue_actions[0].days_overdue == 5);
    REQUIRE(r.effort.size() == 1);
    CHECK(r.effort[0].engaged == Seconds{3600});
    CHECK(r.weeks.front().week == "2026-W44");  // 2026-11-01 is a Sunday
    CHECK(r.weeks.back().week == "2026-W45");

    req.include_drills = true;
    CHECK(build_report(rows, req, cfg).total.incidents == 4);

    auto j = report_to_json(r);
    CHECK(j["total"]["mtta"]["mean"] == 1200.0);
    CHECK(j["groups"][0]["key"] == "checkout");
    auto html = report_html(r);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("<script") == std::string::npos);
    CHECK(report_figures_table(r).rows.back()[0] == "total");
}

TEST_CASE("CSV quotes per RFC 4180; Markdown escapes pipes") {
    Table t{"T", {"a", "b"}, {{"x,y", "say \"hi\"\nthere"}, {"plain", "a|b"}}};
    CHECK(to_csv(t) == "a,b\r\n\"x,y\",\"say \"\"hi\"\"\nthere\"\r\nplain,a|b\r\n");
    CHECK(to_markdown(t).find("| plain | a\\|b |") != std::string::npos);
    CHECK(html_escape("<a href='x'>&</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;");
}

TEST_CASE("CSV defuses formula-like cells unless raw") {
    struct Case {
        std::string cell, defused, raw;
    } cases[] = {
        {"=HYPERLINK(\"http://evil.example\")", "\"'=HYPERLINK(\"\"http://evil.example\"\")\"",
         "\"=HYPERLINK(\"\"http://evil.example\"\")\""},
        {"+1+1", "\"'+1+1\"", "+1+1"},
        {"-2+3", "\"'-2+3\"", "-2+3"},
        {"@SUM(A1)", "\"'@SUM(A1)\"", "@SUM(A1)"},
        {"\t=1", "\"'\t=1\"", "\t=1"},
        {"\r=1", "\"'\r=1\"", "\"\r=1\""},
        {"-", "\"'-\"", "-"},
        {"-5", "-5", "-5"},  // numbers stay numbers
        {"-1.5", "-1.5", "-1.5"},
        {"+3", "+3", "+3"},
        {"a=1", "a=1", "a=1"},
        {"", "", ""},
    };
    for (const auto& c : cases) {
        CAPTURE(c.cell);
        Table t{"", {"h"}, {{c.cell}}};
        CHECK(to_csv(t) == "h\r\n" + c.defused + "\r\n");
        CHECK(to_csv(t, CsvCells::raw) == "h\r\n" + c.raw + "\r\n");
    }
}

TEST_CASE("Markdown cells are inert: no HTML, no markup, no autolinks") {
    struct Case {
        std::string cell, md;
    } cases[] = {
        {"<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"},
        {"<script>x</script> & more", "&lt;script&gt;x&lt;/script&gt; &amp; more"},
        {"&lt;", "&amp;lt;"},
        {"[a](javascript:x) ![i](y)", "\\[a\\](javascript:x) !\\[i\\](y)"},
        {"*b* _i_ `c` ~s~ a|b \\", "\\*b\\* \\_i\\_ \\`c\\` \\~s\\~ a\\|b \\\\"},
        {"# title", "\\# title"},
        {"http://evil.example www.evil.example a@b.example", "http\\://evil.example www\\.evil.example a\\@b.example"},
        {"two\r\nlines", "two<br>lines"},
        {"2026-11-02T10:00:00Z 3h 5m INC-28", "2026-11-02T10:00:00Z 3h 5m INC-28"},
        {"", " "},
    };
    for (const auto& c : cases) {
        CAPTURE(c.cell);
        CHECK(markdown_cell(c.cell) == c.md);
        Table t{"", {"h"}, {{c.cell}}};
        CHECK(to_markdown(t) == "| h |\n| --- |\n| " + c.md + " |\n");
    }
}
