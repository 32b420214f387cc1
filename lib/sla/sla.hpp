// SLA clocks per incident: respond (open -> acknowledged) and resolve
// (open -> resolved), on wall-clock or business time, optionally paused
// while mitigated; each ok / at-risk / breached while running, met / missed
// once stopped. Also the automatic escalation plan built on them.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/config.hpp"
#include "model/fields.hpp"
#include "model/incident.hpp"

namespace incident {

enum class ClockState { none, ok, at_risk, breached, met, missed };
std::string_view to_string(ClockState s);

// How much of `target` may elapse before a running clock is at risk: the
// configured fraction (sla.at_risk), rounded up to a whole second. The one
// definition of the threshold, for the clocks and for the index's summaries.
Seconds at_risk_after(const Config& config, Seconds target);

struct SlaClock {
    std::string name;                     // respond | resolve
    ClockState state = ClockState::none;  // none: no target for this priority
    Seconds target{0}, elapsed{0}, remaining{0};
    bool running = false, paused = false, business_hours = false;
    std::optional<Timestamp> due;  // when a running, unpaused clock breaches
};

struct SlaStatus {
    SlaClock respond, resolve;
    // The clock that matters now: respond until acknowledged, then resolve.
    const SlaClock& active() const { return respond.running ? respond : resolve; }
};

// A timeline event that moves an incident into or out of mitigated, for the
// pause of the resolve clock. `reached` is the latest time of any timeline
// event up to and including this one: the clocks read the timeline in order
// up to the first event at or after the moment they stop, so a mark counts at
// `stop` exactly when reached < stop.
struct MitigationMark {
    Timestamp at{}, reached{};
    bool enters = false, leaves = false;  // to: mitigated, from: mitigated
    bool operator==(const MitigationMark&) const = default;
};

// Everything the SLA clocks of one incident depend on, so that they can be
// computed from an incident or from its index summary alike.
struct SlaFacts {
    std::string_view priority, policy;
    Status status = Status::open;
    LifecycleTimes times;                        // opened, acknowledged, resolved, closed matter
    std::span<const MitigationMark> mitigation;  // in timeline order
};

// A clock's duration as its target was written: on a business-hours clock a
// "d" is one working day (business_hours end - start), not 24 hours.
std::string clock_duration(Seconds d, const SlaClock& clock, const Config& config);
// "3h of 3d" (elapsed of target), with " business time" on such a clock.
std::string clock_progress(const SlaClock& clock, const Config& config);

// The marks of `inc`'s timeline (empty when none moved it into or out of mitigated).
std::vector<MitigationMark> mitigation_marks(const Incident& inc);

// Throws InvalidData for an unknown business-hours time zone.
SlaStatus sla_status(const Incident& inc, const Config& config, Timestamp now);
// The same clocks from the facts alone.
SlaStatus sla_status(const SlaFacts& facts, const Config& config, Timestamp now);

// What `escalate --auto` does to one incident: a functional escalation when
// the active clock is at risk or breached, a hierarchical one when breached,
// each at most once per clock (idempotent).
struct AutoEscalation {
    std::string clock;
    ClockState state = ClockState::none;
    bool functional = false, hierarchical = false;
    std::string reason;
};
std::optional<AutoEscalation> plan_auto_escalation(const Incident& inc, const Config& config, Timestamp now);

}  // namespace incident
