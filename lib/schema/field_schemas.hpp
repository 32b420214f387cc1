// The JSON Schemas in schemas/ that describe fields, written from the field
// registries so that a field is described once: the incident file (from
// incident_fields()), `show --json` (the same fields, in their JSON form) and
// the rows of `list --json` (from query_fields()). `incident __schemas DIR`
// writes them; a test fails when a committed schema differs.
#pragma once

#include <string>
#include <vector>

namespace incident {

struct SchemaFile {
    std::string name;  // "incident.schema.json"
    std::string text;  // the whole file, ending in a newline
};

// Byte-stable: the same registries give the same text.
std::string incident_schema_text();
std::string show_schema_text();
std::string list_schema_text();

// The three above, under their names in schemas/.
std::vector<SchemaFile> field_schema_files();

}  // namespace incident
