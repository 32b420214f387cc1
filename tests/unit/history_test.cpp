// An incident's history from real git: each commit that changed the file and
// the fields it changed; additions, removals and unreadable versions.
#include "history/history.hpp"

#include <doctest/doctest.h>

#include "git/process.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::GitEnvironment;
using incident::test::TestContext;

TEST_SUITE_BEGIN("history");

namespace {

struct Repo {
    TestContext t;
    GitEnvironment env{t.dir / "gitconfig"};
    std::string dir = (t.dir / "repo").string();
    Repo() {
        run({"init", "-q", dir});
        run({"-C", dir, "config", "user.name", "Ana"});
        run({"-C", dir, "config", "user.email", "ana@example.com"});
    }
    void run(std::vector<std::string> args) {
        args.insert(args.begin(), "git");
        REQUIRE(run_process(args, "").status == 0);
    }
    void commit(const std::string& text, const std::string& message) {
        t.write("repo/incidents/INC-1.yaml", text);
        run({"-C", dir, "add", "-A"});
        run({"-C", dir, "commit", "-qm", message});
    }
};

const char* kOpened =
    "id: INC-1\ntitle: Disk full\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\n"
    "timeline:\n  - {at: 2026-11-22T03:00:00Z, type: opened}\n";

}  // namespace

TEST_CASE("each commit with the fields it changed, oldest first") {
    Repo r;
    CHECK(incident_history(r.dir, "incidents/INC-1.yaml").empty());  // no commit yet
    r.commit(kOpened, "opened");
    r.commit(std::string(kOpened) + "  - {at: 2026-11-22T03:05:00Z, type: note, text: cleaning}\n", "note");
    r.commit(std::string(kOpened) + "x_runbook: https://runbooks.example/disk\n", "runbook");
    r.commit("id: INC-1\ntitle: [unclosed\n", "broken by hand");
    r.run({"-C", r.dir, "rm", "-q", "incidents/INC-1.yaml"});
    r.run({"-C", r.dir, "commit", "-qm", "removed"});

    auto h = incident_history(r.dir, "incidents/INC-1.yaml");
    REQUIRE(h.size() == 5);
    CHECK(h[0].commit.subject == "opened");
    CHECK(h[0].commit.email == "ana@example.com");
    CHECK(h[0].added);
    CHECK(h[0].fields == std::vector<std::string>{"id", "title", "status", "opened_at", "timeline"});
    CHECK(h[1].fields == std::vector<std::string>{"timeline"});
    CHECK(h[2].fields == std::vector<std::string>{"timeline", "x_runbook"});  // the note is gone again
    CHECK(h[3].unreadable);
    CHECK(h[4].removed);
    CHECK(h[4].commit.time >= h[0].commit.time);
}

TEST_CASE("who made each change: the actors of the events it added, not the git author") {
    Repo r;
    const std::string opened =
        "id: INC-1\ntitle: Disk full\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\n"
        "timeline:\n  - {at: 2026-11-22T03:00:00Z, by: alice@example.com, type: opened}\n";
    r.commit(opened, "opened");
    const std::string noted = opened + "  - {at: 2026-11-22T03:05:00Z, by: bob@example.com, type: note}\n" +
                              "  - {at: 2026-11-22T03:06:00Z, by: bob@example.com, type: note}\n";
    r.commit(noted, "two notes");
    r.commit(noted + "x_runbook: https://runbooks.example/disk\n", "by hand");

    auto h = incident_history(r.dir, "incidents/INC-1.yaml");
    REQUIRE(h.size() == 3);
    CHECK(h[0].actors == std::vector<std::string>{"alice@example.com"});
    CHECK(h[1].actors == std::vector<std::string>{"bob@example.com"});
    CHECK(h[2].actors.empty());  // no event: only the git author is known
    CHECK(h[2].commit.email == "ana@example.com");
}

TEST_SUITE_END();
