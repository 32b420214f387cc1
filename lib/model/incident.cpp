#include "model/incident.hpp"

#include <algorithm>
#include <array>
#include <limits>

#include "model/errors.hpp"
#include "model/fields.hpp"
#include "model/yaml_doc.hpp"
#include "model/yaml_write.hpp"

namespace incident {

namespace {

constexpr std::array<std::string_view, 6> kStatusNames = {"open",      "triaged",  "investigating",
                                                          "mitigated", "resolved", "closed"};

// Reads typed fields out of one mapping, with located errors.
class Fields {
public:
    Fields(const YamlNode& map, const std::string& file) : map_(map), file_(file) {}

    // The value under `key`. Fields are asked for in file order, so the
    // search starts after the previous find: one comparison per key.
    const YamlNode& operator[](std::string_view key) const {
        const auto& entries = map_.entries();
        for (std::size_t n = 0, i = next_; n < entries.size(); ++n, i = i + 1 == entries.size() ? 0 : i + 1)
            if (entries[i].first.scalar() == key) {
                next_ = i + 1 == entries.size() ? 0 : i + 1;
                return entries[i].second;
            }
        return map_[key];  // undefined
    }

    [[noreturn]] void fail(const YamlNode& at, const std::string& key, const std::string& what) const {
        throw InvalidData(locate(at ? at : map_, file_), key + ": " + what);
    }

    std::string str(const char* key) const { return str((*this)[key], key); }
    bool boolean(const char* key) const { return boolean((*this)[key], key); }
    std::optional<Timestamp> time(const char* key) const { return time((*this)[key], key); }
    std::vector<std::string> list(const char* key) const { return list((*this)[key], key); }

    // The same, of a value already found (`key` names it in errors).
    std::string str(const YamlNode& n, std::string_view key) const {
        if (!n || n.is_null()) return {};
        if (!n.is_scalar()) fail(n, std::string(key), "expected a string, found " + kind(n));
        return n.scalar();
    }

    bool boolean(const YamlNode& n, std::string_view key) const {
        if (!n || n.is_null()) return false;
        auto value = yaml_bool(n);
        if (!value) fail(n, std::string(key), "expected true or false, found '" + describe(n) + "'");
        return *value;
    }

    std::optional<Timestamp> time(const YamlNode& n, std::string_view key) const {
        if (!n || n.is_null()) return std::nullopt;
        if (n.is_scalar())
            if (auto t = parse_rfc3339(n.scalar())) return t;
        fail(n, std::string(key),
             "expected an RFC 3339 UTC time such as 2026-11-22T03:04:05Z, found '" + describe(n) + "'");
    }

    std::vector<std::string> list(const YamlNode& n, std::string_view key) const {
        std::vector<std::string> out;
        if (!n || n.is_null()) return out;
        if (n.is_scalar()) return {n.scalar()};  // "tags: x" is a one-item list
        if (!n.is_sequence()) fail(n, std::string(key), "expected a list, found " + kind(n));
        for (const auto& item : n.items()) {
            if (!item.is_scalar()) fail(item, std::string(key), "list items must be strings, found " + kind(item));
            out.push_back(item.scalar());
        }
        return out;
    }

    static std::string kind(const YamlNode& n) {
        if (n.is_map()) return "a mapping";
        if (n.is_sequence()) return "a list";
        if (n.is_null()) return "null";
        return "'" + n.scalar() + "'";
    }

    static std::string describe(const YamlNode& n) {
        if (n.is_scalar()) return n.scalar();
        return n.is_map() ? "a mapping" : "a list";
    }

private:
    const YamlNode& map_;
    const std::string& file_;
    mutable std::size_t next_ = 0;
};

// The entries of `map` whose keys are not in `known`, in order.
Attributes others(const YamlNode& map, std::initializer_list<std::string_view> known) {
    Attributes out;
    for (const auto& [k, v] : map.entries())
        if (std::find(known.begin(), known.end(), k.scalar()) == known.end()) out.emplace_back(k.scalar(), v);
    return out;
}

Action action_from_yaml(const YamlNode& n, const std::string& file) {
    if (!n.is_map()) throw InvalidData(locate(n, file), "actions: each action item must be a mapping");
    Fields f(n, file);
    Action a;
    const YamlNode& id = n["id"];
    auto number = yaml_integer(id);
    if (!number || *number < 1 || *number > std::numeric_limits<int>::max())
        throw InvalidData(locate(id ? id : n, file), "actions: each item needs a positive whole number 'id'");
    a.id = static_cast<int>(*number);
    a.title = f.str("title");
    a.owner = f.str("owner");
    a.due = f.str("due");
    if (!a.due.empty() && !parse_rfc3339(a.due + "T00:00:00Z"))
        f.fail(n["due"], "actions.due", "expected a date YYYY-MM-DD, found '" + a.due + "'");
    a.type = f.str("type");
    a.status = f.str("status");
    if (a.status.empty()) a.status = "open";
    const auto& statuses = action_statuses();
    if (std::find(statuses.begin(), statuses.end(), a.status) == statuses.end())
        f.fail(n["status"], "actions.status",
               "expected " + statuses[0] + " or " + statuses[1] + ", found '" + a.status + "'");
    a.tracker = f.str("tracker");
    a.extra = others(n, {"id", "title", "owner", "due", "type", "status", "tracker"});
    return a;
}

Event event_from_yaml(const YamlNode& n, const std::string& file) {
    if (!n.is_map()) throw InvalidData(locate(n, file), "timeline: each event must be a mapping");
    Fields f(n, file);
    Event e;
    auto at = f.time("at");
    if (!at) throw InvalidData(locate(n, file), "timeline: event has no 'at' time");
    e.at = *at;
    e.by = f.str("by");
    e.type = f.str("type");
    if (e.type.empty()) throw InvalidData(locate(n, file), "timeline: event has no 'type'");
    e.text = f.str("text");
    e.attrs = others(n, {"at", "by", "type", "text"});
    return e;
}

// A text field's value: null when empty.
std::string text_value(const std::string& s, bool flow) { return s.empty() ? "null" : yaml_string(s, flow); }

// "{k: v, ...}" of `pairs` in a flow collection.
class FlowMap {
public:
    explicit FlowMap(std::string& out) : out_(out) { out_ += '{'; }
    ~FlowMap() { out_ += '}'; }
    FlowMap(const FlowMap&) = delete;
    FlowMap& operator=(const FlowMap&) = delete;

    std::string& key(const std::string& k) {
        if (!first_) out_ += ", ";
        first_ = false;
        out_ += yaml_key(k, true);
        out_ += ": ";
        return out_;
    }
    void text(const std::string& k, const std::string& v) { key(k) += text_value(v, true); }
    void node(const std::string& k, const YamlNode& v) { write_flow(key(k), v); }

private:
    std::string& out_;
    bool first_ = true;
};

void write_action(std::string& out, const Action& a) {
    FlowMap m(out);
    m.key("id") += std::to_string(a.id);
    m.text("title", a.title);
    m.text("owner", a.owner);
    m.text("due", a.due);
    m.text("type", a.type);
    m.text("status", a.status);
    if (!a.tracker.empty()) m.text("tracker", a.tracker);
    for (const auto& [k, v] : a.extra) m.node(k, v);
}

void write_event(std::string& out, const Event& e) {
    FlowMap m(out);
    m.key("at") += format_rfc3339(e.at);
    m.text("by", e.by);
    m.key("type") += yaml_string(e.type, true);
    for (const auto& [k, v] : e.attrs) m.node(k, v);
    if (!e.text.empty()) m.text("text", e.text);
}

// "  - {...}" lines of a list of items, or " []" when there are none.
template <typename T, typename Write>
void write_items(std::string& out, const std::vector<T>& items, Write write) {
    if (items.empty()) {
        out += " []\n";
        return;
    }
    out += '\n';
    for (const auto& item : items) {
        out += "  - ";
        write(out, item);
        out += '\n';
    }
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

void Event::set(const std::string& key, const std::string& value) { put(key, YamlNode(value)); }

// Written plain: a number in the file and in JSON.
void Event::set(const std::string& key, long long number) { put(key, YamlNode::plain(std::to_string(number))); }

void Event::put(const std::string& key, const YamlNode& value) {
    for (auto& [k, v] : attrs)
        if (k == key) {
            v = value;
            return;
        }
    attrs.emplace_back(key, value);
}

std::string Event::get(const std::string& key) const {
    for (const auto& [k, v] : attrs)
        if (k == key && v.is_scalar()) return v.scalar();
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
    static const std::vector<std::string> keys = [] {
        std::vector<std::string> out;
        for (const auto& f : incident_fields()) out.emplace_back(f.key);
        return out;
    }();
    return keys;
}

namespace {

void read_roles(Incident& inc, const Fields& f, const YamlNode& roles) {
    if (!roles.is_map()) f.fail(roles, "roles", "expected a mapping of role: person");
    for (const auto& [k, v] : roles.entries()) {
        if (!v.is_scalar() && !v.is_null()) f.fail(v, "roles." + k.scalar(), "expected a person");
        inc.roles.emplace_back(k.scalar(), v.scalar());
    }
}

void read_status(Incident& inc, const Fields& f, const YamlNode& node) {
    auto text = f.str(node, "status");
    auto status = parse_status(text);
    if (!status)
        f.fail(node, "status",
               text.empty() ? "missing (one of " + status_names() + ")"
                            : "unknown value '" + text + "' (expected one of " + status_names() + ")");
    inc.status = *status;
}

// One field of `root` into `inc`; `node` is its value (undefined when absent).
void read_field(Incident& inc, const IncidentField& field, const Fields& f, const YamlNode& node,
                const std::string& file) {
    const std::string_view key = field.key;
    bool absent = !node || node.is_null();
    switch (field.type) {
        case FieldType::id:
        case FieldType::text:
            inc.*field.text = f.str(node, key);
            break;
        case FieldType::long_text:
            inc.*field.text = normalise_description(f.str(node, key));
            break;
        case FieldType::time:
            inc.*field.time = f.time(node, key);
            break;
        case FieldType::list:
            inc.*field.list = f.list(node, key);
            break;
        case FieldType::boolean:
            inc.*field.flag = f.boolean(node, key);
            break;
        case FieldType::status:
            read_status(inc, f, node);
            break;
        case FieldType::roles:
            if (!absent) read_roles(inc, f, node);
            break;
        case FieldType::resolution:
            if (absent) break;
            if (!node.is_map()) f.fail(node, "resolution", "expected a mapping with code, summary and by");
            {
                Fields rf(node, file);
                inc.resolution = Resolution{rf.str("code"), rf.str("summary"), rf.str("by")};
            }
            break;
        case FieldType::actions:
            if (absent) break;
            if (!node.is_sequence()) f.fail(node, "actions", "expected a list of action items");
            inc.actions.reserve(node.size());
            for (const auto& item : node.items()) inc.actions.push_back(action_from_yaml(item, file));
            break;
        case FieldType::timeline:
            if (absent) break;
            if (!node.is_sequence()) f.fail(node, "timeline", "expected a list of events");
            inc.timeline.reserve(node.size());
            for (const auto& e : node.items()) inc.timeline.push_back(event_from_yaml(e, file));
            break;
    }
}

}  // namespace

Incident incident_from_yaml(const YamlNode& root, const std::string& file) {
    if (!root.is_map()) throw InvalidData(locate(root, file), "an incident file must be a YAML mapping");
    Fields f(root, file);
    Incident inc;
    for (const auto& field : incident_fields()) {
        const YamlNode& node = f[field.key];
        read_field(inc, field, f, node, file);
        if (field.required && field.text && (inc.*field.text).empty())
            throw InvalidData(field.key == "id" ? Location{file, 1, 1} : locate(root, file),
                              std::string(field.key) + ": missing");
    }
    std::string previous;
    for (const auto& [k, v] : root.entries()) {
        if (!find_incident_field(k.scalar()))
            inc.extra.push_back(ExtraKey{previous, k.scalar(), v});
        else
            previous = k.scalar();  // unknown keys anchor to the last known key before them
    }
    return inc;
}

std::vector<YamlBlock> incident_yaml_blocks(const Incident& inc) {
    std::vector<YamlBlock> blocks;
    auto extras_after = [&](const std::string& key) {
        for (const auto& x : inc.extra)
            if (x.after == key) {
                blocks.push_back({x.key, {}});
                write_entry(blocks.back().text, x.key, x.value, 0);
            }
    };
    // Unknown keys whose predecessor vanished (or that came first) go at the top.
    extras_after("");
    // One known key: "KEY:" then what `value` appends (from its space on).
    auto block = [&](const std::string& key, auto&& value) {
        blocks.push_back({key, key + ":"});
        value(blocks.back().text);
        extras_after(key);
    };
    auto text = [&](const std::string& key, const std::string& v) {
        block(key, [&](std::string& out) { out += " " + text_value(v, false) + "\n"; });
    };
    auto flow_map = [&](const std::string& key, auto&& fill) {
        block(key, [&](std::string& out) {
            out += ' ';
            {
                FlowMap m(out);
                fill(m);
            }
            out += '\n';
        });
    };
    for (const auto& field : incident_fields()) {
        const std::string key(field.key);
        switch (field.type) {
            case FieldType::id:
            case FieldType::text:
                // Optional keys are written only when set; what followed them stays in place.
                if (field.omit_empty && (inc.*field.text).empty())
                    extras_after(key);
                else
                    text(key, inc.*field.text);
                break;
            case FieldType::long_text:
                block(key, [&](std::string& out) {
                    const std::string& v = inc.*field.text;
                    out += " " + (v.empty() ? std::string("null") : yaml_long_text(v, 0)) + "\n";
                });
                break;
            case FieldType::time:
                block(key, [&](std::string& out) {
                    const auto& t = inc.*field.time;
                    out += " " + (t ? format_rfc3339(*t) : std::string("null")) + "\n";
                });
                break;
            case FieldType::list:
                block(key, [&](std::string& out) {
                    const auto& v = inc.*field.list;
                    out += " [";
                    for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + yaml_string(v[i], true);
                    out += "]\n";
                });
                break;
            case FieldType::status:
                text(key, std::string(to_string(inc.status)));
                break;
            case FieldType::boolean:
                block(key, [&](std::string& out) { out += inc.*field.flag ? " true\n" : " false\n"; });
                break;
            case FieldType::roles:
                flow_map(key, [&](FlowMap& m) {
                    for (const auto& [k, v] : inc.roles) m.text(k, v);
                });
                break;
            case FieldType::resolution:
                if (!inc.resolution) {
                    text(key, "");
                    break;
                }
                flow_map(key, [&](FlowMap& m) {
                    m.text("code", inc.resolution->code);
                    m.text("summary", inc.resolution->summary);
                    m.text("by", inc.resolution->by);
                });
                break;
            case FieldType::actions:
                block(key, [&](std::string& out) { write_items(out, inc.actions, write_action); });
                break;
            case FieldType::timeline:
                block(key, [&](std::string& out) { write_items(out, inc.timeline, write_event); });
                break;
        }
    }
    return blocks;
}

std::string incident_to_yaml(const Incident& inc) {
    std::string out;
    for (const auto& b : incident_yaml_blocks(inc)) out += b.text;
    return out;
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
    using json = nlohmann::ordered_json;
    json j;
    for (const auto& field : incident_fields()) {
        json& v = j[std::string(field.key)];
        switch (field.type) {
            case FieldType::id:
            case FieldType::text:
            case FieldType::long_text:
                v = field.required ? json(inc.*field.text) : json_or_null(inc.*field.text);
                break;
            case FieldType::time:
                v = opt_time_json(inc.*field.time);
                break;
            case FieldType::list:
                v = inc.*field.list;
                break;
            case FieldType::status:
                v = std::string(to_string(inc.status));
                break;
            case FieldType::boolean:
                v = inc.*field.flag;
                break;
            case FieldType::roles:
                v = json::object();
                for (const auto& [role, who] : inc.roles) v[role] = json_or_null(who);
                break;
            case FieldType::resolution:
                v = inc.resolution ? json{{"code", inc.resolution->code},
                                          {"summary", inc.resolution->summary},
                                          {"by", json_or_null(inc.resolution->by)}}
                                   : json(nullptr);
                break;
            case FieldType::actions:
                v = json::array();
                for (const auto& a : inc.actions) v.push_back(action_to_json(a));
                break;
            case FieldType::timeline:
                v = json::array();
                for (const auto& e : inc.timeline) v.push_back(event_to_json(e));
                break;
        }
    }
    json extra = json::object();
    for (const auto& x : inc.extra) extra[x.key] = yaml_to_json(x.value);
    j["extra"] = extra;
    return j;
}

}  // namespace incident
