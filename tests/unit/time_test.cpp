#include "model/time.hpp"

#include <date/date.h>
#include <doctest/doctest.h>

using namespace incident;

TEST_SUITE_BEGIN("model::time");

TEST_CASE("RFC 3339 parsing accepts UTC, offsets and fractions, refuses the rest") {
    struct Case {
        const char* text;
        const char* expect;  // nullptr: refused
    } cases[] = {
        {"2026-11-22T03:04:05Z", "2026-11-22T03:04:05Z"},
        {"2026-11-22T03:04:05.123Z", "2026-11-22T03:04:05Z"},
        {"2026-11-22T03:04:05+01:00", "2026-11-22T02:04:05Z"},
        {"2026-11-22T23:30:00-02:00", "2026-11-23T01:30:00Z"},
        {"2026-11-22 03:04:05Z", "2026-11-22T03:04:05Z"},
        {"2026-02-30T00:00:00Z", nullptr},
        {"2026-11-22T25:00:00Z", nullptr},
        {"2026-11-22T03:04:05", nullptr},
        {"yesterday", nullptr},
        {"2026-11-22T03:04:05+0100", nullptr},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        auto t = parse_rfc3339(c.text);
        if (c.expect) {
            REQUIRE(t);
            CHECK(format_rfc3339(*t) == c.expect);
        } else {
            CHECK_FALSE(t);
        }
    }
}

TEST_CASE("durations") {
    CHECK(parse_duration("15m")->count() == 900);
    CHECK(parse_duration("1h30m")->count() == 5400);
    CHECK(parse_duration("2d")->count() == 172800);
    CHECK(parse_duration("1w")->count() == 604800);
    CHECK_FALSE(parse_duration(""));
    CHECK_FALSE(parse_duration("15"));
    CHECK_FALSE(parse_duration("m"));
    CHECK_FALSE(parse_duration("3x"));
    // Longer than 100 years is refused, and so no sum can overflow.
    CHECK(parse_duration("5200w"));
    CHECK_FALSE(parse_duration("999999999w"));
    CHECK_FALSE(parse_duration("99999999d"));
    std::string many;
    for (int i = 0; i < 20000; ++i) many += "999999999w";
    CHECK_FALSE(parse_duration(many));
    CHECK(format_duration(Seconds{45}) == "45s");
    CHECK(format_duration(Seconds{3900}) == "1h 5m");
    CHECK(format_duration(Seconds{90000}) == "1d 1h");
}

TEST_CASE("--at specs resolve against an injected now") {
    Timestamp now = *parse_rfc3339("2026-11-22T12:00:00Z");
    CHECK(format_rfc3339(*parse_time_spec("now", now)) == "2026-11-22T12:00:00Z");
    CHECK(format_rfc3339(*parse_time_spec("-15m", now)) == "2026-11-22T11:45:00Z");
    CHECK(format_rfc3339(*parse_time_spec("+2h", now)) == "2026-11-22T14:00:00Z");
    CHECK(format_rfc3339(*parse_time_spec("2026-01-02", now)) == "2026-01-02T00:00:00Z");
    CHECK_FALSE(parse_time_spec("-", now));
    CHECK_FALSE(parse_time_spec("soon", now));
}

TEST_CASE("formatting agrees with date::format across the calendar, and outside four-digit years") {
    // Every 3 days 1 hour 17 seconds from 1900 to 2200: leap years, month ends, all hours.
    for (long long s = -2208988800LL; s < 7258118400LL; s += 3 * 86400 + 3600 + 17) {
        Timestamp t{Seconds{s}};
        CAPTURE(s);
        REQUIRE(format_rfc3339(t) == date::format("%Y-%m-%dT%H:%M:%SZ", t));
        REQUIRE(format_date(t) == date::format("%Y-%m-%d", date::floor<date::days>(t)));
    }
    Timestamp far{Seconds{253402300800LL}};  // 10000-01-01
    CHECK(format_rfc3339(far) == date::format("%Y-%m-%dT%H:%M:%SZ", far));
}

TEST_SUITE_END();
