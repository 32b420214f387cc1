// Regulatory deadlines as clocks. A deadline set (gdpr, nis2, dora, sec-8k,
// hipaa shipped; more under deadlines: in the config) is a list of stages,
// each due a time after its own start: a recorded moment (aware,
// classified, determined, discovered — rarely the detection time) or an
// earlier stage's submission. Sets are attached to an incident by rules
// (then: {deadlines: [gdpr]}) or by hand; each moment and each submission
// is an event on its timeline, backfillable, so the clocks are computed
// from the file alone.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lifecycle/lifecycle.hpp"
#include "model/config.hpp"
#include "model/incident.hpp"
#include "sla/sla.hpp"

namespace incident {

// The moments a stage may start from.
const std::vector<std::string>& deadline_moments();

struct DeadlineStage {
    std::string name;  // authority, early-warning, final-report, ...
    std::string from;  // a moment, or an earlier stage of the same set (its submission)
    // How long after `from`: a duration, calendar months, or business days
    // (whole days of the business_hours calendar, due at the end of the last).
    Seconds within{0};
    int months = 0, business_days = 0;
    std::string within_text;  // as written: 72h, 1mo, 4bd
    // And no later than this long after another moment (DORA's 24 hours from awareness).
    std::string backstop_from;
    Seconds backstop{0};
};

struct DeadlineSet {
    std::string name, description;
    std::vector<DeadlineStage> stages;
    const DeadlineStage* stage(const std::string& name) const;
};

// The shipped sets, then those of the config's deadlines: section (one of
// the same name replaces the shipped one). Throws InvalidData located in
// `file`.
std::vector<DeadlineSet> deadline_sets(const Config& config, const std::string& file);
const DeadlineSet* find_set(const std::vector<DeadlineSet>& sets, const std::string& name);

// Timeline events: `deadline` (set: NAME), `moment` (moment: aware,
// moment_at: TIME), `submitted` (deadline: NAME, stage: STAGE, ref: REF). Each throws
// UsageError for a name the sets do not hold.
const Event& attach_deadline(Incident& inc, const Actor& actor, const std::string& set,
                             const std::vector<DeadlineSet>& sets);
// `at` may be before or after the event's own time (a moment learnt later,
// or corrected): the latest `moment` event for a moment wins.
const Event& record_moment(Incident& inc, const Actor& actor, const std::string& moment, Timestamp at);
// `what` is NAME or NAME.STAGE (the stage may be left out of a set of one).
const Event& record_submission(Incident& inc, const Actor& actor, const std::string& what, const std::string& ref,
                               const std::vector<DeadlineSet>& sets);
// The sets attached to `inc`, in the order attached.
std::vector<std::string> attached_deadlines(const Incident& inc);

struct DeadlineClock {
    std::string set, stage;
    ClockState state = ClockState::none;  // none: its start is not recorded yet
    std::string waiting_for;              // the moment or stage it waits for (state none)
    std::optional<Timestamp> start, due, done;
    std::string ref;  // the submission's reference
    Seconds late{0};  // missed: by how long
    std::string label() const { return set + "." + stage; }
};

// Every stage of every attached set at `now`: ok, at risk (past the
// sla.at_risk fraction of its time), breached (overdue), met, or missed
// (submitted late). Throws InvalidData for an unknown business-hours time zone.
std::vector<DeadlineClock> deadline_clocks(const Incident& inc, const std::vector<DeadlineSet>& sets,
                                           const Config& config, Timestamp now);

}  // namespace incident
