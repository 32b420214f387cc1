// Reminders: what escalate --auto and the pager's tick owe besides
// escalation and pages. When the next stakeholder update is overdue
// (communication:), and when a stage of a regulatory deadline becomes at
// risk or overdue, the incident gets a `reminder` event addressed to its
// comms role (else its assignee), once for each clock, state and due time;
// the event's notification then goes out like any change's (notify event
// `reminder`).
#pragma once

#include <string>
#include <vector>

#include "deadlines/deadlines.hpp"
#include "sla/cadence.hpp"
#include "workspace/workspace.hpp"

namespace incident {

struct Reminder {
    std::string clock;  // "update", or a deadline's "gdpr.authority"
    ClockState state = ClockState::none;
    Timestamp due{};
    std::string to;    // the comms role, else the assignee (empty: nobody)
    std::string text;  // what the event says
};

// The reminders `inc` is owed at `now` and has not had yet.
std::vector<Reminder> plan_reminders(const Incident& inc, const Cadence& cadence, const std::vector<DeadlineSet>& sets,
                                     const Config& config, Timestamp now);

// Records every reminder owed in the repository, one change per incident
// (the index picks the candidates: open incidents with a cadence, and those
// with deadlines). A dry run computes and writes nothing.
std::vector<ChangeResult> send_reminders(const Workspace& ws, Timestamp now, const ChangeOptions& opts);

}  // namespace incident
