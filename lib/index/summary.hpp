// What lists and reports need of one incident, small enough to keep 100 000
// of them in memory and in the index cache: the classification, the
// lifecycle times, counts taken from the timeline, the SLA clocks (and what
// they are computed from, so `sla` can judge them at any moment without the
// file) and the action items.
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "model/config.hpp"
#include "model/fields.hpp"
#include "model/incident.hpp"
#include "sla/sla.hpp"

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

// Where the text of summaries lives: each distinct string once. Summaries
// hold views into a pool (or into the cache file's bytes), so 100 000 of them
// cost little memory and no allocation per field. Safe to share between
// threads: the strings are spread over shards with a lock each, and their
// bytes are kept in large blocks.
class StringPool {
public:
    std::string_view intern(std::string_view s);

private:
    struct Shard {
        std::mutex mutex;
        std::unordered_set<std::string_view> seen;
        std::vector<std::unique_ptr<char[]>> blocks;
        std::size_t room = 0;  // bytes left at the end of the last block
    };
    static constexpr std::size_t kShards = 16, kBlock = 64 * 1024;
    std::array<Shard, kShards> shards_;
};

// One person's part in an incident's timeline.
struct Activity {
    std::string_view who;
    int events = 0;
    Timestamp first{}, last{};
};

// One page: a `paged` event whose outcome is "queued" (a page that went
// out), for the paging figures of reports.
struct PageMark {
    std::string_view person;
    Timestamp at{};
    int step = 0;  // the policy's step, 1-based; 0 when the event names none
};

struct ActionSummary {
    int id = 0;
    std::string_view title, owner, due, status;
};

// Text fields are views: they live as long as the Index (or pool) that made them.
struct Summary {
    std::string_view id, title;
    Status status = Status::open;
    bool drill = false;
    std::string_view category, subcategory, service, impact, urgency, priority, team, tier;
    std::string_view assignee, reporter, problem, location, sla_policy, dedup_key;
    std::string_view commander, resolution_code;  // from the roles and the resolution
    std::vector<std::string_view> tags;
    LifecycleTimes times;
    int escalations_functional = 0, escalations_hierarchical = 0, reopens = 0;
    ClockSummary respond, resolve;
    // Moves into and out of mitigated, kept only when the config pauses the
    // resolve clock while mitigated (that setting is part of the cache's
    // fingerprint): all the clocks need of the timeline.
    std::vector<MitigationMark> mitigation;
    std::vector<Activity> activity;  // in order of first appearance
    std::vector<PageMark> pages;     // in timeline order
    std::vector<ActionSummary> actions;
    std::vector<Timestamp> updates;  // the stakeholder updates (`update` events): the cadence clock
    bool deadlines = false;          // regulatory deadlines attached: their clocks read the incident itself
    bool published = false;          // something of it is public: the status page reads the incident itself

    bool has_tag(std::string_view tag) const;
    // The clock that matters at `now`: respond until acknowledged, then resolve.
    ClockState sla_at(Timestamp now) const;
    // What the SLA clocks are computed from; views into this summary.
    SlaFacts sla_facts() const;
};

// The summary's text fields, each with where it lives in an incident when it
// is an incident field kept as it is (null for the commander and the
// resolution code, taken from within other fields). summarise() and the
// index cache both walk this table.
struct SummaryText {
    std::string_view Summary::*member;
    std::string Incident::*from = nullptr;
};
const std::vector<SummaryText>& summary_texts();

// The SLA clocks at `now` from the summary alone: the same as sla_status()
// of the incident it was made from, under the config it was made with.
// Throws InvalidData for an unknown business-hours time zone.
SlaStatus sla_status(const Summary& s, const Config& config, Timestamp now);

// Text goes into `pool`. Throws InvalidData for an unknown business-hours time zone.
Summary summarise(const Incident& inc, const Config& config, Timestamp now, StringPool& pool);

// A fingerprint of the settings a summary depends on (the SLA targets,
// policies, business hours): a cache made under other settings is stale.
std::uint64_t summary_settings_fingerprint(const Config& config);

}  // namespace incident
