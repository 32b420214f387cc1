#include "effects/reminders.hpp"

#include <algorithm>

#include "index/index.hpp"
#include "lifecycle/lifecycle.hpp"

namespace incident {

namespace {

bool reminded(const Incident& inc, const Reminder& r) {
    const std::string due = format_rfc3339(r.due);
    return std::any_of(inc.timeline.begin(), inc.timeline.end(), [&](const Event& e) {
        return e.type == "reminder" && e.get("clock") == r.clock && e.get("state") == to_string(r.state) &&
               e.get("due") == due;
    });
}

}  // namespace

std::vector<Reminder> plan_reminders(const Incident& inc, const Cadence& cadence, const std::vector<DeadlineSet>& sets,
                                     const Config& config, Timestamp now) {
    std::vector<Reminder> out;
    std::string to = inc.role("comms");
    if (to.empty()) to = inc.assignee;
    std::vector<Timestamp> updates;
    for (const Event& e : inc.timeline)
        if (e.type == "update") updates.push_back(e.at);
    const SlaClock update =
        cadence_clock({inc.priority, inc.status, lifecycle_times(inc), updates}, cadence, config, now);
    if (update.running && update.state == ClockState::breached && update.due)
        out.push_back({"update", update.state, *update.due, to,
                       "stakeholder update overdue: due " + format_rfc3339(*update.due) + " (every " +
                           format_duration(update.target) + ")"});
    for (const auto& d : deadline_clocks(inc, sets, config, now))
        if ((d.state == ClockState::at_risk || d.state == ClockState::breached) && d.due)
            out.push_back({d.label(), d.state, *d.due, to,
                           d.label() + (d.state == ClockState::breached ? " overdue" : " at risk") + ": due " +
                               format_rfc3339(*d.due)});
    std::erase_if(out, [&](const Reminder& r) { return reminded(inc, r); });
    return out;
}

std::vector<ChangeResult> send_reminders(const Workspace& ws, Timestamp now, const ChangeOptions& opts) {
    std::vector<ChangeResult> out;
    const Cadence cadence = cadence_settings(ws.config, ".incident/config.yaml");
    const std::vector<DeadlineSet> sets = deadline_sets(ws.config, ".incident/config.yaml");
    Index index = load_index(ws.store, ws.config, now);
    for (const auto& s : index.incidents) {
        const bool open = s.status != Status::resolved && s.status != Status::closed;
        if (s.drill || !(s.deadlines || (open && cadence.count(s.priority)))) continue;
        const std::string id(s.id);
        if (plan_reminders(ws.store.load(id), cadence, sets, ws.config, now).empty()) continue;
        try {
            out.push_back(change_incident(
                ws, id,
                [&](Incident& inc) {
                    auto owed = plan_reminders(inc, cadence, sets, ws.config, now);
                    if (owed.empty()) throw TransitionRefused(inc.id + ": no reminder owed any more");
                    Event last;
                    for (const auto& r : owed) {
                        Event e = make_event(Actor{opts.actor, now, ws.config}, "reminder", r.text);
                        e.set("clock", r.clock);
                        e.set("state", std::string(to_string(r.state)));
                        e.set("due", format_rfc3339(r.due));
                        if (!r.to.empty()) e.set("to", r.to);
                        last = add_event(inc, std::move(e));
                    }
                    return last;
                },
                opts));
        } catch (const TransitionRefused&) {  // changed meanwhile
        }
    }
    return out;
}

}  // namespace incident
