#include "model/incident.hpp"

#include <algorithm>
#include <array>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

constexpr std::array<std::string_view, 6> kStatusNames = {"open",      "triaged",  "investigating",
                                                          "mitigated", "resolved", "closed"};

// Reads typed fields out of one mapping, with located errors.
class Fields {
public:
    Fields(const YAML::Node& map, const std::string& file) : map_(map), file_(file) {}

    YAML::Node node(const char* key) const { return map_[key]; }

    [[noreturn]] void fail(const YAML::Node& at, const std::string& key, const std::string& what) const {
        throw InvalidData(locate(at, file_), key + ": " + what);
    }

    std::string str(const char* key) const {
        YAML::Node n = map_[key];
        if (!n || n.IsNull()) return {};
        if (!n.IsScalar()) fail(n, key, "expected a string, found " + kind(n));
        return n.Scalar();
    }

    bool boolean(const char* key) const {
        YAML::Node n = map_[key];
        if (!n || n.IsNull()) return false;
        bool value = false;
        if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value))
            fail(n, key, "expected true or false, found '" + describe(n) + "'");
        return value;
    }

    std::optional<Timestamp> time(const char* key) const {
        YAML::Node n = map_[key];
        if (!n || n.IsNull()) return std::nullopt;
        if (n.IsScalar())
            if (auto t = parse_rfc3339(n.Scalar())) return t;
        fail(n, key, "expected an RFC 3339 UTC time such as 2026-11-22T03:04:05Z, found '" + describe(n) + "'");
    }

    std::vector<std::string> list(const char* key) const {
        YAML::Node n = map_[key];
        std::vector<std::string> out;
        if (!n || n.IsNull()) return out;
        if (n.IsScalar()) return {n.Scalar()};  // "tags: x" is a one-item list
        if (!n.IsSequence()) fail(n, key, "expected a list, found " + kind(n));
        for (const auto& item : n) {
            if (!item.IsScalar()) fail(item, key, "list items must be strings, found " + kind(item));
            out.push_back(item.Scalar());
        }
        return out;
    }

    static std::string kind(const YAML::Node& n) {
        if (n.IsMap()) return "a mapping";
        if (n.IsSequence()) return "a list";
        if (n.IsNull()) return "null";
        return "'" + n.Scalar() + "'";
    }

    static std::string describe(const YAML::Node& n) {
        if (n.IsScalar()) return n.Scalar();
        return n.IsMap() ? "a mapping" : "a list";
    }

private:
    const YAML::Node& map_;
    const std::string& file_;
};

void emit_text(YAML::Emitter& out, const std::string& s);

Action action_from_yaml(const YAML::Node& n, const std::string& file) {
    if (!n.IsMap()) throw InvalidData(locate(n, file), "actions: each action item must be a mapping");
    Fields f(n, file);
    Action a;
    auto id = n["id"];
    if (!id || !id.IsScalar() || !YAML::convert<int>::decode(id, a.id) || a.id < 1)
        throw InvalidData(locate(id ? id : n, file), "actions: each item needs a positive whole number 'id'");
    a.title = f.str("title");
    a.owner = f.str("owner");
    a.due = f.str("due");
    if (!a.due.empty() && !parse_rfc3339(a.due + "T00:00:00Z"))
        f.fail(n["due"], "actions.due", "expected a date YYYY-MM-DD, found '" + a.due + "'");
    a.type = f.str("type");
    a.status = f.str("status");
    if (a.status.empty()) a.status = "open";
    if (a.status != "open" && a.status != "done")
        f.fail(n["status"], "actions.status", "expected open or done, found '" + a.status + "'");
    a.tracker = f.str("tracker");
    for (const auto& kv : n) {
        const std::string& k = kv.first.Scalar();
        if (k != "id" && k != "title" && k != "owner" && k != "due" && k != "type" && k != "status" && k != "tracker")
            a.extra.emplace_back(k, kv.second);
    }
    return a;
}

void emit_action(YAML::Emitter& out, const Action& a) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "id" << YAML::Value << a.id;
    for (const auto& [k, v] : {std::pair{"title", &a.title},
                               {"owner", &a.owner},
                               {"due", &a.due},
                               {"type", &a.type},
                               {"status", &a.status},
                               {"tracker", &a.tracker}}) {
        if (v->empty() && std::string_view(k) == "tracker") continue;
        out << YAML::Key << k << YAML::Value;
        emit_text(out, *v);
    }
    for (const auto& [k, v] : a.extra) {
        out << YAML::Key << k << YAML::Value;
        emit_node(out, v, true);
    }
    out << YAML::EndMap;
}

Event event_from_yaml(const YAML::Node& n, const std::string& file) {
    if (!n.IsMap()) throw InvalidData(locate(n, file), "timeline: each event must be a mapping");
    Fields f(n, file);
    Event e;
    auto at = f.time("at");
    if (!at) throw InvalidData(locate(n, file), "timeline: event has no 'at' time");
    e.at = *at;
    e.by = f.str("by");
    e.type = f.str("type");
    if (e.type.empty()) throw InvalidData(locate(n, file), "timeline: event has no 'type'");
    e.text = f.str("text");
    for (const auto& kv : n) {
        const std::string& k = kv.first.Scalar();
        if (k != "at" && k != "by" && k != "type" && k != "text") e.attrs.emplace_back(k, kv.second);
    }
    return e;
}

void emit_optional_time(YAML::Emitter& out, const std::optional<Timestamp>& t) {
    if (t)
        out << format_rfc3339(*t);
    else
        out << YAML::Null;
}

void emit_text(YAML::Emitter& out, const std::string& s) {
    if (s.empty())
        out << YAML::Null;
    else
        emit_string(out, s);
}

void emit_event(YAML::Emitter& out, const Event& e) {
    out << YAML::Flow << YAML::BeginMap;
    out << YAML::Key << "at" << YAML::Value << format_rfc3339(e.at);
    out << YAML::Key << "by" << YAML::Value;
    emit_text(out, e.by);
    out << YAML::Key << "type" << YAML::Value;
    emit_string(out, e.type);
    for (const auto& [k, v] : e.attrs) {
        out << YAML::Key << k << YAML::Value;
        emit_node(out, v, true);
    }
    if (!e.text.empty()) {
        out << YAML::Key << "text" << YAML::Value;
        emit_string(out, e.text);
    }
    out << YAML::EndMap;
}

nlohmann::ordered_json opt_time_json(const std::optional<Timestamp>& t) {
    return t ? nlohmann::ordered_json(format_rfc3339(*t)) : nlohmann::ordered_json(nullptr);
}

}  // namespace

nlohmann::ordered_json json_or_null(const std::string& s) {
    return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
}

std::string_view to_string(Status s) { return kStatusNames[static_cast<size_t>(s)]; }

std::optional<Status> parse_status(std::string_view text) {
    for (size_t i = 0; i < kStatusNames.size(); ++i)
        if (kStatusNames[i] == text) return static_cast<Status>(i);
    return std::nullopt;
}

std::string status_names() {
    std::string s;
    for (auto n : kStatusNames) s += (s.empty() ? "" : ", ") + std::string(n);
    return s;
}

void Event::set(const std::string& key, const std::string& value) { put(key, YAML::Node(value)); }

void Event::set(const std::string& key, long long number) {
    YAML::Node plain(std::to_string(number));
    plain.SetTag("?");  // written plain: a number in the file and in JSON
    put(key, plain);
}

void Event::put(const std::string& key, const YAML::Node& value) {
    for (auto& [k, v] : attrs)
        if (k == key) {
            v = value;
            return;
        }
    attrs.emplace_back(key, value);
}

std::string Event::get(const std::string& key) const {
    for (const auto& [k, v] : attrs)
        if (k == key && v.IsScalar()) return v.Scalar();
    return {};
}

std::string Incident::role(std::string_view name) const {
    for (const auto& [k, v] : roles)
        if (k == name) return v;
    return {};
}

void Incident::set_role(const std::string& name, const std::string& user) {
    for (auto& [k, v] : roles)
        if (k == name) {
            v = user;
            return;
        }
    roles.emplace_back(name, user);
}

bool Incident::has_tag(std::string_view tag) const { return std::find(tags.begin(), tags.end(), tag) != tags.end(); }

std::string normalise_description(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

bool is_manual_priority(const Incident& inc) {
    return !inc.priority.empty() && inc.priority_reason.rfind("manual", 0) == 0;
}

std::string manual_priority_reason(const std::string& who) { return "manual: set by " + who; }

const std::vector<std::string>& incident_keys() {
    static const std::vector<std::string> keys = {
        "id",          "uid",        "title",           "status",       "drill",       "category",
        "subcategory", "service",    "impact",          "urgency",      "priority",    "priority_reason",
        "sla_policy",  "reporter",   "assignee",        "team",         "tier",        "roles",
        "tags",        "related",    "problem",         "location",     "dedup_key",   "started_at",
        "detected_at", "opened_at",  "acknowledged_at", "mitigated_at", "resolved_at", "closed_at",
        "description", "resolution", "actions",         "timeline"};
    return keys;
}

Incident incident_from_yaml(const YAML::Node& root, const std::string& file) {
    if (!root.IsMap()) throw InvalidData(locate(root, file), "an incident file must be a YAML mapping");
    Fields f(root, file);
    Incident inc;
    inc.id = f.str("id");
    if (inc.id.empty()) throw InvalidData(Location{file, 1, 1}, "id: missing");
    inc.uid = f.str("uid");
    inc.title = f.str("title");
    if (inc.title.empty()) throw InvalidData(locate(root, file), "title: missing");
    auto status_text = f.str("status");
    auto status = parse_status(status_text);
    if (!status)
        f.fail(root["status"] ? root["status"] : root, "status",
               status_text.empty() ? "missing (one of " + status_names() + ")"
                                   : "unknown value '" + status_text + "' (expected one of " + status_names() + ")");
    inc.status = *status;
    inc.drill = f.boolean("drill");
    inc.category = f.str("category");
    inc.subcategory = f.str("subcategory");
    inc.service = f.str("service");
    inc.impact = f.str("impact");
    inc.urgency = f.str("urgency");
    inc.priority = f.str("priority");
    inc.priority_reason = f.str("priority_reason");
    inc.sla_policy = f.str("sla_policy");
    inc.reporter = f.str("reporter");
    inc.assignee = f.str("assignee");
    inc.team = f.str("team");
    inc.tier = f.str("tier");
    if (auto roles = root["roles"]; roles && !roles.IsNull()) {
        if (!roles.IsMap()) f.fail(roles, "roles", "expected a mapping of role: person");
        for (const auto& kv : roles) {
            if (!kv.second.IsScalar() && !kv.second.IsNull())
                f.fail(kv.second, "roles." + kv.first.Scalar(), "expected a person");
            inc.roles.emplace_back(kv.first.Scalar(), kv.second.IsNull() ? "" : kv.second.Scalar());
        }
    }
    inc.tags = f.list("tags");
    inc.related = f.list("related");
    inc.problem = f.str("problem");
    inc.location = f.str("location");
    inc.dedup_key = f.str("dedup_key");
    inc.started_at = f.time("started_at");
    inc.detected_at = f.time("detected_at");
    inc.opened_at = f.time("opened_at");
    inc.acknowledged_at = f.time("acknowledged_at");
    inc.mitigated_at = f.time("mitigated_at");
    inc.resolved_at = f.time("resolved_at");
    inc.closed_at = f.time("closed_at");
    inc.description = normalise_description(f.str("description"));
    if (auto r = root["resolution"]; r && !r.IsNull()) {
        if (!r.IsMap()) f.fail(r, "resolution", "expected a mapping with code, summary and by");
        Fields rf(r, file);
        inc.resolution = Resolution{rf.str("code"), rf.str("summary"), rf.str("by")};
    }
    if (auto a = root["actions"]; a && !a.IsNull()) {
        if (!a.IsSequence()) f.fail(a, "actions", "expected a list of action items");
        for (const auto& item : a) inc.actions.push_back(action_from_yaml(item, file));
    }
    if (auto tl = root["timeline"]; tl && !tl.IsNull()) {
        if (!tl.IsSequence()) f.fail(tl, "timeline", "expected a list of events");
        for (const auto& e : tl) inc.timeline.push_back(event_from_yaml(e, file));
    }
    const auto& known = incident_keys();
    std::string previous;
    for (const auto& kv : root) {
        const std::string& k = kv.first.Scalar();
        if (std::find(known.begin(), known.end(), k) == known.end())
            inc.extra.push_back(ExtraKey{previous, k, kv.second});
        else
            previous = k;  // unknown keys anchor to the last known key before them
    }
    return inc;
}

std::string incident_to_yaml(const Incident& inc) {
    YAML::Emitter out;
    out.SetNullFormat(YAML::LowerNull);
    out << YAML::BeginMap;
    auto extras_after = [&](const std::string& key) {
        for (const auto& x : inc.extra)
            if (x.after == key) {
                out << YAML::Key << x.key << YAML::Value;
                emit_node(out, x.value);
            }
    };
    // Unknown keys whose predecessor vanished (or that came first) go at the top/bottom.
    for (const auto& x : inc.extra)
        if (x.after.empty()) {
            out << YAML::Key << x.key << YAML::Value;
            emit_node(out, x.value);
        }
    auto field = [&](const std::string& key, auto&& emit_value) {
        out << YAML::Key << key << YAML::Value;
        emit_value();
        extras_after(key);
    };
    auto text = [&](const std::string& key, const std::string& v) { field(key, [&] { emit_text(out, v); }); };
    auto time = [&](const std::string& key, const std::optional<Timestamp>& t) {
        field(key, [&] { emit_optional_time(out, t); });
    };
    auto list = [&](const std::string& key, const std::vector<std::string>& v) {
        field(key, [&] {
            out << YAML::Flow << YAML::BeginSeq;
            for (const auto& s : v) emit_string(out, s);
            out << YAML::EndSeq;
        });
    };
    text("id", inc.id);
    text("uid", inc.uid);
    text("title", inc.title);
    text("status", std::string(to_string(inc.status)));
    field("drill", [&] { out << inc.drill; });
    text("category", inc.category);
    text("subcategory", inc.subcategory);
    text("service", inc.service);
    text("impact", inc.impact);
    text("urgency", inc.urgency);
    text("priority", inc.priority);
    text("priority_reason", inc.priority_reason);
    if (!inc.sla_policy.empty())
        text("sla_policy", inc.sla_policy);
    else
        extras_after("sla_policy");
    text("reporter", inc.reporter);
    text("assignee", inc.assignee);
    text("team", inc.team);
    text("tier", inc.tier);
    field("roles", [&] {
        out << YAML::Flow << YAML::BeginMap;
        for (const auto& [k, v] : inc.roles) {
            out << YAML::Key << k << YAML::Value;
            emit_text(out, v);
        }
        out << YAML::EndMap;
    });
    list("tags", inc.tags);
    list("related", inc.related);
    text("problem", inc.problem);
    // Optional keys are written only when set; what followed them stays in place.
    for (const auto& [key, value] : {std::pair{"location", &inc.location}, {"dedup_key", &inc.dedup_key}}) {
        if (!value->empty()) {
            out << YAML::Key << key << YAML::Value;
            emit_string(out, *value);
        }
        extras_after(key);
    }
    time("started_at", inc.started_at);
    time("detected_at", inc.detected_at);
    time("opened_at", inc.opened_at);
    time("acknowledged_at", inc.acknowledged_at);
    time("mitigated_at", inc.mitigated_at);
    time("resolved_at", inc.resolved_at);
    time("closed_at", inc.closed_at);
    field("description", [&] {
        if (inc.description.empty())
            out << YAML::Null;
        else
            emit_long_text(out, inc.description);
    });
    field("resolution", [&] {
        if (!inc.resolution) {
            out << YAML::Null;
            return;
        }
        out << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "code" << YAML::Value;
        emit_text(out, inc.resolution->code);
        out << YAML::Key << "summary" << YAML::Value;
        emit_text(out, inc.resolution->summary);
        out << YAML::Key << "by" << YAML::Value;
        emit_text(out, inc.resolution->by);
        out << YAML::EndMap;
    });
    field("actions", [&] {
        if (inc.actions.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const auto& a : inc.actions) emit_action(out, a);
        out << YAML::EndSeq;
    });
    field("timeline", [&] {
        if (inc.timeline.empty()) {
            out << YAML::Flow << YAML::BeginSeq << YAML::EndSeq;
            return;
        }
        out << YAML::BeginSeq;
        for (const auto& e : inc.timeline) emit_event(out, e);
        out << YAML::EndSeq;
    });
    out << YAML::EndMap;
    std::string text_out = out.c_str();
    text_out += '\n';
    return text_out;
}

nlohmann::ordered_json action_to_json(const Action& a) {
    nlohmann::ordered_json j;
    j["id"] = a.id;
    j["title"] = a.title;
    j["owner"] = json_or_null(a.owner);
    j["due"] = json_or_null(a.due);
    j["type"] = json_or_null(a.type);
    j["status"] = a.status;
    j["tracker"] = json_or_null(a.tracker);
    for (const auto& [k, v] : a.extra) j[k] = yaml_to_json(v);
    return j;
}

nlohmann::ordered_json event_to_json(const Event& e) {
    nlohmann::ordered_json j;
    j["at"] = format_rfc3339(e.at);
    j["by"] = json_or_null(e.by);
    j["type"] = e.type;
    for (const auto& [k, v] : e.attrs) j[k] = yaml_to_json(v);
    j["text"] = json_or_null(e.text);
    return j;
}

nlohmann::ordered_json incident_to_json(const Incident& inc) {
    nlohmann::ordered_json j;
    j["id"] = inc.id;
    j["uid"] = json_or_null(inc.uid);
    j["title"] = inc.title;
    j["status"] = std::string(to_string(inc.status));
    j["drill"] = inc.drill;
    j["category"] = json_or_null(inc.category);
    j["subcategory"] = json_or_null(inc.subcategory);
    j["service"] = json_or_null(inc.service);
    j["impact"] = json_or_null(inc.impact);
    j["urgency"] = json_or_null(inc.urgency);
    j["priority"] = json_or_null(inc.priority);
    j["priority_reason"] = json_or_null(inc.priority_reason);
    j["sla_policy"] = json_or_null(inc.sla_policy);
    j["reporter"] = json_or_null(inc.reporter);
    j["assignee"] = json_or_null(inc.assignee);
    j["team"] = json_or_null(inc.team);
    j["tier"] = json_or_null(inc.tier);
    j["roles"] = nlohmann::ordered_json::object();
    for (const auto& [k, v] : inc.roles) j["roles"][k] = json_or_null(v);
    j["tags"] = inc.tags;
    j["related"] = inc.related;
    j["problem"] = json_or_null(inc.problem);
    j["location"] = json_or_null(inc.location);
    j["dedup_key"] = json_or_null(inc.dedup_key);
    j["started_at"] = opt_time_json(inc.started_at);
    j["detected_at"] = opt_time_json(inc.detected_at);
    j["opened_at"] = opt_time_json(inc.opened_at);
    j["acknowledged_at"] = opt_time_json(inc.acknowledged_at);
    j["mitigated_at"] = opt_time_json(inc.mitigated_at);
    j["resolved_at"] = opt_time_json(inc.resolved_at);
    j["closed_at"] = opt_time_json(inc.closed_at);
    j["description"] = json_or_null(inc.description);
    if (inc.resolution)
        j["resolution"] = {{"code", inc.resolution->code},
                           {"summary", inc.resolution->summary},
                           {"by", json_or_null(inc.resolution->by)}};
    else
        j["resolution"] = nullptr;
    j["actions"] = nlohmann::ordered_json::array();
    for (const auto& a : inc.actions) j["actions"].push_back(action_to_json(a));
    j["timeline"] = nlohmann::ordered_json::array();
    for (const auto& e : inc.timeline) j["timeline"].push_back(event_to_json(e));
    nlohmann::ordered_json extra = nlohmann::ordered_json::object();
    for (const auto& x : inc.extra) extra[x.key] = yaml_to_json(x.value);
    j["extra"] = extra;
    return j;
}

}  // namespace incident
