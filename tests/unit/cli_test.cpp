// Commands run in-process through run_cli, with string streams, a fixed clock
// and a made-up environment: what each prints, where, and its exit code.
#include "cli.hpp"

#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "git/process.hpp"
#include "test_context.hpp"

using namespace incident;
using namespace incident::cli;

TEST_SUITE_BEGIN("cli");

namespace {

struct Outcome {
    int code = -1;
    std::string out, err;
};

// A terminal-less shell in a temporary repository at a fixed time.
struct FakeShell {
    test::TestContext dir;
    std::map<std::string, std::string> env{{"INCIDENT_USER", "alice@example.com"}};
    Timestamp now = *parse_rfc3339("2026-11-22T03:04:05Z");

    Outcome operator()(const std::vector<std::string>& args) {
        std::ostringstream out, err;
        EnvLookup lookup = [this](const std::string& name) -> std::optional<std::string> {
            auto it = env.find(name);
            if (it == env.end()) return std::nullopt;
            return it->second;
        };
        Context ctx{Io{out, err, false, false, false, lookup}, now, dir.dir.string()};
        int code = run_cli(args, ctx, "incident 9.9.9 (test)");
        return {code, out.str(), err.str()};
    }
    std::string git(const std::vector<std::string>& args) {
        std::vector<std::string> argv{"git", "-C", dir.dir.string()};
        argv.insert(argv.end(), args.begin(), args.end());
        return run_process(argv, "", true).out;
    }
    // init with a git identity of its own, so commits do not depend on the machine's.
    void init() {
        run_process({"git", "init", "-q", dir.dir.string()}, "", true);
        git({"config", "user.name", "Test"});
        git({"config", "user.email", "test@example.com"});
        REQUIRE(operator()({"init"}).code == 0);
    }
};

}  // namespace

TEST_CASE("open prints the new id on stdout alone, at the shell's clock and as its user") {
    FakeShell sh;
    sh.init();
    auto r = sh({"open", "Checkout latency above 3 s", "--service", "checkout"});
    CHECK(r.code == 0);
    CHECK(r.out == "INC-1\n");
    CHECK(r.err == "");
    std::string file = sh.dir.read("incidents/INC-1.yaml");
    CHECK(file.find("opened_at: 2026-11-22T03:04:05Z") != std::string::npos);
    CHECK(file.find("by: alice@example.com") != std::string::npos);
    CHECK(sh.git({"log", "-1", "--format=%s"}).find("INC-1") != std::string::npos);
}

TEST_CASE("a change prints one line, or the incident as JSON with --json") {
    FakeShell sh;
    sh.init();
    REQUIRE(sh({"open", "Disk full", "--service", "db"}).code == 0);
    sh.now += std::chrono::minutes(5);
    auto line = sh({"note", "1", "cleaning /var/log"});
    CHECK(line.code == 0);
    CHECK(line.out == "INC-1: note: cleaning /var/log (open)\n");
    sh.env["INCIDENT_USER"] = "bob@example.com";
    auto json = sh({"ack", "INC-1", "--json"});
    REQUIRE(json.code == 0);
    auto doc = nlohmann::json::parse(json.out);
    CHECK(doc["status"] == "investigating");
    CHECK(doc["acknowledged_at"] == "2026-11-22T03:09:05Z");
    CHECK(doc["assignee"] == "bob@example.com");
}

TEST_CASE("each kind of error has its exit code and a message on stderr only") {
    FakeShell sh;
    sh.init();
    auto missing = sh({"show", "INC-9"});
    CHECK(missing.code == 3);
    CHECK(missing.out == "");
    CHECK(missing.err.rfind("incident: error: ", 0) == 0);
    CHECK(missing.err.find("INC-9") != std::string::npos);

    auto unknown = sh({"frobnicate"});
    CHECK(unknown.code == 2);
    CHECK(unknown.err.find("unknown command 'frobnicate'") != std::string::npos);
    CHECK(unknown.err.find("hint: commands: init, open") != std::string::npos);

    auto bad_filter = sh({"list", "--where", "priority <<< P1"});
    CHECK(bad_filter.code == 2);
    CHECK(bad_filter.err.find("--where") != std::string::npos);

    REQUIRE(sh({"open", "x"}).code == 0);
    auto refused = sh({"close", "1"});
    CHECK(refused.code == 5);
    CHECK(refused.err.rfind("incident: refused: ", 0) == 0);
    CHECK(sh.dir.read("incidents/INC-1.yaml").find("status: open") != std::string::npos);
}

TEST_CASE("--help and --version write to the given stdout and exit 0") {
    FakeShell sh;
    auto version = sh({"--version"});
    CHECK(version.code == 0);
    CHECK(version.out == "incident 9.9.9 (test)\n");
    auto help = sh({"note", "--help"});
    CHECK(help.code == 0);
    CHECK(help.out.find("Add a note to the timeline") != std::string::npos);
    auto usage = sh({"note"});
    CHECK(usage.code == 2);
    CHECK(usage.out == "");
    CHECK(usage.err.find("id is required") != std::string::npos);
}

TEST_CASE("the environment comes from the context, not the process") {
    FakeShell sh;
    sh.init();
    sh.env["INCIDENT_ID_PREFIX"] = "OPS";
    auto r = sh({"open", "Queue backlog"});
    CHECK(r.code == 0);
    CHECK(r.out == "OPS-1\n");
    sh.env.erase("INCIDENT_USER");
    sh.env.erase("USER");
    auto who = sh({"note", "OPS-1", "hello", "--json"});
    REQUIRE(who.code == 0);
    // Without INCIDENT_USER the actor is git's user.email, as configured in the repository.
    CHECK(nlohmann::json::parse(who.out)["timeline"].back()["by"] == "test@example.com");
}

TEST_CASE("a listing without a terminal has no colour and one row per incident") {
    FakeShell sh;
    sh.init();
    REQUIRE(sh({"open", "First", "--impact", "high", "--urgency", "high"}).code == 0);
    REQUIRE(sh({"open", "Second"}).code == 0);
    auto r = sh({"list", "--format", "json", "--fields", "id,title,priority"});
    REQUIRE(r.code == 0);
    auto rows = nlohmann::json::parse(r.out);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0] == nlohmann::json{{"id", "INC-1"}, {"title", "First"}, {"priority", "P1"}});
    CHECK(rows[1]["title"] == "Second");
    auto table = sh({"list"});
    CHECK(table.out.find('\x1b') == std::string::npos);
    CHECK(table.out.find("First") != std::string::npos);
}

TEST_SUITE_END();
