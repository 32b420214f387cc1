// Opsgenie's alerts and Incident API incidents as incidents: their logs
// (alerts/ID/logs.json, incidents/ID/logs.json) and an alert's notes, in
// the order of their milliseconds; a log line's kind by how Opsgenie words
// it (it documents no list); an alert's "closed" is our resolved; an
// alert's service by its tags.
#include <algorithm>

#include "import/opsgenie.hpp"

namespace incident::opsgenie {

namespace {

// What a log line is, by how Opsgenie words it: an event, or nullopt (and
// counted in `left_out`) for the kinds left out.
std::optional<SourceEvent> event_of(const Json& l, const Usernames& users, bool notes_apart,
                                    std::map<std::string, int>& left_out) {
    const std::string text = l["log"].str();
    auto starts = [&](std::string_view p) { return text.rfind(p, 0) == 0; };
    SourceEvent ev;
    if (starts("Alert created") || starts("Incident created"))
        ev.type = "opened";
    else if (starts("Alert acknowledged") || starts("Incident acknowledged"))
        ev.type = "acknowledged";
    else if (starts("Escalation ["))
        ev.type = "escalated", ev.text = text;
    else if (starts("Alert closed") || starts("Incident resolved"))
        ev.type = "resolved";
    else if (starts("Note added") && !notes_apart)
        ev.type = "note", ev.text = text.find(": ") == std::string::npos ? text : text.substr(text.find(": ") + 2);
    if (ev.type.empty()) {
        if (!starts("Note added")) {
            const std::size_t cut = std::min({text.find(" via "), text.find(" ["), text.find(':'), text.size()});
            ++left_out[starts("Sent [")   ? "notification sent"
                       : starts("Viewed") ? "viewed"
                                          : text.substr(0, std::min<std::size_t>(cut, 40))];
        }
        return std::nullopt;
    }
    ev.at = l["createdAt"].time();
    ev.id = l["offset"].is_null() ? std::string() : l["offset"].id();
    const std::string owner = l["owner"].str_or();
    if (auto u = users.find(owner); u != users.end())
        ev.user = u->second;
    else if (owner.find('@') != std::string::npos)
        ev.user = owner;  // someone not among the users: named by email
    return ev;
}

// When a log entry or note was made, in milliseconds: Opsgenie's times
// carry them, and entries of the same second (an alert created, its first
// escalation) keep their order by them.
long long millis_of(const Json& at) {
    const std::string text = at.str();
    long long ms = at.time().time_since_epoch().count() * 1000;
    if (const auto dot = text.find('.'); dot != std::string::npos)
        for (std::size_t i = dot + 1, scale = 100;
             i < text.size() && scale && std::isdigit(static_cast<unsigned char>(text[i])); ++i, scale /= 10)
            ms += (text[i] - '0') * static_cast<long long>(scale);
    return ms;
}

// The events of an alert or an incident from its logs (and an alert's notes).
void read_history(const ExportDir& dir, const std::string& path, const Usernames& users, SourceIncident& out,
                  bool& have_log) {
    const auto logs = dir.pages(path + "/logs");
    const auto notes = dir.pages(path + "/notes");
    std::map<std::string, int> left_out;
    std::vector<std::pair<long long, SourceEvent>> events;
    for (const auto& l : dir.list(logs, "data"))
        if (auto ev = event_of(l, users, !notes.empty(), left_out)) events.emplace_back(millis_of(l["createdAt"]), *ev);
    for (const auto& n : dir.list(notes, "data")) {
        SourceEvent ev{n["createdAt"].time(), n["offset"].is_null() ? "" : n["offset"].id(), "note", "",
                       n["note"].str()};
        if (auto u = users.find(n["owner"].str_or()); u != users.end()) ev.user = u->second;
        events.emplace_back(millis_of(n["createdAt"]), std::move(ev));
    }
    std::stable_sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [ms, ev] : events) out.events.push_back(std::move(ev));
    for (const auto& [kind, n] : left_out) out.map.approximate("left out: " + kind + " ×" + std::to_string(n));
    have_log = !logs.empty();
}

std::string title_of(const Json& x, const std::string& what, const std::string& number) {
    std::string title = x["message"].str_or();
    if (title.find_first_not_of(" \t\r\n") == std::string::npos) title = "Opsgenie " + what + " #" + number;
    return title;
}

// The service an alert is about: Opsgenie alerts name none, so the service
// whose name (in lower case) is one of its tags.
std::string service_by_tag(const Json& a, const std::map<std::string, std::string>& by_name) {
    for (const auto& t : a["tags"].items()) {
        std::string tag = t.str_or();
        std::transform(tag.begin(), tag.end(), tag.begin(), [](unsigned char c) { return std::tolower(c); });
        if (auto s = by_name.find(tag); s != by_name.end()) return s->second;
    }
    return {};
}

}  // namespace

SourceIncident alert_of(const ExportDir& dir, const Json& a, const Usernames& users,
                        const std::map<std::string, std::string>& services) {
    SourceIncident out;
    out.id = a["id"].id();
    out.number = a["tinyId"].str_or();
    out.title = title_of(a, "alert", out.number.empty() ? out.id : out.number);
    out.description = a["description"].str_or();
    out.created = a["createdAt"].time();
    out.priority = a["priority"].str_or();
    out.service = service_by_tag(a, services);
    bool have_log = false;
    read_history(dir, "alerts/" + out.id, users, out, have_log);
    // Its report: when it was first acknowledged and closed, in milliseconds after its creation.
    const Json report = a["report"];
    auto after = [&](const char* key) -> std::optional<Timestamp> {
        if (report.is_null() || report[key].is_null()) return std::nullopt;
        return out.created + Seconds{report[key].integer() / 1000};
    };
    const auto acked = after("ackTime"), closed = after("closeTime");
    const std::string status = a["status"].str();
    out.status = status == "closed" ? "resolved" : a["acknowledged"].raw() == true || acked ? "acknowledged" : "open";
    out.status_at = status == "closed" ? closed : acked;
    if (!have_log) {
        out.map.approximate("no log (alerts/" + out.id + "/logs.json): acknowledged and closed as its report says");
        auto by = [&](const char* key) {
            auto u = users.find(report[key].str_or());
            return u == users.end() ? report[key].str_or() : u->second;
        };
        if (acked) out.events.push_back(SourceEvent{*acked, out.id + "-ack", "acknowledged", by("acknowledgedBy"), ""});
        if (closed && status == "closed")
            out.events.push_back(SourceEvent{*closed, out.id + "-close", "resolved", by("closedBy"), ""});
    }
    return out;
}

SourceIncident incident_of(const ExportDir& dir, const Json& i, const Usernames& users) {
    SourceIncident out;
    out.id = i["id"].id();
    out.number = i["tinyId"].str_or();
    out.title = title_of(i, "incident", out.number.empty() ? out.id : out.number);
    out.description = i["description"].str_or();
    out.created = i["createdAt"].time();
    out.priority = i["priority"].str_or();
    const auto impacted = i["impactedServices"].items();
    if (!impacted.empty()) out.service = impacted.front().id();
    if (impacted.size() > 1) out.map.approximate("only its first impacted service is kept");
    bool have_log = false;
    read_history(dir, "incidents/" + out.id, users, out, have_log);
    if (!have_log) out.map.approximate("no log (incidents/" + out.id + "/logs.json): opened and status only");
    const std::string status = i["status"].str();
    out.status = status == "open" ? "open" : "resolved";
    out.status_at = i["updatedAt"].time_or_null();
    return out;
}

}  // namespace incident::opsgenie
