// Reading an incident from its YAML tree (incident_from_yaml), field by
// field from the registry, with located errors.
#include <algorithm>
#include <limits>

#include "model/errors.hpp"
#include "model/fields.hpp"
#include "model/incident.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

// Reads typed fields out of one mapping, with located errors.
class Fields {
public:
    Fields(const YamlNode& map, const std::string& file) : map_(map), file_(file) {}
    const std::string& file() const { return file_; }

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
    // Types as validate and the schema see them (json_type): a plain 7 or
    // true where text belongs is refused, with how to write it as text.
    std::string str(const YamlNode& n, std::string_view key) const {
        if (!n || n.is_null()) return {};
        if (json_type(n) != JsonType::string) fail(n, std::string(key), "expected a string, found " + kind(n));
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
        if (!n.is_sequence()) fail(n, std::string(key), "expected a list or null, found " + kind(n));
        for (const auto& item : n.items()) {
            if (json_type(item) != JsonType::string)
                fail(item, std::string(key), "list items must be strings, found " + kind(item));
            out.push_back(item.scalar());
        }
        return out;
    }

    static std::string kind(const YamlNode& n) {
        JsonType t = json_type(n);
        if (t == JsonType::string) return "'" + n.scalar() + "'";
        if (n.is_scalar() && t != JsonType::null)
            return std::string(json_type_name(t)) + " (" + n.scalar() + "; quote it for text: \"" + n.scalar() + "\")";
        return json_type_name(t);
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

Attachment attachment_from_yaml(const YamlNode& n, const std::string& file) {
    if (!n.is_map()) throw InvalidData(locate(n, file), "attachments: each attachment must be a mapping");
    Fields f(n, file);
    Attachment a;
    a.name = f.str("name");
    if (a.name.empty()) f.fail(n["name"], "attachments.name", "missing");
    a.sha256 = f.str("sha256");
    if (!is_sha256_text(a.sha256))
        f.fail(n["sha256"], "attachments.sha256", "expected 64 lower-case hex digits, found '" + a.sha256 + "'");
    const YamlNode& size = n["size"];
    auto bytes = yaml_integer(size);
    if (!bytes || *bytes < 0) f.fail(size, "attachments.size", "expected a whole number of bytes");
    a.size = *bytes;
    a.type = f.str("type");
    a.by = f.str("by");
    auto at = f.time("at");
    if (!at) f.fail(n["at"], "attachments.at", "missing");
    a.at = *at;
    a.note = f.str("note");
    a.extra = others(n, {"name", "sha256", "size", "type", "by", "at", "note"});
    return a;
}

Task task_from_yaml(const YamlNode& n, const std::string& file) {
    if (!n.is_map()) throw InvalidData(locate(n, file), "tasks: each task must be a mapping");
    Fields f(n, file);
    Task t;
    t.id = f.str("id");
    if (t.id.empty()) f.fail(n["id"] ? n["id"] : n, "tasks.id", "missing");
    t.title = f.str("title");
    if (t.title.empty()) f.fail(n["title"] ? n["title"] : n, "tasks.title", "missing");
    t.runbook = f.str("runbook");
    t.done_by = f.str("done_by");
    t.done_at = f.time("done_at");
    t.extra = others(n, {"id", "title", "runbook", "done_by", "done_at"});
    return t;
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

// A list of items, each read by `read`.
template <typename Item>
void read_items(std::vector<Item>& out, const Fields& f, const YamlNode& node, const char* key, const char* what,
                Item (*read)(const YamlNode&, const std::string&)) {
    if (!node.is_sequence()) f.fail(node, key, std::string("expected a list of ") + what);
    out.reserve(node.size());
    for (const auto& item : node.items()) out.push_back(read(item, f.file()));
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
            if (!absent) read_items(inc.actions, f, node, "actions", "action items", action_from_yaml);
            break;
        case FieldType::attachments:
            if (!absent) read_items(inc.attachments, f, node, "attachments", "attachments", attachment_from_yaml);
            break;
        case FieldType::tasks:
            if (absent) break;
            read_items(inc.tasks, f, node, "tasks", "tasks", task_from_yaml);
            for (std::size_t i = 1; i < inc.tasks.size(); ++i)
                for (std::size_t j = 0; j < i; ++j)
                    if (inc.tasks[i].id == inc.tasks[j].id)
                        f.fail(node.items()[i], "tasks.id", "'" + inc.tasks[i].id + "' names two tasks");
            break;
        case FieldType::timeline:
            if (!absent) read_items(inc.timeline, f, node, "timeline", "events", event_from_yaml);
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

}  // namespace incident
