// Writing an incident: its YAML text, block by block in the registry's
// order (incident_yaml_blocks), and its JSON form.
#include "model/fields.hpp"
#include "model/incident.hpp"
#include "model/yaml_doc.hpp"
#include "model/yaml_write.hpp"

namespace incident {

namespace {

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

void write_attachment(std::string& out, const Attachment& a) {
    FlowMap m(out);
    m.text("name", a.name);
    m.text("sha256", a.sha256);
    m.key("size") += std::to_string(a.size);
    m.text("type", a.type);
    m.text("by", a.by);
    m.key("at") += format_rfc3339(a.at);
    if (!a.note.empty()) m.text("note", a.note);
    for (const auto& [k, v] : a.extra) m.node(k, v);
}

void write_task(std::string& out, const Task& t) {
    FlowMap m(out);
    m.text("id", t.id);
    m.text("title", t.title);
    if (!t.runbook.empty()) m.text("runbook", t.runbook);
    m.text("done_by", t.done_by);
    m.key("done_at") += t.done_at ? format_rfc3339(*t.done_at) : std::string("null");
    for (const auto& [k, v] : t.extra) m.node(k, v);
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

namespace {

// " {k: v, ...}\n": a flow mapping filled by `fill`, as a field's value.
template <typename Fill>
void write_flow_map(std::string& out, Fill&& fill) {
    out += ' ';
    {
        FlowMap m(out);
        fill(m);
    }
    out += '\n';
}

// What follows "KEY:" for one field of `inc`, from its space on.
void write_value(std::string& out, const Incident& inc, const IncidentField& field) {
    switch (field.type) {
        case FieldType::id:
        case FieldType::text:
            out += " " + text_value(inc.*field.text, false) + "\n";
            return;
        case FieldType::long_text: {
            const std::string& v = inc.*field.text;
            out += " " + (v.empty() ? std::string("null") : yaml_long_text(v, 0)) + "\n";
            return;
        }
        case FieldType::time: {
            const auto& t = inc.*field.time;
            out += " " + (t ? format_rfc3339(*t) : std::string("null")) + "\n";
            return;
        }
        case FieldType::list: {
            const auto& v = inc.*field.list;
            out += " [";
            for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + yaml_string(v[i], true);
            out += "]\n";
            return;
        }
        case FieldType::status:
            out += " " + text_value(std::string(to_string(inc.status)), false) + "\n";
            return;
        case FieldType::boolean:
            out += inc.*field.flag ? " true\n" : " false\n";
            return;
        case FieldType::roles:
            return write_flow_map(out, [&](FlowMap& m) {
                for (const auto& [k, v] : inc.roles) m.text(k, v);
            });
        case FieldType::resolution:
            if (!inc.resolution) {
                out += " null\n";
                return;
            }
            return write_flow_map(out, [&](FlowMap& m) {
                m.text("code", inc.resolution->code);
                m.text("summary", inc.resolution->summary);
                m.text("by", inc.resolution->by);
            });
        case FieldType::actions:
            return write_items(out, inc.actions, write_action);
        case FieldType::attachments:
            return write_items(out, inc.attachments, write_attachment);
        case FieldType::tasks:
            return write_items(out, inc.tasks, write_task);
        case FieldType::timeline:
            return write_items(out, inc.timeline, write_event);
    }
}

}  // namespace

std::vector<YamlBlock> incident_yaml_blocks(const Incident& inc) {
    std::vector<YamlBlock> blocks;
    // Unknown keys follow the known key they followed in the file.
    auto extras_after = [&](const std::string& key) {
        for (const auto& x : inc.extra)
            if (x.after == key) {
                blocks.push_back({x.key, {}});
                write_entry(blocks.back().text, x.key, x.value, 0);
            }
    };
    // Unknown keys whose predecessor vanished (or that came first) go at the top.
    extras_after("");
    for (const auto& field : incident_fields()) {
        const std::string key(field.key);
        // Optional keys are written only when set; what followed them stays in place.
        const bool empty = field.text ? (inc.*field.text).empty()
                                      : (field.type == FieldType::attachments && inc.attachments.empty()) ||
                                            (field.type == FieldType::tasks && inc.tasks.empty());
        if (!(field.omit_empty && empty)) {
            blocks.push_back({key, key + ":"});
            write_value(blocks.back().text, inc, field);
        }
        extras_after(key);
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

nlohmann::ordered_json attachment_to_json(const Attachment& a) {
    nlohmann::ordered_json j;
    j["name"] = a.name;
    j["sha256"] = a.sha256;
    j["size"] = a.size;
    j["type"] = json_or_null(a.type);
    j["by"] = json_or_null(a.by);
    j["at"] = format_rfc3339(a.at);
    j["note"] = json_or_null(a.note);
    for (const auto& [k, v] : a.extra) j[k] = yaml_to_json(v);
    return j;
}

nlohmann::ordered_json task_to_json(const Task& t) {
    nlohmann::ordered_json j;
    j["id"] = t.id;
    j["title"] = t.title;
    j["runbook"] = json_or_null(t.runbook);
    j["done_by"] = json_or_null(t.done_by);
    j["done_at"] = opt_time_json(t.done_at);
    for (const auto& [k, v] : t.extra) j[k] = yaml_to_json(v);
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
            case FieldType::attachments:
                v = json::array();
                for (const auto& a : inc.attachments) v.push_back(attachment_to_json(a));
                break;
            case FieldType::tasks:
                v = json::array();
                for (const auto& t : inc.tasks) v.push_back(task_to_json(t));
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
