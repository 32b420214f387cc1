// Helpers of the workspace tests: a temporary incident repository under
// git, with no identity from the environment, and what a change leaves in it.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>

#include "git/process.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"
#include "test_context.hpp"
#include "workspace/workspace.hpp"

namespace incident::test {

inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

inline Timestamp at(const char* s) { return *parse_rfc3339(s); }

// The error `fn` throws when it is an E; anything else propagates.
template <class E, class Fn>
std::optional<E> thrown(Fn&& fn) {
    try {
        fn();
    } catch (const E& e) {
        return e;
    }
    return std::nullopt;
}

inline ChangeOptions options(const std::string& actor = "alice@example.com") {
    ChangeOptions o;
    o.actor = actor;
    o.lock_timeout = std::chrono::milliseconds(50);
    return o;
}

// A note by alice: the ordinary change.
inline Mutation note(const Workspace& ws, const std::string& text) {
    return [&ws, text](Incident& inc) {
        return add_note(inc, Actor{"alice@example.com", at("2026-11-22T05:00:00Z"), ws.config}, text, false);
    };
}

inline std::function<Incident(const std::string&)> opened(const Workspace& ws, const std::string& title) {
    return [&ws, title](const std::string& id) {
        NewIncident f;
        f.title = title;
        f.impact = "high";
        f.urgency = "high";
        return open_incident(id, f, ws.rules, Actor{"alice@example.com", at("2026-11-22T03:00:00Z"), ws.config});
    };
}

// An incident repository made by init_repository (git init and its first
// commit) in a fresh temporary directory; or, with git = false, a bare
// .incident/ outside any git repository.
struct IncidentRepo {
    TestContext t;
    GitEnvironment env{t.dir / "gitconfig"};
    fs::path root = t.dir / "repo";
    explicit IncidentRepo(bool git = true) {
        t.write("gitconfig", "");
        if (git)
            init_repository(root, "", "setup@example.com", true);
        else
            t.write("repo/.incident/config.yaml", "");
    }
    Workspace open(const std::map<std::string, std::string>& vars = {}) const {
        return open_workspace(root, [vars](const std::string& name) -> std::optional<std::string> {
            auto it = vars.find(name);
            return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
        });
    }
    ProcessResult run(const std::string& command) const { return run_process({"sh", "-c", command}, root.string()); }
    std::string git(const std::string& args) const {
        auto r = run("git " + args);
        INFO("git ", args, ": ", r.err);
        REQUIRE(r.status == 0);
        return r.out;
    }
    // The user's own commit of everything (they have an identity).
    void commit_all(const std::string& message) const {
        git("add -A");
        git("-c user.name=Setup -c user.email=setup@example.com commit -q -m '" + message + "'");
    }
    int commits() const { return std::stoi(git("rev-list --count HEAD")); }
    // Author, message and files of the last commit.
    std::string last_commit() const { return git("log -1 --format='%an <%ae>%n%B' --name-only"); }
    std::string read(const std::string& rel) const { return t.read("repo/" + rel); }
    void write(const std::string& rel, const std::string& text) const { t.write("repo/" + rel, text); }
    bool journal() const { return fs::exists(open().journal_path()); }
    // Everything a failed change must leave as it was: HEAD, git status,
    // every file under incidents/ and postmortems/ (temporaries included),
    // and whether a journal is pending.
    std::string state() const {
        std::string s = "HEAD " + git("rev-parse HEAD") + git("status --porcelain --untracked-files=all");
        for (const char* dir : {"incidents", "postmortems"}) {
            std::vector<std::string> names;
            for (const auto& e : fs::directory_iterator(root / dir)) names.push_back(e.path().filename().string());
            std::sort(names.begin(), names.end());
            for (const auto& n : names) s += std::string(dir) + "/" + n + ":\n" + read(std::string(dir) + "/" + n);
        }
        return s + (journal() ? "journal pending\n" : "");
    }
};

// A sample alert body from tests/data/alerts/.
inline std::string alert_body(const std::string& name) {
    std::ifstream in(std::string(INCIDENT_SOURCE_DIR) + "/tests/data/alerts/" + name);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), {}};
}

// Clone `a` pushed to a bare remote (`share`, once `a` holds what it
// should), and clone `b` of that remote.
struct SharedRepo {
    IncidentRepo a;
    fs::path remote = a.t.dir / "remote.git", b = a.t.dir / "b";
    void share() {
        a.run("git init -q --bare " + remote.string());
        a.git("remote add origin " + remote.string());
        a.git("push -q -u origin HEAD 2>&1");
        REQUIRE(run_process({"git", "clone", "-q", remote.string(), b.string()}, "").status == 0);
    }
    Workspace open_b() const {
        return open_workspace(b, [](const std::string&) { return std::nullopt; });
    }
};

}  // namespace incident::test
