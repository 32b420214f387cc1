// The field registry against what it describes: the incident schema, the
// file format, the JSON form and the rules. Each check walks the whole
// table, so a field added to it is checked without a new test.
#include "model/fields.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <set>

#include "model/yaml_doc.hpp"
#include "rules/rules.hpp"
#include "validate/validate.hpp"

using namespace incident;

TEST_SUITE_BEGIN("model::fields");

namespace {

nlohmann::json incident_schema() { return nlohmann::json::parse(embedded_schemas().at("incident.schema.json")); }

// The JSON types a schema property allows ("$ref" to the time definition: "time").
std::set<std::string> allowed_types(const nlohmann::json& property) {
    std::set<std::string> out;
    if (property.contains("$ref"))
        out.insert(property["$ref"].get<std::string>() == "#/definitions/time" ? "time" : "?");
    if (property.contains("enum")) out.insert("enum");
    if (property.contains("type")) {
        const auto& t = property["type"];
        if (t.is_string())
            out.insert(t.get<std::string>());
        else
            for (const auto& x : t) out.insert(x.get<std::string>());
    }
    return out;
}

std::set<std::string> expected_types(const IncidentField& f) {
    auto maybe = [&](std::set<std::string> s) {
        if (!f.required) s.insert("null");
        return s;
    };
    switch (f.type) {
        case FieldType::id:
        case FieldType::text:
        case FieldType::long_text:
            return maybe({"string"});
        case FieldType::time:
            return {"time"};
        case FieldType::list:
        case FieldType::actions:
        case FieldType::attachments:
        case FieldType::tasks:
        case FieldType::timeline:
            return maybe({"array"});
        case FieldType::status:
            return {"enum"};
        case FieldType::boolean:
            return maybe({"boolean"});
        case FieldType::roles:
        case FieldType::resolution:
            return maybe({"object"});
    }
    return {};
}

Incident base() {
    Incident inc;
    inc.id = "INC-1";
    inc.title = "base";
    inc.opened_at = *parse_rfc3339("2026-11-20T10:00:00Z");
    return inc;
}

Incident reread(const Incident& inc) {
    return incident_from_yaml(load_yaml(incident_to_yaml(inc), "t.yaml"), "t.yaml");
}

}  // namespace

TEST_CASE("fields: the registry and schemas/incident.schema.json describe the same fields") {
    auto schema = incident_schema();
    const auto& properties = schema["properties"];
    std::set<std::string> in_schema, in_registry, required_in_schema, required_in_registry;
    for (const auto& [key, value] : properties.items()) in_schema.insert(key);
    for (const auto& r : schema["required"]) required_in_schema.insert(r.get<std::string>());
    for (const auto& f : incident_fields()) {
        CAPTURE(f.key);
        in_registry.emplace(f.key);
        if (f.required) required_in_registry.emplace(f.key);
        REQUIRE(properties.contains(std::string(f.key)));
        CHECK(allowed_types(properties[std::string(f.key)]) == expected_types(f));
        CHECK(find_incident_field(f.key) == &f);
    }
    CHECK(in_schema == in_registry);
    CHECK(required_in_schema == required_in_registry);
    CHECK(find_incident_field("not_a_field") == nullptr);
    // The status enum is the lifecycle's.
    std::string names;
    for (const auto& s : properties["status"]["enum"]) names += (names.empty() ? "" : ", ") + s.get<std::string>();
    CHECK(names == status_names());
    // incident_keys() is the registry's order.
    REQUIRE(incident_keys().size() == incident_fields().size());
    for (std::size_t i = 0; i < incident_keys().size(); ++i) CHECK(incident_keys()[i] == incident_fields()[i].key);
}

TEST_CASE("fields: every field with a value of its own is written, read back, shown in JSON and seen by rules") {
    for (const auto& f : incident_fields()) {
        CAPTURE(f.key);
        Incident inc = base();
        std::string json_value;
        switch (f.type) {
            case FieldType::id:
                inc.*f.text = "OPS-7";
                json_value = "OPS-7";
                break;
            case FieldType::text:
            case FieldType::long_text:
                inc.*f.text = "value of " + std::string(f.key);
                json_value = inc.*f.text;
                break;
            case FieldType::time:
                inc.*f.time = *parse_rfc3339("2026-11-21T08:09:10Z");
                json_value = "2026-11-21T08:09:10Z";
                break;
            case FieldType::list:
                inc.*f.list = {"a", "b c"};
                break;
            case FieldType::boolean:
                inc.*f.flag = true;
                break;
            default:
                continue;  // structured fields have tests of their own
        }
        Incident back = reread(inc);
        CHECK(field_text(back, f) == field_text(inc, f));
        CHECK(field_text(back, f).has_value());
        auto j = incident_to_json(back);
        REQUIRE(j.contains(std::string(f.key)));
        if (!json_value.empty()) CHECK(j[std::string(f.key)] == json_value);
        CHECK(field_value(back, std::string(f.key)).has_value() == f.condition);
        CHECK(is_condition_field(std::string(f.key)) == f.condition);
        if (f.list) CHECK(field_value(back, std::string(f.key)) == "a,b c");
        if (f.flag) CHECK(j[std::string(f.key)] == true);
    }
}

TEST_CASE("fields: an optional key is written only when set, and a required one is refused when empty") {
    for (const auto& f : incident_fields()) {
        CAPTURE(f.key);
        Incident inc = base();
        std::string yaml = incident_to_yaml(inc);
        bool written = yaml.find("\n" + std::string(f.key) + ":") != std::string::npos ||
                       yaml.rfind(std::string(f.key) + ":", 0) == 0;
        CHECK(written == !f.omit_empty);
        if (f.required && f.text) {
            inc.*f.text = "";
            CHECK_THROWS_AS(reread(inc), InvalidData);
        }
    }
}

TEST_CASE("fields: each lifecycle duration has one definition") {
    Incident inc = base();
    inc.started_at = *parse_rfc3339("2026-11-20T09:50:00Z");
    inc.detected_at = *parse_rfc3339("2026-11-20T09:58:00Z");
    inc.acknowledged_at = *parse_rfc3339("2026-11-20T10:05:00Z");
    inc.resolved_at = *parse_rfc3339("2026-11-20T12:00:00Z");
    auto times = lifecycle_times(inc);
    CHECK(times.span(Span::detect) == Seconds{8 * 60});  // detected - started, not opened - detected
    CHECK(times.span(Span::acknowledge) == Seconds{5 * 60});
    CHECK(times.span(Span::resolve) == Seconds{2 * 3600});
    CHECK_FALSE(times.span(Span::mitigate).has_value());
    inc.started_at.reset();
    CHECK_FALSE(lifecycle_times(inc).span(Span::detect).has_value());
}

TEST_CASE("fields: an action item's types and statuses are the schema's") {
    auto schema = incident_schema();
    const auto& action = schema["definitions"]["action"]["properties"];
    auto names = [](const nlohmann::json& values) {
        std::vector<std::string> out;
        for (const auto& v : values)
            if (!v.is_null()) out.push_back(v.get<std::string>());
        return out;
    };
    CHECK(names(action["type"]["enum"]) == action_types());
    CHECK(names(action["status"]["enum"]) == action_statuses());
    CHECK(names(schema["properties"]["status"]["enum"]) == status_values());
}

TEST_CASE("fields: the fields rules may set are those schemas/rules.schema.json lets `then:` set") {
    auto rules = nlohmann::json::parse(embedded_schemas().at("rules.schema.json"));
    const auto& then = rules["properties"]["rules"]["items"]["properties"]["then"]["properties"];
    std::set<std::string> in_schema, in_registry;
    for (const auto& [key, value] : then.items())
        // priority, tags and escalation_policy are actions of their own (a
        // priority decision, tags added, the policy that pages).
        if (find_incident_field(key) && key != "priority" && key != "tags" && key != "escalation_policy")
            in_schema.insert(key);
    for (const auto& f : incident_fields())
        if (f.rule_sets) in_registry.emplace(f.key);
    CHECK(in_schema == in_registry);
}

TEST_CASE("fields: a rule's set: takes exactly the fields the registry lets rules set") {
    for (const auto& f : incident_fields()) {
        CAPTURE(f.key);
        std::string text =
            "rules:\n  - name: r\n    when: {service: checkout}\n    then: {" + std::string(f.key) + ": x}\n";
        bool accepted = true;
        try {
            auto rules = parse_rules(text, "rules.yaml");
            accepted = !rules.rules.empty() && !rules.rules[0].then.set.empty();
        } catch (const InvalidData&) {
            accepted = false;
        }
        CHECK(accepted == f.rule_sets);
    }
}

TEST_SUITE_END();
