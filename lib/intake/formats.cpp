// One reader per format. The shapes follow each project's documentation:
// Alertmanager's webhook (version 4), Grafana alerting's webhook (the same
// plus orgId, title, per alert dashboardURL/panelURL/silenceURL/values), and
// PagerDuty Events API v2 (routing_key, event_action, dedup_key, payload).
#include <algorithm>
#include <array>
#include <map>

#include "intake/intake.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "store/store.hpp"

namespace incident {

namespace {

using json = nlohmann::json;

constexpr std::array<std::string_view, 4> kFormatNames = {"alertmanager", "grafana", "pagerduty", "generic"};

[[noreturn]] void bad(const std::string& source, const std::string& what) { throw InvalidData(Location{source}, what); }

// A string member, or "" (numbers and booleans as their JSON text).
std::string text(const json& j, const char* key) {
    if (!j.is_object()) return {};
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return {};
    if (it->is_string()) return it->get<std::string>();
    if (it->is_number() || it->is_boolean()) return it->dump();
    return {};
}

const json& object(const json& j, const char* key) {
    static const json empty = json::object();
    auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

// Labels or annotations as "key=value" lines, sorted.
std::string pairs(const json& j) {
    std::vector<std::string> out;
    for (const auto& [k, v] : j.items())
        out.push_back("  " + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump()));
    std::sort(out.begin(), out.end());
    return join(out, "\n");
}

std::optional<Timestamp> time_of(const json& j, const char* key) {
    std::string v = text(j, key);
    // PagerDuty's examples write the offset without a colon: +0000.
    if (v.size() > 5 && (v[v.size() - 5] == '+' || v[v.size() - 5] == '-') && all_digits(v.substr(v.size() - 4)))
        v.insert(v.size() - 2, ":");
    auto t = parse_rfc3339(v);
    if (!t || t->time_since_epoch() < Seconds{0}) return std::nullopt;  // Alertmanager's "0001-01-01": unset
    return t;
}

std::string first_label(const json& labels, const std::vector<std::string>& names) {
    for (const auto& n : names)
        if (auto v = text(labels, n.c_str()); !v.empty()) return v;
    return {};
}

void add_link(Alert& a, const std::string& url) {
    if (!url.empty() && std::find(a.links.begin(), a.links.end(), url) == a.links.end()) a.links.push_back(url);
}

// One Alertmanager/Grafana alert.
Alert prometheus_alert(const json& al, const IntakeSettings& s) {
    const json& labels = object(al, "labels");
    const json& notes = object(al, "annotations");
    Alert a;
    a.action = text(al, "status") == "resolved" ? AlertAction::resolve : AlertAction::trigger;
    a.key = text(al, "fingerprint");
    std::string name = text(labels, "alertname");
    a.title = text(notes, "summary");
    if (a.title.empty()) a.title = name.empty() ? "alert" : name;
    a.service = first_label(labels, s.service_labels);
    a.severity = ascii_lower(text(labels, "severity"));
    a.category = text(labels, "category");
    std::string d = text(notes, "description");
    a.description = (d.empty() ? "" : d + "\n\n") + "Labels:\n" + pairs(labels);
    if (!notes.empty()) a.description += "\nAnnotations:\n" + pairs(notes);
    if (auto v = al.find("values"); v != al.end() && v->is_object() && !v->empty())
        a.description += "\nValues:\n" + pairs(*v);
    for (const char* k : {"generatorURL", "dashboardURL", "panelURL", "silenceURL"}) add_link(a, text(al, k));
    a.started_at = time_of(al, "startsAt");
    if (a.key.empty()) a.key = name + "{" + pairs(labels) + "}";  // no fingerprint: the label set
    return a;
}

// `s` cut to at most `max` bytes, on a character's first byte.
std::string cut(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    while (max > 0 && (static_cast<unsigned char>(s[max]) & 0xC0) == 0x80) --max;
    s.resize(max);
    return s;
}

// The same, saying how much was left out.
std::string at_most(std::string s, std::size_t max) {
    if (s.size() <= max) return s;
    const std::size_t size = s.size();
    s = cut(std::move(s), max);
    return s + "\n[" + std::to_string(size - s.size()) + " more bytes not kept]";
}

// How much of a group an incident keeps: the first alerts in full, the rest
// counted by name; the group's size never makes the incident too large.
constexpr std::size_t kGroupShown = 10;
constexpr std::size_t kGroupNames = 20;
constexpr std::size_t kAlertText = 4 << 10;  // each shown alert's text: ten leave room for the digest
constexpr std::size_t kGroupLinks = 10;
constexpr std::size_t kMaxAlertText = 64 << 10;  // any alert's description

std::string firing_and_resolved(std::size_t firing, std::size_t resolved) {
    return std::to_string(firing) + " firing, " + std::to_string(resolved) + " resolved";
}

// The alerts after the first kGroupShown, counted by alert name (the most
// frequent first).
std::string digest_of_rest(const json& list, const std::vector<Alert>& alerts) {
    std::map<std::string, std::pair<std::size_t, std::size_t>> by_name;  // firing, resolved
    for (std::size_t i = kGroupShown; i < alerts.size(); ++i) {
        std::string name = text(object(list[i], "labels"), "alertname");
        auto& n = by_name[name.empty() ? "(no alertname)" : cut(one_line(name), 200)];
        ++(alerts[i].action == AlertAction::resolve ? n.second : n.first);
    }
    std::vector<std::pair<std::string, std::pair<std::size_t, std::size_t>>> names(by_name.begin(), by_name.end());
    std::stable_sort(names.begin(), names.end(), [](const auto& a, const auto& b) {
        return a.second.first + a.second.second > b.second.first + b.second.second;
    });
    std::string out = "The other " + std::to_string(alerts.size() - kGroupShown) + ", by alert name:";
    for (std::size_t i = 0; i < names.size() && i < kGroupNames; ++i)
        out += "\n  " + names[i].first + ": " + firing_and_resolved(names[i].second.first, names[i].second.second);
    if (names.size() > kGroupNames) out += "\n  and " + std::to_string(names.size() - kGroupNames) + " more names";
    return out;
}

// The alerts of one group as one alert: firing while any of them fires. A
// group of thousands (a fleet-wide outage) is kept as its count, its first
// alerts and a digest of the rest.
Alert prometheus_group(const json& body, const std::vector<Alert>& alerts) {
    Alert g = alerts.front();
    g.key = text(body, "groupKey");
    const auto firing = static_cast<std::size_t>(
        std::count_if(alerts.begin(), alerts.end(), [](const Alert& a) { return a.action == AlertAction::trigger; }));
    g.action = firing > 0 ? AlertAction::trigger : AlertAction::resolve;
    if (auto s = text(object(body, "commonAnnotations"), "summary"); !s.empty()) g.title = s;
    g.description.clear();
    g.links.clear();
    if (alerts.size() > 1)
        g.description = "Group of " + std::to_string(alerts.size()) + " alerts (" +
                        firing_and_resolved(firing, alerts.size() - firing) + ")";
    for (std::size_t i = 0; i < alerts.size(); ++i) {
        const Alert& a = alerts[i];
        if (a.started_at && (!g.started_at || *a.started_at < *g.started_at)) g.started_at = a.started_at;
        if (i >= kGroupShown) continue;
        g.description += (g.description.empty() ? "" : "\n\n") + cut(one_line(a.title), 256) + " (" +
                         (a.action == AlertAction::resolve ? "resolved" : "firing") + ")\n" +
                         at_most(a.description, kAlertText);
        for (const auto& l : a.links)
            if (g.links.size() < kGroupLinks) add_link(g, l);
    }
    if (alerts.size() > kGroupShown) g.description += "\n\n" + digest_of_rest(body["alerts"], alerts);
    add_link(g, text(body, "externalURL"));
    return g;
}

std::vector<Alert> prometheus(const json& body, const IntakeSettings& s, const std::string& source) {
    auto list = body.find("alerts");
    if (list == body.end() || !list->is_array()) bad(source, "alerts: expected a list (an Alertmanager webhook)");
    std::vector<Alert> alerts;
    for (const auto& al : *list) {
        if (!al.is_object()) bad(source, "alerts: every alert must be an object");
        alerts.push_back(prometheus_alert(al, s));
    }
    if (alerts.empty()) return {};
    if (s.per_group && !text(body, "groupKey").empty()) return {prometheus_group(body, alerts)};
    return alerts;
}

std::vector<Alert> pagerduty(const json& body, const std::string& source) {
    Alert a;
    const std::string action = text(body, "event_action");
    if (action == "trigger")
        a.action = AlertAction::trigger;
    else if (action == "acknowledge")
        a.action = AlertAction::acknowledge;
    else if (action == "resolve")
        a.action = AlertAction::resolve;
    else
        bad(source, "event_action: expected trigger, acknowledge or resolve");
    a.key = text(body, "dedup_key");
    const json& p = object(body, "payload");
    a.title = text(p, "summary");
    if (a.action == AlertAction::trigger) {
        if (a.title.empty()) bad(source, "payload.summary: required for a trigger");
        if (text(p, "source").empty()) bad(source, "payload.source: required for a trigger");
        if (a.key.empty()) a.key = new_uid();  // as PagerDuty does: the answer names it
    } else if (a.key.empty()) {
        bad(source, "dedup_key: required for " + action);
    } else if (a.title.empty()) {
        a.title = action + " from PagerDuty Events";  // the event's text in the timeline
    }
    a.service = text(p, "component");
    if (a.service.empty()) a.service = text(p, "group");
    if (a.service.empty()) a.service = text(p, "source");
    a.severity = ascii_lower(text(p, "severity"));
    a.category = text(p, "class");
    a.description = "Source: " + text(p, "source");
    if (auto c = p.find("custom_details"); c != p.end() && !c->is_null())
        a.description += "\nDetails:\n" + (c->is_object() ? pairs(*c) : "  " + c->dump());
    a.started_at = time_of(p, "timestamp");
    if (auto links = body.find("links"); links != body.end() && links->is_array())
        for (const auto& l : *links) add_link(a, text(l, "href"));
    if (auto u = text(body, "client_url"); !u.empty()) add_link(a, u);
    return {a};
}

}  // namespace

std::optional<AlertFormat> parse_alert_format(std::string_view name) {
    for (std::size_t i = 0; i < kFormatNames.size(); ++i)
        if (name == kFormatNames[i]) return static_cast<AlertFormat>(i);
    return std::nullopt;
}

std::string_view to_string(AlertFormat f) { return kFormatNames[static_cast<std::size_t>(f)]; }

nlohmann::json parse_alert_body(std::string_view text, const std::string& source) {
    if (text.size() > kMaxAlertBytes)
        bad(source, "larger than " + std::to_string(kMaxAlertBytes >> 20) + " MB: not an alert");
    try {
        return json::parse(text, nullptr, true, false);
    } catch (const json::parse_error& e) {
        throw InvalidData(Location{source, 1, static_cast<int>(e.byte)}, std::string("not JSON: ") + e.what());
    }
}

std::optional<AlertFormat> detect_alert_format(const nlohmann::json& body) {
    if (!body.is_object()) return std::nullopt;
    if (body.contains("event_action") && body.contains("routing_key")) return AlertFormat::pagerduty;
    if (body.contains("alerts") && body["alerts"].is_array()) {
        if (body.contains("orgId")) return AlertFormat::grafana;
        return AlertFormat::alertmanager;
    }
    return std::nullopt;
}

namespace {

std::vector<Alert> read_alerts(const nlohmann::json& body, AlertFormat format, const IntakeSettings& settings,
                               const std::string& generic, const std::string& source) {
    switch (format) {
        case AlertFormat::alertmanager:
        case AlertFormat::grafana:
            return prometheus(body, settings, source);
        case AlertFormat::pagerduty:
            return pagerduty(body, source);
        case AlertFormat::generic:
            break;
    }
    auto m = settings.generic.find(generic);
    if (m == settings.generic.end())
        throw UsageError("no generic source named '" + generic + "'",
                         "map one under intake.generic in .incident/config.yaml (see man incident-config)");
    return parse_generic(body, m->second, source);
}

}  // namespace

std::vector<Alert> parse_alerts(const nlohmann::json& body, AlertFormat format, const IntakeSettings& settings,
                                const std::string& generic, const std::string& source) {
    if (!body.is_object()) bad(source, "expected a JSON object");
    std::vector<Alert> alerts = read_alerts(body, format, settings, generic, source);
    // However much a sender writes, the incident it opens stays readable.
    for (auto& a : alerts) {
        a.title = at_most(std::move(a.title), 1 << 10);
        a.description = at_most(std::move(a.description), kMaxAlertText);
        if (a.links.size() > kGroupLinks + 1) a.links.resize(kGroupLinks + 1);
        std::erase_if(a.links, [](const std::string& l) { return l.size() > 2048; });
    }
    return alerts;
}

}  // namespace incident
