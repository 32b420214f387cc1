// The incident: pure data plus its mapping to and from the YAML file and the
// JSON output. Known keys are written in one stable order; keys the tool does
// not know are kept and written back next to the key they followed.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/time.hpp"
#include "model/yaml_node.hpp"

namespace incident {

enum class Status { open, triaged, investigating, mitigated, resolved, closed };

std::string_view to_string(Status s);
std::optional<Status> parse_status(std::string_view text);
// "open, triaged, ..." for messages and --help.
std::string status_names();

// A key/value list that keeps its order (event attributes, unknown keys).
using Attributes = std::vector<std::pair<std::string, YamlNode>>;

struct Event {
    Timestamp at{};
    std::string by;
    std::string type;  // opened, triaged, acknowledged, status, update, note, ...
    std::string text;
    Attributes attrs;  // from, to, role, code, ... in the order written

    void set(const std::string& key, const std::string& value);
    void set(const std::string& key, long long number);
    std::string get(const std::string& key) const;

private:
    void put(const std::string& key, const YamlNode& value);  // replaces or appends
};

struct Resolution {
    std::string code;
    std::string summary;
    std::string by;
};

// A postmortem action item.
struct Action {
    int id = 0;
    std::string title;
    std::string owner;
    std::string due;              // YYYY-MM-DD
    std::string type;             // mitigate | prevent | process
    std::string status = "open";  // open | done
    std::string tracker;          // link to the ticket
    Attributes extra;             // keys the tool does not know, kept
};

// An evidence file kept under attachments/ID/NAME, as it was when attached:
// its SHA-256 shows later that it is untouched (the chain of custody).
struct Attachment {
    std::string name;    // the file's name under attachments/ID/
    std::string sha256;  // lower-case hex
    long long size = 0;  // bytes
    std::string type;    // media type, e.g. image/jpeg
    std::string by;      // who attached it
    Timestamp at{};      // when
    std::string note;    // what it is, where it came from
    Attributes extra;    // keys the tool does not know, kept
};

// A checklist item, from a runbook a rule attached or added by hand
// (incident task): open until someone ticks it off.
struct Task {
    std::string id;  // short and unique in the incident (check-dashboards): how it is named
    std::string title;
    std::string runbook;  // the runbook it came from; empty when added by hand
    std::string done_by;
    std::optional<Timestamp> done_at;  // nullopt: still to do
    Attributes extra;                  // keys the tool does not know, kept
};

// An unknown top-level key, remembered with the key it followed.
struct ExtraKey {
    std::string after;  // empty: at the top
    std::string key;
    YamlNode value;
};

struct Incident {
    std::string id;
    std::string uid;  // stable across renumbering by sync
    std::string title;
    Status status = Status::open;
    bool drill = false;
    std::string category, subcategory, service;
    std::string impact, urgency, priority, priority_reason;
    std::string sla_policy;         // named SLA policy chosen by a rule; empty: the default
    std::string escalation_policy;  // named escalation policy chosen by a rule; empty: by priority
    std::string reporter, assignee, team, tier;
    std::vector<std::pair<std::string, std::string>> roles;
    std::vector<std::string> tags, related;
    std::string problem, location, dedup_key;
    // Where an imported incident came from (incident import): TOOL/ID, and
    // its number there. Empty for incidents made here.
    std::string source, source_number;
    // started_at: when the impact began, where known (for MTTD).
    std::optional<Timestamp> started_at, detected_at, opened_at, acknowledged_at, mitigated_at, resolved_at, closed_at;
    std::string description;
    std::optional<Resolution> resolution;
    std::vector<Action> actions;  // postmortem action items
    std::vector<Attachment> attachments;
    std::vector<Task> tasks;  // the checklist
    std::vector<Event> timeline;
    std::vector<ExtraKey> extra;

    std::string role(std::string_view name) const;
    void set_role(const std::string& name, const std::string& user);
    bool has_tag(std::string_view tag) const;
};

// A description as it is kept: without trailing newlines or spaces (a YAML
// block adds a newline; they carry nothing).
std::string normalise_description(std::string text);

// A priority set by hand (open/triage --priority): rules and the matrix keep it.
bool is_manual_priority(const Incident& inc);
std::string manual_priority_reason(const std::string& who);

// Parses an incident document; `file` is used in error locations.
// Throws InvalidData naming the field and its position.
Incident incident_from_yaml(const YamlNode& root, const std::string& file);

// The file's text, in the canonical key order.
std::string incident_to_yaml(const Incident& inc);

// The same text cut at its top-level keys: each key with its lines.
struct YamlBlock {
    std::string key;
    std::string text;
};
std::vector<YamlBlock> incident_yaml_blocks(const Incident& inc);

// The stable JSON shape shared by `show --json` and every mutating command.
nlohmann::ordered_json incident_to_json(const Incident& inc);
nlohmann::ordered_json event_to_json(const Event& e);
nlohmann::ordered_json action_to_json(const Action& a);
nlohmann::ordered_json attachment_to_json(const Attachment& a);
nlohmann::ordered_json task_to_json(const Task& t);
// A string, or null when it is empty: how every optional field looks in JSON.
nlohmann::ordered_json json_or_null(const std::string& s);

// The names of the top-level keys the tool understands, in file order.
const std::vector<std::string>& incident_keys();

}  // namespace incident
