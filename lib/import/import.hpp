// incident import: people, schedules, escalation policies, services and
// incident history from another tool's export, brought into this
// repository's files. A reader per tool (pagerduty.cpp, opsgenie.cpp,
// grafana_oncall.cpp) turns the export into an ImportSet, saying per object
// how well it maps; plan_import matches it against what the repository
// holds (by the source ids earlier imports recorded, people by email) and
// works out every file to write; apply_import writes them in one commit.
// Importing the same export again changes nothing.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/incident.hpp"
#include "oncall/people.hpp"
#include "oncall/schedule.hpp"
#include "workspace/workspace.hpp"

namespace incident {

// How well an object maps: exactly, approximately (and how), or not at all (and why).
enum class Fit { exact, approximate, none };
const char* fit_name(Fit f);

struct Mapping {
    Fit fit = Fit::exact;
    std::vector<std::string> notes;  // how it is approximated, why it is left out, what is left to do
    void approximate(std::string note);
    void leave_out(std::string why);
};

struct SourcePerson {
    std::string id, name, email, time_zone;
    std::vector<ContactMethod> contact;
    Mapping map;
};

struct SourceOverride {
    std::string id;
    Timestamp from{}, to{};
    std::string user;  // the source's user id
};

// What the source itself says is on call, for a self-check.
struct RenderedShift {
    Timestamp from{}, to{};
    std::string user;
};

struct SourceSchedule {
    std::string id, name, description, time_zone;
    std::vector<Layer> layers;  // members are the source's user ids; the last wins, as in schedule files
    bool every_layer = false;   // every layer is on call at once (combine: all)
    std::vector<SourceOverride> overrides;
    // The window the export rendered, and the source's final shifts in it.
    std::optional<std::pair<Timestamp, Timestamp>> window;
    std::vector<RenderedShift> rendered;
    Mapping map;
};

struct SourceTarget {
    bool schedule = false;  // else a user
    std::string id;
};

struct SourcePolicy {
    std::string id, name, description;
    int repeat = 0;
    std::vector<std::pair<std::vector<SourceTarget>, Seconds>> steps;  // whom, and the wait before the next
    Mapping map;
};

struct SourceService {
    std::string id, name, description, policy;  // policy: the source's id
    std::string urgency;                        // a constant urgency for its incidents, when it has one
    Mapping map;
};

struct SourceEvent {
    Timestamp at{};
    std::string id;    // the log entry's
    std::string type;  // opened, acknowledged, escalated, note, resolved
    std::string user;  // the source's user id, when a person did it (else it is by the tool)
    std::string text;
};

struct SourceIncident {
    std::string id, number, title, description;
    std::string service;  // the source's id
    std::string urgency, priority;
    Timestamp created{};
    std::vector<SourceEvent> events;  // in time order
    // Its status there (open, acknowledged, resolved) and since when, for
    // what the log does not say.
    std::string status;
    std::optional<Timestamp> status_at;
    Mapping map;
};

struct ImportSet {
    std::string tool;  // pagerduty: in ids and file names
    std::string name;  // PagerDuty: in what people read
    std::vector<SourcePerson> people;
    std::vector<SourceSchedule> schedules;
    std::vector<SourcePolicy> policies;
    std::vector<SourceService> services;
    std::vector<SourceIncident> incidents;
    std::vector<std::string> notes;  // what the export lacks as a whole (a list file missing)
};

// Reads a PagerDuty, an Opsgenie or a Grafana OnCall export (see man
// incident-import for their files). Throws InvalidData located at the first
// malformed value.
ImportSet read_pagerduty(const fs::path& dir);
ImportSet read_opsgenie(const fs::path& dir);
ImportSet read_grafana_oncall(const fs::path& dir);

// --- the plan ------------------------------------------------------------

struct PlanItem {
    std::string kind;    // person, schedule, override, policy, service, incident
    std::string name;    // as it is (or would be) named here: a key, an incident id
    std::string source;  // TOOL/ID
    std::string action;  // add, update, unchanged, matched (a person already here), kept (changed here), skip
    Fit fit = Fit::exact;
    std::vector<std::string> notes;
};

// A difference between who the source says is on call and who the imported
// schedule says, over a stretch of the rendered window.
struct ScheduleDifference {
    std::string schedule;  // key here
    Timestamp from{}, to{};
    std::vector<std::string> source, here;  // person keys (or the source's ids, when unknown)
};

struct SelfCheck {
    std::string schedule;
    Timestamp from{}, to{};
    std::vector<ScheduleDifference> differences;
};

struct ImportPlan {
    std::string tool, name;  // as ImportSet's
    std::vector<PlanItem> items;
    std::vector<SelfCheck> checks;
    std::vector<std::string> notes;   // the ImportSet's
    std::vector<FileChange> files;    // people, schedules, overrides, policies, rules
    std::vector<Incident> incidents;  // new (id empty) or changed (id kept)
    bool already_imported = false;    // the repository held data from this tool before
    std::string summary() const;      // "5 people (5 new), 2 schedules, ..."
    std::size_t count(const std::string& kind, const std::string& action = {}) const;
    bool changes() const { return !files.empty() || !incidents.empty(); }
};

// Matches `set` against the repository and works out what to write.
ImportPlan plan_import(const Workspace& ws, const ImportSet& set);

struct ImportResult {
    std::vector<std::string> ids;  // the incidents written, in order
    bool committed = false;
    std::vector<std::string> warnings;
};

// Writes the plan in one commit (no hook runs, no one is paged: it is
// history), and names the new incidents in its items by their ids.
ImportResult apply_import(const Workspace& ws, ImportPlan& plan, const ChangeOptions& opts);

}  // namespace incident
