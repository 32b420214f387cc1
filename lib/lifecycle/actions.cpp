// Action items: added, edited (owner, due date, title...), done. Each change
// is an event on the timeline naming the item's number.
#include <algorithm>

#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"

namespace incident {

namespace {

const std::vector<std::string> kTypes = {"mitigate", "prevent", "process"};

void check_due(const std::string& due) {
    if (!due.empty() && !parse_rfc3339(due + "T00:00:00Z"))
        throw UsageError("--due: expected a date YYYY-MM-DD, got '" + due + "'");
}

void check_type(const std::string& type) {
    if (!type.empty() && Config::rank(kTypes, type) < 0)
        throw UsageError("--type: expected mitigate, prevent or process, got '" + type + "'");
}

Action& find_action(Incident& inc, int number) {
    for (auto& x : inc.actions)
        if (x.id == number) return x;
    throw NotFound(inc.id + " has no action item " + std::to_string(number), "incident action list shows them");
}

}  // namespace

const Event& add_action(Incident& inc, const Actor& a, Action action) {
    if (action.title.empty()) throw UsageError("an action item needs a title");
    check_due(action.due);
    check_type(action.type);
    int next = 1;
    for (const auto& x : inc.actions) next = std::max(next, x.id + 1);
    action.id = next;
    action.status = "open";
    Event e = make_event(a, "action_added", action.title);
    e.set("action", action.id);
    if (!action.owner.empty()) e.set("owner", action.owner);
    inc.actions.push_back(std::move(action));
    return add_event(inc, std::move(e));
}

const Event& edit_action(Incident& inc, const Actor& a, int number, const ActionEdit& edit) {
    if (edit.title && edit.title->empty()) throw UsageError("--title: an action item needs a title");
    if (edit.due) check_due(*edit.due);
    if (edit.type) check_type(*edit.type);
    Action& x = find_action(inc, number);
    Event e = make_event(a, "action_edited", x.title);
    e.set("action", number);
    bool changed = false;
    for (auto [value, field, key] : {std::tuple{&edit.title, &x.title, "title"},
                                     {&edit.owner, &x.owner, "owner"},
                                     {&edit.due, &x.due, "due"},
                                     {&edit.type, &x.type, "type"},
                                     {&edit.tracker, &x.tracker, "tracker"}}) {
        if (!*value || **value == *field) continue;
        *field = **value;
        e.set(key, **value);
        changed = true;
    }
    if (!changed)
        throw TransitionRefused("action item " + std::to_string(number) + " already says so", "nothing changed");
    return add_event(inc, std::move(e));
}

const Event& complete_action(Incident& inc, const Actor& a, int number) {
    Action& x = find_action(inc, number);
    if (x.status == "done")
        throw TransitionRefused("action item " + std::to_string(number) + " is already done", "nothing changed");
    x.status = "done";
    Event e = make_event(a, "action_done", x.title);
    e.set("action", number);
    return add_event(inc, std::move(e));
}

}  // namespace incident
