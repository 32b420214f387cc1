// The communication cadence (communication: {P1: 30m, P2: 1h} in the
// config): while an incident is open, the next stakeholder update (an
// `update` event, public or not) is due that long after the last one, or
// after the opening. A third clock beside respond and resolve: ok, at risk,
// overdue (breached); once resolved, met when every update came on time.
#pragma once

#include <map>
#include <span>
#include <string>
#include <string_view>

#include "model/config.hpp"
#include "model/fields.hpp"
#include "sla/sla.hpp"

namespace incident {

// priority -> the longest time between two stakeholder updates.
using Cadence = std::map<std::string, Seconds, std::less<>>;

// The `communication:` section (empty when there is none). Throws
// InvalidData located in `file` for an unknown priority or a bad duration.
Cadence cadence_settings(const Config& config, const std::string& file);

// What the clock depends on: the incident's priority, status, opening and
// end, and the times of its stakeholder updates in timeline order.
struct CadenceFacts {
    std::string_view priority;
    Status status = Status::open;
    LifecycleTimes times;
    std::span<const Timestamp> updates;
};

// The clock "update" at `now`: none when the priority has no cadence.
SlaClock cadence_clock(const CadenceFacts& facts, const Cadence& cadence, const Config& config, Timestamp now);

// For reports: how many updates were due up to `now` (each interval that
// ended in an update, an open interval already past its time, and the last
// one before resolution when it ran over) and how many came on time.
struct CadenceRecord {
    int due = 0, on_time = 0;
};
CadenceRecord cadence_record(const CadenceFacts& facts, const Cadence& cadence, Timestamp now);

}  // namespace incident
