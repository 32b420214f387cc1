#include "schema/field_schemas.hpp"

#include <nlohmann/json.hpp>

#include "model/fields.hpp"
#include "query/query.hpp"
#include "sla/sla.hpp"

namespace incident {

namespace {

using json = nlohmann::ordered_json;

const char* const kDraft = "http://json-schema.org/draft-07/schema#";
const char* const kBase = "https://incident.example/schemas/";

// is_valid_id (store.hpp) as a pattern: a prefix of 1 to 16 letters and
// digits starting with a letter, a dash, 1 to 9 digits without a leading zero.
const char* const kIdPattern = "^[A-Za-z][A-Za-z0-9]{0,15}-[1-9][0-9]{0,8}$";

// A runbook's checklist item on an incident (tasks).
json task_definition() {
    return json::parse(R"({
      "type": "object",
      "required": ["id", "title"],
      "properties": {
        "id": {"type": "string", "minLength": 1},
        "title": {"type": "string", "minLength": 1},
        "runbook": {"type": ["string", "null"]},
        "done_by": {"type": ["string", "null"]},
        "done_at": {"$ref": "#/definitions/time"}
      },
      "additionalProperties": true
    })");
}

// The parts that are not fields: times and dates as files may write them,
// events and action items (their types and statuses are the registry's).
json file_definitions() {
    json defs = json::parse(R"({
      "time": {
        "type": ["string", "null"],
        "pattern": "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"
      },
      "date": {"type": ["string", "null"], "pattern": "^\\d{4}-\\d{2}-\\d{2}$"},
      "event": {
        "type": "object",
        "required": ["at", "type"],
        "properties": {
          "at": {"$ref": "#/definitions/time"},
          "by": {"type": ["string", "null"]},
          "type": {"type": "string", "minLength": 1},
          "text": {"type": ["string", "null"]}
        },
        "additionalProperties": true
      },
      "action": {
        "type": "object",
        "required": ["id", "title"],
        "properties": {
          "id": {"type": "integer", "minimum": 1},
          "title": {"type": "string", "minLength": 1},
          "owner": {"type": ["string", "null"]},
          "due": {"$ref": "#/definitions/date"},
          "type": {"enum": []},
          "status": {"enum": []},
          "tracker": {"type": ["string", "null"]}
        },
        "additionalProperties": true
      },
      "attachment": {
        "type": "object",
        "required": ["name", "sha256", "size", "at"],
        "properties": {
          "name": {"type": "string", "minLength": 1},
          "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
          "size": {"type": "integer", "minimum": 0},
          "type": {"type": ["string", "null"]},
          "by": {"type": ["string", "null"]},
          "at": {"type": "string", "pattern": "^\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$"},
          "note": {"type": ["string", "null"]}
        },
        "additionalProperties": true
      }
    })");
    auto with_null = [](const std::vector<std::string>& names) {
        json values = names;
        values.push_back(nullptr);
        return values;
    };
    defs["action"]["properties"]["type"]["enum"] = with_null(action_types());
    defs["action"]["properties"]["status"]["enum"] = with_null(action_statuses());
    defs["task"] = task_definition();
    return defs;
}

// A JSON type, or it and null when the field may be left out.
json type_of(const char* type, bool required) { return required ? json(type) : json::array({type, "null"}); }

// One incident field as the file and `show --json` hold it.
json incident_property(const IncidentField& f) {
    json p;
    switch (f.type) {
        case FieldType::id:
            p["type"] = "string";
            p["pattern"] = kIdPattern;
            break;
        case FieldType::text:
        case FieldType::long_text:
            p["type"] = type_of("string", f.required);
            if (f.required) p["minLength"] = 1;
            break;
        case FieldType::time:
            p["$ref"] = "#/definitions/time";
            break;
        case FieldType::list:
        case FieldType::actions:
        case FieldType::attachments:
        case FieldType::tasks:
        case FieldType::timeline:
            p["type"] = type_of("array", f.required);
            p["items"] = f.type == FieldType::list          ? json{{"type", "string"}}
                         : f.type == FieldType::actions     ? json{{"$ref", "#/definitions/action"}}
                         : f.type == FieldType::attachments ? json{{"$ref", "#/definitions/attachment"}}
                         : f.type == FieldType::tasks       ? json{{"$ref", "#/definitions/task"}}
                                                            : json{{"$ref", "#/definitions/event"}};
            break;
        case FieldType::status:
            p["enum"] = status_values();
            break;
        case FieldType::boolean:
            p["type"] = type_of("boolean", f.required);
            break;
        case FieldType::roles:
            p["type"] = type_of("object", f.required);
            p["additionalProperties"] = {{"type", json::array({"string", "null"})}};
            break;
        case FieldType::resolution:
            p["type"] = type_of("object", f.required);
            p["required"] = json::array({"code", "summary"});
            p["properties"] = json::parse(R"({
              "code": {"type": "string"},
              "summary": {"type": "string"},
              "by": {"type": ["string", "null"]}
            })");
            break;
    }
    p["description"] = f.help;
    return p;
}

json incident_properties() {
    json properties = json::object();
    for (const auto& f : incident_fields()) properties[std::string(f.key)] = incident_property(f);
    return properties;
}

// A query field named like a required incident field (id, title) always has a value.
bool always_present(const Field& f) {
    const IncidentField* field = find_incident_field(f.name);
    return field && field->required;
}

// One query field as a `list --json` row holds it (report/json_writer.cpp):
// absent values are null; counts, flags, tags and clocks always have one.
json row_property(const Field& f) {
    json p;
    std::string description = f.help;
    switch (f.kind) {
        case FieldKind::id:
        case FieldKind::text:
        case FieldKind::scale:
            p["type"] = type_of("string", f.kind == FieldKind::id || always_present(f));
            break;
        case FieldKind::status:
            p["enum"] = status_values();
            break;
        case FieldKind::time:
            p["$ref"] = "#/definitions/time";
            break;
        case FieldKind::duration:
            p["type"] = json::array({"integer", "null"});
            description += ", in seconds";
            break;
        case FieldKind::number:
            p["type"] = "integer";
            p["minimum"] = 0;
            break;
        case FieldKind::boolean:
            p["type"] = "boolean";
            break;
        case FieldKind::tags:
            p["type"] = "array";
            p["items"] = {{"type", "string"}};
            break;
        case FieldKind::clock:
            p["enum"] = json::array();
            for (int s = 0; s <= static_cast<int>(ClockState::missed); ++s)
                p["enum"].push_back(std::string(to_string(static_cast<ClockState>(s))));
            break;
    }
    p["description"] = description;
    return p;
}

json header(const char* file, const char* title) {
    return {{"$schema", kDraft}, {"$id", kBase + std::string(file)}, {"title", title}};
}

std::string text_of(const json& schema) { return schema.dump(2) + "\n"; }

}  // namespace

std::string incident_schema_text() {
    json s = header("incident.schema.json", "incident file (incidents/ID.yaml)");
    s["description"] = "One incident. Keys beyond these are allowed and kept by the tool.";
    s["type"] = "object";
    s["required"] = json::array();
    for (const auto& f : incident_fields())
        if (f.required) s["required"].push_back(std::string(f.key));
    s["properties"] = incident_properties();
    s["additionalProperties"] = true;
    s["definitions"] = file_definitions();
    return text_of(s);
}

std::string show_schema_text() {
    // Every field is there, null when empty, and keys the tool does not know
    // are gathered under "extra" (incident_to_json).
    json incident = {{"type", "object"}, {"required", json::array()}};
    for (const auto& f : incident_fields()) incident["required"].push_back(std::string(f.key));
    incident["required"].push_back("extra");
    incident["properties"] = incident_properties();
    incident["properties"]["extra"] = {{"type", "object"}, {"description", "keys of the file the tool does not know"}};
    incident["additionalProperties"] = false;

    json s = header("show.schema.json", "incident show --json (and every change with --json)");
    s["definitions"] = file_definitions();
    s["definitions"]["incident"] = incident;
    s["$ref"] = "#/definitions/incident";
    return text_of(s);
}

std::string list_schema_text() {
    json row = {{"type", "object"}, {"additionalProperties", false}, {"properties", json::object()}};
    for (const auto& f : query_fields()) row["properties"][f.name] = row_property(f);

    json s =
        header("list.schema.json", "incident list --format json (an array) and --format ndjson (one object per line)");
    s["description"] =
        "Each object has the fields --fields names (all of them by default), in that order. Durations are seconds; "
        "absent values are null.";
    // Times as the tool writes them: UTC, whole seconds.
    s["definitions"]["time"] = json::parse(R"({
      "type": ["string", "null"],
      "pattern": "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}Z$"
    })");
    s["definitions"]["row"] = row;
    s["type"] = "array";
    s["items"] = {{"$ref", "#/definitions/row"}};
    return text_of(s);
}

std::vector<SchemaFile> field_schema_files() {
    return {{"incident.schema.json", incident_schema_text()},
            {"list.schema.json", list_schema_text()},
            {"show.schema.json", show_schema_text()}};
}

}  // namespace incident
