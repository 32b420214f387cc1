// ChangeBatch: many changes under one lock and in one commit, each step
// seeing the steps before it; and take_alerts, which takes a body's alerts
// (or incident serve's group of requests) as one batch.
#include "workspace/batch.hpp"

#include "intake/intake.hpp"
#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

// change_or_create's `find` for an incident known by id, or none.
std::function<std::string()> id_of(const std::string& id) {
    return [id] { return id; };
}

const std::function<Incident(const std::string&)> no_build;

// A mutation that throws after it has changed the incident.
Mutation failing(const Workspace& ws) {
    return [&ws](Incident& inc) -> Event {
        note(ws, "half done")(inc);
        throw TransitionRefused(inc.id + ": refused");
    };
}

Alert alert(const std::string& key, AlertAction action = AlertAction::trigger) {
    Alert a;
    a.key = key;
    a.action = action;
    a.title = "Alert " + key;
    a.severity = "critical";
    return a;
}

}  // namespace

TEST_CASE("a batch's steps see the steps before them; new incidents take consecutive ids") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    ChangeBatch batch(ws, options());
    batch.change_or_create(id_of("INC-1"), note(ws, "first"), no_build);
    std::string seen;
    batch.change_or_create(
        id_of("INC-1"),
        [&](Incident& inc) {
            seen = inc.timeline.back().text;
            return note(ws, "second")(inc);
        },
        no_build);
    CHECK(seen == "first");
    const std::size_t a = batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "Queue backlog"));
    const std::size_t b = batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "Disk full"));
    CHECK(batch.result(a).incident.id == "INC-2");
    CHECK(batch.result(b).incident.id == "INC-3");
    CHECK(batch.result(b).event.type == "opened");
    CHECK(batch.load("INC-1").timeline.size() == 3);
    CHECK(batch.changed().size() == 3);
    CHECK(ws.store.load("INC-1").timeline.size() == 1);  // nothing written before commit()
    CHECK(!fs::exists(ws.store.path_of("INC-2")));

    batch.commit();
    Incident saved = ws.store.load("INC-1");
    REQUIRE(saved.timeline.size() == 3);
    CHECK(saved.timeline[2].text == "second");
    CHECK(ws.store.load("INC-3").title == "Disk full");
    CHECK(ws.store.next_id("INC") == "INC-4");
}

TEST_CASE("a batch takes the repository lock until commit()") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    ChangeBatch batch(ws, options());
    batch.change_or_create(id_of("INC-1"), note(ws, "in the batch"), no_build);
    CHECK(thrown<Error>([&] { change_incident(ws, "INC-1", note(ws, "meanwhile"), options()); }));
    batch.commit();
    CHECK(change_incident(ws, "INC-1", note(ws, "after"), options()).committed);
}

TEST_CASE("commit() makes one commit for N changes: how many, then each one's subject") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const int before = repo.commits();
    ChangeBatch batch(ws, options("bob@example.com"));
    batch.change_or_create(id_of("INC-1"), note(ws, "one"), no_build);
    batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "Queue backlog"));
    batch.change_or_create(id_of("INC-1"), note(ws, "two"), no_build);
    batch.commit();
    CHECK(repo.commits() == before + 1);
    CHECK(repo.last_commit() ==
          "bob@example.com <bob@example.com>\n"
          "incident: 3 changes to 2 incidents\n\n"
          "INC-1: note: Database down\nINC-2: opened: Queue backlog\nINC-1: note: Database down\n\n\n"
          "incidents/INC-1.yaml\nincidents/INC-2.yaml\n");
    CHECK(repo.git("status --porcelain --untracked-files=all").empty());
    CHECK(!repo.journal());
    for (std::size_t i = 0; i < batch.size(); ++i) {
        CHECK(batch.result(i).written);
        CHECK(batch.result(i).committed);
    }
    CHECK(batch.warnings.empty());
}

TEST_CASE("a batch of one keeps its own commit message; a batch of none commits nothing") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    ChangeBatch one(ws, options());
    one.change_or_create(id_of("INC-1"), note(ws, "checked"), no_build);
    one.commit();
    CHECK(repo.last_commit() ==
          "alice@example.com <alice@example.com>\nINC-1: note: Database down\n\n\nincidents/INC-1.yaml\n");

    const std::string before = repo.state();
    ChangeBatch none(ws, options());
    const std::size_t step = none.change_or_create(id_of(""), note(ws, "unused"), no_build);
    none.commit();
    CHECK(none.result(step).incident.id.empty());
    CHECK(!none.result(step).written);
    CHECK(!none.result(step).committed);
    CHECK(repo.state() == before);
}

TEST_CASE("a dry-run batch computes every step and writes, locks and commits nothing") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    const std::string before = repo.state();
    ChangeOptions dry = options();
    dry.dry_run = true;
    RepositoryLock other(ws.repo.lock_path(), std::chrono::milliseconds(100));
    ChangeBatch batch(ws, dry);
    batch.change_or_create(id_of("INC-1"), note(ws, "would say this"), no_build);
    const std::size_t made = batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "Would open"));
    batch.commit();
    CHECK(batch.result(made).incident.id == "INC-2");
    CHECK(batch.load("INC-1").timeline.back().text == "would say this");
    for (std::size_t i = 0; i < batch.size(); ++i) {
        CHECK(!batch.result(i).written);
        CHECK(!batch.result(i).committed);
    }
    CHECK(repo.state() == before);
    CHECK(!fs::exists(ws.store.path_of("INC-2")));
}

TEST_CASE("a step that throws leaves the batch as it was before it; the others are committed") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    create_incident(ws, opened(ws, "Database down"), options());
    create_incident(ws, opened(ws, "Queue backlog"), options());
    const std::string untouched = repo.read("incidents/INC-2.yaml");
    const int before = repo.commits();
    ChangeBatch batch(ws, options());
    batch.change_or_create(id_of("INC-1"), note(ws, "kept"), no_build);
    CHECK(thrown<TransitionRefused>([&] { batch.change_or_create(id_of("INC-1"), failing(ws), no_build); }));
    CHECK(thrown<TransitionRefused>([&] { batch.change_or_create(id_of("INC-2"), failing(ws), no_build); }));
    auto refused_build = [&](const std::string& id) -> Incident { throw TransitionRefused(id + ": no"); };
    CHECK(thrown<TransitionRefused>([&] { batch.change_or_create(id_of(""), note(ws, "unused"), refused_build); }));
    const std::size_t made = batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "Disk full"));
    CHECK(batch.result(made).incident.id == "INC-3");  // the refused build used no id
    CHECK(batch.size() == 2);
    CHECK(batch.changed().size() == 2);
    CHECK(!batch.changed().contains("INC-2"));
    CHECK(batch.load("INC-1").timeline.back().text == "kept");

    batch.commit();
    CHECK(repo.commits() == before + 1);
    CHECK(contains(repo.last_commit(), "incident: 2 changes to 2 incidents\n"));
    CHECK(repo.read("incidents/INC-2.yaml") == untouched);
    Incident saved = ws.store.load("INC-1");
    CHECK(saved.timeline.size() == 2);
    CHECK(saved.timeline.back().text == "kept");
    CHECK(ws.store.load("INC-3").title == "Disk full");
    CHECK(repo.git("status --porcelain --untracked-files=all").empty());
    CHECK(!repo.journal());
}

TEST_CASE("a batch's results say written but not committed outside git, or with commit off") {
    IncidentRepo bare(false);
    Workspace ws = bare.open();
    ChangeBatch batch(ws, options());
    batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "Database down"));
    batch.change_or_create(id_of("INC-1"), note(ws, "checked"), no_build);
    batch.commit();
    CHECK(batch.result(0).written);
    CHECK(batch.result(1).written);
    CHECK(!batch.result(0).committed);
    CHECK(!batch.result(1).committed);
    REQUIRE(batch.warnings.size() == 1);
    CHECK(contains(batch.warnings[0], "not a git repository"));
    CHECK(ws.store.load("INC-1").timeline.size() == 2);

    IncidentRepo repo;
    Workspace git_ws = repo.open();
    ChangeOptions no_commit = options();
    no_commit.commit = false;
    const int before = repo.commits();
    ChangeBatch uncommitted(git_ws, no_commit);
    uncommitted.change_or_create(id_of(""), note(git_ws, "unused"), opened(git_ws, "Database down"));
    uncommitted.commit();
    CHECK(uncommitted.result(0).written);
    CHECK(!uncommitted.result(0).committed);
    CHECK(repo.commits() == before);
    CHECK(repo.git("status --porcelain --untracked-files=all") == "?? incidents/INC-1.yaml\n");
    CHECK(!repo.journal());
}

TEST_CASE("take_alerts: a body of several alerts is one commit; a key seen twice opens one incident") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const int before = repo.commits();
    auto out =
        take_alerts(ws, {alert("k1"), alert("k2"), alert("k1")}, {}, "am", at("2026-11-22T03:30:00Z"), options());
    REQUIRE(out.size() == 3);
    CHECK(out[0].outcome == "opened");
    CHECK(out[0].id == "INC-1");
    CHECK(out[1].outcome == "opened");
    CHECK(out[1].id == "INC-2");
    CHECK(out[2].outcome == "repeated");
    CHECK(out[2].id == "INC-1");
    CHECK(out[2].count == 2);
    for (const auto& o : out) CHECK(o.change.committed);
    CHECK(repo.commits() == before + 1);
    CHECK(contains(repo.last_commit(), "incident: 3 changes to 2 incidents\n"));
    CHECK(ws.store.list_ids().size() == 2);
    CHECK(ws.store.load("INC-1").timeline.back().get("count") == "2");
    CHECK(repo.git("status --porcelain --untracked-files=all").empty());
}

TEST_CASE("take_alerts: an incident the batch resolved is not open: a trigger of its key opens a new one") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp now = at("2026-11-22T03:30:00Z");
    take_alerts(ws, {alert("k1")}, {}, "am", now, options());
    ChangeBatch batch(ws, options());
    OpenKeys keys(batch);
    CHECK(keys.find("k1", now) == "INC-1");  // the index is read now, INC-1 open in it
    batch.change_or_create(
        id_of("INC-1"),
        [&](Incident& inc) {
            return resolve(inc, Actor{"bob", now, ws.config}, "fixed", "ok");
        },
        no_build);
    CHECK(find_open_by_key(ws, "k1", now) == "INC-1");  // on disk it still is open
    auto out = take_alerts(batch, keys, {alert("k1")}, {}, "am", now);
    REQUIRE(out.size() == 1);
    CHECK(out[0].outcome == "opened");
    CHECK(out[0].id == "INC-2");
    batch.commit();
    CHECK(find_open_by_key(ws, "k1", now) == "INC-2");
    CHECK(ws.store.load("INC-1").status == Status::resolved);
}

TEST_CASE("take_alerts: a resolve then a trigger of one key in one body: mitigated, then repeated") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp now = at("2026-11-22T03:30:00Z");
    take_alerts(ws, {alert("k1")}, {}, "am", now, options());
    auto out = take_alerts(ws, {alert("k1", AlertAction::resolve), alert("k1")}, {}, "am", now, options());
    REQUIRE(out.size() == 2);
    CHECK(out[0].outcome == "resolved");
    CHECK(out[1].outcome == "repeated");  // mitigated is still open (docs/alert-intake.md)
    CHECK(out[1].id == "INC-1");
    CHECK(out[1].count == 3);
    CHECK(ws.store.list_ids().size() == 1);
}

TEST_CASE("settle_outcomes gives each outcome of a shared batch its own change") {
    IncidentRepo repo;
    Workspace ws = repo.open();
    const Timestamp now = at("2026-11-22T03:30:00Z");
    ChangeBatch batch(ws, options());
    OpenKeys keys(batch);
    auto first = take_alerts(batch, keys, {alert("k1"), alert("k2")}, {}, "am", now);
    batch.change_or_create(id_of(""), note(ws, "unused"), opened(ws, "By hand"));
    auto second = take_alerts(batch, keys, {alert("k2"), alert("k3", AlertAction::resolve)}, {}, "am", now);
    CHECK(!first[0].change.committed);
    batch.commit();
    settle_outcomes(first, batch);
    settle_outcomes(second, batch);
    CHECK(first[0].change.incident.id == "INC-1");
    CHECK(first[0].change.event.type == "opened");
    CHECK(first[1].change.incident.id == "INC-2");
    CHECK(second[0].id == "INC-2");
    CHECK(second[0].change.event.type == "alert");
    CHECK(second[0].change.incident.timeline.size() == 2);
    for (const auto* o : {&first[0], &first[1], &second[0]}) {
        CHECK(o->change.written);
        CHECK(o->change.committed);
    }
    CHECK(second[1].outcome == "ignored");
    CHECK(second[1].id.empty());
    CHECK(!second[1].change.committed);
    CHECK(ws.store.load("INC-3").title == "By hand");
}

TEST_CASE("take_alerts: what concerns the whole batch is said once, on the first outcome") {
    IncidentRepo bare(false);
    Workspace ws = bare.open();
    auto out = take_alerts(ws, {alert("k1"), alert("k2")}, {}, "am", at("2026-11-22T03:30:00Z"), options());
    REQUIRE(out.size() == 2);
    CHECK(out[0].change.written);
    CHECK(!out[0].change.committed);
    REQUIRE(out[0].change.warnings.size() == 1);
    CHECK(contains(out[0].change.warnings[0], "not a git repository"));
    CHECK(out[1].change.warnings.empty());
}

}  // namespace incident::test
