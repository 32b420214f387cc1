#include "query/query.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"

using namespace incident;

TEST_SUITE_BEGIN("query");

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

Summary sample() {
    Summary s;
    s.id = "INC-7";
    s.title = "Checkout latency above 3 s";
    s.status = Status::investigating;
    s.priority = "P2";
    s.impact = "high";
    s.urgency = "medium";
    s.service = "checkout";
    s.team = "sre";
    s.tier = "L2";
    s.assignee = "bob@example.com";
    s.tags = {"customer-facing"};
    s.times.opened = at("2026-11-20T10:00:00Z");
    s.times.acknowledged = at("2026-11-20T10:12:00Z");
    s.escalations_functional = 1;
    return s;
}

bool match(const char* expr, const Summary& s = sample(), Timestamp now = at("2026-11-20T16:00:00Z")) {
    static const Config cfg;
    return Filter::parse(expr, cfg, now).matches(s);
}

std::string error_of(const char* expr) {
    Config cfg;
    try {
        Filter::parse(expr, cfg, at("2026-11-20T16:00:00Z"));
    } catch (const UsageError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("comparisons understand each field's kind") {
    struct Case {
        const char* expr;
        bool expected;
    };
    for (const Case& c : std::initializer_list<Case>{
             {"priority<=P2", true},
             {"priority<P2", false},
             {"priority>P1", true},
             {"priority=P2", true},
             {"priority>=P3", false},
             {"impact<=medium", true},
             {"impact>high", false},
             {"urgency=medium", true},
             {"tier>L1", true},
             {"status<resolved", true},
             {"status>=mitigated", false},
             {"status!=closed", true},
             {"service in (checkout, payments)", true},
             {"service not in (checkout)", false},
             {"service=CHECKOUT", true},
             {"title~\"LATENCY\"", true},
             {"title!~latency", false},
             {"tag:customer-facing", true},
             {"tag:security", false},
             {"age>4h", true},
             {"age>=7h", false},
             {"tta<15m", true},
             {"tta=12m", true},
             {"ttr>0s", false},
             {"ttr!=1h", true},
             {"opened>=2026-11-20", true},
             {"opened>2026-11-20", false},
             {"opened<=2026-11-20", true},
             {"opened=2026-11-20", true},
             {"opened<2026-11-20T10:00:00Z", false},
             {"opened>=-1d", true},
             {"resolved>=2026-01-01", false},
             {"resolved!=2026-01-01", true},
             {"escalations=1", true},
             {"reopens>0", false},
             {"drill", false},
             {"not drill", true},
             {"drill=false", true},
             {"assignee=\"\"", false},
             {"problem=\"\"", true},
             {"sla=none", true},
         })
        CHECK_MESSAGE(match(c.expr) == c.expected, c.expr);
}

TEST_CASE("and binds tighter than or; not and parentheses") {
    CHECK(match("priority=P1 or service=checkout and tag:customer-facing"));
    CHECK_FALSE(match("(priority=P1 or service=checkout) and tag:security"));
    CHECK(match("not (priority=P1 or status=closed)"));
    CHECK(
        match("priority<=P2 and status!=closed and service in (checkout, payments) and tag:customer-facing and "
              "opened>=2026-01-01 and title~\"latency\""));
    CHECK(match("PRIORITY<=P2 AND NOT drill"));          // keywords and field names in any case
    CHECK_THROWS_AS(match("priority<=p2"), UsageError);  // scale values as configured
}

TEST_CASE("a running SLA clock is judged at the filter's now") {
    Summary s = sample();
    s.resolve.state = ClockState::ok;
    s.resolve.running = true;
    s.resolve.at_risk_at = at("2026-11-20T14:00:00Z");
    s.resolve.due = at("2026-11-20T18:00:00Z");
    CHECK(match("sla_resolve=ok", s, at("2026-11-20T13:00:00Z")));
    CHECK(match("sla_resolve=at-risk", s, at("2026-11-20T15:00:00Z")));
    CHECK(match("sla=breached", s, at("2026-11-20T19:00:00Z")));
}

TEST_CASE("mistakes name the column") {
    CHECK(error_of("priority<=P2 and").find("column 17: expected a field name, found the end") != std::string::npos);
    CHECK(error_of("priority<=P9").find("column 11: 'P9' is not on the priority scale") != std::string::npos);
    CHECK(error_of("bogus=1").find("column 1: unknown field 'bogus'") != std::string::npos);
    CHECK(error_of("title~\"x").find("column 7: this quote is never closed") != std::string::npos);
    CHECK(error_of("service<x").find("column 8: 'service' has no order") != std::string::npos);
    CHECK(error_of("age>soon").find("column 5: 'soon' is not a duration") != std::string::npos);
    CHECK(error_of("opened>=yesterday").find("'yesterday' is not a time") != std::string::npos);
    CHECK(error_of("(status=open").find("column 13: expected ')'") != std::string::npos);
    CHECK(error_of("status=open status=closed").find("column 13: expected 'and', 'or' or the end") !=
          std::string::npos);
    CHECK(error_of("status ! open").find("column 8") != std::string::npos);
    CHECK(error_of("").find("empty") != std::string::npos);
    CHECK(error_of("service in checkout").find("expected '(' after 'in'") != std::string::npos);
    // The message carries the expression and a caret under the column.
    CHECK(error_of("priority<=P9").find("\n  priority<=P9\n            ^") != std::string::npos);
}

TEST_CASE("sort: by kind, descending with '-', absent values last") {
    Config cfg;
    Summary a = sample(), b = sample(), c = sample();
    a.id = "INC-10";
    a.priority = "P3";
    b.id = "INC-9";
    b.priority = "P1";
    c.id = "INC-11";
    c.priority = "";
    std::vector<const Summary*> rows = {&a, &b, &c};
    auto now = at("2026-11-21T00:00:00Z");
    sort_summaries(rows, parse_sort("priority"), cfg, now);
    CHECK(rows[0]->id == "INC-9");
    CHECK(rows[1]->id == "INC-10");
    CHECK(rows[2]->id == "INC-11");
    sort_summaries(rows, parse_sort("-priority"), cfg, now);
    CHECK(rows[0]->id == "INC-10");
    CHECK(rows[2]->id == "INC-11");
    sort_summaries(rows, parse_sort("id"), cfg, now);
    CHECK(rows[0]->id == "INC-9");  // numeric, not text order
    CHECK_THROWS_AS(parse_sort("nope"), UsageError);
    CHECK_THROWS_AS(parse_fields("id,-title"), UsageError);
    CHECK(parse_fields("id, opened_at")[1]->name == "opened");
}
