// The change transaction (lock -> load -> change -> save -> commit) and
// init, on real files in a temporary git repository: what a change that
// succeeds writes and commits, and what each option changes about it.
#include "workspace/workspace.hpp"

#include <doctest/doctest.h>

#include "store/lock.hpp"
#include "workspace_fixture.hpp"

using namespace incident;
using namespace incident::test;

TEST_SUITE_BEGIN("workspace");

TEST_CASE("init_repository lays out a repository, runs git init and commits the layout") {
    TestContext t;
    GitEnvironment env{t.dir / "gitconfig"};
    t.write("gitconfig", "");
    InitResult r = init_repository(t.dir / "new", "", "setup@example.com", true);
    CHECK(r.root == fs::canonical(t.dir / "new"));
    CHECK(r.git_initialised);
    CHECK(r.committed);
    CHECK(r.warnings.empty());
    CHECK(r.created == std::vector<std::string>{".incident/config.yaml", "incidents/.gitignore",
                                                "postmortems/.gitignore", ".gitattributes",
                                                ".incident/rules-tests.yaml"});
    CHECK(fs::is_directory(t.dir / "new/.git"));
    CHECK(t.read("new/incidents/.gitignore") == "# temporaries of interrupted atomic writes\n.*.tmp.*\n");
    CHECK(t.read("new/.gitattributes") == "incidents/*.yaml merge=incident\nincidents/*/*.yaml merge=incident\n");
    CHECK(contains(t.read("new/.incident/config.yaml"), "id_prefix: INC"));
    auto log = run_process({"git", "log", "--format=%an <%ae>|%s", "--name-only"}, r.root.string());
    CHECK(log.out ==
          "setup@example.com <setup@example.com>|incident: initialise repository\n\n"
          ".gitattributes\n.incident/config.yaml\n.incident/rules-tests.yaml\nincidents/.gitignore\npostmortems/."
          "gitignore\n");
    // The configuration it wrote is the one a workspace reads.
    Workspace ws = open_workspace(r.root, [](const std::string&) { return std::nullopt; });
    CHECK(ws.config.id_prefix == "INC");
    CHECK(ws.config.auto_commit);
    CHECK(ws.repo.in_git);

    auto again = thrown<TransitionRefused>([&] { init_repository(t.dir / "new", "", "x", true); });
    REQUIRE(again);
    CHECK(again->code() == ExitCode::refused);
    CHECK(contains(again->what(), "already an incident repository"));
}

TEST_CASE(
    "init_repository: a preset adds its rules (sre: a starter people.yaml and schedule); an unknown preset "
    "creates nothing") {
    TestContext t;
    GitEnvironment env{t.dir / "gitconfig"};
    t.write("gitconfig", "");
    InitResult r = init_repository(t.dir / "sre", "sre", "setup@example.com", true);
    CHECK(r.created == std::vector<std::string>{".incident/config.yaml", "incidents/.gitignore",
                                                "postmortems/.gitignore", ".gitattributes", ".incident/rules.yaml",
                                                ".incident/rules-tests.yaml", ".incident/people.yaml",
                                                ".incident/oncall/sre.yaml"});
    CHECK(contains(t.read("sre/.incident/rules.yaml"), "include: [sre]\nrules: []\n"));
    auto files = run_process({"git", "show", "--name-only", "--format=", "HEAD"}, r.root.string());
    CHECK(files.out ==
          ".gitattributes\n.incident/config.yaml\n.incident/oncall/sre.yaml\n.incident/people.yaml\n"
          ".incident/rules-tests.yaml\n.incident/rules.yaml\nincidents/.gitignore\npostmortems/.gitignore\n");

    auto unknown = thrown<UsageError>([&] { init_repository(t.dir / "other", "nope", "x", true); });
    REQUIRE(unknown);
    CHECK(unknown->code() == ExitCode::usage);
    CHECK(!fs::exists(t.dir / "other"));
}

TEST_CASE("init_repository without commit, and in an existing git repository") {
    TestContext t;
    GitEnvironment env{t.dir / "gitconfig"};
    t.write("gitconfig", "");
    InitResult plain = init_repository(t.dir / "a", "", "x", false);
    CHECK(plain.git_initialised);
    CHECK(!plain.committed);
    CHECK(run_process({"git", "rev-parse", "--verify", "-q", "HEAD"}, plain.root.string()).status != 0);
    CHECK(fs::exists(t.dir / "a/.incident/config.yaml"));

    fs::create_directories(t.dir / "b");
    REQUIRE(run_process({"git", "init", "-q"}, (t.dir / "b").string()).status == 0);
    InitResult inside = init_repository(t.dir / "b", "", "x", true);
    CHECK(!inside.git_initialised);
    CHECK(inside.committed);
}

TEST_CASE("create_incident allocates the next id, saves it and commits it as the actor") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    ChangeResult first = create_incident(ws, opened(ws, "Database down"), options());
    CHECK(first.incident.id == "INC-1");
    CHECK(first.incident.uid.size() == 36);
    CHECK(first.event.type == "opened");
    CHECK(first.written);
    CHECK(first.committed);
    CHECK(first.warnings.empty());
    CHECK(ws.store.load("INC-1").title == "Database down");
    CHECK(ws.store.load("INC-1").uid == first.incident.uid);
    CHECK(repo.last_commit() ==
          "alice@example.com <alice@example.com>\nINC-1: opened: Database down\n\n\nincidents/INC-1.yaml\n");

    ChangeResult second = create_incident(ws, opened(ws, "Queue backlog"), options("bob@example.com"));
    CHECK(second.incident.id == "INC-2");
    CHECK(second.incident.uid != first.incident.uid);
    CHECK(repo.commits() == 3);
    CHECK(contains(repo.last_commit(), "bob@example.com <bob@example.com>\nINC-2: opened: Queue backlog\n"));
    CHECK(!repo.journal());
    CHECK(repo.git("status --porcelain").empty());
}

TEST_CASE("change_incident saves the change and commits it with the configured message") {
    IncidentRepo repo;
    repo.write(".incident/config.yaml", "git:\n  commit_message: \"{id} {event} by {actor} ({status}): {title}\"\n");
    repo.commit_all("custom message");
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    ChangeResult r = change_incident(ws, "INC-1", note(ws, "checked the logs"), options());
    CHECK(r.written);
    CHECK(r.committed);
    CHECK(r.warnings.empty());
    CHECK(r.event.type == "note");
    CHECK(r.event.text == "checked the logs");
    CHECK(r.incident.timeline.size() == 2);
    Incident saved = ws.store.load("INC-1");
    REQUIRE(saved.timeline.size() == 2);
    CHECK(saved.timeline[1].text == "checked the logs");
    CHECK(repo.last_commit() ==
          "alice@example.com <alice@example.com>\n"
          "INC-1 note by alice@example.com (open): Database down\n\n\nincidents/INC-1.yaml\n");
    CHECK(repo.git("status --porcelain").empty());
    CHECK(!repo.journal());
}

TEST_CASE("change_incident writes and commits its companions in the same commit") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    auto companions = [&](const Incident& inc) {
        return std::vector<std::pair<fs::path, std::string>>{
            {ws.repo.postmortems_dir() / (inc.id + ".md"), "# " + inc.title + "\n"}};
    };
    ChangeResult r = change_incident(ws, "INC-1", note(ws, "postmortem drafted"), options(), companions);
    CHECK(r.committed);
    CHECK(repo.read("postmortems/INC-1.md") == "# Database down\n");
    CHECK(repo.git("show --name-only --format= HEAD") == "incidents/INC-1.yaml\npostmortems/INC-1.md\n");
    CHECK(repo.git("status --porcelain").empty());
}

TEST_CASE("dry run: the change is computed and returned, nothing written, no lock taken") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string before = repo.state();
    ChangeOptions dry = options();
    dry.dry_run = true;
    RepositoryLock other(ws.repo.lock_path(), std::chrono::milliseconds(100));
    ChangeResult r = change_incident(ws, "INC-1", note(ws, "would say this"), dry);
    CHECK(!r.written);
    CHECK(!r.committed);
    CHECK(r.event.text == "would say this");
    CHECK(r.incident.timeline.size() == 2);
    ChangeResult created = create_incident(ws, opened(ws, "would open this"), dry);
    CHECK(created.incident.id == "INC-2");
    CHECK(!created.written);
    CHECK(repo.state() == before);
    CHECK(!fs::exists(ws.store.path_of("INC-2")));
}

TEST_CASE("outside git: the change is saved, not committed, and the warning says so") {
    IncidentRepo repo(false);
    Workspace ws = repo.open();
    REQUIRE(!ws.repo.in_git);
    ChangeResult created = create_incident(ws, opened(ws, "Database down"), options());
    CHECK(created.written);
    CHECK(!created.committed);
    CHECK(created.warnings == std::vector<std::string>{"not a git repository: the change is saved but not committed"});
    ChangeResult r = change_incident(ws, "INC-1", note(ws, "saved"), options());
    CHECK(r.written);
    CHECK(!r.committed);
    CHECK(r.warnings.size() == 1);
    CHECK(ws.store.load("INC-1").timeline.back().text == "saved");
    CHECK(!fs::exists(ws.journal_path()));
    CHECK(!fs::exists(repo.root / ".git"));
}

TEST_CASE("commit = false, or auto_commit off: saved, not committed, nothing staged") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const int commits = repo.commits();
    SUBCASE("commit = false") {
        ChangeOptions o = options();
        o.commit = false;
        ChangeResult r = change_incident(ws, "INC-1", note(ws, "local"), o);
        CHECK(r.written);
        CHECK(!r.committed);
        CHECK(r.warnings.empty());
    }
    SUBCASE("INCIDENT_AUTO_COMMIT=0") {
        Workspace off = repo.open({{"INCIDENT_AUTO_COMMIT", "0"}});
        REQUIRE(!off.config.auto_commit);
        ChangeResult r = change_incident(off, "INC-1", note(off, "local"), options());
        CHECK(r.written);
        CHECK(!r.committed);
        CHECK(r.warnings.empty());
    }
    CHECK(repo.commits() == commits);
    CHECK(repo.git("status --porcelain") == " M incidents/INC-1.yaml\n");
    CHECK(ws.store.load("INC-1").timeline.back().text == "local");
    CHECK(!repo.journal());
}

TEST_CASE("replace_incident replaces an unchanged file and refuses one changed meanwhile") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string original = repo.read("incidents/INC-1.yaml");
    Incident edited = ws.store.load("INC-1");
    edited.title = "Database down in eu-west";
    Event e;
    e.at = at("2026-11-22T05:00:00Z");
    e.by = "alice@example.com";
    e.type = "edited";

    SUBCASE("unchanged: replaced and committed") {
        ChangeResult r = replace_incident(ws, "INC-1", original, edited, e, options());
        CHECK(r.written);
        CHECK(r.committed);
        CHECK(r.event.type == "edited");
        CHECK(ws.store.load("INC-1").title == "Database down in eu-west");
        CHECK(contains(repo.last_commit(), "INC-1: edited: Database down in eu-west\n"));
    }
    SUBCASE("changed meanwhile: refused, the other change kept") {
        change_incident(ws, "INC-1", note(ws, "someone else's note"), options());
        const std::string before = repo.state();
        auto refused =
            thrown<TransitionRefused>([&] { replace_incident(ws, "INC-1", original, edited, e, options()); });
        REQUIRE(refused);
        CHECK(refused->code() == ExitCode::refused);
        CHECK(std::string(refused->what()) == "INC-1 was changed by someone else while you were editing it");
        CHECK(refused->hint() == "run incident edit INC-1 again");
        CHECK(repo.state() == before);
        CHECK(ws.store.load("INC-1").timeline.back().text == "someone else's note");
    }
    SUBCASE("an edit that changes the id: refused, nothing written over another file") {
        create_incident(ws, opened(ws, "Queue backlog"), options());
        const std::string before = repo.state();
        edited.id = "INC-2";
        auto refused = thrown<InvalidData>([&] { replace_incident(ws, "INC-1", original, edited, e, options()); });
        REQUIRE(refused);
        CHECK(std::string(refused->what()).find("id: cannot be changed by editing (was INC-1)") != std::string::npos);
        CHECK(repo.state() == before);
        CHECK(ws.store.load("INC-2").title == "Queue backlog");
    }
}
