#include "index/index.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>

#include "store/repository.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("index");

namespace {

std::string incident_yaml(int n, const char* title) {
    return "id: INC-" + std::to_string(n) + "\ntitle: " + title +
           "\nstatus: open\nservice: checkout\npriority: P2\nopened_at: 2026-11-20T10:00:00Z\n"
           "timeline:\n  - {at: 2026-11-20T10:00:00Z, by: alice, type: opened}\n";
}

// Files written by a test are "fresh" and not cached; age them.
void age(const fs::path& p) {
    struct timespec times[2] = {{1700000000, 0}, {1700000000, 0}};
    utimensat(AT_FDCWD, p.c_str(), times, 0);
}

}  // namespace

TEST_CASE("index: parses once, then serves unchanged files from the cache") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    for (int n = 1; n <= 12; ++n) {
        t.write("incidents/INC-" + std::to_string(n) + ".yaml", incident_yaml(n, "first"));
        age(t.dir / ("incidents/INC-" + std::to_string(n) + ".yaml"));
    }
    Repository repo = find_repository(t.dir);
    Store store(repo);
    Config cfg;
    Timestamp now = *parse_rfc3339("2026-11-21T00:00:00Z");

    auto first = load_index(store, cfg, now);
    CHECK(first.incidents.size() == 12);
    CHECK(first.incidents[1].id == "INC-2");  // id order, not text order
    CHECK(first.stats.parsed == 12);
    CHECK(first.stats.cache_written);

    auto second = load_index(store, cfg, now);
    CHECK(second.stats.parsed == 0);
    CHECK(second.incidents[11].title == "first");
    CHECK_FALSE(second.stats.cache_written);

    // A change is seen even with the same size and an old time stamp: the
    // change time and inode differ.
    t.write("incidents/INC-5.yaml", incident_yaml(5, "secnd"));
    age(t.dir / "incidents/INC-5.yaml");
    auto third = load_index(store, cfg, now);
    CHECK(third.stats.parsed == 1);
    CHECK(third.incidents[4].title == "secnd");

    // A removed file disappears; a broken one is reported, not cached.
    fs::remove(t.dir / "incidents/INC-12.yaml");
    t.write("incidents/INC-3.yaml", "id: [");
    age(t.dir / "incidents/INC-3.yaml");
    auto fourth = load_index(store, cfg, now);
    CHECK(fourth.incidents.size() == 10);
    REQUIRE(fourth.errors.size() == 1);
    CHECK(std::string(fourth.errors[0].what()).find("INC-3.yaml") != std::string::npos);
    fourth.writing.reset();  // its cache is written before the test breaks it

    // A corrupt cache is ignored and rebuilt.
    std::ofstream(index_cache_path(repo), std::ios::binary | std::ios::trunc) << "INCIDX\0\0garbage";
    auto fifth = load_index(store, cfg, now);
    CHECK(fifth.incidents.size() == 10);
    CHECK(fifth.stats.parsed == 11);
    CHECK(load_index(store, cfg, now).stats.parsed == 1);  // only the broken file

    // Other SLA settings make the cache stale.
    Config other;
    other.sla_at_risk = 0.5;
    CHECK(load_index(store, other, now).stats.parsed == 11);

    // --no-cache neither reads nor writes it.
    auto bypass = load_index(store, cfg, now, false);
    CHECK(bypass.stats.parsed == 11);
    CHECK_FALSE(bypass.stats.cache_written);
}

TEST_CASE("index: after files are added, removed, renamed and broken, the cache gives what parsing gives") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    auto put = [&](const std::string& id, const std::string& text) {
        t.write("incidents/" + id + ".yaml", text);
        age(t.dir / ("incidents/" + id + ".yaml"));
    };
    for (int n = 2; n <= 40; n += 2) put("INC-" + std::to_string(n), incident_yaml(n, "first"));
    Store store(find_repository(t.dir));
    Config cfg;
    Timestamp now = *parse_rfc3339("2026-11-21T00:00:00Z");
    REQUIRE(load_index(store, cfg, now).stats.cache_written);

    // Cached summaries move both ways within the cache's array: towards the
    // front (more removed than added before them: INC-10 to INC-20), towards
    // the back (more added: INC-30 to INC-38). Besides: a changed file, a
    // broken one, the last one removed, a new prefix sorting first.
    put("AAA-1", "id: AAA-1\ntitle: other prefix\nstatus: open\nopened_at: 2026-11-20T10:00:00Z\n");
    put("INC-1", incident_yaml(1, "new first"));
    for (int n : {4, 6, 8}) fs::remove(t.dir / ("incidents/INC-" + std::to_string(n) + ".yaml"));
    put("INC-12", incident_yaml(12, "changed"));
    put("INC-16", "id: [");
    for (int n : {21, 23, 25, 27, 29}) put("INC-" + std::to_string(n), incident_yaml(n, "new"));
    fs::remove(t.dir / "incidents/INC-40.yaml");

    auto parsed = load_index(store, cfg, now, false);
    for (int pass = 0; pass < 2; ++pass) {
        CAPTURE(pass);
        auto cached = load_index(store, cfg, now);
        CHECK(cached.stats.parsed == (pass == 0 ? 9u : 1u));  // then only the broken file
        REQUIRE(cached.incidents.size() == parsed.incidents.size());
        for (std::size_t i = 0; i < parsed.incidents.size(); ++i) {
            CAPTURE(i);
            CHECK(cached.incidents[i].id == parsed.incidents[i].id);
            CHECK(cached.incidents[i].title == parsed.incidents[i].title);
            CHECK(cached.incidents[i].activity.size() == parsed.incidents[i].activity.size());
        }
        REQUIRE(cached.errors.size() == 1);
        CHECK(std::string(cached.errors[0].what()).find("INC-16.yaml") != std::string::npos);
    }
    CHECK(parsed.incidents.size() == 22);
    CHECK(parsed.incidents.front().id == "AAA-1");
    CHECK(parsed.incidents[1].title == "new first");
    CHECK(parsed.incidents.back().id == "INC-38");
}

TEST_CASE("index: a file changed within the last two seconds is not cached") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    t.write("incidents/INC-1.yaml", incident_yaml(1, "fresh"));
    Store store(find_repository(t.dir));
    Config cfg;
    Timestamp now = *parse_rfc3339("2026-11-21T00:00:00Z");
    CHECK(load_index(store, cfg, now).stats.parsed == 1);
    CHECK(load_index(store, cfg, now).stats.parsed == 1);
}

TEST_CASE("index: files sort by prefix, then by number as a number") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    const char* ids[] = {"INC-100", "OPS-2", "INC-9", "A1-7", "INC-10", "INC-1", "ABC-5", "OPS-10", "INC-999999999"};
    for (const char* id : ids) {
        t.write(std::string("incidents/") + id + ".yaml", "id: " + std::string(id) + "\ntitle: t\nstatus: open\n");
    }
    t.write("incidents/INC-01.yaml", "id: INC-01\n");  // not an id: ignored
    t.write("incidents/notes.txt", "");
    Store store(find_repository(t.dir));
    auto index = load_index(store, Config{}, *parse_rfc3339("2026-11-21T00:00:00Z"), false);
    std::vector<std::string> order;
    for (const auto& s : index.incidents) order.emplace_back(s.id);
    CHECK(order == std::vector<std::string>{"A1-7", "ABC-5", "INC-1", "INC-9", "INC-10", "INC-100", "INC-999999999",
                                            "OPS-2", "OPS-10"});
}
