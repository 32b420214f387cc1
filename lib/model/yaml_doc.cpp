#include "model/yaml_doc.hpp"

#include <cstring>
#include <set>

#include "model/file_text.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

Location offset_location(std::string_view text, std::size_t offset, const std::string& file) {
    Location where{file, 1, 1};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++where.line;
            where.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++where.column;
        }
    }
    return where;
}

// Walks the tree the way a consumer would (aliases expanded), bounding depth
// and the number of nodes visited, and rejecting duplicate mapping keys.
struct Walker {
    const std::string& file;
    const YamlLimits& limits;
    std::size_t visited = 0;

    void walk(const YAML::Node& node, int depth) {
        if (++visited > limits.max_nodes)
            throw InvalidData(locate(node, file), "document too large: more than " + std::to_string(limits.max_nodes) +
                                                      " values (alias expansion counted)");
        if (depth > limits.max_depth)
            throw InvalidData(locate(node, file),
                              "nesting deeper than " + std::to_string(limits.max_depth) + " levels");
        if (node.IsSequence()) {
            for (const auto& child : node) walk(child, depth + 1);
        } else if (node.IsMap()) {
            std::set<std::string> seen;
            for (const auto& kv : node) {
                if (!kv.first.IsScalar())
                    throw InvalidData(locate(kv.first, file), "mapping keys must be plain strings");
                if (!seen.insert(kv.first.Scalar()).second)
                    throw InvalidData(locate(kv.first, file), "duplicate key '" + kv.first.Scalar() + "'");
                walk(kv.second, depth + 1);
            }
        }
    }
};

}  // namespace

std::size_t find_invalid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len;
        unsigned int cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > s.size()) return i;
        for (std::size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::string_view::npos;
}

Location locate(const YAML::Node& node, const std::string& file) {
    auto mark = node.Mark();
    if (mark.is_null()) return Location{file, 0, 0};
    return Location{file, mark.line + 1, mark.column + 1};
}

std::size_t find_conflict_marker(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        if (text.substr(at, 8) == "<<<<<<< " || text.substr(at, 8) == "<<<<<<<\n") return at;
        auto nl = text.find('\n', at);
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return std::string_view::npos;
}

void fail_at(const YAML::Node& node, const std::string& file, const std::string& message) {
    throw InvalidData(locate(node, file), message);
}

std::string scalar_at(const YAML::Node& node, const std::string& file, const std::string& key) {
    if (!node.IsScalar()) fail_at(node, file, key + ": expected a string");
    return node.Scalar();
}

YAML::Node load_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
    if (text.size() > limits.max_bytes)
        throw InvalidData(Location{file}, "file too large: " + std::to_string(text.size()) + " bytes (the limit is " +
                                              std::to_string(limits.max_bytes) + ")");
    if (auto bad = find_invalid_utf8(text); bad != std::string_view::npos)
        throw InvalidData(offset_location(text, bad, file), "invalid UTF-8");
    if (auto nul = text.find('\0'); nul != std::string_view::npos)
        throw InvalidData(offset_location(text, nul, file), "NUL byte in a text file");
    if (auto marker = find_conflict_marker(text); marker != std::string_view::npos)
        throw InvalidData(offset_location(text, marker, file),
                          "git left a merge conflict here (<<<<<<< ... >>>>>>>): keep what both sides added, remove "
                          "the markers, then git add the file");
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        std::string msg = e.msg;
        if (msg == "bad file" || msg.empty()) msg = "malformed YAML (unbalanced or too deeply nested)";
        throw InvalidData(Location{file, e.mark.line + 1, e.mark.column + 1}, msg);
    }
    Walker{file, limits}.walk(root, 0);
    return root;
}

YAML::Node load_yaml_file(const std::string& path, const std::string& display, const YamlLimits& limits) {
    FileText file = read_file_text(path, limits.max_bytes);
    switch (file.status) {
        case FileText::Status::ok:
            return load_yaml(file.text, display, limits);
        case FileText::Status::unreadable:
            throw IoError("cannot read " + display + ": " + std::strerror(file.error));
        case FileText::Status::not_regular:
            throw InvalidData(Location{display}, "not a regular file");
        case FileText::Status::too_large:
            break;
    }
    throw InvalidData(Location{display}, "file too large: " + std::to_string(file.size) + " bytes (the limit is " +
                                             std::to_string(limits.max_bytes) + ")");
}

void emit_string(YAML::Emitter& out, const std::string& s) {
    bool control = false;
    for (unsigned char c : s)
        if (c < 0x20 && c != '\n') control = true;
    if (s.empty() || control || is_yaml_non_string(s))
        out << YAML::DoubleQuoted << s;
    else
        out << s;
}

void emit_node(YAML::Emitter& out, const YAML::Node& node, bool flow) {
    flow = flow || node.Style() == YAML::EmitterStyle::Flow;  // keep the style it was written in
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            out << YAML::Null;
            return;
        case YAML::NodeType::Scalar:
            if (node.Tag() == "?")
                out << node.Scalar();
            else
                emit_string(out, node.Scalar());
            return;
        case YAML::NodeType::Sequence:
            if (flow) out << YAML::Flow;
            out << YAML::BeginSeq;
            for (const auto& child : node) emit_node(out, child, flow);
            out << YAML::EndSeq;
            return;
        case YAML::NodeType::Map:
            if (flow) out << YAML::Flow;
            out << YAML::BeginMap;
            for (const auto& kv : node) {
                out << YAML::Key << kv.first.Scalar() << YAML::Value;
                emit_node(out, kv.second, flow);
            }
            out << YAML::EndMap;
            return;
    }
}

nlohmann::ordered_json yaml_to_json(const YAML::Node& node) {
    using nlohmann::ordered_json;
    switch (node.Type()) {
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            return nullptr;
        case YAML::NodeType::Sequence: {
            ordered_json arr = ordered_json::array();
            for (const auto& child : node) arr.push_back(yaml_to_json(child));
            return arr;
        }
        case YAML::NodeType::Map: {
            ordered_json obj = ordered_json::object();
            for (const auto& kv : node) obj[kv.first.Scalar()] = yaml_to_json(kv.second);
            return obj;
        }
        case YAML::NodeType::Scalar:
            break;
    }
    const std::string& s = node.Scalar();
    if (node.Tag() != "!") {  // plain (unquoted) scalar: give it its YAML meaning
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
        if (s == "null" || s == "~" || s == "Null" || s == "NULL") return nullptr;
        if (is_yaml_integer(s)) return std::stoll(s);
        if (is_yaml_real(s)) return std::stod(s);
    }
    return s;
}

YAML::Node json_to_yaml(const nlohmann::ordered_json& value) {
    if (value.is_null()) return YAML::Node(YAML::NodeType::Null);
    if (value.is_object()) {
        YAML::Node map(YAML::NodeType::Map);
        for (const auto& [k, v] : value.items()) map[k] = json_to_yaml(v);
        return map;
    }
    if (value.is_array()) {
        YAML::Node seq(YAML::NodeType::Sequence);
        for (const auto& v : value) seq.push_back(json_to_yaml(v));
        return seq;
    }
    if (value.is_string()) return YAML::Node(value.get<std::string>());
    return YAML::Node(value.dump());
}

}  // namespace incident
