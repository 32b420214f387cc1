// incident task list | add | done: the incident's checklist, from the
// runbooks its rules attach (lib/runbook) and by hand.
#include "commands.hpp"
#include "lifecycle/lifecycle.hpp"
#include "output.hpp"

namespace incident::cli {

struct TaskOptions {
    std::string id, task, title;
    CommonFlags flags;
};

namespace {

constexpr const char* kFooter = R"(
Tasks come from runbooks: a rule with then: {runbook: NAME} attaches
.incident/runbooks/NAME.md when it matches (at open or triage), and each
"- [ ] ..." line of its checklist becomes a task. Add one by hand with
task add. A task is named by its id (from its title: check-dashboards) or
its number in task list. Two clones that tick different tasks merge without
a conflict (the merge driver keeps every tick). close refuses while tasks
are open for the priorities in close.tasks_required_for.
Exit codes: 3 no such incident or task; 5 already done, or the incident is
closed.)";

void run_list(const TaskOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Incident inc = ws.store.load(resolve_id(ctx, ws, o.id));
    if (o.flags.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& t : inc.tasks) list.push_back(task_to_json(t));
        return print_json(ctx.io, list);
    }
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < inc.tasks.size(); ++i) {
        const Task& t = inc.tasks[i];
        rows.push_back({std::to_string(i + 1), t.done_at ? "[x]" : "[ ]", t.id, t.title,
                        t.runbook.empty() ? "-" : t.runbook, t.done_at ? t.done_by : "-"});
    }
    if (rows.empty()) {
        ctx.io.err << "incident: " << inc.id << " has no tasks (a rule attaches a runbook's, or: incident task add "
                   << inc.id << " TITLE)\n";
        return;
    }
    print_table(ctx.io, {"#", "DONE", "TASK", "TITLE", "RUNBOOK", "BY"}, rows);
}

}  // namespace

void register_task(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<TaskOptions>();
    auto* cmd = app.add_subcommand("task", "The incident's checklist: list, add and tick off tasks");
    cmd->require_subcommand(1);
    cmd->footer(kFooter);
    auto* list = cmd->add_subcommand("list", "The tasks, open and done");
    list->add_option("id", o->id, "Incident id (INC-42 or 42)")->required();
    add_read_flags(list, o->flags);
    list->callback([o, &ctx] { run_list(*o, ctx); });
    auto* add = cmd->add_subcommand("add", "Add a task by hand");
    add->add_option("id", o->id, "Incident id (INC-42 or 42)")->required();
    add->add_option("title", o->title, "What is to be done, one line")->required();
    add_change_flags(add, o->flags);
    add->callback([o, &ctx] {
        run_change(ctx, o->flags, o->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return add_task(inc, a, o->title); });
    });
    auto* done = cmd->add_subcommand("done", "Tick a task off (by you, now or --at)");
    done->add_option("id", o->id, "Incident id (INC-42 or 42)")->required();
    done->add_option("task", o->task, "The task's id or its number in task list")->type_name("TASK")->required();
    add_change_flags(done, o->flags);
    done->callback([o, &ctx] {
        run_change(ctx, o->flags, o->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return complete_task(inc, a, o->task); });
    });
}

}  // namespace incident::cli
