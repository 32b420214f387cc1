// incident report: metrics over a period, in total and per group, plus the
// series the charts draw. Every figure is defined in incident-report(1);
// the comments here say the same in short.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "index/summary.hpp"
#include "model/config.hpp"
#include "query/query.hpp"
#include "store/store.hpp"

namespace incident {

// Samples in seconds: mean, median (the middle, or the mean of the two
// middles) and p90 (nearest rank: the ceil(0.9 n)-th smallest).
struct Stat {
    std::size_t n = 0;
    std::optional<double> mean, median, p90;
};
Stat stat_of(std::vector<double> samples);

// An SLA clock over many incidents: met, or missed (stopped late, or
// running and already breached); clocks still running in time are not
// counted. percent = met / (met + missed) * 100.
struct Compliance {
    int met = 0, missed = 0;
    std::optional<double> percent() const;
};

struct Metrics {
    int incidents = 0;  // opened in the period
    int resolved = 0;   // of those, resolved (by now)
    int backlog = 0;    // opened before the end of the period and not resolved by then
    Stat backlog_age;   // end of period - opened, over the backlog
    Stat mttd;          // detected - started, where both are known
    Stat mtta;          // acknowledged - opened
    Stat mttr;          // resolved - opened
    Stat mtbf;          // next start - previous resolution, same service
    Compliance respond, resolve;
    Compliance updates;  // stakeholder updates due (communication:): met on time, missed late or never
    int escalations_functional = 0, escalations_hierarchical = 0;
    int reopens = 0;
};

struct ReportGroup {
    std::string key;
    Metrics metrics;
};

// One ISO week of the period (for the charts).
struct ReportWeek {
    std::string week;                        // 2026-W47
    std::map<std::string, int> by_priority;  // "none" for unprioritised
    int incidents = 0;
    Stat mttr;
};

struct ServiceCompliance {
    std::string service;
    Compliance respond, resolve;
};

struct Effort {
    std::string who;
    int incidents = 0;   // incidents they have a timeline event in
    int events = 0;      // their timeline events
    Seconds engaged{0};  // per incident, their last event - their first, summed
};

struct OverdueAction {
    std::string incident;
    int id = 0;
    std::string title, owner, due;
    int days_overdue = 0;
};

// Paging (the burden on-call health reviews look at), over the incidents
// opened in the period. A page is a `paged` event whose outcome is "queued".
struct PersonPages {
    std::string person;
    int pages = 0;
    int out_of_hours = 0;  // pages outside the config's business_hours
};

struct Paging {
    int incidents = 0;   // incidents with a page
    Stat first_page;     // first page - opened, over those
    int pages = 0;       // their pages, in all
    int most_pages = 0;  // the most one incident had
    // Acknowledged paged incidents by the step of their last page at or
    // before acknowledged_at; those acknowledged before any page apart.
    std::map<int, int> acknowledged_at_step;
    int acknowledged_before_page = 0;
    std::vector<PersonPages> people;  // most pages first

    std::optional<double> pages_mean() const;
};

// Over `incidents`; nullopt when none of them was paged. Throws
// InvalidData for an unknown business-hours time zone.
std::optional<Paging> paging_of(const std::vector<const Summary*>& incidents, const Config& config);

// What a report is grouped by: nothing, the month or ISO week each incident
// was opened in, or a query field that sorts incidents into kinds (a text, a
// scale, the status or a flag: service, team, priority, location...).
struct GroupBy {
    std::string name = "none";
    const Field* field = nullptr;  // null for none, month and week
    bool none() const { return name == "none"; }
};
// nullopt when `text` names nothing to group by.
std::optional<GroupBy> parse_group_by(std::string_view text);
// "none, month, week, title, ..." for messages and help.
std::string group_by_names();

struct ReportRequest {
    Timestamp since{}, until{}, now{};
    GroupBy by;
    bool include_drills = false;
    std::string where;  // the filter, as given (for the record)
};

struct Report {
    ReportRequest request;
    Metrics total;
    std::vector<ReportGroup> groups;  // empty when not grouped
    std::vector<ReportWeek> weeks;
    std::vector<ServiceCompliance> sla_by_service;
    std::vector<Effort> effort;                  // busiest first
    std::vector<OverdueAction> overdue_actions;  // most overdue first
    std::optional<Paging> paging;                // when an incident of the period was paged
    // Regulatory deadline stages of the period's incidents: met, or missed
    // (submitted late, or overdue); filled by deadline_outcomes.
    Compliance deadlines;
    std::vector<std::string> deadlines_missed;  // "INC-4 gdpr.authority: 5h late"
    std::vector<std::string> priorities;        // the scale, for legends
};

// `incidents`: already filtered by --where; drills are dropped here unless
// the request includes them.
Report build_report(const std::vector<const Summary*>& incidents, const ReportRequest& request, const Config& config);

// Fills report.deadlines from the incidents of the period that have
// deadlines, read from `store` (few: their summaries say which). Throws
// InvalidData for a file that no longer reads.
void deadline_outcomes(Report& report, const std::vector<const Summary*>& incidents, const Store& store,
                       const Config& config);

// "2026-W47" for the ISO week holding `t` (UTC).
std::string iso_week(Timestamp t);

}  // namespace incident
