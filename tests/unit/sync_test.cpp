// incident sync through the library: mentions renamed as whole ids, a
// collision renumbered in the unpushed commits, the old id remembered, and a
// failure that leaves the clone as it was.
#include "sync/sync.hpp"

#include "history/history.hpp"
#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

void create(const IncidentRepo& repo, const std::string& title) {
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, title), options());
}

// The seed repository (init, INC-1) pushed to a bare remote, and a second clone.
struct TwoClones : SharedRepo {
    TwoClones() {
        create(a, "Checkout latency");
        share();
    }
    static SyncResult sync(const Workspace& ws) {
        SyncOptions o;
        o.actor = "alice@example.com";
        o.lock_timeout = std::chrono::milliseconds(50);
        return sync_repository(ws, o);
    }
    static std::string head(const fs::path& dir) { return run_process({"git", "rev-parse", "HEAD"}, dir.string()).out; }
};

}  // namespace

TEST_CASE("rename_mentions replaces whole ids only") {
    const std::vector<Renumbering> map = {{"INC-12", "INC-14", ""}, {"INC-13", "INC-15", ""}};
    struct Case {
        const char* in;
        const char* out;
    };
    for (const auto& c : std::vector<Case>{
             {"id: INC-12\n", "id: INC-14\n"},
             {"related: [INC-12, INC-13]", "related: [INC-14, INC-15]"},
             {"see INC-12.", "see INC-14."},
             {"INC-12", "INC-14"},
             {"INC-123 and INC-120", "INC-123 and INC-120"},
             {"XINC-12 and inc-12", "XINC-12 and inc-12"},
             {"INC-12-b", "INC-14-b"},
             {"postmortems/INC-13.md", "postmortems/INC-15.md"},
             {"", ""},
         }) {
        CAPTURE(c.in);
        CHECK(rename_mentions(c.in, map) == c.out);
    }
}

TEST_CASE("sync renumbers a local incident whose id upstream took, and remembers the old id") {
    TwoClones c;
    Workspace a = c.a.open(), b = c.open_b();
    create_incident(a, opened(a, "Disk full"), options());
    CHECK(TwoClones::sync(a).sent.size() == 1);
    auto mine = create_incident(b, opened(b, "Queue backlog"), options());
    REQUIRE(mine.incident.id == "INC-2");
    change_incident(b, "INC-1", note(b, "see INC-2"), options());

    SyncResult r = TwoClones::sync(b);
    REQUIRE(r.renumbered.size() == 1);
    CHECK(r.renumbered[0].from == "INC-2");
    CHECK(r.renumbered[0].to == "INC-3");
    CHECK(r.renumbered[0].uid == mine.incident.uid);
    CHECK(describe(r.renumbered[0]) == "INC-2 is now INC-3 (INC-2 was taken upstream)");
    CHECK(r.received.size() == 1);
    CHECK(r.sent.size() == 2);
    CHECK(b.store.load("INC-3").uid == mine.incident.uid);
    CHECK(b.store.load("INC-2").title == "Disk full");
    CHECK(contains(b.store.load("INC-1").timeline.back().text, "see INC-3"));
    CHECK(TwoClones::head(c.b) == TwoClones::head(c.remote));

    auto moved = renumbered(b, "INC-2");
    REQUIRE(moved);
    CHECK(moved->to == "INC-3");
    CHECK_FALSE(renumbered(b, "INC-1"));
    CHECK_FALSE(renumbered(a, "INC-2"));  // only the clone that renumbered remembers
    CHECK(b.store.find_uid(b.store.load("INC-2").uid) == "INC-2");
}

TEST_CASE("a sync that cannot reach the remote leaves the clone as it was") {
    TwoClones c;
    Workspace b = c.open_b();
    change_incident(b, "INC-1", note(b, "offline"), options());
    const std::string before = TwoClones::head(c.b);
    fs::rename(c.remote, c.a.t.dir / "away.git");
    auto e = thrown<IoError>([&] { TwoClones::sync(b); });
    REQUIRE(e);
    CHECK(contains(e->what(), "cannot fetch from origin"));
    CHECK(contains(e->hint(), "1 local commit(s) go out with the next sync"));
    CHECK(TwoClones::head(c.b) == before);
    CHECK_FALSE(fs::exists(b.repo.state_dir / "sync-start"));
}

TEST_CASE("snapshot_at checks out the incident files of a past commit beside the clone") {
    IncidentRepo repo;
    create(repo, "First");
    const std::string first = repo.git("rev-parse HEAD").substr(0, 40);
    create(repo, "Second");
    Workspace ws = repo.open();
    Snapshot s = snapshot_at(ws.repo, first);
    CHECK(s.commit == first);
    CHECK(fs::exists(s.root / "incidents" / "INC-1.yaml"));
    CHECK_FALSE(fs::exists(s.root / "incidents" / "INC-2.yaml"));
    CHECK(s.root.parent_path().parent_path() == ws.repo.state_dir);
    CHECK(repo.git("status --porcelain").empty());
    CHECK(thrown<UsageError>([&] { snapshot_at(ws.repo, "no-such-rev"); }));
}

}  // namespace incident::test
