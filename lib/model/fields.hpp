// The incident's fields, each described once: its key (the same in the YAML
// file and in JSON), what kind of value it holds, where that lives in an
// Incident, and what rules may do with it. The reader, the writer, the JSON
// form and the rules all walk this table, and schemas/ (incident, show) is
// written from it. Adding a field: one row here, its member in Incident, then
// regenerate schemas with `incident __schemas schemas`.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/incident.hpp"

namespace incident {

enum class FieldType {
    id,           // PREFIX-N, the file's name
    text,         // one line; null when empty
    long_text,    // the description: a block when it has several lines
    time,         // RFC 3339 UTC, or null
    list,         // of strings: tags, related
    status,       // one of the lifecycle's names
    boolean,      // drill
    roles,        // role: person
    resolution,   // {code, summary, by}
    actions,      // postmortem action items
    attachments,  // evidence files with their SHA-256
    tasks,        // the checklist: {id, title, runbook, done_by, done_at}
    timeline,     // events
};

struct IncidentField {
    std::string_view key;
    FieldType type;
    std::string_view help;    // a few words, for messages and documentation
    bool required = false;    // refused when missing or empty
    bool omit_empty = false;  // written only when set; files without it stay as they were (text, attachments)
    bool condition = false;   // a rule's `when:` may test it
    bool rule_sets = false;   // a rule's `set:` may set it (and a value given by hand wins over rules)
    // Where the value lives, for the types that have a member of their own.
    std::string Incident::*text = nullptr;  // id, text, long_text
    std::optional<Timestamp> Incident::*time = nullptr;
    std::vector<std::string> Incident::*list = nullptr;
    bool Incident::*flag = nullptr;  // boolean
};

// Every field, in the order the tool writes them.
const std::vector<IncidentField>& incident_fields();
// By key; null when the tool does not know it (a key it keeps as written).
const IncidentField* find_incident_field(std::string_view key);

// The values some fields' parts take: the roles `assign --role` hands over
// (a file may name others), an action item's types and statuses.
const std::vector<std::string>& incident_roles();
const std::vector<std::string>& action_types();
const std::vector<std::string>& action_statuses();
// Every status name, in lifecycle order.
std::vector<std::string> status_values();

// An incident's lifecycle times, and the durations between them, each
// defined once; queries, reports and postmortems all use these:
//   to detect       detected - started   (how long the impact went unseen)
//   to acknowledge  acknowledged - opened
//   to mitigate     mitigated - opened
//   to resolve      resolved - opened
enum class Span { detect, acknowledge, mitigate, resolve };

struct LifecycleTimes {
    std::optional<Timestamp> started, detected, opened, acknowledged, mitigated, resolved, closed;
    // nullopt when either end is unknown.
    std::optional<Seconds> span(Span s) const;
};

LifecycleTimes lifecycle_times(const Incident& inc);

// A field's value as one text, as rules compare it: lists joined with
// commas, times in RFC 3339, drill "true"/"false"; nullopt when empty.
// Only for id, text, long_text, time, list, status and boolean fields.
std::optional<std::string> field_text(const Incident& inc, const IncidentField& f);

}  // namespace incident
