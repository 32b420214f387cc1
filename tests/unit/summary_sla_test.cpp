// The SLA clocks computed from an index summary (as `sla` does) equal the
// ones computed from the incident file, fresh and through the cache.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "index/index.hpp"
#include "sla/sla.hpp"
#include "store/repository.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("summary_sla");

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

void age(const fs::path& p) {
    struct timespec times[2] = {{1700000000, 0}, {1700000000, 0}};
    utimensat(AT_FDCWD, p.c_str(), times, 0);
}

void check_same(const SlaClock& a, const SlaClock& b) {
    CHECK(a.name == b.name);
    CHECK(a.state == b.state);
    CHECK(a.target == b.target);
    CHECK(a.elapsed == b.elapsed);
    CHECK(a.remaining == b.remaining);
    CHECK(a.running == b.running);
    CHECK(a.paused == b.paused);
    CHECK(a.business_hours == b.business_hours);
    CHECK(a.due == b.due);
}

const char* kHead = "status: investigating\npriority: P2\nopened_at: 2026-11-20T10:00:00Z\n";

}  // namespace

TEST_CASE("sla from the summary: the same clocks as from the file, at any moment") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    std::vector<std::pair<std::string, std::string>> files = {
        // Mitigated twice, then back; acknowledged.
        {"INC-1", std::string(kHead) + "acknowledged_at: 2026-11-20T10:20:00Z\ntimeline:\n"
                                       "  - {at: 2026-11-20T10:00:00Z, by: a, type: opened}\n"
                                       "  - {at: 2026-11-20T11:00:00Z, by: a, type: status, from: investigating, to: "
                                       "mitigated}\n"
                                       "  - {at: 2026-11-20T13:00:00Z, by: a, type: status, from: mitigated, to: "
                                       "investigating}\n"
                                       "  - {at: 2026-11-20T14:00:00Z, by: a, type: status, from: investigating, to: "
                                       "mitigated}\n"},
        // A timeline out of order: a late event before an early move to mitigated.
        {"INC-2", std::string(kHead) + "timeline:\n"
                                       "  - {at: 2026-11-20T10:00:00Z, by: a, type: opened}\n"
                                       "  - {at: 2026-11-20T18:00:00Z, by: a, type: note, text: late}\n"
                                       "  - {at: 2026-11-20T11:00:00Z, by: a, type: status, from: investigating, to: "
                                       "mitigated}\n"},
        // A named policy on business hours; resolved, then closed.
        {"INC-3",
         "status: closed\npriority: P3\nsla_policy: gold\nopened_at: 2026-11-20T16:00:00Z\n"
         "resolved_at: 2026-11-23T11:00:00Z\nclosed_at: 2026-11-24T11:00:00Z\n"},
        // Closed without a resolution time: the resolve clock stops at closing.
        {"INC-4", "status: closed\npriority: P1\nopened_at: 2026-11-20T10:00:00Z\nclosed_at: 2026-11-20T12:00:00Z\n"},
        // No priority, no target: no clocks.
        {"INC-5", "status: open\nopened_at: 2026-11-20T10:00:00Z\n"},
        {"INC-6", "status: open\npriority: P4\nsla_policy: gold\nopened_at: 2026-11-21T08:00:00Z\n"},
    };
    for (const auto& [id, body] : files) {
        t.write("incidents/" + id + ".yaml", "id: " + id + "\ntitle: t\n" + body);
        age(t.dir / ("incidents/" + id + ".yaml"));
    }
    Store store(find_repository(t.dir));
    const char* moments[] = {"2026-11-20T09:00:00Z", "2026-11-20T10:10:00Z", "2026-11-20T11:00:00Z",
                             "2026-11-20T12:30:00Z", "2026-11-20T15:00:00Z", "2026-11-20T19:00:00Z",
                             "2026-11-23T10:00:00Z", "2026-12-20T10:00:00Z"};
    for (bool pause : {false, true}) {
        Config cfg;
        cfg.sla_pause_when_mitigated = pause;
        SlaTarget gold;
        gold.respond = std::chrono::hours(2);
        gold.resolve = std::chrono::hours(10);
        gold.business_hours = true;
        for (const char* p : {"P1", "P2", "P3", "P4", "P5"}) cfg.sla_policies["gold"][p] = gold;
        for (bool cached : {false, true}) {
            CAPTURE(pause);
            CAPTURE(cached);
            Index index = load_index(store, cfg, at("2026-11-20T10:30:00Z"));
            CHECK(index.stats.cache_read == cached);
            REQUIRE(index.errors.empty());
            REQUIRE(index.incidents.size() == files.size());
            for (const auto& s : index.incidents) {
                Incident inc = store.load(std::string(s.id));
                CHECK(s.sla_policy == inc.sla_policy);
                CHECK(s.mitigation.size() == (pause ? mitigation_marks(inc).size() : 0));
                for (const char* m : moments) {
                    CAPTURE(s.id);
                    CAPTURE(m);
                    SlaStatus want = sla_status(inc, cfg, at(m)), got = sla_status(s, cfg, at(m));
                    check_same(got.respond, want.respond);
                    check_same(got.resolve, want.resolve);
                }
            }
        }
    }
}

TEST_CASE("the at-risk threshold: a summary's clock turns at risk in the same second as the file's") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    t.write("incidents/INC-1.yaml",
            "id: INC-1\ntitle: t\nstatus: investigating\npriority: P2\nsla_policy: odd\n"
            "opened_at: 2026-11-20T10:00:00Z\n");
    age(t.dir / "incidents/INC-1.yaml");
    Store store(find_repository(t.dir));
    Config cfg;
    cfg.sla_at_risk = 0.75;  // of 1001 s: 750.75 s, so at risk from 751 s
    SlaTarget odd;
    odd.respond = Seconds{1001};
    odd.resolve = Seconds{4001};
    cfg.sla_policies["odd"]["P2"] = odd;
    Timestamp opened = at("2026-11-20T10:00:00Z");
    CHECK(at_risk_after(cfg, Seconds{1001}) == Seconds{751});
    Index index = load_index(store, cfg, opened + Seconds{10});
    REQUIRE(index.incidents.size() == 1);
    const Summary& s = index.incidents[0];
    Incident inc = store.load("INC-1");
    for (int second = 745; second <= 760; ++second) {
        CAPTURE(second);
        Timestamp now = opened + Seconds{second};
        CHECK(s.respond.at(now) == sla_status(inc, cfg, now).respond.state);
        CHECK(s.respond.at(now) == (second >= 751 ? ClockState::at_risk : ClockState::ok));
    }
}

TEST_CASE("mitigation marks: each move with the latest time seen so far") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    t.write("incidents/INC-1.yaml", std::string("id: INC-1\ntitle: t\n") + kHead +
                                        "timeline:\n"
                                        "  - {at: 2026-11-20T12:00:00Z, by: a, type: note}\n"
                                        "  - {at: 2026-11-20T11:00:00Z, by: a, type: status, from: investigating, "
                                        "to: mitigated}\n"
                                        "  - {at: 2026-11-20T13:00:00Z, by: a, type: status, from: mitigated, to: "
                                        "resolved}\n");
    Store store(find_repository(t.dir));
    auto marks = mitigation_marks(store.load("INC-1"));
    REQUIRE(marks.size() == 2);
    CHECK(marks[0] == MitigationMark{at("2026-11-20T11:00:00Z"), at("2026-11-20T12:00:00Z"), true, false});
    CHECK(marks[1] == MitigationMark{at("2026-11-20T13:00:00Z"), at("2026-11-20T13:00:00Z"), false, true});
}
