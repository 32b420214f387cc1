#include "sla/sla.hpp"

#include <algorithm>
#include <cmath>

#include "sla/calendar.hpp"

namespace incident {

namespace {

struct Interval {
    Timestamp from, to;
};

// Periods in [start, stop) during which the incident was mitigated.
std::vector<Interval> mitigated_periods(std::span<const MitigationMark> marks, Timestamp stop) {
    std::vector<Interval> out;
    std::optional<Timestamp> since;
    for (const auto& m : marks) {
        if (m.reached >= stop) break;
        if (m.enters && !since) since = m.at;
        if (m.leaves && since) {
            out.push_back({*since, m.at});
            since.reset();
        }
    }
    if (since) out.push_back({*since, stop});
    return out;
}

SlaClock measure(const std::string& name, Seconds target, bool business, Timestamp start,
                 std::optional<Timestamp> stopped_at, const std::vector<Interval>& pauses, const Config& cfg,
                 Timestamp now) {
    SlaClock c;
    c.name = name;
    c.target = target;
    c.business_hours = business;
    if (target <= Seconds{0}) return c;
    Timestamp stop = stopped_at ? *stopped_at : std::max(now, start);
    c.running = !stopped_at;
    std::optional<WorkCalendar> calendar;
    if (business) calendar.emplace(cfg.business_hours);
    auto span = [&](Timestamp a, Timestamp b) {
        return calendar ? calendar->working_time(a, b) : (b > a ? b - a : Seconds{0});
    };
    c.elapsed = span(start, stop);
    for (const auto& p : pauses) {
        c.elapsed -= span(std::max(p.from, start), std::min(p.to, stop));
        if (c.running && p.to >= stop) c.paused = true;
    }
    c.remaining = target - c.elapsed;
    if (!c.running) {
        c.state = c.elapsed <= target ? ClockState::met : ClockState::missed;
        return c;
    }
    if (c.elapsed >= target)
        c.state = ClockState::breached;
    else if (c.elapsed >= at_risk_after(cfg, target))
        c.state = ClockState::at_risk;
    else
        c.state = ClockState::ok;
    if (!c.paused) c.due = calendar ? calendar->add_working_time(stop, c.remaining) : stop + c.remaining;
    return c;
}

bool already(const Incident& inc, const std::string& clock, const std::string& kind) {
    for (const auto& e : inc.timeline)
        if (e.type == "escalated" && e.get("auto") == "sla" && e.get("clock") == clock && e.get("kind") == kind)
            return true;
    return false;
}

}  // namespace

Seconds at_risk_after(const Config& cfg, Seconds target) {
    return Seconds{static_cast<long long>(std::ceil(cfg.sla_at_risk * static_cast<double>(target.count())))};
}

std::string_view to_string(ClockState s) {
    static constexpr std::string_view names[] = {"none", "ok", "at-risk", "breached", "met", "missed"};
    auto i = static_cast<std::size_t>(s);
    return i < std::size(names) ? names[i] : names[0];
}

std::vector<MitigationMark> mitigation_marks(const Incident& inc) {
    std::vector<MitigationMark> out;
    std::optional<Timestamp> reached;
    for (const auto& e : inc.timeline) {
        reached = reached ? std::max(*reached, e.at) : e.at;
        bool enters = e.get("to") == "mitigated", leaves = e.get("from") == "mitigated";
        if (enters || leaves) out.push_back({e.at, *reached, enters, leaves});
    }
    return out;
}

SlaStatus sla_status(const Incident& inc, const Config& cfg, Timestamp now) {
    SlaFacts f;
    f.priority = inc.priority;
    f.policy = inc.sla_policy;
    f.status = inc.status;
    f.times = lifecycle_times(inc);
    std::vector<MitigationMark> marks;
    if (cfg.sla_pause_when_mitigated) marks = mitigation_marks(inc);
    f.mitigation = marks;
    return sla_status(f, cfg, now);
}

SlaStatus sla_status(const SlaFacts& f, const Config& cfg, Timestamp now) {
    SlaStatus s;
    s.respond.name = "respond";
    s.resolve.name = "resolve";
    const SlaTarget* t = cfg.sla_target(std::string(f.policy), std::string(f.priority));
    if (!t || !f.times.opened) return s;
    Timestamp start = *f.times.opened;
    s.respond = measure("respond", t->respond, t->business_hours, start, f.times.acknowledged, {}, cfg, now);
    std::optional<Timestamp> done = f.times.resolved;
    if (!done && f.status == Status::closed) done = f.times.closed;
    std::vector<Interval> pauses;
    if (cfg.sla_pause_when_mitigated) pauses = mitigated_periods(f.mitigation, done.value_or(std::max(now, start)));
    s.resolve = measure("resolve", t->resolve, t->business_hours, start, done, pauses, cfg, now);
    return s;
}

std::optional<AutoEscalation> plan_auto_escalation(const Incident& inc, const Config& cfg, Timestamp now) {
    if (inc.drill || inc.status == Status::resolved || inc.status == Status::closed) return std::nullopt;
    SlaStatus s = sla_status(inc, cfg, now);
    const SlaClock& c = s.active();
    if (c.state != ClockState::at_risk && c.state != ClockState::breached) return std::nullopt;
    AutoEscalation a;
    a.clock = c.name;
    a.state = c.state;
    int tier = Config::rank(cfg.tiers, inc.tier);
    bool can_go_up = tier + 1 < static_cast<int>(cfg.tiers.size());
    a.functional = can_go_up && !already(inc, c.name, "functional");
    const Team* team = cfg.team(inc.team);
    a.hierarchical =
        c.state == ClockState::breached && team && !team->managers.empty() && !already(inc, c.name, "hierarchical");
    if (!a.functional && !a.hierarchical) return std::nullopt;
    a.reason = "SLA " + c.name + " " + std::string(to_string(c.state)) + ": " + clock_progress(c, cfg);
    return a;
}

std::string clock_duration(Seconds d, const SlaClock& clock, const Config& config) {
    const Seconds day = config.business_hours.end - config.business_hours.start;
    if (!clock.business_hours || day <= Seconds{0}) return format_duration(d);
    const Seconds whole = d < Seconds{0} ? -d : d;
    const long long days = whole / day;
    if (days == 0) return format_duration(d);
    const Seconds hours = std::chrono::floor<std::chrono::hours>(whole % day);
    return (d < Seconds{0} ? "-" : "") + std::to_string(days) + "d" +
           (hours > Seconds{0} ? " " + format_duration(hours) : "");
}

std::string clock_progress(const SlaClock& c, const Config& config) {
    return clock_duration(c.elapsed, c, config) + " of " + clock_duration(c.target, c, config) +
           (c.business_hours ? " business time" : "");
}

}  // namespace incident
