// Grafana OnCall's public HTTP API v1, as saved by the commands in man
// incident-import: users.json, personal_notification_rules.json,
// schedules.json, on_call_shifts.json, schedules/ID/final_shifts.json (what
// the self-check compares), escalation_chains.json,
// escalation_policies.json, integrations.json, routes.json,
// alert_groups.json and resolution_notes.json; every list is a page object
// with its items under "results", over NAME.2.json, ... as `next` says.
//
// A web schedule's rolling_users shifts become layers, lowest level first
// (a higher level wins, as the last layer does here), its override shifts
// override files. iCal schedules and monthly shifts cannot come in. An
// escalation chain's steps between two waits page together; its
// repeat_escalation is OnCall's fixed five repeats. An integration is a
// service, its alert groups incidents (created, acknowledged, resolution
// notes, resolved: the API has no log).
#include <date/date.h>

#include <algorithm>
#include <bit>
#include <map>

#include "import/reader.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

// OnCall repeats a chain with repeat_escalation five times (MAX_TIMES_REPEAT).
constexpr int kOncallRepeats = 5;

// "2026-01-05T09:00:00", a wall-clock time without a zone.
LocalTime local_of(const Json& at) {
    const std::string text = at.str();
    auto t = parse_local_time(text);
    if (!t || text.size() != 19) at.fail("expected a local time \"YYYY-MM-DDTHH:MM:SS\", found \"" + text + "\"");
    return *t;
}

struct ShiftZone {
    Zone zone;
    std::string name;  // "UTC" when the shift has none
};

// A shift's zone: its own, or UTC (what OnCall uses in a web schedule when it has none).
ShiftZone shift_zone(const Json& shift) {
    if (shift["time_zone"].is_null()) return {Zone{}, "UTC"};
    return {zone_of(shift["time_zone"]), shift["time_zone"].str()};
}

unsigned weekday_of(const Json& at) {
    static const char* names[] = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};
    const std::string day = at.str();
    for (unsigned d = 0; d < 7; ++d)
        if (day == names[d]) return d;
    at.fail("expected a day (MO ... SU), found \"" + day + "\"");
}

// The restriction a shift's duration and days make, for a layer whose turns last `period`.
void restrict_shift(const Json& shift, Layer& out, long long period, Mapping& map) {
    const long long duration = shift["duration"].integer();
    if (duration <= 0) shift["duration"].fail("expected a positive number of seconds");
    const auto start_day = date::floor<date::days>(out.start);
    const long long start = (out.start - start_day).count();
    const unsigned weekday = date::weekday(start_day).iso_encoding() - 1;
    unsigned days = 0;
    for (const auto& d : shift["by_day"].items()) days |= 1u << weekday_of(d);
    if (duration > period)
        map.approximate("layer " + out.name + ": each turn lasts longer than the next starts: here the next wins");
    if (out.rotation == Rotation::weekly && days) {
        if (days != (1u << weekday))
            map.approximate("layer " + out.name + ": a weekly shift on several days (by_day): here its turns hand " +
                            "off on the first day's start only");
        for (unsigned d = 0; d < 7; ++d)
            if (days & (1u << d)) add_week_span(d, start, std::min(duration, kDay), out.restrict);
        return;
    }
    if (out.rotation == Rotation::daily && days) {
        const auto turns = static_cast<long long>(out.turns.size());
        const long long selected = std::popcount(days);
        if (out.shift != 1 || !(days & (1u << weekday)) || (7 - selected) % turns != 0)
            map.approximate("layer " + out.name + ": turns here count every day, in OnCall only the days of " +
                            "by_day: who is on call may differ (the self-check shows where)");
        if (duration >= kDay) {
            out.restrict.push_back(Window{days, Seconds{start}, Seconds{start}});
        } else {
            out.restrict.push_back(
                Window{days, Seconds{start - start % 60}, Seconds{(start + duration) % kDay / 60 * 60}});
        }
        return;
    }
    if (days) map.approximate("layer " + out.name + ": by_day of an hourly shift is not kept");
    if (duration >= period) return;
    if (out.rotation == Rotation::daily && out.shift == 1)
        out.restrict.push_back(Window{0x7f, Seconds{start - start % 60}, Seconds{(start + duration) % kDay / 60 * 60}});
    else if (out.rotation == Rotation::weekly && out.shift == 1)
        add_week_span(weekday, start, duration, out.restrict);
    else
        map.approximate("layer " + out.name + ": on call for " + std::to_string(duration) + " s of each turn; " +
                        "here for the whole turn");
}

// A rolling_users or recurrent_event shift as a layer (members user ids),
// in the schedule's zone; nullopt (with why) when a schedule file cannot hold it.
std::optional<Layer> layer_of(const Json& shift, const Zone& zone, const std::string& zone_name, Mapping& map) {
    Layer out;
    out.name = shift["name"].str_or(shift["id"].str());
    const std::string left_out = "left out: shift " + out.name + ": ";
    const std::string frequency = shift["frequency"].str_or();
    if (frequency == "hourly")
        out.rotation = Rotation::hourly;
    else if (frequency == "daily")
        out.rotation = Rotation::daily;
    else if (frequency == "weekly")
        out.rotation = Rotation::weekly;
    else if (frequency == "monthly")
        return map.approximate(left_out + "monthly turns cannot be held here"), std::nullopt;
    else
        return map.approximate(left_out + (frequency.empty() ? "it does not repeat" : "frequency " + frequency)),
               std::nullopt;
    const long long interval = shift["interval"].integer_or_null().value_or(1);
    if (interval < 1) shift["interval"].fail("expected a positive whole number");
    if (interval > 1000) return map.approximate(left_out + "an interval over 1000"), std::nullopt;
    out.shift = static_cast<int>(interval);
    if (shift["type"].str() == "rolling_users") {
        for (const auto& group : shift["rolling_users"].items()) {
            std::vector<std::string> turn;
            for (const auto& u : group.items()) turn.push_back(u.id());
            if (!turn.empty()) out.turns.push_back(std::move(turn));
        }
        const auto turns = static_cast<long long>(out.turns.size());
        if (const long long from = shift["start_rotation_from_user_index"].integer_or_null().value_or(0);
            turns && from > 0)
            std::rotate(out.turns.begin(), out.turns.begin() + from % turns, out.turns.end());
    } else {
        std::vector<std::string> all;
        for (const auto& u : shift["users"].items()) all.push_back(u.id());
        if (!all.empty()) out.turns.push_back(std::move(all));
    }
    if (out.turns.empty()) return map.approximate(left_out + "nobody in it"), std::nullopt;
    // Its times are wall-clock in its own zone; the schedule file's are in the schedule's.
    const ShiftZone own = shift_zone(shift);
    auto here = [&](LocalTime t) { return zone.local(own.zone.instant(t)); };
    out.start = here(local_of(shift["start"]));
    if (own.name != zone_name && out.rotation != Rotation::hourly)
        map.approximate("layer " + out.name + ": OnCall hands it off at the same " + own.name + " time, here at the " +
                        "same " + zone_name + " time: an hour apart across a daylight-saving change");
    if (const Json rs = shift["rotation_start"]; !rs.is_null() && here(local_of(rs)) > out.start)
        out.on_call_from = here(local_of(rs));  // turns counted from `start`
    if (const Json until = shift["until"]; !until.is_null()) out.end = here(local_of(until));
    if (out.end && *out.end <= out.on_call_from.value_or(out.start))
        return map.approximate(left_out + "it ends before it begins"), std::nullopt;
    const long long unit = out.rotation == Rotation::hourly ? kHour : out.rotation == Rotation::daily ? kDay : kWeek;
    restrict_shift(shift, out, unit * interval, map);
    return out;
}

// An override shift; nullopt (with why) when it has nobody or no time.
std::optional<SourceOverride> override_of(const Json& shift, Mapping& map) {
    const auto users = shift["users"].items();
    const Timestamp from = shift_zone(shift).zone.instant(local_of(shift["start"]));
    const long long duration = shift["duration"].integer();
    if (users.empty() || duration <= 0) {
        map.approximate("left out: override " + shift["id"].str() + ": nobody in it, or no time");
        return std::nullopt;
    }
    if (users.size() > 1) map.approximate("override " + shift["id"].str() + ": only its first user is kept");
    return SourceOverride{shift["id"].id(), from, from + Seconds{duration}, users[0].id()};
}

struct Shifts {
    std::map<std::string, const Json*> by_id;
    std::vector<Json> list;
};

SourceSchedule schedule_of(const Json& s, const Shifts& shifts, const ExportDir& dir) {
    SourceSchedule out;
    out.id = s["id"].id();
    out.name = s["name"].str_or(out.id);
    const std::string type = s["type"].str_or("web");
    if (type == "ical") {
        out.map.leave_out("an iCal schedule: its shifts are in the calendar at " + s["ical_url_primary"].str_or("?") +
                          ", not in the export");
        return out;
    }
    out.time_zone = s["time_zone"].str_or("UTC");
    const Zone zone = s["time_zone"].is_null() ? Zone{} : zone_of(s["time_zone"]);
    if (type == "calendar" && !s["ical_url_overrides"].is_null())
        out.map.approximate("overrides from the calendar at " + s["ical_url_overrides"].str() + " are not brought in");
    std::vector<std::pair<long long, Layer>> layers;  // by level
    for (const auto& id : s["shifts"].items()) {
        auto it = shifts.by_id.find(id.str());
        if (it == shifts.by_id.end()) {
            out.map.approximate("shift " + id.str() + " is not in on_call_shifts.json");
            continue;
        }
        const Json& shift = *it->second;
        if (shift["type"].str() == "override") {
            if (auto o = override_of(shift, out.map)) out.overrides.push_back(std::move(*o));
            continue;
        }
        if (auto l = layer_of(shift, zone, out.time_zone, out.map))
            layers.emplace_back(shift["level"].integer_or_null().value_or(0), std::move(*l));
    }
    std::stable_sort(layers.begin(), layers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < layers.size(); ++i) {
        if (i && layers[i].first == layers[i - 1].first)
            out.map.approximate("layers " + layers[i - 1].second.name + " and " + layers[i].second.name +
                                " share level " + std::to_string(layers[i].first) + ": where they overlap OnCall " +
                                "takes the one that starts first, here " + layers[i].second.name);
        out.layers.push_back(std::move(layers[i].second));
    }
    if (out.layers.empty()) {
        out.map.leave_out("no shift can be brought in");
        return out;
    }
    const auto pages = dir.pages("schedules/" + out.id + "/final_shifts");
    for (const auto& r : dir.list(pages, "results"))
        out.rendered.push_back(RenderedShift{r["shift_start"].time(), r["shift_end"].time(), r["user_pk"].id()});
    set_window_from_rendered(out);
    return out;
}

SourcePerson person_of(const Json& u, const std::vector<Json>& rules, bool have_rules) {
    SourcePerson p;
    p.id = u["id"].id();
    p.email = u["email"].str();
    p.time_zone = u["timezone"].is_null() ? std::string() : person_zone(u["timezone"].str(), p.map);
    if (!have_rules) {
        p.map.approximate("no notification rules: personal_notification_rules.json is missing");
        return p;
    }
    std::vector<std::string> kinds;
    for (const auto& r : rules)
        if (r["user_id"].str() == p.id) {
            const std::string t = r["type"].str();
            if (t != "wait" && std::find(kinds.begin(), kinds.end(), t) == kinds.end()) kinds.push_back(t);
        }
    for (const auto& t : kinds) {
        if (t == "notify_by_email") {
            p.contact.push_back(ContactMethod{"email", p.email, ""});
        } else if (t == "notify_by_sms" || t == "notify_by_phone_call") {
            const std::string kind = t == "notify_by_sms" ? "sms" : "voice";
            p.map.approximate("to do: " + kind + ": OnCall does not export the number: add {" + kind +
                              ": \"+NUMBER\", target: NAME} once paging_providers has a " + kind + " target");
        } else if (t.rfind("notify_by_mobile_app", 0) == 0) {
            if (std::find(kinds.begin(), kinds.end(), "notify_by_mobile_app") != kinds.end() &&
                t != "notify_by_mobile_app")
                continue;  // the app's critical rule: the same to-do
            p.map.approximate(
                "to do: push to the OnCall app: a device cannot be exported; add {push: TOPIC} for "
                "your push server");
        } else {
            p.map.approximate("contact by " + t.substr(t.rfind('_') + 1) + " is not brought in");
        }
    }
    return p;
}

// A chain's steps: notify steps between two waits page together.
SourcePolicy policy_of(const Json& chain, const std::vector<Json>& steps) {
    SourcePolicy out;
    out.id = chain["id"].id();
    out.name = chain["name"].str_or(out.id);
    bool waited = true;  // the next notify step starts a new step
    for (const auto& s : steps) {
        if (s["escalation_chain_id"].str() != out.id) continue;
        const std::string type = s["type"].str();
        const std::string step =
            "step " + std::to_string(s["position"].integer_or_null().value_or(0)) + " (" + type + ")";
        std::vector<SourceTarget> targets;
        if (type == "wait") {
            const long long seconds = s["duration"].integer();
            if (seconds < 0) s["duration"].fail("expected a number of seconds, 0 or more");
            if (out.steps.empty()) {
                out.map.approximate(step + ": a wait before anyone is paged; here the first step pages at once");
                continue;
            }
            out.steps.back().second += Seconds{seconds};
            waited = true;
            continue;
        }
        if (type == "repeat_escalation") {
            out.repeat = kOncallRepeats;
            continue;
        }
        if (type == "notify_on_call_from_schedule" || type == "notify_on_call_from_schedule_important")
            targets.push_back(SourceTarget{true, s["notify_on_call_from_schedule"].id()});
        else if (type == "notify_persons_next_each_time")
            for (const auto& u : s["persons_to_notify_next_each_time"].items())
                targets.push_back(SourceTarget{false, u.id()});
        else if (type == "notify_persons" || type == "notify_persons_important")
            for (const auto& u : s["persons_to_notify"].items()) targets.push_back(SourceTarget{false, u.id()});
        else {
            out.map.approximate(step + " is left out");
            continue;
        }
        if (type == "notify_persons_next_each_time")
            out.map.approximate(step + ": here every one of them is paged, not the next each time");
        if (waited || out.steps.empty()) out.steps.emplace_back();
        for (auto& t : targets) out.steps.back().first.push_back(std::move(t));
        waited = false;
    }
    for (auto& [whom, after] : out.steps) {
        if (after.count() % 60)
            out.map.approximate("a wait of " + std::to_string(after.count()) + " s is whole minutes here");
        after = std::max(Seconds{after.count() / 60 * 60}, Seconds{60});
    }
    if (out.repeat && !out.steps.empty() && out.steps.back().second == Seconds{60})
        out.map.approximate("OnCall repeats at once after the last step; here a minute later");
    if (out.steps.empty()) out.map.leave_out("no notify step");
    return out;
}

SourceService service_of(const Json& i, const std::vector<Json>& routes) {
    SourceService out;
    out.id = i["id"].id();
    out.name = i["name"].str();
    out.description = i["description_short"].str_or();
    if (const Json r = i["default_route"]; !r.is_null() && !r["escalation_chain_id"].is_null())
        out.policy = r["escalation_chain_id"].id();
    const std::string default_route = i["default_route"]["id"].str_or();
    for (const auto& r : routes)
        if (r["integration_id"].str_or() == out.id && r["id"].str_or() != default_route)
            out.map.approximate("route " + r["id"].str() + " (" + r["routing_regex"].str_or("?") +
                                ") is not brought in: every alert takes the default route's chain");
    if (!i["maintenance_mode"].is_null()) out.map.approximate("in maintenance in OnCall");
    return out;
}

SourceIncident alert_group_of(const Json& g, const std::vector<Json>& notes) {
    SourceIncident out;
    out.id = g["id"].id();
    out.title = g["title"].str_or();
    if (out.title.find_first_not_of(" \t\r\n") == std::string::npos) out.title = "OnCall alert group " + out.id;
    out.created = g["created_at"].time();
    out.service = g["integration_id"].str_or();
    out.events.push_back(SourceEvent{out.created, out.id, "opened", "", ""});
    auto by = [](const Json& who) { return who.is_null() ? std::string() : who.id(); };
    if (auto at = g["acknowledged_at"].time_or_null())
        out.events.push_back(SourceEvent{*at, out.id + "-ack", "acknowledged", by(g["acknowledged_by"]), ""});
    for (const auto& n : notes)
        if (n["alert_group_id"].str_or() == out.id)
            out.events.push_back(
                SourceEvent{n["created_at"].time(), n["id"].id(), "note", by(n["author"]), n["text"].str()});
    if (auto at = g["resolved_at"].time_or_null())
        out.events.push_back(SourceEvent{*at, out.id + "-resolve", "resolved", by(g["resolved_by"]), ""});
    std::stable_sort(out.events.begin(), out.events.end(),
                     [](const SourceEvent& a, const SourceEvent& b) { return a.at < b.at; });
    const std::string state = g["state"].str();
    out.status = state == "resolved" ? "resolved" : state == "acknowledged" ? "acknowledged" : "open";
    if (state == "silenced") out.map.approximate("silenced in OnCall: open here");
    if (const long long n = g["alerts_count"].integer_or_null().value_or(1); n > 1)
        out.map.approximate(std::to_string(n) + " alerts in the group: the incident holds the group, not each alert");
    return out;
}

}  // namespace

ImportSet read_grafana_oncall(const fs::path& path) {
    const ExportDir dir(path);
    check_tool(dir, "grafana-oncall");
    ImportSet set;
    set.tool = "grafana-oncall";
    set.name = "Grafana OnCall";
    const auto rule_pages = dir.pages("personal_notification_rules");
    const auto rules = dir.list(rule_pages, "results");
    const auto users = list_pages(dir, "users", set, "no people come in");
    for (const auto& u : dir.list(users, "results")) set.people.push_back(person_of(u, rules, !rule_pages.empty()));
    const auto shift_pages = list_pages(dir, "on_call_shifts", set, "no shifts: web schedules have no layers");
    Shifts shifts{{}, dir.list(shift_pages, "results")};
    for (const auto& s : shifts.list) shifts.by_id.emplace(s["id"].str(), &s);
    const auto schedules = list_pages(dir, "schedules", set, "no schedules come in");
    for (const auto& s : dir.list(schedules, "results")) set.schedules.push_back(schedule_of(s, shifts, dir));
    const auto chains = list_pages(dir, "escalation_chains", set, "no escalation policies come in");
    const auto step_pages = list_pages(dir, "escalation_policies", set, "the escalation chains have no steps");
    const auto steps = dir.list(step_pages, "results");
    for (const auto& c : dir.list(chains, "results")) set.policies.push_back(policy_of(c, steps));
    const auto integrations = list_pages(dir, "integrations", set, "no services come in");
    const auto route_pages =
        list_pages(dir, "routes", set, "routes other than an integration's default are not listed");
    const auto routes = dir.list(route_pages, "results");
    for (const auto& i : dir.list(integrations, "results")) set.services.push_back(service_of(i, routes));
    const auto groups = list_pages(dir, "alert_groups", set, "no incident history comes in");
    const auto note_pages = list_pages(dir, "resolution_notes", set, "no resolution notes come in");
    const auto notes = dir.list(note_pages, "results");
    for (const auto& g : dir.list(groups, "results")) set.incidents.push_back(alert_group_of(g, notes));
    drop_repeats(set);
    if (users.empty() && schedules.empty() && chains.empty() && integrations.empty() && groups.empty())
        throw UsageError("no Grafana OnCall export in " + path.string() +
                             " (looked for users.json, schedules.json, escalation_chains.json, integrations.json, "
                             "alert_groups.json)",
                         "docs/moving-in.md gives the commands that save one");
    return set;
}

}  // namespace incident
