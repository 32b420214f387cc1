#include "deadlines/deadlines.hpp"

#include <date/date.h>

#include <algorithm>
#include <charconv>

#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "sla/calendar.hpp"

namespace incident {

namespace {

// The shipped sets (../shared/notes/regulators.md gives each figure's source).
constexpr const char* kShipped = R"(
gdpr:
  description: "GDPR Art. 33: tell the supervisory authority within 72 hours of becoming aware of a personal-data breach"
  stages:
    - {name: authority, within: 72h, from: aware}
nis2:
  description: "NIS2 Art. 23: early warning within 24 hours and notification within 72 hours of becoming aware; final report within a month of the notification"
  stages:
    - {name: early-warning, within: 24h, from: aware}
    - {name: notification, within: 72h, from: aware}
    - {name: final-report, within: 1mo, from: notification}
dora:
  description: "DORA: initial notification within 4 hours of classification as major and 24 hours of awareness; intermediate report within 72 hours of it; final report within a month of the intermediate one"
  stages:
    - {name: initial, within: 4h, from: classified, backstop: 24h, backstop_from: aware}
    - {name: intermediate, within: 72h, from: initial}
    - {name: final, within: 1mo, from: intermediate}
sec-8k:
  description: "SEC Form 8-K Item 1.05: file within four business days of the materiality determination"
  stages:
    - {name: form-8k, within: 4bd, from: determined}
hipaa:
  description: "HIPAA breach notification: individuals (and HHS when 500 or more are affected) within 60 days of discovery"
  stages:
    - {name: individuals, within: 60d, from: discovered}
    - {name: hhs, within: 60d, from: discovered}
)";

bool is_name(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
    });
}

// 72h, 60d (a duration), 1mo (calendar months), 4bd (business days).
void read_within(DeadlineStage& s, const YamlNode& v, const std::string& file, const std::string& key) {
    const std::string text = scalar_at(v, file, key);
    s.within_text = text;
    auto count = [&](std::size_t suffix) {
        int n = 0;
        auto [p, ec] = std::from_chars(text.data(), text.data() + text.size() - suffix, n);
        if (ec != std::errc() || p != text.data() + text.size() - suffix || n < 1 || n > 1000)
            fail_at(v, file, key + ": expected a duration (72h, 60d), months (1mo) or business days (4bd)");
        return n;
    };
    if (text.size() > 2 && text.ends_with("mo"))
        s.months = count(2);
    else if (text.size() > 2 && text.ends_with("bd"))
        s.business_days = count(2);
    else if (auto d = parse_duration(text); d && *d > Seconds{0})
        s.within = *d;
    else
        fail_at(v, file, key + ": expected a duration (72h, 60d), months (1mo) or business days (4bd)");
}

DeadlineSet read_set(const YamlNode& name, const YamlNode& n, const std::string& file) {
    DeadlineSet set;
    set.name = name.scalar();
    const std::string where = "deadlines." + set.name;
    if (!is_name(set.name)) fail_at(name, file, where + ": a set's name is lower-case letters, digits and '-'");
    read_settings(
        n, file, where,
        {{"description", [&](const YamlNode& v, const std::string& k) { set.description = scalar_at(v, file, k); }},
         {"stages", [&](const YamlNode& v, const std::string& k) {
              if (!v.is_sequence() || v.items().empty()) fail_at(v, file, k + ": expected a list of stages");
              for (std::size_t i = 0; i < v.items().size(); ++i) {
                  const YamlNode& item = v.items()[i];
                  const std::string at = k + "." + std::to_string(i);
                  DeadlineStage s;
                  read_settings(
                      item, file, at,
                      {{"name", [&](const YamlNode& x, const std::string& kk) { s.name = scalar_at(x, file, kk); }},
                       {"from", [&](const YamlNode& x, const std::string& kk) { s.from = scalar_at(x, file, kk); }},
                       {"within", [&](const YamlNode& x, const std::string& kk) { read_within(s, x, file, kk); }},
                       {"backstop",
                        [&](const YamlNode& x, const std::string& kk) { s.backstop = duration(x, file, kk); }},
                       {"backstop_from",
                        [&](const YamlNode& x, const std::string& kk) { s.backstop_from = scalar_at(x, file, kk); }}});
                  const auto& moments = deadline_moments();
                  auto moment = [&](const std::string& m) {
                      return std::find(moments.begin(), moments.end(), m) != moments.end();
                  };
                  if (!is_name(s.name)) fail_at(item, file, at + ": a stage needs a name (lower case, digits, '-')");
                  if (set.stage(s.name)) fail_at(item, file, at + ": two stages are called " + s.name);
                  if (s.within == Seconds{0} && s.months == 0 && s.business_days == 0)
                      fail_at(item, file, at + ": needs within (72h, 1mo or 4bd)");
                  if (!moment(s.from) && !set.stage(s.from))
                      fail_at(
                          item, file,
                          at + ": from must be a moment (" + join(moments) + ") or an earlier stage of " + set.name);
                  if (!s.backstop_from.empty() && !moment(s.backstop_from))
                      fail_at(item, file, at + ": backstop_from must be a moment (" + join(moments) + ")");
                  if (s.backstop_from.empty() != (s.backstop == Seconds{0}))
                      fail_at(item, file, at + ": backstop and backstop_from go together");
                  set.stages.push_back(std::move(s));
              }
          }}});
    if (set.stages.empty()) fail_at(n, file, where + ": needs stages");
    return set;
}

void read_sets(std::vector<DeadlineSet>& out, const YamlNode& n, const std::string& file) {
    require_map(n, file, "deadlines");
    for (const auto& [k, v] : n.entries()) {
        DeadlineSet set = read_set(k, v, file);
        auto it = std::find_if(out.begin(), out.end(), [&](const DeadlineSet& s) { return s.name == set.name; });
        if (it != out.end())
            *it = std::move(set);
        else
            out.push_back(std::move(set));
    }
}

Timestamp add_months(Timestamp t, int months) {
    auto day = date::floor<date::days>(t);
    date::year_month_day ymd{day};
    auto target = ymd.year() / ymd.month() + date::months{months};
    auto last = date::year_month_day_last{target.year(), date::month_day_last{target.month()}}.day();
    date::year_month_day moved{target.year(), target.month(), std::min(ymd.day(), last)};
    return Timestamp{date::sys_days{moved}.time_since_epoch()} + (t - day);
}

// The latest recorded value of each moment, and of each stage's submission.
struct Record {
    std::vector<std::pair<std::string, Timestamp>> moments;
    std::vector<std::tuple<std::string, Timestamp, std::string>> submitted;  // "set.stage", when, ref

    std::optional<Timestamp> moment(const std::string& name) const {
        std::optional<Timestamp> t;
        for (const auto& [m, at] : moments)
            if (m == name) t = at;
        return t;
    }
    const std::tuple<std::string, Timestamp, std::string>* submission(const std::string& label) const {
        const std::tuple<std::string, Timestamp, std::string>* found = nullptr;
        for (const auto& s : submitted)
            if (std::get<0>(s) == label) found = &s;
        return found;
    }
};

// As known at `now`: what was recorded later is not (sla --at a past time).
Record record_of(const Incident& inc, Timestamp now) {
    Record r;
    for (const Event& e : inc.timeline) {
        if (e.at > now) continue;
        if (e.type == "moment") {
            if (auto at = parse_rfc3339(e.get("moment_at"))) r.moments.emplace_back(e.get("moment"), *at);
        } else if (e.type == "submitted") {
            r.submitted.emplace_back(e.get("deadline") + "." + e.get("stage"), e.at, e.get("ref"));
        }
    }
    return r;
}

}  // namespace

const std::vector<std::string>& deadline_moments() {
    static const std::vector<std::string> names = {"aware", "classified", "determined", "discovered"};
    return names;
}

const DeadlineStage* DeadlineSet::stage(const std::string& wanted) const {
    for (const auto& s : stages)
        if (s.name == wanted) return &s;
    return nullptr;
}

std::vector<DeadlineSet> deadline_sets(const Config& config, const std::string& file) {
    std::vector<DeadlineSet> out;
    read_sets(out, load_yaml(kShipped, "shipped deadlines"), "shipped deadlines");
    if (auto it = config.sections.find("deadlines"); it != config.sections.end() && !it->second.is_null())
        read_sets(out, it->second, file);
    return out;
}

const DeadlineSet* find_set(const std::vector<DeadlineSet>& sets, const std::string& name) {
    for (const auto& s : sets)
        if (s.name == name) return &s;
    return nullptr;
}

namespace {

const DeadlineSet& known_set(const std::vector<DeadlineSet>& sets, const std::string& name) {
    if (const DeadlineSet* s = find_set(sets, name)) return *s;
    std::vector<std::string> names;
    for (const auto& s : sets) names.push_back(s.name);
    throw UsageError("no deadline set '" + name + "'", "the sets: " + join(names) + " (deadlines: in the config)");
}

}  // namespace

std::vector<std::string> attached_deadlines(const Incident& inc) {
    std::vector<std::string> out;
    for (const Event& e : inc.timeline)
        if (e.type == "deadline" && std::find(out.begin(), out.end(), e.get("set")) == out.end())
            out.push_back(e.get("set"));
    return out;
}

const Event& attach_deadline(Incident& inc, const Actor& actor, const std::string& name,
                             const std::vector<DeadlineSet>& sets) {
    const DeadlineSet& set = known_set(sets, name);
    auto attached = attached_deadlines(inc);
    if (std::find(attached.begin(), attached.end(), name) != attached.end())
        throw TransitionRefused(inc.id + " has the deadlines " + name + " already", "incident sla shows them");
    Event e = make_event(actor, "deadline", set.name + (set.description.empty() ? "" : ": " + set.description));
    e.set("set", set.name);
    return add_event(inc, std::move(e));
}

const Event& record_moment(Incident& inc, const Actor& actor, const std::string& moment, Timestamp at) {
    const auto& moments = deadline_moments();
    if (std::find(moments.begin(), moments.end(), moment) == moments.end())
        throw UsageError("no moment '" + moment + "'", "the moments: " + join(moments));
    Event e = make_event(actor, "moment", moment + " at " + format_rfc3339(at));
    e.set("moment", moment);
    e.set("moment_at", format_rfc3339(at));
    return add_event(inc, std::move(e));
}

const Event& record_submission(Incident& inc, const Actor& actor, const std::string& what, const std::string& ref,
                               const std::vector<DeadlineSet>& sets) {
    const auto dot = what.find('.');
    const DeadlineSet& set = known_set(sets, what.substr(0, dot));
    auto attached = attached_deadlines(inc);
    if (std::find(attached.begin(), attached.end(), set.name) == attached.end())
        throw UsageError(inc.id + " has no deadlines " + set.name,
                         "attach them with: incident update " + inc.id + " --deadline " + set.name);
    std::string stage = dot == std::string::npos ? "" : what.substr(dot + 1);
    if (stage.empty() && set.stages.size() == 1) stage = set.stages.front().name;
    if (!set.stage(stage)) {
        std::vector<std::string> names;
        for (const auto& s : set.stages) names.push_back(set.name + "." + s.name);
        throw UsageError(stage.empty() ? set.name + " has stages: name one" : "no stage '" + stage + "' in " + set.name,
                         "use one of: " + join(names));
    }
    if (ref.empty()) throw UsageError("--ref: the reference the authority gave (a case number) is required");
    Event e = make_event(actor, "submitted", set.name + "." + stage + " submitted, ref " + ref);
    e.set("deadline", set.name);
    e.set("stage", stage);
    e.set("ref", ref);
    return add_event(inc, std::move(e));
}

std::vector<DeadlineClock> deadline_clocks(const Incident& inc, const std::vector<DeadlineSet>& sets,
                                           const Config& config, Timestamp now) {
    std::vector<DeadlineClock> out;
    const Record record = record_of(inc, now);
    std::optional<WorkCalendar> calendar;
    for (const auto& name : attached_deadlines(inc)) {
        const DeadlineSet* set = find_set(sets, name);
        if (!set) continue;  // a set the config no longer has
        for (const auto& stage : set->stages) {
            DeadlineClock c;
            c.set = set->name;
            c.stage = stage.name;
            if (set->stage(stage.from)) {
                if (const auto* s = record.submission(set->name + "." + stage.from)) c.start = std::get<1>(*s);
            } else {
                c.start = record.moment(stage.from);
            }
            if (c.start) {
                if (stage.months)
                    c.due = add_months(*c.start, stage.months);
                else if (stage.business_days) {
                    if (!calendar) calendar.emplace(config.business_hours);
                    c.due = calendar->end_of_working_days(*c.start, stage.business_days);
                } else
                    c.due = *c.start + stage.within;
            }
            if (!stage.backstop_from.empty())
                if (auto b = record.moment(stage.backstop_from)) {
                    Timestamp latest = *b + stage.backstop;
                    if (!c.due || latest < *c.due) c.due = latest;
                    if (!c.start || *b < *c.start) c.start = b;
                }
            if (const auto* s = record.submission(c.label())) {
                c.done = std::get<1>(*s);
                c.ref = std::get<2>(*s);
            }
            if (!c.due) {
                c.waiting_for = stage.from;
            } else if (c.done) {
                c.state = *c.done <= *c.due ? ClockState::met : ClockState::missed;
                if (*c.done > *c.due) c.late = *c.done - *c.due;
            } else if (now >= *c.due) {
                c.state = ClockState::breached;
                c.late = now - *c.due;
            } else {
                const Seconds span = *c.due - *c.start;
                c.state = now - *c.start >= at_risk_after(config, span) ? ClockState::at_risk : ClockState::ok;
            }
            out.push_back(std::move(c));
        }
    }
    return out;
}

}  // namespace incident
