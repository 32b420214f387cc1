// Opsgenie's REST API, as saved by the commands in man incident-import:
// users.json and users/ID/contacts.json, schedules.json (expand=rotation),
// schedules/ID.json, schedules/ID/overrides.json, schedules/ID/timeline.json
// (its final timeline for a window), escalations.json, services.json,
// alerts.json with alerts/ID/logs.json and alerts/ID/notes.json, and
// incidents.json with incidents/ID/logs.json; every response wraps its
// objects in "data", and lists may run over NAME.2.json, NAME.3.json, ...
//
// Opsgenie's rotations are all on call at once, so a schedule comes in with
// `combine: all`. Its escalation rules wait from the start of the
// escalation; rules with the same delay become one step. Alerts and
// incidents both become incidents (opsgenie_history.cpp).
#include "import/opsgenie.hpp"

#include <algorithm>
#include <map>

#include "evidence/evidence.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

using opsgenie::Usernames;

namespace {

unsigned weekday_of(const Json& at) {
    static const char* names[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    const std::string day = at.str();
    for (unsigned d = 0; d < 7; ++d)
        if (day == names[d]) return d;
    at.fail("expected a day (monday ... sunday), found \"" + day + "\"");
}

// A restriction's hour and minute as seconds after midnight.
long long clock_of(const Json& r, const std::string& hour, const std::string& minute) {
    const long long h = r[hour].integer(), m = r[minute].integer_or_null().value_or(0);
    if (h < 0 || h > 24) r[hour].fail("expected an hour from 0 to 24");
    if (m < 0 || m > 59 || (h == 24 && m)) r[minute].fail("expected a minute from 0 to 59");
    return h * kHour + m * 60;
}

// A rotation's timeRestriction as windows in the schedule's zone.
void add_restriction(const Json& tr, std::vector<Window>& out) {
    const std::string type = tr["type"].str();
    if (type == "time-of-day") {
        const Json r = tr["restriction"];
        const long long from = clock_of(r, "startHour", "startMin"), to = clock_of(r, "endHour", "endMin");
        out.push_back(Window{0x7f, Seconds{from % kDay}, Seconds{to % kDay}});
    } else if (type == "weekday-and-time-of-day") {
        for (const auto& r : tr["restrictions"].items()) {
            const unsigned day = weekday_of(r["startDay"]);
            const long long start = clock_of(r, "startHour", "startMin");
            const long long end = weekday_of(r["endDay"]) * kDay + clock_of(r, "endHour", "endMin");
            // An end not after the start runs into the next week.
            long long duration = ((end - (day * kDay + start)) % kWeek + kWeek) % kWeek;
            add_week_span(day, start, duration ? duration : kWeek, out);
        }
    } else {
        tr["type"].fail("expected time-of-day or weekday-and-time-of-day, found \"" + type + "\"");
    }
}

// A rotation as a layer whose members are user ids; nullopt (with why) when
// a schedule file cannot hold it.
std::optional<Layer> layer_of(const Json& r, const Zone& zone, Mapping& map) {
    Layer out;
    out.name = r["name"].str_or(r["id"].str_or("rotation"));
    const std::string left_out = "left out: rotation " + out.name + ": ";
    out.start = zone.local(r["startDate"].time());
    if (auto end = r["endDate"].time_or_null()) {
        out.end = zone.local(*end);
        if (*out.end <= out.start) return map.approximate(left_out + "it ends before it starts"), std::nullopt;
    }
    const std::string type = r["type"].str();
    if (type == "hourly")
        out.rotation = Rotation::hourly;
    else if (type == "daily")
        out.rotation = Rotation::daily;
    else if (type == "weekly")
        out.rotation = Rotation::weekly;
    else
        r["type"].fail("expected hourly, daily or weekly, found \"" + type + "\"");
    const long long length = r["length"].integer_or_null().value_or(1);
    if (length < 1) r["length"].fail("expected a positive whole number");
    if (length > 1000)
        return map.approximate(left_out + "a turn of " + std::to_string(length) + " " + type +
                               " units is more than 1000"),
               std::nullopt;
    out.shift = static_cast<int>(length);
    std::vector<std::string> others;  // participants that are not people
    for (const auto& p : r["participants"].items()) {
        const std::string kind = p["type"].str();
        if (kind == "user")
            out.turns.push_back({p["id"].id()});
        else
            others.push_back(kind == "none" ? "nobody" : "the " + kind + " " + p["name"].str_or(p["id"].str_or()));
    }
    if (!others.empty())  // without that turn every later turn would move
        return map.approximate(left_out + "a turn of " + join(others) + ": a schedule here turns people only"),
               std::nullopt;
    if (out.turns.empty()) return map.approximate(left_out + "nobody in it"), std::nullopt;
    if (const Json tr = r["timeRestriction"]; !tr.is_null()) add_restriction(tr, out.restrict);
    return out;
}

// An override's alias names its file: kept when it is a plain id, else a digest of it.
std::string alias_id(const Json& o) {
    const std::string alias = o["alias"].str();
    const bool plain = !alias.empty() && alias.size() <= 64 && std::all_of(alias.begin(), alias.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    return plain ? alias : "alias-" + sha256_hex(alias).substr(0, 16);
}

void read_overrides(const ExportDir& dir, const Json& sched, SourceSchedule& s) {
    auto file = dir.file("schedules/" + s.id + "/overrides");
    if (!file) {
        s.map.approximate("no overrides: schedules/" + s.id + "/overrides.json is missing");
        return;
    }
    std::vector<std::string> rotations;
    for (const auto& r : sched["rotations"].items()) rotations.push_back(r["id"].str_or());
    for (const auto& o : file->root()["data"].items()) {
        const std::string id = alias_id(o);
        const Json user = o["user"];
        if (user["type"].str_or("user") != "user") {
            s.map.approximate("left out: override " + id + ": it names a " + user["type"].str() + ", not a user");
            continue;
        }
        SourceOverride so{id, o["startDate"].time(), o["endDate"].time(), user["id"].id()};
        if (so.to <= so.from) {
            s.map.approximate("left out: override " + id + ": it ends before it starts");
            continue;
        }
        std::vector<std::string> named;
        for (const auto& r : o["rotations"].items()) named.push_back(r["id"].str_or());
        const bool all = named.empty() || std::all_of(rotations.begin(), rotations.end(), [&](const std::string& r) {
                             return std::find(named.begin(), named.end(), r) != named.end();
                         });
        if (!all) {
            std::vector<std::string> names;
            for (const auto& r : o["rotations"].items()) names.push_back(r["name"].str_or(r["id"].str_or()));
            s.map.approximate("override " + id + ": here it replaces everyone on call; in Opsgenie only rotation " +
                              join(names));
        }
        s.overrides.push_back(std::move(so));
    }
}

// The final timeline the export saved, every rotation's periods together.
void read_timeline(const ExportDir& dir, SourceSchedule& s) {
    auto file = dir.file("schedules/" + s.id + "/timeline");
    if (!file) return;
    const Json data = file->root()["data"];
    s.window = std::make_pair(data["startDate"].time(), data["endDate"].time());
    for (const auto& r : data["finalTimeline"]["rotations"].items())
        for (const auto& p : r["periods"].items())
            if (const Json who = p["recipient"]; who["type"].str_or("user") == "user")
                s.rendered.push_back(RenderedShift{p["startDate"].time(), p["endDate"].time(), who["id"].id()});
}

SourceSchedule schedule_of(const ExportDir& dir, const Json& listed) {
    SourceSchedule s;
    s.id = listed["id"].id();
    s.name = listed["name"].str_or(s.id);
    s.every_layer = true;
    auto file = dir.file("schedules/" + s.id);
    const Json sched = file ? file->root()["data"] : listed;
    if (sched.is_null()) sched.fail("missing: GET /v2/schedules/ID answers {\"data\": {...}}");
    s.name = sched["name"].str_or(s.name);
    s.description = sched["description"].str_or();
    s.time_zone = sched["timezone"].str();
    const Zone zone = zone_of(sched["timezone"]);
    if (sched.has("enabled") && !sched["enabled"].is_null() && sched["enabled"].raw() == false)
        s.map.approximate("disabled in Opsgenie");
    for (const auto& r : sched["rotations"].items())
        if (auto l = layer_of(r, zone, s.map)) s.layers.push_back(std::move(*l));
    if (s.layers.empty()) {
        s.map.leave_out(sched["rotations"].items().empty() ? "no rotations: save schedules.json with "
                                                             "expand=rotation, or schedules/" +
                                                                 s.id + ".json"
                                                           : "no rotation can be brought in");
        return s;
    }
    read_overrides(dir, sched, s);
    read_timeline(dir, s);
    return s;
}

// "49-15123456789" (country code, a dash, the number) as "+4915123456789".
std::string phone_number(const std::string& to) {
    std::string out = "+";
    for (char c : to)
        if (std::isdigit(static_cast<unsigned char>(c))) out += c;
    return out;
}

SourcePerson person_of(const ExportDir& dir, const Json& u) {
    SourcePerson p;
    p.id = u["id"].id();
    p.email = u["username"].str();
    p.name = u["fullName"].str_or();
    p.time_zone = person_zone(u["timeZone"].str_or(), p.map);
    auto file = dir.file("users/" + p.id + "/contacts");
    if (!file) {
        p.map.approximate("no contact methods: users/" + p.id + "/contacts.json is missing");
        return p;
    }
    for (const auto& c : file->root()["data"].items()) {
        const std::string method = c["method"].str(), to = c["to"].str_or();
        if (c["status"]["enabled"].raw() == false) {
            p.map.approximate("contact " + method + " " + to + " is disabled in Opsgenie: left out");
        } else if (method == "email") {
            p.contact.push_back(ContactMethod{"email", c["to"].str(), ""});
        } else if (method == "sms" || method == "voice") {
            phone_to_do(p.map, method, phone_number(c["to"].str()), "");
        } else if (method == "mobile") {
            p.map.approximate("to do: push to the Opsgenie app (" + to +
                              "): a device cannot be exported; add {push: TOPIC} for your push server");
        } else {
            p.map.approximate("contact method " + method + " is not brought in");
        }
    }
    return p;
}

// A Duration ({timeAmount, timeUnit}) in minutes.
long long minutes_of(const Json& d) {
    const long long amount = d["timeAmount"].integer();
    if (amount < 0) d["timeAmount"].fail("expected a whole number, 0 or more");
    const std::string unit = d["timeUnit"].str_or("minutes");
    const long long per = unit == "minutes" ? 1 : unit == "hours" ? 60 : unit == "days" ? 1440 : 0;
    if (!per) d["timeUnit"].fail("expected minutes, hours or days, found \"" + unit + "\"");
    return std::min(amount, kMaxDuration.count() / 60 / per) * per;
}

SourcePolicy policy_of(const Json& e) {
    SourcePolicy out;
    out.id = e["id"].id();
    out.name = e["name"].str_or(out.id);
    out.description = e["description"].str_or();
    std::vector<std::pair<long long, std::optional<SourceTarget>>> rules;  // minutes from the start, whom
    const auto list = e["rules"].items();
    for (std::size_t i = 0; i < list.size(); ++i) {
        const Json& r = list[i];
        const std::string rule = "rule " + std::to_string(i + 1) + ": ";
        if (r["condition"].str_or("if-not-acked") != "if-not-acked")
            out.map.approximate(rule + r["condition"].str() + ": here paging stops once it is acknowledged");
        if (const std::string n = r["notifyType"].str_or("default"); n != "default")
            out.map.approximate(rule + "notifies " + n + " of its recipient there; here the recipient itself");
        const Json to = r["recipient"];
        const std::string type = to["type"].str();
        std::optional<SourceTarget> target;
        if (type == "schedule" || type == "user")
            target = SourceTarget{type == "schedule", to["id"].id()};
        else
            out.map.approximate(rule + "a recipient of type " + type + " (" + to["name"].str_or(to["id"].str_or()) +
                                ") is left out");
        rules.emplace_back(minutes_of(r["delay"]), std::move(target));
    }
    std::stable_sort(rules.begin(), rules.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    if (rules.empty()) {
        out.map.leave_out("no escalation rules");
        return out;
    }
    if (rules.front().first > 0)
        out.map.approximate("its first rule waits " + std::to_string(rules.front().first) +
                            " minutes; here the first step pages at once");
    long long wait = 1;  // after the last step: the repeat's wait
    if (const Json rep = e["repeat"]; !rep.is_null()) {
        const long long count = rep["count"].integer_or_null().value_or(0);
        out.repeat = static_cast<int>(std::clamp(count, 0LL, 100LL));
        if (out.repeat != count)
            out.map.approximate("repeat count " + std::to_string(count) + " is repeat: " + std::to_string(out.repeat) +
                                " here (0 to 100)");
        wait = std::max(rep["waitInterval"].integer_or_null().value_or(0), 1LL);
        if (rep["closeAlertAfterAll"].raw() == true)
            out.map.approximate("closeAlertAfterAll: here nothing is closed when the steps run out");
    }
    for (std::size_t i = 0; i < rules.size(); ++i) {
        if (i == 0 || rules[i].first != rules[i - 1].first) out.steps.emplace_back();
        if (rules[i].second) out.steps.back().first.push_back(*rules[i].second);
        const long long next = i + 1 < rules.size() ? rules[i + 1].first : rules[i].first + wait;
        if (next != rules[i].first) out.steps.back().second = Seconds{(next - rules[i].first) * 60};
    }
    return out;
}

SourceService service_of(const Json& s) {
    SourceService out;
    out.id = s["id"].id();
    out.name = s["name"].str();
    out.description = s["description"].str_or();
    if (s["isExternal"].raw() == true) out.map.approximate("an external service in Opsgenie");
    out.map.notes.emplace_back(
        "an Opsgenie service names no escalation; the alerts whose tags hold its name are its "
        "incidents");
    return out;
}

}  // namespace

ImportSet read_opsgenie(const fs::path& path) {
    const ExportDir dir(path);
    check_tool(dir, "opsgenie");
    ImportSet set;
    set.tool = "opsgenie";
    set.name = "Opsgenie";
    Usernames users;
    const auto user_pages = list_pages(dir, "users", set, "no people come in");
    for (const auto& u : dir.list(user_pages, "data")) {
        set.people.push_back(person_of(dir, u));
        users.emplace(set.people.back().email, set.people.back().id);
    }
    const auto schedules = list_pages(dir, "schedules", set, "no schedules come in");
    for (const auto& s : dir.list(schedules, "data")) set.schedules.push_back(schedule_of(dir, s));
    const auto policies = list_pages(dir, "escalations", set, "no escalation policies come in");
    for (const auto& e : dir.list(policies, "data")) set.policies.push_back(policy_of(e));
    const auto services = list_pages(dir, "services", set, "no services come in: alerts name none");
    std::map<std::string, std::string> service_names;  // lower-case name -> id
    for (const auto& s : dir.list(services, "data")) {
        set.services.push_back(service_of(s));
        std::string name = set.services.back().name;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        service_names.emplace(name, set.services.back().id);
    }
    const auto alerts = list_pages(dir, "alerts", set, "no alerts come in");
    for (const auto& a : dir.list(alerts, "data"))
        set.incidents.push_back(opsgenie::alert_of(dir, a, users, service_names));
    const auto incidents = list_pages(dir, "incidents", set, "no Incident API incidents come in");
    for (const auto& i : dir.list(incidents, "data")) set.incidents.push_back(opsgenie::incident_of(dir, i, users));
    drop_repeats(set);
    if (user_pages.empty() && schedules.empty() && policies.empty() && services.empty() && alerts.empty() &&
        incidents.empty())
        throw UsageError("no Opsgenie export in " + path.string() +
                             " (looked for users.json, schedules.json, escalations.json, services.json, alerts.json, "
                             "incidents.json)",
                         "docs/moving-in.md gives the commands that save one");
    return set;
}

}  // namespace incident
