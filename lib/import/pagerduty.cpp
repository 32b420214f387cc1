// PagerDuty's REST API v2, as saved by the commands in man incident-import:
// users.json (with include[]=contact_methods), schedules.json,
// schedules/ID.json (with since/until: its final schedule rendered),
// schedules/ID/overrides.json, escalation_policies.json, services.json,
// incidents.json and incidents/ID/log_entries.json; lists may run over
// NAME.2.json, NAME.3.json, ...
#include <algorithm>
#include <map>

#include "import/reader.hpp"
#include "model/errors.hpp"

namespace incident {

namespace {

// "09:00:00" as seconds after midnight.
long long clock_of(const Json& at) {
    const std::string s = at.str();
    int h = 0, m = 0, sec = 0;
    char c1 = 0, c2 = 0;
    const int n = std::sscanf(s.c_str(), "%2d%c%2d%c%2d", &h, &c1, &m, &c2, &sec);
    if (n < 3 || c1 != ':' || (n == 5 && c2 != ':') || h > 23 || m > 59 || sec > 59 || h < 0 || m < 0 || sec < 0)
        at.fail("expected a time of day \"HH:MM:SS\", found \"" + s + "\"");
    return h * kHour + m * 60 + sec;
}

// A weekly restriction (start day 1 = Monday) or a daily one (every day) as
// windows of whole days and a last part day, grouped by their hours.
void add_restriction(const Json& r, std::vector<Window>& out, Mapping& map, const std::string& layer) {
    const std::string type = r["type"].str();
    const long long start = clock_of(r["start_time_of_day"]);
    long long duration = r["duration_seconds"].integer();
    if (duration <= 0) r["duration_seconds"].fail("expected a positive number of seconds");
    if (start % 60 || duration % 60)
        map.approximate("layer " + layer + ": a restriction from " + r["start_time_of_day"].str() + " for " +
                        std::to_string(duration) + " s is cut to whole minutes");
    if (type == "daily_restriction") {
        if (duration >= kDay) return;  // around the clock: no window at all
        out.push_back(Window{0x7f, Seconds{start - start % 60}, Seconds{(start + duration) % kDay / 60 * 60}});
        return;
    }
    if (type != "weekly_restriction")
        r["type"].fail("expected daily_restriction or weekly_restriction, found \"" + type + "\"");
    const long long dow = r["start_day_of_week"].integer();
    if (dow < 1 || dow > 7) r["start_day_of_week"].fail("expected 1 (Monday) to 7 (Sunday)");
    add_week_span(static_cast<unsigned>(dow - 1), start, duration, out);
}

// The rotation of a turn of `turn` seconds; false (with why) when a schedule file cannot hold it.
bool set_turn(Layer& out, long long turn, const Zone& zone, Mapping& map) {
    const std::string layer = "left out: layer " + out.name + ": a turn of " + std::to_string(turn) + " s ";
    if (turn % kWeek == 0)
        out.rotation = Rotation::weekly, turn /= kWeek;
    else if (turn % kDay == 0)
        out.rotation = Rotation::daily, turn /= kDay;
    else if (turn % kHour == 0)
        out.rotation = Rotation::hourly, turn /= kHour;
    else
        return map.approximate(layer + "is not a whole number of hours, days or weeks"), false;
    if (turn > 1000)
        return map.approximate(layer + "is more than 1000 " + rotation_name(out.rotation) + " units"), false;
    out.shift = static_cast<int>(turn);
    if (out.rotation == Rotation::hourly && zone.tz)
        map.approximate("layer " + out.name + ": turns of " + std::to_string(turn) +
                        " hours step by elapsed hours here; across a daylight-saving change PagerDuty may keep "
                        "the local hand-off time");
    return true;
}

// A layer as a schedule file's: members are user ids for now.
std::optional<Layer> layer_of(const Json& l, const Zone& zone, Mapping& map) {
    Layer out;
    out.name = l["name"].str_or(l["id"].str_or("layer"));
    const Timestamp virtual_start = l["rotation_virtual_start"].time();
    const Timestamp start = l["start"].time();
    out.start = zone.local(virtual_start);
    if (start > virtual_start) out.on_call_from = zone.local(start);  // turns counted from the rotation's start
    if (auto end = l["end"].time_or_null()) out.end = zone.local(*end);
    if (out.end && *out.end <= out.on_call_from.value_or(out.start)) {
        map.approximate("left out: layer " + out.name + ": it ends before it begins");
        return std::nullopt;
    }
    const long long turn = l["rotation_turn_length_seconds"].integer();
    if (turn <= 0) l["rotation_turn_length_seconds"].fail("expected a positive number of seconds");
    if (!set_turn(out, turn, zone, map)) return std::nullopt;
    for (const auto& u : l["users"].items()) out.turns.push_back({u["user"]["id"].id()});
    if (out.turns.empty()) {
        map.approximate("left out: layer " + out.name + ": nobody in it");
        return std::nullopt;
    }
    for (const auto& r : l["restrictions"].items()) add_restriction(r, out.restrict, map, out.name);
    return out;
}

SourcePerson person_of(const Json& u) {
    SourcePerson p;
    p.id = u["id"].id();
    p.name = u["name"].str_or();
    p.email = u["email"].str();
    p.time_zone = person_zone(u["time_zone"].str_or(), p.map);
    for (const auto& c : u["contact_methods"].items()) {
        const std::string type = c["type"].str();
        if (type.size() > 10 && type.compare(type.size() - 10, 10, "_reference") == 0) {
            p.map.approximate("contact methods are references only: save users with include[]=contact_methods");
            break;
        }
        const std::string label = c["label"].str_or();
        if (type == "email_contact_method") {
            p.contact.push_back(ContactMethod{"email", c["address"].str(), ""});
        } else if (type == "phone_contact_method" || type == "sms_contact_method") {
            const std::string kind = type == "sms_contact_method" ? "sms" : "voice";
            const auto cc = c["country_code"].integer_or_null();
            phone_to_do(p.map, kind, "+" + (cc ? std::to_string(*cc) : std::string()) + c["address"].str(), label);
        } else if (type == "push_notification_contact_method") {
            p.map.approximate("to do: push to the PagerDuty app (" + label +
                              "): its device token cannot be exported; add {push: TOPIC} for your push server");
        } else {
            p.map.approximate("contact method " + type + " (" + label + ") is not brought in");
        }
    }
    return p;
}

SourceSchedule schedule_of(const ExportDir& dir, const Json& listed) {
    SourceSchedule s;
    s.id = listed["id"].id();
    s.name = listed["name"].str_or(s.id);
    auto file = dir.file("schedules/" + s.id);
    if (!file) {
        s.map.leave_out("schedules/" + s.id + ".json is missing: save GET /schedules/" + s.id);
        return s;
    }
    const Json sched = file->root()["schedule"];
    if (sched.is_null()) sched.fail("missing: GET /schedules/ID answers {\"schedule\": {...}}");
    s.name = sched["name"].str_or(s.name);
    s.description = sched["description"].str_or();
    s.time_zone = sched["time_zone"].str();
    const Zone zone = zone_of(sched["time_zone"]);
    const auto layers = sched["schedule_layers"].items();
    for (auto it = layers.rbegin(); it != layers.rend(); ++it)  // highest first there, last wins here
        if (auto l = layer_of(*it, zone, s.map)) s.layers.push_back(std::move(*l));
    if (s.layers.empty()) s.map.leave_out("no layer can be brought in");
    for (const auto& e : sched["final_schedule"]["rendered_schedule_entries"].items()) {
        const Json user = e["user"];
        if (user.is_null()) continue;  // nobody on call
        s.rendered.push_back(RenderedShift{e["start"].time(), e["end"].time(), user["id"].id()});
    }
    set_window_from_rendered(s);
    if (auto overrides = dir.file("schedules/" + s.id + "/overrides")) {
        for (const auto& o : overrides->root()["overrides"].items()) {
            SourceOverride so{o["id"].id(), o["start"].time(), o["end"].time(), o["user"]["id"].id()};
            if (so.to <= so.from)
                s.map.approximate("left out: override " + so.id + ": it ends before it starts");
            else
                s.overrides.push_back(std::move(so));
        }
    } else {
        s.map.approximate("no overrides: schedules/" + s.id + "/overrides.json is missing");
    }
    return s;
}

SourcePolicy policy_of(const Json& p) {
    SourcePolicy out;
    out.id = p["id"].id();
    out.name = p["name"].str_or(out.id);
    out.description = p["description"].str_or();
    const long long loops = p["num_loops"].integer_or_null().value_or(0);
    out.repeat = static_cast<int>(std::clamp(loops, 0LL, 100LL));
    if (out.repeat != loops)
        out.map.approximate("num_loops " + std::to_string(loops) + " is repeat: " + std::to_string(out.repeat) +
                            " here (0 to 100)");
    for (const auto& rule : p["escalation_rules"].items()) {
        std::vector<SourceTarget> targets;
        for (const auto& t : rule["targets"].items()) {
            const std::string type = t["type"].str();
            if (type == "schedule_reference" || type == "schedule")
                targets.push_back(SourceTarget{true, t["id"].id()});
            else if (type == "user_reference" || type == "user")
                targets.push_back(SourceTarget{false, t["id"].id()});
            else
                out.map.approximate("a target of type " + type + " is left out");
        }
        const long long minutes = rule["escalation_delay_in_minutes"].integer();
        const long long kept = std::clamp(minutes, 1LL, static_cast<long long>(kMaxDuration.count() / 60));
        if (kept != minutes)
            out.map.approximate("a delay of " + std::to_string(minutes) + " minutes is " + std::to_string(kept) +
                                " here (1 minute to 100 years)");
        out.steps.emplace_back(std::move(targets), Seconds{kept * 60});
    }
    if (out.steps.empty()) out.map.leave_out("no escalation rules");
    return out;
}

SourceService service_of(const Json& s) {
    SourceService out;
    out.id = s["id"].id();
    out.name = s["name"].str();
    out.description = s["description"].str_or();
    if (const Json p = s["escalation_policy"]; !p.is_null()) out.policy = p["id"].id();
    const Json rule = s["incident_urgency_rule"];
    const std::string type = rule["type"].str_or();
    if (type == "constant")
        out.urgency = rule["urgency"].str();
    else if (!type.empty())
        out.map.approximate("urgency by " + type +
                            " is not kept: its incidents take the urgency their alert or rules give");
    if (s["status"].str_or() == "disabled") out.map.approximate("disabled in PagerDuty");
    return out;
}

// A log entry as a timeline event; nullopt for the kinds left out.
std::optional<SourceEvent> event_of(const Json& e, std::map<std::string, int>& left_out) {
    static const std::map<std::string, std::string> kinds = {{"trigger_log_entry", "opened"},
                                                             {"acknowledge_log_entry", "acknowledged"},
                                                             {"escalate_log_entry", "escalated"},
                                                             {"annotate_log_entry", "note"},
                                                             {"resolve_log_entry", "resolved"}};
    const std::string type = e["type"].str();
    auto kind = kinds.find(type);
    if (kind == kinds.end()) {
        ++left_out[type];
        return std::nullopt;
    }
    SourceEvent ev;
    ev.at = e["created_at"].time();
    ev.id = e["id"].id();
    ev.type = kind->second;
    const Json agent = e["agent"];
    if (!agent.is_null()) {
        const std::string agent_type = agent["type"].str_or();
        if (agent_type == "user_reference" || agent_type == "user") ev.user = agent["id"].id();
    }
    if (ev.type == "note") {
        // The note's text: `note` as the API documents it, else the channel's summary.
        ev.text = e["note"].str_or(e["channel"]["summary"].str_or(e["summary"].str_or()));
    } else {
        ev.text = e["summary"].str_or();
    }
    return ev;
}

SourceIncident incident_of(const ExportDir& dir, const Json& i) {
    SourceIncident out;
    out.id = i["id"].id();
    if (auto n = i["incident_number"].integer_or_null()) out.number = std::to_string(*n);
    out.title = i["title"].str_or(i["summary"].str_or());
    if (out.title.find_first_not_of(" \t\r\n") == std::string::npos)
        out.title = "PagerDuty incident " + (out.number.empty() ? out.id : "#" + out.number);
    out.description = i["description"].str_or();
    if (out.description == out.title) out.description.clear();
    out.created = i["created_at"].time();
    if (const Json s = i["service"]; !s.is_null()) out.service = s["id"].id();
    out.urgency = i["urgency"].str_or();
    if (const Json p = i["priority"]; !p.is_null()) out.priority = p["summary"].str_or(p["name"].str_or());
    const auto pages = dir.pages("incidents/" + out.id + "/log_entries");
    std::map<std::string, int> left_out;
    for (const auto& e : dir.list(pages, "log_entries"))
        if (auto ev = event_of(e, left_out)) out.events.push_back(std::move(*ev));
    std::stable_sort(out.events.begin(), out.events.end(),
                     [](const SourceEvent& a, const SourceEvent& b) { return a.at < b.at; });
    if (pages.empty())
        out.map.approximate("no log entries (incidents/" + out.id + "/log_entries.json): opened and status only");
    const std::string status = i["status"].str();
    out.status = status == "triggered" ? "open" : status;
    out.status_at = i["resolved_at"].time_or_null();
    if (!out.status_at) out.status_at = i["last_status_change_at"].time_or_null();
    for (const auto& [type, n] : left_out) out.map.approximate("left out: " + type + " ×" + std::to_string(n));
    return out;
}

}  // namespace

ImportSet read_pagerduty(const fs::path& path) {
    const ExportDir dir(path);
    check_tool(dir, "pagerduty");
    ImportSet set;
    set.tool = "pagerduty";
    set.name = "PagerDuty";
    const auto users = list_pages(dir, "users", set, "no people come in");
    for (const auto& u : dir.list(users, "users")) set.people.push_back(person_of(u));
    const auto schedules = list_pages(dir, "schedules", set, "no schedules come in");
    for (const auto& s : dir.list(schedules, "schedules")) set.schedules.push_back(schedule_of(dir, s));
    const auto policies = list_pages(dir, "escalation_policies", set, "no escalation policies come in");
    for (const auto& p : dir.list(policies, "escalation_policies")) set.policies.push_back(policy_of(p));
    const auto services = list_pages(dir, "services", set, "no services come in");
    for (const auto& s : dir.list(services, "services")) set.services.push_back(service_of(s));
    const auto incidents = list_pages(dir, "incidents", set, "no incident history comes in");
    for (const auto& i : dir.list(incidents, "incidents")) set.incidents.push_back(incident_of(dir, i));
    drop_repeats(set);
    if (users.empty() && schedules.empty() && policies.empty() && services.empty() && incidents.empty())
        throw UsageError("no PagerDuty export in " + path.string() +
                             " (looked for users.json, schedules.json, escalation_policies.json, services.json, "
                             "incidents.json)",
                         "docs/moving-in.md gives the commands that save one");
    return set;
}

}  // namespace incident
