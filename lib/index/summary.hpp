// What lists and reports need of one incident, small enough to keep 100 000
// of them in memory and in the index cache: the classification, the
// lifecycle times, counts taken from the timeline, the SLA clocks and the
// action items.
#pragma once

#include "model/config.hpp"
#include "model/incident.hpp"
#include "sla/sla.hpp"

#include <optional>
#include <string>
#include <vector>

namespace incident {

// An SLA clock as seen when the summary was made. A running clock that is
// not paused also knows when it turns at risk and when it breaches, so its
// state at any later moment needs neither the file nor the calendar.
struct ClockSummary {
    ClockState state = ClockState::none;
    bool running = false;
    std::optional<Timestamp> at_risk_at, due;

    ClockState at(Timestamp now) const;
};

// One person's part in an incident's timeline.
struct Activity {
    std::string who;
    int events = 0;
    Timestamp first{}, last{};
};

struct ActionSummary {
    int id = 0;
    std::string title, owner, due, status;
};

struct Summary {
    std::string id, title;
    Status status = Status::open;
    bool drill = false;
    std::string category, subcategory, service, impact, urgency, priority, team, tier;
    std::string assignee, reporter, commander, problem, resolution_code;
    std::vector<std::string> tags;
    std::optional<Timestamp> started, detected, opened, acknowledged, mitigated, resolved, closed;
    int escalations_functional = 0, escalations_hierarchical = 0, reopens = 0;
    ClockSummary respond, resolve;
    std::vector<Activity> activity;  // in order of first appearance
    std::vector<ActionSummary> actions;

    bool has_tag(std::string_view tag) const;
    // The clock that matters at `now`: respond until acknowledged, then resolve.
    ClockState sla_at(Timestamp now) const;
};

// Throws InvalidData for an unknown business-hours time zone.
Summary summarise(const Incident& inc, const Config& config, Timestamp now);

// A fingerprint of the settings a summary depends on (the SLA targets,
// policies, business hours): a cache made under other settings is stale.
std::uint64_t summary_settings_fingerprint(const Config& config);

}  // namespace incident
