// Heartbeats (.incident/heartbeats.yaml): jobs that must check in every so
// often. A check-in is machine-local state, not a commit: the instant of the
// last one is kept in .git/incident/heartbeats/NAME, so each clone (each
// `serve`) knows only the check-ins it received. When a check-in is overdue
// by more than the grace, an incident opens under the dedup key
// `heartbeat/NAME` (once: an incident open under that key is not opened
// again), and the next check-in marks it mitigated. Time is an input.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/config.hpp"
#include "model/time.hpp"
#include "oncall/problems.hpp"
#include "store/repository.hpp"
#include "workspace/workspace.hpp"

namespace incident {

struct Heartbeat {
    std::string name;
    Seconds every{0};                      // how often the job checks in
    Seconds grace{0};                      // how late a check-in may be before an incident opens
    std::string service, impact, urgency;  // what the incident opens with; empty when not given
    Location where;

    std::string dedup_key() const { return "heartbeat/" + name; }
};

struct Heartbeats {
    std::vector<Heartbeat> list;  // in file order
    const Heartbeat* find(std::string_view name) const;
};

fs::path heartbeats_path(const Repository& repo);

// Reads a heartbeats document; every problem goes to `problems`, located in
// `display`. Impact and urgency are checked against the config's scales.
Heartbeats parse_heartbeats(const YamlNode& root, const std::string& display, const Config& config, Problems& problems);

// .incident/heartbeats.yaml through the repository opener; empty when
// absent. Throws InvalidData at the first problem.
Heartbeats load_heartbeats(const Repository& repo, const Config& config);

// waiting: never checked in (here); ok; overdue: now > last + every + grace.
enum class HeartbeatState { waiting, ok, overdue };
std::string_view to_string(HeartbeatState s);
HeartbeatState heartbeat_state(const Heartbeat& hb, std::optional<Timestamp> last, Timestamp now);

// The last check-in this clone received; nullopt when none.
std::optional<Timestamp> last_checkin(const Repository& repo, const std::string& name);

struct HeartbeatStatus {
    Heartbeat heartbeat;
    HeartbeatState state = HeartbeatState::waiting;
    std::optional<Timestamp> last;
    std::string incident;  // the incident open (not resolved or closed) under its dedup key; empty when none
};

// Every heartbeat's state at `now` (heartbeat list).
std::vector<HeartbeatStatus> heartbeat_statuses(const Workspace& ws, Timestamp now);

struct HeartbeatCheck {
    std::vector<ChangeResult> opened;  // the incidents opened for missed heartbeats
    std::vector<std::string> warnings;
};

// Opens an incident for each overdue heartbeat that has none open under its
// dedup key (the lookup and the write under the repository lock, as alert
// intake does). Titled "Heartbeat NAME missed: no check-in since TIME".
HeartbeatCheck check_heartbeats(const Workspace& ws, Timestamp now, const ChangeOptions& opts);

struct Checkin {
    std::string name;
    HeartbeatState state = HeartbeatState::ok;
    ChangeResult mitigated;  // the incident marked mitigated; no id when none
};

// Records a check-in of heartbeat `name` at `now` (atomically; a later
// check-in already recorded is kept), then marks the incident open under its
// dedup key mitigated when it is still open, triaged or investigating.
// Throws NotFound for a name heartbeats.yaml does not have.
Checkin record_checkin(const Workspace& ws, const std::string& name, Timestamp now, const ChangeOptions& opts);

// {"heartbeat": NAME, "state": ..., "mitigated": ID or null}: what
// `heartbeat checkin --json` prints and `incident serve` answers.
nlohmann::ordered_json to_json(const Checkin& c);

}  // namespace incident
