// Safe YAML loading: every document the tool reads goes through here, so a
// hostile or broken file (huge, deeply nested, alias bomb, invalid UTF-8,
// duplicate keys) becomes a located InvalidData instead of a crash or a hang.
// Parsed with libyaml into the tool's own tree (yaml_node.hpp).
#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "model/errors.hpp"
#include "model/yaml_node.hpp"

namespace incident {

// YAML allows at most 1024 characters in an implicit key; the writer and the
// reader both count bytes.
inline constexpr std::size_t kMaxKeyLength = 1024;

struct YamlLimits {
    std::size_t max_bytes = 4u << 20;  // 4 MiB
    int max_depth = 64;
    std::size_t max_nodes = 200'000;  // counted with aliases expanded
};

// Parses `text` (the contents of `file`, used for locations) and checks the
// limits. Exactly one document; every key a string that fits (key_fits), and
// once per mapping; aliases expanded. Throws InvalidData.
YamlNode load_yaml(std::string_view text, const std::string& file, const YamlLimits& limits = {});

// Reads and parses a file; an oversized file is refused before it is read.
YamlNode load_yaml_file(const std::string& path, const std::string& display, const YamlLimits& limits = {});

// Where a node came from, for error messages.
Location locate(const YamlNode& node, const std::string& file);

// True when `key` is at most kMaxKeyLength bytes as the writer writes it
// (quoted and escaped where it must be): longer keys cannot be read back.
bool key_fits(const std::string& key);

// Returns the byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t find_invalid_utf8(std::string_view text);

// Offset of the "---" or the content that begins a second YAML document in
// `text`, or npos when it holds at most one.
std::size_t find_second_document(std::string_view text);

// Offset of a line git's merge left as a conflict marker ("<<<<<<< "), or npos.
std::size_t find_conflict_marker(std::string_view text);

// Throws InvalidData at `node`'s position in `file`.
[[noreturn]] void fail_at(const YamlNode& node, const std::string& file, const std::string& message);

// The node's text, or InvalidData "KEY: expected a string" at its position.
std::string scalar_at(const YamlNode& node, const std::string& file, const std::string& key);

// Converts a node to JSON: plain scalars read from a file that read as
// numbers, booleans or null become those; everything else (quoted, or made in
// code and so written quoted) is a string.
nlohmann::ordered_json yaml_to_json(const YamlNode& node);

// The JSON type yaml_to_json gives a node: the one notion of a value's type
// that the incident loader, validate and the schemas share (a plain 7 is a
// whole number, not the text "7").
enum class JsonType { null, boolean, integer, number, string, array, object };
JsonType json_type(const YamlNode& node);
// "a whole number", "a string", ... for messages.
const char* json_type_name(JsonType t);

// The reverse, for values that arrive as JSON (alerts, --json edits).
YamlNode json_to_yaml(const nlohmann::ordered_json& value);

}  // namespace incident
