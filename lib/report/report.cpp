#include "report/report.hpp"

#include <date/date.h>
#include <date/iso_week.h>

#include <algorithm>
#include <cmath>

#include "deadlines/deadlines.hpp"
#include "sla/cadence.hpp"

namespace incident {

namespace {

double secs(Timestamp from, Timestamp to) { return static_cast<double>((to - from).count()); }

// Resolved by then: a resolution (or, for a file without one, a close) at or before `at`.
bool resolved_by(const Summary& s, Timestamp at) {
    auto done = s.times.resolved ? s.times.resolved : s.times.closed;
    return done && *done <= at;
}

std::string month_of(Timestamp t) { return date::format("%Y-%m", t); }

bool groupable(const Field& f) {
    return f.kind == FieldKind::text || f.kind == FieldKind::scale || f.kind == FieldKind::status ||
           f.kind == FieldKind::boolean;
}

// The group `s` falls in, and where that group sorts: scales and the status
// in their order (a missing value last), anything else by name.
std::pair<std::string, long long> group_key(const Summary& s, const GroupBy& by, const Config& cfg, Timestamp now) {
    if (by.none()) return {"all", 0};
    if (!by.field) {
        if (!s.times.opened) return {"(none)", 0};
        return {by.name == "month" ? month_of(*s.times.opened) : iso_week(*s.times.opened), 0};
    }
    Value v = field_value(s, *by.field, cfg, now);
    bool ordered = by.field->kind == FieldKind::scale || by.field->kind == FieldKind::status;
    if (!v.present || v.text.empty()) return {"(none)", ordered ? 1000 : 0};
    return {v.text, ordered ? v.number : 0};
}

void count_clock(Compliance& c, ClockState state) {
    if (state == ClockState::met) ++c.met;
    if (state == ClockState::missed || state == ClockState::breached) ++c.missed;
}

// The samples behind one Metrics, filled incident by incident.
struct Accumulator {
    Metrics m;
    std::vector<double> backlog_age, ttd, tta, ttr;
    std::map<std::string, std::vector<const Summary*>> by_service;

    void add_period(const Summary& s, Timestamp now, const Cadence& cadence) {
        CadenceRecord updates = cadence_record({s.priority, s.status, s.times, s.updates}, cadence, now);
        m.updates.met += updates.on_time;
        m.updates.missed += updates.due - updates.on_time;
        ++m.incidents;
        if (s.times.resolved) ++m.resolved;
        for (auto [span, samples] : {std::pair{Span::detect, &ttd}, {Span::acknowledge, &tta}, {Span::resolve, &ttr}})
            if (auto d = s.times.span(span)) samples->push_back(static_cast<double>(d->count()));
        count_clock(m.respond, s.respond.at(now));
        count_clock(m.resolve, s.resolve.at(now));
        m.escalations_functional += s.escalations_functional;
        m.escalations_hierarchical += s.escalations_hierarchical;
        m.reopens += s.reopens;
        by_service[std::string(s.service)].push_back(&s);
    }
    void add_backlog(const Summary& s, Timestamp until) {
        ++m.backlog;
        backlog_age.push_back(secs(*s.times.opened, until));
    }
    Metrics finish() {
        m.backlog_age = stat_of(std::move(backlog_age));
        m.mttd = stat_of(std::move(ttd));
        m.mtta = stat_of(std::move(tta));
        m.mttr = stat_of(std::move(ttr));
        std::vector<double> gaps;
        for (auto& [service, list] : by_service) {
            if (service.empty()) continue;  // no service: no failures of one thing to space out
            auto start = [](const Summary* s) {
                return s->times.started ? *s->times.started : s->times.detected ? *s->times.detected : *s->times.opened;
            };
            std::sort(list.begin(), list.end(),
                      [&](const Summary* a, const Summary* b) { return start(a) < start(b); });
            for (std::size_t i = 1; i < list.size(); ++i) {
                if (!list[i - 1]->times.resolved) continue;
                gaps.push_back(std::max(0.0, secs(*list[i - 1]->times.resolved, start(list[i]))));
            }
        }
        m.mtbf = stat_of(std::move(gaps));
        return m;
    }
};

}  // namespace

Stat stat_of(std::vector<double> v) {
    Stat s;
    s.n = v.size();
    if (v.empty()) return s;
    std::sort(v.begin(), v.end());
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / static_cast<double>(v.size());
    std::size_t mid = v.size() / 2;
    s.median = v.size() % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
    auto rank = static_cast<std::size_t>(std::ceil(0.9 * static_cast<double>(v.size())));
    s.p90 = v[std::max<std::size_t>(rank, 1) - 1];
    return s;
}

std::optional<double> Compliance::percent() const {
    if (met + missed == 0) return std::nullopt;
    return 100.0 * met / (met + missed);
}

std::optional<GroupBy> parse_group_by(std::string_view t) {
    if (t == "none" || t == "month" || t == "week") return GroupBy{std::string(t), nullptr};
    const Field* f = find_field(t);
    if (!f || !groupable(*f) || f->name != t) return std::nullopt;
    return GroupBy{f->name, f};
}

std::string group_by_names() {
    std::string out = "none, month, week";
    for (const auto& f : query_fields())
        if (groupable(f)) out += ", " + f.name;
    return out;
}

std::string iso_week(Timestamp t) {
    iso_week::year_weeknum_weekday w{date::floor<date::days>(t)};
    auto week = static_cast<unsigned>(w.weeknum());
    return std::to_string(static_cast<int>(w.year())) + (week < 10 ? "-W0" : "-W") + std::to_string(week);
}

namespace {

// Overdue action items are a standing debt: every incident the filter keeps,
// whatever its period; the longest overdue first.
std::vector<OverdueAction> overdue_actions(const std::vector<const Summary*>& all, const ReportRequest& req) {
    std::vector<OverdueAction> out;
    std::string today = format_date(req.now);
    auto today_days = date::floor<date::days>(req.now);
    for (const Summary* s : all) {
        if (s->drill && !req.include_drills) continue;
        for (const auto& a : s->actions) {
            if (a.status == "done" || a.due.empty() || a.due >= today) continue;
            auto due = parse_time_spec(a.due, req.now);  // a bare date: its midnight
            int late = due ? static_cast<int>((today_days - date::floor<date::days>(*due)).count()) : 0;
            out.push_back(
                {std::string(s->id), a.id, std::string(a.title), std::string(a.owner), std::string(a.due), late});
        }
    }
    std::stable_sort(out.begin(), out.end(),
                     [](const OverdueAction& a, const OverdueAction& b) { return a.due < b.due; });
    return out;
}

void count_week(std::map<std::string, ReportWeek>& weeks, std::map<std::string, std::vector<double>>& week_ttr,
                const Summary& s) {
    auto& week = weeks[iso_week(*s.times.opened)];
    week.week = iso_week(*s.times.opened);
    ++week.incidents;
    ++week.by_priority[s.priority.empty() ? "none" : std::string(s.priority)];
    if (auto ttr = s.times.span(Span::resolve)) week_ttr[week.week].push_back(static_cast<double>(ttr->count()));
}

void count_service_and_effort(std::map<std::string, std::pair<Compliance, Compliance>>& per_service,
                              std::map<std::string, Effort>& effort, const Summary& s, Timestamp now) {
    if (!s.service.empty()) {
        auto& [respond, resolve] = per_service[std::string(s.service)];
        count_clock(respond, s.respond.at(now));
        count_clock(resolve, s.resolve.at(now));
    }
    for (const auto& a : s.activity) {
        auto& e = effort[std::string(a.who)];
        e.who = a.who;
        ++e.incidents;
        e.events += a.events;
        e.engaged += a.last - a.first;
    }
}

}  // namespace

Report build_report(const std::vector<const Summary*>& all, const ReportRequest& req, const Config& cfg) {
    Report r;
    r.request = req;
    r.priorities = cfg.priorities;
    const Cadence cadence = cadence_settings(cfg, ".incident/config.yaml");
    Accumulator total;
    std::map<std::string, Accumulator> groups;
    std::map<std::string, long long> group_rank;  // groups are listed by rank, then name
    std::map<std::string, std::pair<Compliance, Compliance>> per_service;
    std::map<std::string, Effort> effort;
    std::map<std::string, ReportWeek> weeks;
    std::map<std::string, std::vector<double>> week_ttr;
    std::vector<const Summary*> period;
    // Every week of the period, so the charts show quiet weeks as quiet.
    for (auto day = date::floor<date::days>(req.since); Timestamp{day} < req.until; day += date::days{1})
        weeks[iso_week(Timestamp{day})].week = iso_week(Timestamp{day});

    for (const Summary* s : all) {
        if ((s->drill && !req.include_drills) || !s->times.opened) continue;
        bool in_period = *s->times.opened >= req.since && *s->times.opened < req.until;
        bool in_backlog = *s->times.opened < req.until && !resolved_by(*s, req.until);
        if (!in_period && !in_backlog) continue;
        Accumulator* group = nullptr;
        if (!req.by.none()) {
            auto [key, rank] = group_key(*s, req.by, cfg, req.now);
            group = &groups[key];
            group_rank[key] = rank;
        }
        if (in_backlog) {
            total.add_backlog(*s, req.until);
            if (group) group->add_backlog(*s, req.until);
        }
        if (!in_period) continue;
        period.push_back(s);
        total.add_period(*s, req.now, cadence);
        if (group) group->add_period(*s, req.now, cadence);

        count_week(weeks, week_ttr, *s);
        count_service_and_effort(per_service, effort, *s, req.now);
    }
    r.overdue_actions = overdue_actions(all, req);
    r.paging = paging_of(period, cfg);

    r.total = total.finish();
    for (auto& [key, acc] : groups) r.groups.push_back({key, acc.finish()});
    std::stable_sort(r.groups.begin(), r.groups.end(),
                     [&](const ReportGroup& a, const ReportGroup& b) { return group_rank[a.key] < group_rank[b.key]; });
    for (auto& [key, w] : weeks) {
        w.mttr = stat_of(std::move(week_ttr[key]));
        r.weeks.push_back(std::move(w));
    }
    for (const auto& [service, c] : per_service) r.sla_by_service.push_back({service, c.first, c.second});
    for (auto& [who, e] : effort) r.effort.push_back(e);
    std::stable_sort(r.effort.begin(), r.effort.end(), [](const Effort& a, const Effort& b) {
        return a.events != b.events ? a.events > b.events : a.who < b.who;
    });
    return r;
}

void deadline_outcomes(Report& report, const std::vector<const Summary*>& incidents, const Store& store,
                       const Config& config) {
    const auto& req = report.request;
    const auto sets = deadline_sets(config, ".incident/config.yaml");
    for (const Summary* s : incidents) {
        if (!s->deadlines || (s->drill && !req.include_drills) || !s->times.opened) continue;
        if (*s->times.opened < req.since || *s->times.opened >= req.until) continue;
        for (const auto& d : deadline_clocks(store.load(std::string(s->id)), sets, config, req.now)) {
            count_clock(report.deadlines, d.state);
            if (d.state == ClockState::missed || d.state == ClockState::breached)
                report.deadlines_missed.push_back(std::string(s->id) + " " + d.label() + ": " +
                                                  format_duration(d.late) +
                                                  (d.state == ClockState::missed ? " late" : " overdue"));
        }
    }
}

}  // namespace incident
