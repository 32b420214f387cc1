// The parts of the similarity score, each on its own, and their sum.
#include "similar/similar.hpp"

#include <doctest/doctest.h>

using namespace incident;

TEST_SUITE_BEGIN("similar");

namespace {
Timestamp at(const char* t) { return *parse_rfc3339(t); }

Incident report_of(const char* id, const char* category, const char* location, const char* when, const char* title) {
    Incident inc;
    inc.id = id;
    inc.title = title;
    inc.category = category;
    inc.subcategory = "theft";
    inc.location = location;
    if (*when) inc.opened_at = at(when);
    return inc;
}
}  // namespace

TEST_CASE("location: the share of levels in common from the top, or metres apart") {
    CHECK(location_likeness("Site A/Car park B/Level -1", "site a / car park b / level -1") == 1.0);
    CHECK(location_likeness("Site A/Car park B/Level -1", "Site A/Car park B/Level 0") == doctest::Approx(2.0 / 3));
    CHECK(location_likeness("Site A/Car park B", "Site B/Car park B") == 0.0);
    CHECK(location_likeness("", "Site A") == 0.0);
    CHECK(location_likeness("51.5007,-0.1246", "51.5007,-0.1246") == 1.0);
    CHECK(location_likeness("51.5007,-0.1246", "51.5052,-0.1246") == doctest::Approx(0.5).epsilon(0.01));  // ~500 m
    CHECK(location_likeness("51.5007,-0.1246", "51.6007,-0.1246") == 0.0);
}

TEST_CASE("time: the time of day (around midnight too) and the day of the week") {
    CHECK(time_likeness(at("2026-10-06T02:05:00Z"), at("2026-10-13T01:50:00Z")) == 1.0);  // Tuesdays, 15 min
    CHECK(time_likeness(at("2026-10-06T23:50:00Z"), at("2026-10-14T00:20:00Z")) ==
          doctest::Approx(0.6 + 0.4 * 0.5));  // Tue, Wed
    CHECK(time_likeness(at("2026-10-06T02:00:00Z"), at("2026-10-06T14:00:00Z")) == doctest::Approx(0.4));
    CHECK(time_likeness(at("2026-10-06T02:00:00Z"), at("2026-10-11T02:00:00Z")) == doctest::Approx(0.6));  // Sunday
}

TEST_CASE("rank_similar: best first, the parts add up to the score, nothing alike left out") {
    std::vector<Incident> all = {
        report_of("INC-1", "security", "Site A/Car park B", "2026-10-06T02:00:00Z", "Bicycle stolen from the rack"),
        report_of("INC-2", "security", "Site A/Car park B", "2026-10-13T02:10:00Z", "Another bicycle stolen"),
        report_of("INC-3", "security", "Site C", "2026-10-08T14:00:00Z", "Laptop taken"),
        report_of("INC-4", "network", "", "", "Core switch down"),
    };
    auto ranked = rank_similar(all[0], all);
    REQUIRE(ranked.size() == 2);
    CHECK(ranked[0].other->id == "INC-2");
    CHECK(ranked[1].other->id == "INC-3");
    for (const auto& s : ranked) {
        int sum = 0;
        for (const auto& p : s.parts) sum += p.contribution;
        CHECK(sum == s.score);
    }
    CHECK(ranked[0].parts[0].why == "same security/theft");
    CHECK(ranked[0].parts[4].value > 0);  // "bicycle", "stolen" in common
}

TEST_SUITE_END();
