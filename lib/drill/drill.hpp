// Exercises: a scenario in .incident/scenarios/NAME.yaml opens a drill (an
// incident with drill: true, left out of every metric), and the exercise is
// scored afterwards from its timeline against the SLA of its priority.
//
//   title: Ransom note on the file server        # required
//   service: files
//   category: security
//   subcategory: ransomware
//   impact: high
//   urgency: high
//   location: Site A/Server room
//   description: What the players are told at the start.
//   injects:                                     # what the facilitator adds, and when
//     - {after: 10m, text: "Backups are encrypted too"}
//     - {after: 30m, text: "A journalist calls the press office"}
#pragma once

#include <string>
#include <vector>

#include "lifecycle/lifecycle.hpp"
#include "model/config.hpp"
#include "model/incident.hpp"
#include "store/repository.hpp"

namespace incident {

struct Inject {
    Seconds after{0};
    std::string text;
};

struct Scenario {
    std::string name;
    NewIncident fields;  // title, service, classification, location, description
    std::vector<Inject> injects;
};

// The scenario NAME from .incident/scenarios/NAME.yaml (NotFound naming the
// scenarios there; InvalidData located in the file).
Scenario load_scenario(const Repository& repo, const std::string& name);
std::vector<std::string> scenario_names(const Repository& repo);

// The draft `open_incident` makes the drill from: the scenario's fields,
// drill: true, the tag drill-scenario and a description that lists the
// injects with the times they are due from `start`.
NewIncident drill_draft(const Scenario& s, Timestamp start);

// How a drill went: each step's time from opening, and whether the SLA of
// its priority was met (respond: acknowledged; resolve: resolved).
struct DrillScore {
    const Incident* drill = nullptr;
    std::string scenario;
    std::optional<Seconds> to_acknowledge, to_escalate, to_resolve;
    std::string respond, resolve;  // met, missed, running, or none (no target)
    int met = 0, scored = 0;       // SLA clocks met, of those that had a target and stopped or ran out
};
DrillScore score_drill(const Incident& drill, const Config& config, Timestamp now);

}  // namespace incident
