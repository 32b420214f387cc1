// The incident's checklist: tasks from the runbooks its rules attach, tasks
// added by hand, each ticked off once, by someone, at a time.
#include <algorithm>

#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

void refuse_if_closed(const Incident& inc) {
    if (inc.status == Status::closed)
        throw TransitionRefused(inc.id + " is closed; its tasks cannot change",
                                "open a follow-up with: incident open --related " + inc.id + " TITLE");
}

std::string task_list_hint(const Incident& inc) { return "see them with: incident task list " + inc.id; }

}  // namespace

void attach_runbooks(Incident& inc, const Actor& a, const std::vector<std::string>& names, const RuleSet& rules) {
    for (const auto& name : names) {
        auto rb = rules.runbooks.find(name);
        if (rb == rules.runbooks.end()) continue;  // not read: open_workspace warned, rules check fails
        bool attached = std::any_of(inc.timeline.begin(), inc.timeline.end(),
                                    [&](const Event& e) { return e.type == "runbook" && e.get("runbook") == name; });
        if (attached) continue;
        for (const auto& title : rb->second.checklist) {
            Task t;
            t.id = new_task_id(inc.tasks, title);
            t.title = title;
            t.runbook = name;
            inc.tasks.push_back(std::move(t));
        }
        Event e = make_event(a, "runbook", rb->second.title + ", attached by the rules");
        e.set("runbook", name);
        e.set("tasks", static_cast<long long>(rb->second.checklist.size()));
        add_event(inc, std::move(e));
    }
}

const Event& add_task(Incident& inc, const Actor& a, const std::string& title) {
    refuse_if_closed(inc);
    std::string text = one_line(title);
    text.erase(0, text.find_first_not_of(" \t"));
    text.erase(text.find_last_not_of(" \t") + 1);
    if (text.empty()) throw UsageError("a task needs a title: what is to be done, in one line");
    if (text.size() > kMaxTaskTitle)
        throw UsageError("a task's title is one line of at most " + std::to_string(kMaxTaskTitle) + " characters");
    Task t;
    t.id = new_task_id(inc.tasks, text);
    t.title = text;
    Event e = make_event(a, "task_added", text);
    e.set("task", t.id);
    inc.tasks.push_back(std::move(t));
    return add_event(inc, std::move(e));
}

const Event& complete_task(Incident& inc, const Actor& a, const std::string& which) {
    refuse_if_closed(inc);
    auto it = std::find_if(inc.tasks.begin(), inc.tasks.end(), [&](const Task& t) { return t.id == which; });
    if (it == inc.tasks.end() && all_digits(which) && !which.empty() && which.size() < 6) {
        std::size_t n = std::stoul(which);
        if (n >= 1 && n <= inc.tasks.size()) it = inc.tasks.begin() + static_cast<long>(n - 1);
    }
    if (it == inc.tasks.end()) throw NotFound(inc.id + " has no task '" + which + "'", task_list_hint(inc));
    if (it->done_at)
        throw TransitionRefused(
            "task " + it->id + " was already done by " + it->done_by + " at " + format_rfc3339(*it->done_at),
            "nothing changed");
    it->done_at = a.at;
    it->done_by = a.who;
    Event e = make_event(a, "task_done", it->title);
    e.set("task", it->id);
    return add_event(inc, std::move(e));
}

void refuse_open_tasks(const Incident& inc, const Config& cfg) {
    if (Config::rank(cfg.close_tasks_required_for, inc.priority) < 0) return;
    std::vector<std::string> open;
    for (const auto& t : inc.tasks)
        if (!t.done_at) open.push_back(t.id);
    if (open.empty()) return;
    throw TransitionRefused(inc.id + " is " + inc.priority + " and " + std::to_string(open.size()) + " of its " +
                                std::to_string(inc.tasks.size()) + " tasks are not done: " + join(open),
                            "tick them off with: incident task done " + inc.id + " TASK (" + task_list_hint(inc) + ")");
}

}  // namespace incident
