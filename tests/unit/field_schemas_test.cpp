// The schemas written from the field registries: stable text, every field
// described by its help, and the id pattern the store's own rule.
#include "schema/field_schemas.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>

#include "model/fields.hpp"
#include "query/query.hpp"
#include "store/store.hpp"

using namespace incident;

TEST_SUITE_BEGIN("schema::field_schemas");

namespace {

nlohmann::json parsed(const std::string& name) {
    for (const auto& f : field_schema_files())
        if (f.name == name) return nlohmann::json::parse(f.text);
    FAIL("no generated " << name);
    return {};
}

}  // namespace

TEST_CASE("field_schemas: the same registries give the same bytes") {
    auto first = field_schema_files();
    auto second = field_schema_files();
    REQUIRE(first.size() == 3);
    for (std::size_t i = 0; i < first.size(); ++i) {
        CAPTURE(first[i].name);
        CHECK(first[i].text == second[i].text);
        CHECK(first[i].text.back() == '\n');
    }
}

TEST_CASE("field_schemas: each incident field is a property of the file and of show, described by its help") {
    auto file = parsed("incident.schema.json");
    auto show = parsed("show.schema.json")["definitions"]["incident"];
    REQUIRE(file["properties"].size() == incident_fields().size());
    REQUIRE(show["properties"].size() == incident_fields().size() + 1);  // and "extra"
    for (const auto& f : incident_fields()) {
        std::string key(f.key);
        CAPTURE(key);
        CHECK(file["properties"][key]["description"] == std::string(f.help));
        CHECK(show["properties"][key] == file["properties"][key]);
    }
    CHECK(show["required"].size() == show["properties"].size());
    CHECK(show["additionalProperties"] == false);
    CHECK(file["additionalProperties"] == true);
}

TEST_CASE("field_schemas: each query field is a property of a list row, described by its help") {
    auto row = parsed("list.schema.json")["definitions"]["row"];
    REQUIRE(row["properties"].size() == query_fields().size());
    for (const auto& f : query_fields()) {
        CAPTURE(f.name);
        REQUIRE(row["properties"].contains(f.name));
        CHECK(row["properties"][f.name]["description"].get<std::string>().rfind(f.help, 0) == 0);
    }
    CHECK(row["additionalProperties"] == false);
}

TEST_CASE("field_schemas: the id pattern is is_valid_id") {
    std::regex pattern(parsed("incident.schema.json")["properties"]["id"]["pattern"].get<std::string>(),
                       std::regex::ECMAScript);
    for (const char* id : {"INC-1", "inc-42", "A-1", "ABCDEFGHIJKLMNOP-1", "ABCDEFGHIJKLMNOPQ-1", "INC-0", "INC-01",
                           "INC-123456789", "INC-1234567890", "1NC-1", "IN_C-1", "INC-", "-1", "INC-1a", "I-N-1", ""}) {
        CAPTURE(id);
        CHECK(std::regex_search(id, pattern) == is_valid_id(id));
    }
}

TEST_SUITE_END();
