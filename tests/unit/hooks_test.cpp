// Hooks and runbooks, without a repository: the hooks file's located
// errors, which hooks an event picks, the derived events, a process bounded
// in time with its output kept; a runbook's checklist and links, task ids,
// and tasks merged as a set.
#include "hooks/hooks.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "lifecycle/lifecycle.hpp"
#include "merge/merge.hpp"
#include "model/errors.hpp"
#include "runbook/runbook.hpp"

using namespace incident;

TEST_SUITE_BEGIN("hooks");

namespace {

Timestamp at(const char* s) { return *parse_rfc3339(s); }

std::string error_of(const std::string& text) {
    try {
        parse_hooks(text, "hooks.yaml");
    } catch (const InvalidData& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("a hooks file reads, with defaults, and its mistakes are located") {
    auto hooks = parse_hooks(
        "hooks:\n"
        "  - name: war-room\n"
        "    on: [opened, priority_changed]\n"
        "    when: {priority: [P1, P2]}\n"
        "    run: [scripts/war-room.sh, --channel, ops]\n"
        "  - name: gate\n"
        "    on: resolved\n"
        "    run: [true]\n"
        "    phase: before\n"
        "    timeout: 5s\n"
        "    record: true\n",
        "hooks.yaml");
    REQUIRE(hooks.size() == 2);
    CHECK(hooks[0].timeout == std::chrono::seconds{30});
    CHECK_FALSE(hooks[0].before);
    CHECK(hooks[0].when.has_value());
    CHECK(hooks[0].run == std::vector<std::string>{"scripts/war-room.sh", "--channel", "ops"});
    CHECK(hooks[1].before);
    CHECK(hooks[1].record);
    CHECK(hooks[1].on == std::vector<std::string>{"resolved"});

    CHECK(error_of("hooks:\n  - name: x\n    on: [opend]\n    run: [a]\n").find("hooks.yaml:3:") == 0);
    CHECK(error_of("hooks:\n  - name: x\n    on: [note]\n    run: a b\n").find("no shell runs it") !=
          std::string::npos);
    CHECK(error_of("hooks:\n  - name: x\n    on: [note]\n    run: [a]\n    timeout: 2h\n").find("1s to 1h") !=
          std::string::npos);
    CHECK(error_of("hooks:\n  - name: x\n    on: [note]\n    run: [a]\n    phase: during\n").find("phase:") !=
          std::string::npos);
    CHECK(error_of("hooks:\n  - {name: x, on: [note], run: [a]}\n  - {name: x, on: [note], run: [b]}\n")
              .find("two hooks are named x") != std::string::npos);
    CHECK(error_of("hooks:\n  - name: x\n    run: [a]\n").find("on: is missing") != std::string::npos);
    CHECK(error_of("hooks:\n  - name: x\n    on: [note]\n    run: [a]\n    shell: true\n")
              .find("unknown hook key 'shell'") != std::string::npos);
    CHECK(
        error_of("hooks:\n  - name: x\n    on: [note]\n    when: {nosuch: 1}\n    run: [a]\n").find("hooks.yaml:4:") ==
        0);
}

TEST_CASE("a change picks the hooks of its events, its phase and its condition") {
    HookFile f;
    f.sha256 = "x";
    f.trusted = true;
    f.hooks = parse_hooks(
        "hooks:\n"
        "  - {name: any-open, on: [opened], run: [a]}\n"
        "  - {name: major, on: [priority_changed], when: {field: priority, '<=': P2}, run: [b]}\n"
        "  - {name: gate, on: [priority_changed], phase: before, run: [c]}\n",
        "hooks.yaml");
    Config cfg;
    Incident before, after;
    before.priority = "P3";
    after.priority = "P1";
    Event e;
    e.type = "triaged";
    auto events = change_events(&before, after, e);
    CHECK(events == std::vector<std::string>{"triaged", "priority_changed"});
    auto names = [](const std::vector<const Hook*>& hooks) {
        std::string out;
        for (const Hook* h : hooks) out += h->name + " ";
        return out;
    };
    CHECK(names(hooks_for(f, events, after, cfg, false)) == "major ");
    CHECK(names(hooks_for(f, events, after, cfg, true)) == "gate ");
    after.priority = "P3";
    before.priority = "P4";
    CHECK(names(hooks_for(f, change_events(&before, after, e), after, cfg, false)).empty());
    e.type = "opened";
    CHECK(change_events(nullptr, after, e) == std::vector<std::string>{"opened"});
    f.trusted = false;  // not trusted: nothing, whatever matches
    CHECK(hooks_for(f, {"opened"}, after, cfg, false).empty());
    CHECK(f.inactive_reason().find("incident hooks trust") != std::string::npos);
}

TEST_CASE("a hook's process gets its input, keeps its output head, and ends at its deadline") {
    const auto cwd = std::filesystem::temp_directory_path();
    HookRun r = run_hook_process({"sh", "-c", "cat; echo \"$X\" >&2; exit 4"}, "from stdin\n", {"X=from env"}, cwd,
                                 std::chrono::seconds(5));
    CHECK(r.status == 4);
    CHECK_FALSE(r.ok());
    CHECK(r.output == "from stdin\nfrom env\n");
    CHECK(r.head() == "from stdin | from env");
    HookRun junk;
    junk.output = "bad \xff\xfe bytes\x1b[31m\n" + std::string(500, 'x');
    CHECK(junk.head().starts_with("bad ?? bytes"));
    CHECK(junk.head().find('\x1b') == std::string::npos);
    CHECK(junk.head().ends_with("x ..."));
    CHECK(r.outcome(std::chrono::seconds(5)) == "exit 4");

    auto start = std::chrono::steady_clock::now();
    HookRun slow = run_hook_process({"sh", "-c", "sleep 30 & sleep 30"}, "", {}, cwd, std::chrono::milliseconds(300));
    CHECK(slow.timed_out);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500));
    CHECK(slow.outcome(std::chrono::seconds(1)) == "timed out after 1s");

    HookRun missing = run_hook_process({"no-such-command-here"}, "", {}, cwd, std::chrono::seconds(5));
    CHECK(missing.status == 127);
    CHECK(missing.output.find("cannot run 'no-such-command-here'") != std::string::npos);

    // A large input the command never reads does not block.
    HookRun deaf = run_hook_process({"true"}, std::string(1 << 20, 'x'), {}, cwd, std::chrono::seconds(5));
    CHECK(deaf.ok());
}

TEST_CASE("a runbook's checklist and links, and the ids its tasks take") {
    Runbook rb = parse_runbook(
        "# DB failover\n"
        "See [the dashboard](https://grafana.example.com/d/1) first.\n"
        "- https://wiki.example.com/db\n"
        "- [ ] Check replica lag\n"
        "  - [x] Promote the replica (an example: not a task)\n"
        "  - [ ] Promote the replica\n"
        "```\n- [ ] not a task\n```\n"
        "- [ ] Check replica lag\n",
        "db-failover", "db-failover.md");
    CHECK(rb.title == "DB failover");
    REQUIRE(rb.links.size() == 2);
    CHECK(rb.links[0].text == "the dashboard");
    CHECK(rb.links[1].url == "https://wiki.example.com/db");
    CHECK(rb.checklist == std::vector<std::string>{"Check replica lag", "Promote the replica", "Check replica lag"});
    CHECK_THROWS_WITH_AS(parse_runbook("x\n- [ ] " + std::string(300, 'a') + "\n", "r", "r.md"),
                         doctest::Contains("r.md:2:1"), InvalidData);
    CHECK(is_runbook_name("db-failover"));
    CHECK_FALSE(is_runbook_name("../etc"));
    CHECK_FALSE(is_runbook_name("DB"));

    Config cfg;
    RuleSet rules;
    rules.runbooks.emplace("db-failover", rb);
    Incident inc;
    inc.id = "INC-1";
    Actor a{"alice", at("2026-11-22T03:00:00Z"), cfg};
    attach_runbooks(inc, a, {"db-failover", "unknown"}, rules);
    attach_runbooks(inc, a, {"db-failover"}, rules);  // once
    REQUIRE(inc.tasks.size() == 3);
    CHECK(inc.tasks[0].id == "check-replica-lag");
    CHECK(inc.tasks[2].id == "check-replica-lag-2");
    CHECK(inc.timeline.size() == 1);
    CHECK(new_task_id({}, "!!!") == "task");
    complete_task(inc, a, "2");
    CHECK(inc.tasks[1].done_by == "alice");
    CHECK_THROWS_AS(complete_task(inc, a, "promote-the-replica"), TransitionRefused);
    CHECK_THROWS_AS(complete_task(inc, a, "9"), NotFound);
}

TEST_CASE("tasks merge as a set: every tick kept, the earlier one when both ticked") {
    Incident base;
    base.id = "INC-1";
    base.uid = "u";
    base.title = "t";
    for (const char* id : {"a", "b", "c"}) base.tasks.push_back(Task{id, id, "rb", "", std::nullopt, {}});
    Incident ours = base, theirs = base;
    ours.tasks[0].done_at = at("2026-11-22T03:10:00Z");
    ours.tasks[0].done_by = "alice";
    theirs.tasks[1].done_at = at("2026-11-22T03:12:00Z");
    theirs.tasks[1].done_by = "bob";
    ours.tasks[2].done_at = at("2026-11-22T03:20:00Z");
    ours.tasks[2].done_by = "alice";
    theirs.tasks[2].done_at = at("2026-11-22T03:15:00Z");
    theirs.tasks[2].done_by = "bob";
    theirs.tasks.push_back(Task{"d", "added", "", "", std::nullopt, {}});
    Incident m = merge_incidents(base, ours, theirs);
    REQUIRE(m.tasks.size() == 4);
    CHECK(m.tasks[0].done_by == "alice");
    CHECK(m.tasks[1].done_by == "bob");
    CHECK(m.tasks[2].done_by == "bob");
    CHECK(m.tasks[3].id == "d");
    ours.tasks.erase(ours.tasks.begin());  // removed on one side: gone
    CHECK(merge_incidents(base, ours, theirs).tasks.size() == 3);
}

TEST_SUITE_END();
