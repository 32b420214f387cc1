// validate_paths on real repositories: every kind of finding it promises,
// located at the file and line that cause it, and the cache of files found
// clean (an unchanged file is not read again; its references are).
#include "validate/validate.hpp"

#include <doctest/doctest.h>

#include <fstream>
#include <regex>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "test_context.hpp"
#include "workspace_fixture.hpp"

using namespace incident;
using incident::test::TestContext;

namespace {

namespace fs = std::filesystem;

// The clock validate reads: a day after the incidents below.
const Timestamp kNow = *parse_rfc3339("2026-11-23T03:00:00Z");

const char* kGood = R"(id: INC-1
title: Database down
status: open
team: sre
related: [INC-2]
opened_at: 2026-11-22T03:00:00Z
timeline:
  - {at: 2026-11-22T03:00:00Z, by: alice, type: opened}
)";

const char* kResolved = R"(id: INC-2
title: Queue backlog
status: resolved
impact: high
priority: P2
related: [INC-1]
opened_at: 2026-11-22T03:00:00Z
resolved_at: 2026-11-22T04:00:00Z
resolution: {code: fixed, summary: drained, by: bob}
timeline:
  - {at: 2026-11-22T03:00:00Z, by: alice, type: opened}
  - {at: 2026-11-22T04:00:00Z, by: bob, type: resolved}
)";

// A repository (outside git) with the default configuration and two good incidents.
struct Repo {
    TestContext t;
    Repository repo;
    Config config;
    Repo() {
        t.write(".incident/config.yaml", default_config_text());
        t.write("incidents/INC-1.yaml", kGood);
        t.write("incidents/INC-2.yaml", kResolved);
        repo = find_repository(t.dir);
    }
    // Every finding, one a line: "file:line:column: severity: message".
    std::string validate(const std::vector<std::string>& paths = {}) const {
        std::string out;
        for (const auto& f : validate_paths(repo, config, paths, kNow))
            out += f.where.str() + ": " + f.severity + ": " + f.message + "\n";
        return out;
    }
    std::string path(const std::string& rel) const { return (t.dir / rel).string(); }
};

using Lines = std::vector<std::string>;
// What validate() prints for these findings.
std::string lines(const Lines& findings) {
    std::string out;
    for (const auto& f : findings) out += f + "\n";
    return out;
}

// Sets a file's modification time an hour back: the cache keeps only files
// not changed in the last two seconds.
void age(const fs::path& p) { fs::last_write_time(p, fs::file_time_type::clock::now() - std::chrono::hours(1)); }

}  // namespace

TEST_SUITE_BEGIN("validate");

TEST_CASE("a repository of good files has no findings") {
    Repo r;
    CHECK(r.validate() == "");
    r.t.write(".incident/rules.yaml", "rules:\n  - name: db\n    when: {category: database}\n    then: {team: sre}\n");
    r.t.write(".incident/rules-tests.yaml",
              "cases:\n  - name: db\n    incident: {category: database}\n    expect: {team: sre}\n");
    CHECK(r.validate() == "");
}

TEST_CASE("what init writes, with every preset, validates clean") {
    for (const char* preset : {"", "itil", "sre", "security"}) {
        CAPTURE(std::string(preset));
        TestContext t;
        incident::test::GitEnvironment git{t.dir / "gitconfig"};
        t.write("gitconfig", "");
        InitResult init = init_repository(t.dir / "repo", preset, "x", false);
        Workspace ws = open_workspace(init.root, [](const std::string&) { return std::nullopt; });
        CHECK(fs::exists(ws.repo.rules_path()) == !std::string(preset).empty());
        std::string findings;
        for (const auto& f : validate_paths(ws.repo, ws.config, {}, kNow))
            findings += f.where.str() + ": " + f.message + "\n";
        CHECK(findings == "");
    }
}

TEST_CASE("each broken incident file is reported at its file and line") {
    struct Case {
        const char* name;
        const char* text;
        Lines expected;
    };
    const std::vector<Case> cases = {
        {"malformed YAML",
         "id: INC-3\ntitle: broken\nstatus: open\ntags: [unclosed\n",
         {"incidents/INC-3.yaml:5:1: error: while parsing a flow sequence: did not find expected ',' or ']'"}},
        {"schema: an unknown status",
         "id: INC-3\ntitle: t\nstatus: sleeping\nopened_at: 2026-11-22T03:00:00Z\n",
         {"incidents/INC-3.yaml:3:9: error: status: expected one of open, triaged, investigating, mitigated, "
          "resolved, closed, found 'sleeping'"}},
        {"schema: a missing title, a number for tags",
         "id: INC-3\nstatus: open\ntags: 5\nopened_at: 2026-11-22T03:00:00Z\n",
         {"incidents/INC-3.yaml:1:1: error: title: missing",
          "incidents/INC-3.yaml:3:7: error: tags: expected a list or null, found a whole number"}},
        {"an id that is not the file name",
         "id: INC-30\ntitle: t\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\n",
         {"incidents/INC-3.yaml:1:5: error: id 'INC-30' does not match the file name (INC-3)"}},
        {"broken references",
         "id: INC-3\ntitle: t\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\nrelated:\n  - INC-1\n  - INC-99\n  - "
         "nonsense\n",
         {"incidents/INC-3.yaml:7:5: error: related: INC-99 does not exist",
          "incidents/INC-3.yaml:8:5: error: related: 'nonsense' is not an incident id"}},
        {"timestamps out of order, status against timestamps",
         "id: INC-3\ntitle: t\nstatus: closed\ndetected_at: 2026-11-22T04:00:00Z\nopened_at: "
         "2026-11-22T03:00:00Z\n",
         {"incidents/INC-3.yaml:5:12: error: opened_at is before detected_at",
          "incidents/INC-3.yaml:3:9: error: status is closed but resolved_at is unset",
          "incidents/INC-3.yaml:3:9: error: status is closed but there is no resolution",
          "incidents/INC-3.yaml:3:9: error: status is closed but closed_at is unset"}},
        {"values off the configured scales, an unknown team",
         "id: INC-3\ntitle: t\nstatus: open\nimpact: huge\npriority: P9\nteam: nobody\nopened_at: "
         "2026-11-22T03:00:00Z\n",
         {"incidents/INC-3.yaml:4:9: error: impact 'huge' is not on the configured scale",
          "incidents/INC-3.yaml:5:11: error: priority 'P9' is not on the configured scale",
          "incidents/INC-3.yaml:6:7: warning: team 'nobody' is not configured"}},
        {"no opened_at, events out of order",
         "id: INC-3\ntitle: t\nstatus: open\ntimeline:\n  - {at: 2026-11-22T05:00:00Z, by: a, type: note}\n  - {at: "
         "2026-11-22T04:00:00Z, by: a, type: note}\n",
         {"incidents/INC-3.yaml:3:9: warning: opened_at is missing",
          "incidents/INC-3.yaml:6:5: warning: timeline events are out of time order"}},
        {"times in the future (a typo such as --at +1d), beyond five minutes of clock skew",
         "id: INC-3\ntitle: t\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\nacknowledged_at: "
         "2026-11-24T03:00:00Z\ntimeline:\n  - {at: 2026-11-22T03:00:00Z, by: a, type: opened}\n  - {at: "
         "2026-11-23T03:04:59Z, by: a, type: note}\n  - {at: 2026-11-24T03:00:00Z, by: a, type: acknowledged}\n",
         {"incidents/INC-3.yaml:5:18: error: acknowledged_at 2026-11-24T03:00:00Z is in the future",
          "incidents/INC-3.yaml:9:5: error: timeline event at 2026-11-24T03:00:00Z is in the future"}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.name));
        Repo r;
        r.t.write("incidents/INC-3.yaml", c.text);
        CHECK(r.validate() == lines(c.expected));
    }
}

TEST_CASE("broken config, rules and rule test files are reported at their file and line") {
    struct Case {
        const char* file;
        const char* text;
        Lines expected;
    };
    const std::vector<Case> cases = {
        {".incident/config.yaml",
         "id_prefix: [INC\n",
         {".incident/config.yaml:2:1: error: while parsing a flow sequence: did not find expected ',' or ']'"}},
        {".incident/config.yaml",
         "id_prefix: INC\nscales:\n  impact: high\n",
         {".incident/config.yaml:3:11: error: scales.impact: Value type not permitted by 'type' constraint."}},
        // An unknown key is named, at its own line.
        {".incident/config.yaml",
         "id_prefix: INC\nbogus: 1\n",
         {".incident/config.yaml:2:1: error: unknown key 'bogus'"}},
        {".incident/rules.yaml",
         "rules:\n  - name: x\n    when: {service: db}\n    then: {impact: high}\n    bogus: 1\n",
         {".incident/rules.yaml:5:5: error: rules.0: unknown key 'bogus'"}},
        // check_config (lib/model) gives no line, though default_team is on line 2.
        {".incident/config.yaml",
         "id_prefix: INC\ndefault_team: nobody\n",
         {".incident/config.yaml: error: default_team: 'nobody' is not a configured team"}},
        // The matrix that names P3 is the built-in one, not in this file: no line to give.
        {".incident/config.yaml",
         "priorities: [P1, P2]\n",
         {".incident/config.yaml: error: matrix.high.low: 'P3' is not one of the priorities"}},
        {".incident/rules.yaml",
         "rules:\n  - name: r\n    when: {category: db}\n    then: 5\n",
         {".incident/rules.yaml:4:11: error: rules.0.then: Value type not permitted by 'type' constraint."}},
        {".incident/rules.yaml",
         "rules:\n  - name: r\n    when: {category: db}\n    then: {priority: P9}\n",
         {".incident/rules.yaml:2:5: error: rule r: priority 'P9' is not on the configured scale"}},
        {".incident/rules.yaml",
         "rules:\n  - name: r\n    when: {field: title, matches: \"(\"}\n    then: {team: sre}\n",
         {".incident/rules.yaml:3:35: error: matches: bad regular expression '(': missing ): ( (RE2 syntax: no "
          "backreferences or look-around)"}},
        {".incident/rules-tests.yaml",
         "cases:\n  - incident: {category: db}\n",
         {".incident/rules-tests.yaml:2:5: error: cases.0: Missing required property 'expect'."}},
    };
    for (const auto& c : cases) {
        CAPTURE(std::string(c.file));
        CAPTURE(std::string(c.text));
        Repo r;
        r.t.write(c.file, c.text);
        CHECK(r.validate() == lines(c.expected));
    }
}

TEST_CASE("explicit paths: files and directories only; a missing path is NotFound; other files are warned of") {
    Repo r;
    r.t.write("incidents/INC-3.yaml", "id: INC-30\ntitle: t\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\n");
    r.t.write("notes/todo.yaml", "a: 1\n");
    CHECK(r.validate({r.path("incidents/INC-1.yaml")}) == "");
    CHECK(r.validate({r.path("incidents")}) ==
          lines({"incidents/INC-3.yaml:1:5: error: id 'INC-30' does not match the file name (INC-3)"}));
    CHECK(r.validate({r.path("notes/todo.yaml")}) ==
          lines({"notes/todo.yaml: warning: not a file incident validates (config, rules, rule tests, people, "
                 "schedules, escalation, heartbeats, maintenance windows, hooks, runbooks, incidents/*.yaml)"}));
    CHECK_THROWS_AS(r.validate({r.path("incidents/INC-9.yaml")}), NotFound);
}

TEST_CASE("an incident file that is a link out of the repository is not read") {
    Repo r;
    TestContext other;
    other.write("INC-3.yaml", "id: INC-3\ntitle: t\nstatus: open\nopened_at: 2026-11-22T03:00:00Z\n");
    fs::create_symlink(other.dir / "INC-3.yaml", r.t.dir / "incidents/INC-3.yaml");
    CHECK(r.validate() ==
          lines({"incidents/INC-3.yaml: error: a symbolic link leads out of the repository: it is not read"}));
}

TEST_CASE("the cache: an unchanged clean file is not read again, its warnings are given again") {
    Repo r;
    r.t.write("incidents/INC-3.yaml", "id: INC-3\ntitle: t\nstatus: open\n");
    for (const char* f : {"incidents/INC-1.yaml", "incidents/INC-2.yaml", "incidents/INC-3.yaml"}) age(r.t.dir / f);
    const std::string warning = lines({"incidents/INC-3.yaml:3:9: warning: opened_at is missing"});
    CHECK(r.validate() == warning);
    REQUIRE(fs::exists(r.repo.state_dir / "validated"));

    // Broken in place, same size, time and inode: the cache still holds it clean.
    const fs::path one = r.t.dir / "incidents/INC-1.yaml";
    auto mtime = fs::last_write_time(one);
    {
        std::fstream f(one, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(0);
        f << "ID";  // "ID: INC-1": the required id is missing
    }
    fs::last_write_time(one, mtime);
    CHECK(r.validate() == warning);

    // Another configuration is another cache: the file is read again.
    r.config.tiers.push_back("L4");
    CHECK(r.validate() ==
          lines({"incidents/INC-1.yaml:1:1: error: id: missing", warning.substr(0, warning.size() - 1)}));
}

namespace {
// INC-3 refers to INC-2; all three files found clean (INC-3 with a
// warning) and remembered; then INC-2 is removed.
struct BrokenReference : Repo {
    std::string cached, read;
    BrokenReference() {
        t.write("incidents/INC-3.yaml", "id: INC-3\ntitle: t\nstatus: open\nrelated: [INC-2]\n");
        for (const char* f : {"incidents/INC-1.yaml", "incidents/INC-2.yaml", "incidents/INC-3.yaml"}) age(t.dir / f);
        CHECK(validate() == lines({"incidents/INC-3.yaml:3:9: warning: opened_at is missing"}));
        REQUIRE(fs::exists(repo.state_dir / "validated"));
        fs::remove(t.dir / "incidents/INC-2.yaml");
        cached = validate();
        fs::remove(repo.state_dir / "validated");
        read = validate();
    }
};
}  // namespace

TEST_CASE("the cache: the references of an unchanged file are checked on every run") {
    BrokenReference r;
    CHECK(r.read == lines({"incidents/INC-1.yaml:5:11: error: related: INC-2 does not exist",
                           "incidents/INC-3.yaml:3:9: warning: opened_at is missing",
                           "incidents/INC-3.yaml:4:11: error: related: INC-2 does not exist"}));
    // The same findings from the cache.
    auto unlocated = [](const std::string& s) { return std::regex_replace(s, std::regex(":[0-9]+:[0-9]+: "), ": "); };
    CHECK(unlocated(r.cached) == unlocated(r.read));
}

// A reference broken since the file was cached is reported with its line,
// as on a first run: the output does not depend on the cache.
TEST_CASE("the cache: a broken reference is reported as on a first run") {
    BrokenReference r;
    CHECK(r.cached == r.read);
}

TEST_CASE("check_schema and the embedded schemas") {
    for (const char* name :
         {"incident.schema.json", "config.schema.json", "rules.schema.json", "rule-tests.schema.json"}) {
        CAPTURE(name);
        REQUIRE(embedded_schemas().count(name) == 1);
        CHECK(nlohmann::json::parse(embedded_schemas().at(name)).is_object());
    }
    auto doc = load_yaml("cases:\n  - incident: {}\n    expect: {}\n", "t.yaml");
    std::vector<Finding> findings = check_schema(doc, "rule-tests.schema.json", "t.yaml");
    REQUIRE(findings.size() == 1);
    CHECK(findings[0].severity == "error");
    CHECK(findings[0].where.file == "t.yaml");
    CHECK(findings[0].where.line == 3);
    CHECK(findings[0].message.rfind("cases.0.expect: ", 0) == 0);
    CHECK(check_schema(load_yaml("cases: []\n", "t.yaml"), "rule-tests.schema.json", "t.yaml").empty());
}
