// OpenKeyCache: what incident serve knows of the open incidents' dedup keys
// between its batches, used as serve's take_batch does; and the repository
// lock's generation it relies on.
#include "intake/intake.hpp"
#include "store/lock.hpp"
#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

const Timestamp kNow = at("2026-11-22T03:30:00Z");

Alert trigger(const std::string& key) {
    Alert a;
    a.key = key;
    a.title = "Alert " + key;
    a.severity = "critical";
    return a;
}

// One batch as serve's take_batch runs it: the cache's OpenKeys, the alerts,
// the commit with the cache's after() under the lock.
std::vector<IntakeOutcome> take(const Workspace& ws, OpenKeyCache& cache, const std::vector<Alert>& alerts) {
    ChangeBatch batch(ws, options());
    OpenKeys keys(batch, &cache);
    auto out = take_alerts(batch, keys, alerts, {}, "am", kNow);
    batch.commit([&] { cache.after(batch); });
    settle_outcomes(out, batch);
    return out;
}

// An open incident with dedup key `key`, written by hand: no lock, no commit.
void hand_written(const Workspace& ws, const std::string& id, const std::string& key) {
    NewIncident f;
    f.title = "By hand";
    f.impact = "high";
    f.urgency = "high";
    f.dedup_key = key;
    ws.store.save(open_incident(id, f, ws.rules, Actor{"alice@example.com", kNow, ws.config}));
}

std::uint64_t take_lock(const fs::path& path) {
    RepositoryLock lock(path, std::chrono::milliseconds(50));
    return lock.generation();
}

}  // namespace

TEST_SUITE_BEGIN("open keys");

TEST_CASE("the repository lock counts its takings in the lock file: 1 for a fresh file, then n+1") {
    TestContext t;
    const fs::path path = t.dir / "state" / "lock";
    CHECK(take_lock(path) == 1);
    CHECK(take_lock(path) == 2);
    CHECK(take_lock(path) == 3);
    CHECK(take_lock(t.dir / "other" / "lock") == 1);  // each file its own count
    CHECK(take_lock(path) == 4);
}

TEST_CASE("the cache answers the next batch without the index, until someone else takes the lock") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    OpenKeyCache cache;
    REQUIRE(take(ws, cache, {trigger("k1")})[0].id == "INC-1");  // reads the index, fills the cache
    hand_written(ws, "INC-2", "k2");
    REQUIRE(find_open_by_key(ws, "k2", kNow) == "INC-2");  // the index sees it
    {
        ChangeBatch batch(ws, options());
        CHECK(cache.holds(batch));
        OpenKeys keys(batch, &cache);
        auto out = take_alerts(batch, keys, {trigger("k1")}, {}, "am", kNow);
        CHECK(out[0].outcome == "repeated");
        CHECK(out[0].id == "INC-1");
        CHECK(keys.find("k2", kNow).empty());  // the cache answered: the index was not read
        batch.commit([&] { cache.after(batch); });
    }
    {
        ChangeBatch batch(ws, options());
        CHECK(cache.holds(batch));  // its own commit keeps it
        OpenKeys keys(batch, &cache);
        CHECK(keys.find("k2", kNow).empty());
        batch.commit([&] { cache.after(batch); });
    }
    CHECK(take_lock(ws.repo.lock_path()) > 0);  // another command, in between
    ChangeBatch batch(ws, options());
    CHECK(!cache.holds(batch));
    OpenKeys keys(batch, &cache);
    CHECK(keys.find("k2", kNow) == "INC-2");  // back to the index
    CHECK(keys.find("k1", kNow) == "INC-1");
    batch.commit([&] { cache.after(batch); });
}

TEST_CASE("a commit made with git between batches makes the cache not hold") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    OpenKeyCache cache;
    take(ws, cache, {trigger("k1")});
    hand_written(ws, "INC-2", "k2");
    repo.commit_all("an incident of their own");  // HEAD moves; the lock is not taken
    ChangeBatch batch(ws, options());
    CHECK(!cache.holds(batch));
    OpenKeys keys(batch, &cache);
    auto out = take_alerts(batch, keys, {trigger("k2")}, {}, "am", kNow);
    CHECK(out[0].outcome == "repeated");
    CHECK(out[0].id == "INC-2");
    batch.commit([&] { cache.after(batch); });
}

TEST_CASE("a cached incident resolved by hand is not used: the alert opens a new incident") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    OpenKeyCache cache;
    take(ws, cache, {trigger("k1")});
    Incident inc = ws.store.load("INC-1");
    resolve(inc, Actor{"alice@example.com", kNow, ws.config}, "fixed", "by hand");
    ws.store.save(inc);  // no lock, no commit
    ChangeBatch batch(ws, options());
    CHECK(cache.holds(batch));  // the cache does not know: the file it names says
    OpenKeys keys(batch, &cache);
    auto out = take_alerts(batch, keys, {trigger("k1")}, {}, "am", kNow);
    CHECK(out[0].outcome == "opened");
    CHECK(out[0].id == "INC-2");
    batch.commit([&] { cache.after(batch); });
    CHECK(ws.store.load("INC-1").status == Status::resolved);
    REQUIRE(cache.find("k1"));
    CHECK(*cache.find("k1") == "INC-2");
}

TEST_CASE("a batch's own changes update the cache: what it resolved is gone, what it opened is there") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    OpenKeyCache cache;
    take(ws, cache, {trigger("k1"), trigger("k2")});
    {
        ChangeBatch batch(ws, options());
        OpenKeys keys(batch, &cache);
        Alert gone = trigger("k2");
        gone.action = AlertAction::resolve;  // mitigated: still open under k2
        auto out = take_alerts(batch, keys, {trigger("k3"), gone}, {}, "am", kNow);
        CHECK(out[0].id == "INC-3");
        batch.change_or_create([] { return std::string("INC-1"); },
                               [&](Incident& inc) {
                                   return resolve(inc, Actor{"bob", kNow, ws.config}, "fixed", "ok");
                               },
                               {});
        batch.commit([&] { cache.after(batch); });
    }
    CHECK(cache.find("k1") == nullptr);
    REQUIRE(cache.find("k2"));
    CHECK(*cache.find("k2") == "INC-2");
    REQUIRE(cache.find("k3"));
    CHECK(*cache.find("k3") == "INC-3");
    ChangeBatch batch(ws, options());
    CHECK(cache.holds(batch));
    OpenKeys keys(batch, &cache);
    auto out = take_alerts(batch, keys, {trigger("k1"), trigger("k2"), trigger("k3")}, {}, "am", kNow);
    CHECK(out[0].outcome == "opened");
    CHECK(out[0].id == "INC-4");
    CHECK(out[1].outcome == "repeated");
    CHECK(out[1].id == "INC-2");
    CHECK(out[2].outcome == "repeated");
    CHECK(out[2].id == "INC-3");
    batch.commit([&] { cache.after(batch); });
}

TEST_SUITE_END();

}  // namespace incident::test
