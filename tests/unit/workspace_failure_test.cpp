// The change transaction at each point where it can fail (the lock, the
// load, the change, the save, the commit), and how the journal of a change
// left uncommitted is completed by the next one.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/lock.hpp"
#include "workspace/workspace.hpp"
#include "workspace_fixture.hpp"

using namespace incident;
using namespace incident::test;

TEST_SUITE_BEGIN("workspace");

TEST_CASE("a lock held by another command: refused after the timeout, nothing read or written") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string text = repo.read("incidents/INC-1.yaml");
    const std::string before = repo.state();
    int mutations = 0;
    {
        RepositoryLock other(ws.repo.lock_path(), std::chrono::milliseconds(100));
        auto changed = thrown<IoError>([&] {
            change_incident(
                ws, "INC-1",
                [&](Incident& inc) {
                    ++mutations;
                    return note(ws, "x")(inc);
                },
                options());
        });
        REQUIRE(changed);
        CHECK(changed->code() == ExitCode::runtime);
        CHECK(std::string(changed->what()) == "another incident command is still working on this repository");
        CHECK(contains(changed->hint(), ws.repo.lock_path().string()));
        CHECK(thrown<IoError>([&] { create_incident(ws, opened(ws, "second"), options()); }));
        CHECK(
            thrown<IoError>([&] { replace_incident(ws, "INC-1", text, ws.store.load("INC-1"), Event{}, options()); }));
    }
    CHECK(mutations == 0);
    CHECK(repo.state() == before);
    CHECK(!fs::exists(ws.store.path_of("INC-2")));
    // Released by its holder, the lock is there for the next command.
    CHECK(change_incident(ws, "INC-1", note(ws, "now"), options()).committed);
}

TEST_CASE("a missing incident is NotFound, a malformed one InvalidData: nothing is written") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    repo.write("incidents/INC-2.yaml", "id: INC-2\ntitle: broken\nstatus: open\ntags: [unclosed\n");
    repo.write("incidents/INC-3.yaml", "id: INC-4\ntitle: misnamed\nstatus: open\n");
    repo.commit_all("hand-written files");
    const std::string before = repo.state();
    int mutations = 0;
    auto count = [&](Incident&) {
        ++mutations;
        return Event{};
    };

    auto missing = thrown<NotFound>([&] { change_incident(ws, "INC-9", count, options()); });
    REQUIRE(missing);
    CHECK(missing->code() == ExitCode::not_found);
    CHECK(contains(missing->what(), "no incident INC-9"));

    auto malformed = thrown<InvalidData>([&] { change_incident(ws, "INC-2", count, options()); });
    REQUIRE(malformed);
    CHECK(malformed->code() == ExitCode::invalid);
    CHECK(malformed->where().file == "incidents/INC-2.yaml");
    CHECK(malformed->where().line >= 4);

    auto misnamed = thrown<InvalidData>([&] { change_incident(ws, "INC-3", count, options()); });
    REQUIRE(misnamed);
    CHECK(misnamed->where().file == "incidents/INC-3.yaml");
    CHECK(misnamed->where().line == 1);
    CHECK(contains(misnamed->what(), "the file says 'INC-4'"));

    CHECK(mutations == 0);
    CHECK(repo.state() == before);
    CHECK(!fs::exists(ws.store.path_of("INC-9")));
}

TEST_CASE("a refused change leaves the file as it was, commits nothing and releases the lock") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string before = repo.state();
    auto refused = thrown<TransitionRefused>([&] {
        change_incident(
            ws, "INC-1",
            [&](Incident& inc) {
                inc.title = "changed before the refusal";
                return reopen(inc, Actor{"alice@example.com", at("2026-11-22T05:00:00Z"), ws.config}, "again");
            },
            options());
    });
    REQUIRE(refused);
    CHECK(refused->code() == ExitCode::refused);
    CHECK(contains(refused->what(), "INC-1 is open, not resolved"));
    CHECK(repo.state() == before);
    CHECK(ws.store.load("INC-1").title == "Database down");
    CHECK_NOTHROW(RepositoryLock(ws.repo.lock_path(), std::chrono::milliseconds(0)));
}

TEST_CASE("a change that would not read back is not saved: the file is intact, no temporary, no journal") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string before = repo.state();
    auto invalid = thrown<InvalidData>([&] {
        change_incident(
            ws, "INC-1",
            [&](Incident& inc) {
                inc.title.clear();  // a title is required: the saved file would not load
                return note(ws, "x")(inc);
            },
            options());
    });
    REQUIRE(invalid);
    CHECK(invalid->code() == ExitCode::invalid);
    CHECK(invalid->where().file == "incidents/INC-1.yaml");
    CHECK(contains(invalid->what(), "the change cannot be saved"));
    CHECK(repo.state() == before);
}

TEST_CASE("a save the file system refuses leaves the file intact, no temporary and no journal") {
    if (geteuid() == 0) {
        MESSAGE("skipped: root writes into a read-only directory");
        return;
    }
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string before = repo.state();
    const fs::path incidents = ws.repo.incidents_dir();
    REQUIRE(::chmod(incidents.c_str(), 0555) == 0);
    auto refused = thrown<IoError>([&] { change_incident(ws, "INC-1", note(ws, "x"), options()); });
    ::chmod(incidents.c_str(), 0755);
    REQUIRE(refused);
    CHECK(refused->code() == ExitCode::runtime);
    CHECK(contains(refused->what(), "cannot create a temporary file beside"));
    // No journal either: it would have the next command commit, under this
    // change's message, whatever else happens to the file meanwhile.
    CHECK(repo.state() == before);
}

TEST_CASE("in the middle of a merge a committing change is refused before anything is written") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    repo.write(".git/MERGE_HEAD", repo.git("rev-parse HEAD"));
    const std::string before = repo.state();
    auto refused = thrown<IoError>([&] { change_incident(ws, "INC-1", note(ws, "x"), options()); });
    REQUIRE(refused);
    CHECK(contains(refused->what(), "in the middle of a merge"));
    CHECK(refused->hint() ==
          "finish it (git merge --continue) or abort it (git merge --abort), then run the command again");
    CHECK(thrown<IoError>([&] { create_incident(ws, opened(ws, "second"), options()); }));
    CHECK(repo.state() == before);
    ChangeOptions local = options();
    local.commit = false;
    CHECK(change_incident(ws, "INC-1", note(ws, "not committed"), local).written);
}

TEST_CASE("a commit git refuses: the change stays saved, its journal too, and the next change commits it") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const int commits = repo.commits();
    repo.write(".git/index.lock", "");  // another git command is running
    ChangeResult r = change_incident(ws, "INC-1", note(ws, "first note"), options());
    CHECK(r.written);
    CHECK(!r.committed);
    REQUIRE(r.warnings.size() == 1);
    CHECK(contains(r.warnings[0], "git add failed"));
    CHECK(contains(r.warnings[0], "the next incident command commits it"));
    CHECK(repo.commits() == commits);
    CHECK(ws.store.load("INC-1").timeline.back().text == "first note");
    REQUIRE(repo.journal());
    CHECK(contains(repo.read(".git/incident/pending-commit.json"), "\"incidents/INC-1.yaml\""));

    fs::remove(repo.root / ".git/index.lock");
    ChangeResult next = create_incident(ws, opened(ws, "Queue backlog"), options("bob@example.com"));
    CHECK(next.committed);
    REQUIRE(next.warnings.size() == 1);
    CHECK(next.warnings[0] ==
          "an earlier change was not committed (its run was interrupted); committed incidents/INC-1.yaml "
          "(INC-1: note: Database down)");
    CHECK(repo.commits() == commits + 2);
    CHECK(repo.git("log -1 --skip=1 --format='%an|%B' --name-only") ==
          "alice@example.com|INC-1: note: Database down\n\n"
          "Completed by incident: the run that made this change did not commit it.\n\n\nincidents/INC-1.yaml\n");
    CHECK(repo.git("status --porcelain").empty());
    CHECK(!repo.journal());
}

TEST_CASE("an interrupted change is committed first, its paths only, by the next change") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    create_incident(ws, opened(ws, "Queue backlog"), options());
    const int commits = repo.commits();
    // What a run killed after saving and before committing leaves: its journal and its file.
    Incident inc = ws.store.load("INC-1");
    note(ws, "written, never committed")(inc);
    ws.store.save(inc);
    repo.write(".git/incident/pending-commit.json",
               R"({"message": "INC-1: note: Database down", "actor": "carol@example.com",)"
               R"( "paths": ["incidents/INC-1.yaml", "postmortems/INC-1.md"]})");
    // The user's own work, staged and not: never part of the tool's commits.
    repo.write("notes.txt", "mine\n");
    repo.git("add notes.txt");

    ChangeResult r = change_incident(ws, "INC-2", note(ws, "next"), options());
    CHECK(r.committed);
    REQUIRE(r.warnings.size() == 1);
    CHECK(contains(r.warnings[0], "committed incidents/INC-1.yaml (INC-1: note: Database down)"));
    CHECK(repo.commits() == commits + 2);
    CHECK(repo.git("log -2 --reverse --format='%an|%s' --name-only") ==
          "carol@example.com|INC-1: note: Database down\n\nincidents/INC-1.yaml\n"
          "alice@example.com|INC-2: note: Queue backlog\n\nincidents/INC-2.yaml\n");
    CHECK(repo.git("status --porcelain") == "A  notes.txt\n");
    CHECK(!repo.journal());
}

TEST_CASE("complete_interrupted_change: a journal whose files match HEAD is removed, nothing committed") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const int commits = repo.commits();
    repo.write(".git/incident/pending-commit.json",
               R"({"message": "INC-1: note: x", "actor": "carol", "paths": ["incidents/INC-1.yaml"]})");
    std::vector<std::string> warnings;
    complete_interrupted_change(ws, warnings);
    CHECK(warnings.empty());
    CHECK(repo.commits() == commits);
    CHECK(!repo.journal());
}

TEST_CASE("a journal that cannot be trusted is removed with a warning, nothing committed from it") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const int commits = repo.commits();
    repo.write(".incident/config.yaml", repo.read(".incident/config.yaml") + "# changed by hand\n");
    for (const char* journal : {R"({"message": "m", "actor": "a", "paths": [".incident/config.yaml"]})",
                                R"({"message": "m", "actor": "a", "paths": ["incidents/../.incident/config.yaml"]})",
                                R"({"message": "", "actor": "a", "paths": ["incidents/INC-1.yaml"]})", "not json"}) {
        CAPTURE(journal);
        repo.write(".git/incident/pending-commit.json", journal);
        std::vector<std::string> warnings;
        complete_interrupted_change(ws, warnings);
        CHECK(warnings == std::vector<std::string>{".git/incident/pending-commit.json could not be read and was "
                                                   "removed; check 'git status' for uncommitted incident files"});
        CHECK(!repo.journal());
        CHECK(repo.commits() == commits);
    }
    CHECK(repo.git("status --porcelain") == " M .incident/config.yaml\n");
}

TEST_CASE("a change that fails to save keeps the journal of an earlier change still to be committed") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    create_incident(ws, opened(ws, "Queue backlog"), options());
    auto unsavable = [&](Incident& inc) {
        inc.title.clear();
        return note(ws, "x")(inc);
    };
    SUBCASE("committing, while git still refuses the earlier commit") {
        repo.write(".git/index.lock", "");
        CHECK(!change_incident(ws, "INC-1", note(ws, "earlier"), options()).committed);
        CHECK(thrown<InvalidData>([&] { change_incident(ws, "INC-1", unsavable, options()); }));
        fs::remove(repo.root / ".git/index.lock");
    }
    SUBCASE("not committing") {
        repo.write(".git/index.lock", "");
        CHECK(!change_incident(ws, "INC-1", note(ws, "earlier"), options()).committed);
        fs::remove(repo.root / ".git/index.lock");
        ChangeOptions local = options();
        local.commit = false;
        CHECK(thrown<InvalidData>([&] { change_incident(ws, "INC-2", unsavable, local); }));
    }
    REQUIRE(repo.journal());
    CHECK(contains(repo.read(".git/incident/pending-commit.json"), "INC-1: note: Database down"));
    // The next change, to another incident, commits the earlier one.
    ChangeResult next = change_incident(ws, "INC-2", note(ws, "next"), options());
    CHECK(next.committed);
    CHECK(repo.git("status --porcelain").empty());
    CHECK(repo.git("log -2 --reverse --format=%s") == "INC-1: note: Database down\nINC-2: note: Queue backlog\n");
}
