#include "validate/incident_shape.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "model/fields.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/store.hpp"

namespace incident {

namespace {

// A value's JSON type as yaml_to_json gives it (what the schema sees, and
// what the loader reads): a plain scalar gets its YAML meaning, a quoted one
// stays a string.
using Json = JsonType;
const char* type_name(Json t) { return json_type_name(t); }

bool digits(std::string_view s, std::size_t at, std::size_t n) {
    if (at + n > s.size()) return false;
    for (std::size_t i = at; i < at + n; ++i)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

// ^\d{4}-\d{2}-\d{2}$
bool is_date_text(std::string_view s) {
    return s.size() == 10 && digits(s, 0, 4) && s[4] == '-' && digits(s, 5, 2) && s[7] == '-' && digits(s, 8, 2);
}

// ^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$
bool is_time_text(std::string_view s) {
    if (s.size() < 20 || !is_date_text(s.substr(0, 10))) return false;
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    if (!digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2) || s[16] != ':' || !digits(s, 17, 2)) return false;
    std::size_t at = 19;
    if (s[at] == '.') {
        std::size_t start = ++at;
        while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
        if (at == start) return false;
    }
    std::string_view zone = s.substr(at);
    if (zone == "Z" || zone == "z") return true;
    return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digits(zone, 1, 2) && zone[3] == ':' &&
           digits(zone, 4, 2);
}

class Shape {
public:
    explicit Shape(const std::string& display) : display_(display) {}

    std::vector<Finding> check(const YamlNode& root) {
        if (!root.is_map()) {
            fail(root, "document", std::string("expected a mapping of fields, found ") + type_name(json_type(root)));
            return std::move(out_);
        }
        for (const auto& field : incident_fields()) {
            const YamlNode& v = root[field.key];
            std::string path(field.key);
            if (v)
                value(field, v, path);
            else if (field.required)
                fail(root, path, "missing");
        }
        return std::move(out_);
    }

private:
    void fail(const YamlNode& at, const std::string& path, const std::string& what) {
        out_.push_back({locate(at, display_), "error", path + ": " + what});
    }

    // True when `v` is of one of the types; reports it otherwise.
    bool is(const YamlNode& v, const std::string& path, std::initializer_list<Json> types, const char* expected) {
        Json t = json_type(v);
        for (Json x : types)
            if (x == t) return true;
        fail(v, path, std::string("expected ") + expected + ", found " + type_name(t));
        return false;
    }

    void text(const YamlNode& v, const std::string& path) {
        is(v, path, {Json::string, Json::null}, "a string or null");
    }

    void time(const YamlNode& v, const std::string& path) {
        if (is(v, path, {Json::string, Json::null}, "an RFC 3339 time or null") && v.is_scalar() &&
            !is_time_text(v.scalar()))
            fail(v, path, "expected an RFC 3339 time such as 2026-11-22T03:04:05Z, found '" + v.scalar() + "'");
    }

    void one_of(const YamlNode& v, const std::string& path, const std::vector<std::string>& allowed,
                bool null_allowed) {
        Json t = json_type(v);
        if (t == Json::null && null_allowed) return;
        if (t == Json::string)
            for (const auto& a : allowed)
                if (v.scalar() == a) return;
        std::string names = join(allowed);
        fail(v, path,
             "expected one of " + names + (null_allowed ? " or null" : "") + ", found " +
                 (t == Json::string ? "'" + v.scalar() + "'" : type_name(t)));
    }

    void required_text(const YamlNode& v, const std::string& path) {
        if (is(v, path, {Json::string}, "a string") && v.scalar().empty()) fail(v, path, "must not be empty");
    }

    void value(const IncidentField& f, const YamlNode& v, const std::string& path) {
        switch (f.type) {
            case FieldType::id:
                if (is(v, path, {Json::string}, "a string") && !is_valid_id(v.scalar()))
                    fail(v, path, "expected PREFIX-N such as INC-12, found '" + v.scalar() + "'");
                return;
            case FieldType::text:
            case FieldType::long_text:
                if (f.required)
                    required_text(v, path);
                else
                    text(v, path);
                return;
            case FieldType::time:
                return time(v, path);
            case FieldType::list:
                if (is(v, path, {Json::array, Json::null}, "a list or null"))
                    for (std::size_t i = 0; i < v.items().size(); ++i)
                        is(v.items()[i], path + "." + std::to_string(i), {Json::string}, "a string");
                return;
            case FieldType::status: {
                Json t = json_type(v);
                if (t == Json::string && parse_status(v.scalar())) return;
                fail(v, path,
                     "expected one of " + status_names() + ", found " +
                         (t == Json::string ? "'" + v.scalar() + "'" : type_name(t)));
                return;
            }
            case FieldType::boolean:
                is(v, path, {Json::boolean, Json::null}, "true, false or null");
                return;
            case FieldType::roles:
                if (is(v, path, {Json::object, Json::null}, "a mapping of role: person, or null"))
                    for (const auto& [role, who] : v.entries()) text(who, path + "." + role.scalar());
                return;
            case FieldType::resolution:
                if (is(v, path, {Json::object, Json::null}, "a mapping with code, summary and by, or null") &&
                    v.is_map())
                    resolution(v, path);
                return;
            case FieldType::actions:
            case FieldType::attachments:
            case FieldType::tasks:
            case FieldType::timeline:
                if (!is(v, path, {Json::array, Json::null}, "a list or null")) return;
                for (std::size_t i = 0; i < v.items().size(); ++i) {
                    const YamlNode& item = v.items()[i];
                    std::string at = path + "." + std::to_string(i);
                    if (!is(item, at, {Json::object}, "a mapping")) continue;
                    if (f.type == FieldType::actions)
                        action(item, at);
                    else if (f.type == FieldType::attachments)
                        attachment(item, at);
                    else if (f.type == FieldType::tasks)
                        task(item, at);
                    else
                        event(item, at);
                }
                return;
        }
    }

    // A key of a nested mapping: present, or reported missing when required.
    const YamlNode* member(const YamlNode& map, const std::string& path, const char* key, bool required) {
        const YamlNode& v = map[key];
        if (!v && required) fail(map, path + "." + key, "missing");
        return v ? &v : nullptr;
    }

    void resolution(const YamlNode& r, const std::string& path) {
        for (const char* key : {"code", "summary"})
            if (const auto* v = member(r, path, key, true)) is(*v, path + "." + key, {Json::string}, "a string");
        if (const auto* v = member(r, path, "by", false)) text(*v, path + ".by");
    }

    void action(const YamlNode& a, const std::string& path) {
        if (const auto* v = member(a, path, "id", true)) {
            auto n = json_type(*v) == Json::integer ? yaml_integer(*v) : std::nullopt;
            if (!n || *n < 1) fail(*v, path + ".id", "expected a whole number from 1");
        }
        if (const auto* v = member(a, path, "title", true)) required_text(*v, path + ".title");
        if (const auto* v = member(a, path, "owner", false)) text(*v, path + ".owner");
        if (const auto* v = member(a, path, "due", false))
            if (is(*v, path + ".due", {Json::string, Json::null}, "a date YYYY-MM-DD or null") && v->is_scalar() &&
                !is_date_text(v->scalar()))
                fail(*v, path + ".due", "expected a date YYYY-MM-DD, found '" + v->scalar() + "'");
        if (const auto* v = member(a, path, "type", false)) one_of(*v, path + ".type", action_types(), true);
        if (const auto* v = member(a, path, "status", false)) one_of(*v, path + ".status", action_statuses(), true);
        if (const auto* v = member(a, path, "tracker", false)) text(*v, path + ".tracker");
    }

    void attachment(const YamlNode& a, const std::string& path) {
        if (const auto* v = member(a, path, "name", true)) required_text(*v, path + ".name");
        if (const auto* v = member(a, path, "sha256", true))
            if (is(*v, path + ".sha256", {Json::string}, "a string") && !is_sha256_text(v->scalar()))
                fail(*v, path + ".sha256", "expected 64 lower-case hex digits, found '" + v->scalar() + "'");
        if (const auto* v = member(a, path, "size", true)) {
            auto n = json_type(*v) == Json::integer ? yaml_integer(*v) : std::nullopt;
            if (!n || *n < 0) fail(*v, path + ".size", "expected a whole number of bytes");
        }
        for (const char* key : {"type", "by", "note"})
            if (const auto* v = member(a, path, key, false)) text(*v, path + "." + key);
        if (const auto* v = member(a, path, "at", true)) time(*v, path + ".at");
    }

    void task(const YamlNode& t, const std::string& path) {
        for (const char* key : {"id", "title"})
            if (const auto* v = member(t, path, key, true)) required_text(*v, path + "." + key);
        for (const char* key : {"runbook", "done_by"})
            if (const auto* v = member(t, path, key, false)) text(*v, path + "." + key);
        if (const auto* v = member(t, path, "done_at", false)) time(*v, path + ".done_at");
    }

    void event(const YamlNode& e, const std::string& path) {
        if (const auto* v = member(e, path, "at", true)) time(*v, path + ".at");
        if (const auto* v = member(e, path, "by", false)) text(*v, path + ".by");
        if (const auto* v = member(e, path, "type", true)) required_text(*v, path + ".type");
        if (const auto* v = member(e, path, "text", false)) text(*v, path + ".text");
    }

    const std::string& display_;
    std::vector<Finding> out_;
};

}  // namespace

std::vector<Finding> check_incident_shape(const YamlNode& root, const std::string& display) {
    return Shape(display).check(root);
}

}  // namespace incident
