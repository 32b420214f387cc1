#include "model/yaml_doc.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
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

// Whether line `index` (0-based) of `text` has a tab among its leading blanks.
bool indented_with_tab(std::string_view text, int index) {
    std::size_t at = 0;
    for (int i = 0; i < index && at != std::string_view::npos; ++i) {
        at = text.find('\n', at);
        if (at != std::string_view::npos) ++at;
    }
    if (at == std::string_view::npos || index < 0) return false;
    for (; at < text.size() && (text[at] == ' ' || text[at] == '\t'); ++at)
        if (text[at] == '\t') return true;
    return false;
}

// yaml-cpp decodes the escapes \_ (U+00A0) and \N (U+0085) to the single
// bytes 0xA0 and 0x85 instead of their UTF-8 encoding. The file text is valid
// UTF-8, so any invalid byte in a decoded scalar comes from one of them.
void repair_escape_decoding(YAML::Node node) {
    const std::string& s = node.Scalar();
    if (find_invalid_utf8(s) == std::string::npos) return;
    std::string fixed;
    fixed.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size();) {
        auto bad = find_invalid_utf8(std::string_view(s).substr(i));
        if (bad == std::string_view::npos) bad = s.size() - i;
        fixed.append(s, i, bad);
        i += bad;
        if (i < s.size()) {
            fixed += '\xC2';
            fixed += s[i++];  // 0x85 or 0xA0: U+0085 / U+00A0
        }
    }
    node = fixed;
}

// Walks the tree the way a consumer would (aliases expanded), bounding depth
// and the number of nodes visited, and rejecting duplicate mapping keys and
// keys too long to be written back as plain keys.
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
        if (node.IsScalar()) {
            repair_escape_decoding(node);
        } else if (node.IsSequence()) {
            for (const auto& child : node) walk(child, depth + 1);
        } else if (node.IsMap()) {
            std::set<std::string> seen;
            for (const auto& kv : node) {
                if (!kv.first.IsScalar())
                    throw InvalidData(locate(kv.first, file), "mapping keys must be plain strings");
                repair_escape_decoding(kv.first);
                const std::string& key = kv.first.Scalar();
                if (!key_fits(key))
                    throw InvalidData(locate(kv.first, file), "a key longer than " + std::to_string(kMaxKeyLength) +
                                                                  " bytes as written (the limit of YAML's keys)");
                if (!seen.insert(key).second) throw InvalidData(locate(kv.first, file), "duplicate key '" + key + "'");
                walk(kv.second, depth + 1);
            }
        }
    }
};

}  // namespace

bool key_fits(const std::string& key) {
    // Escapes make a key at most six times longer (\uXXXX for one byte).
    if (key.size() * 6 + 2 <= kMaxKeyLength) return true;
    if (key.size() > kMaxKeyLength) return false;
    // Written as a key in a flow mapping, as events write their attributes;
    // a key too long for the implicit form comes out as "? key".
    YAML::Emitter out;
    out << YAML::Flow << YAML::BeginMap << YAML::Key << key << YAML::Value << YAML::Null << YAML::EndMap;
    std::string_view written(out.c_str(), out.size());
    return written.substr(0, 2) != "{?" && written.size() - std::string_view("{: ~}").size() <= kMaxKeyLength;
}

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

std::size_t find_second_document(std::string_view text) {
    // "---" or "..." at the start of a line is always a document marker: YAML
    // forbids them inside any scalar there. A "---" after content, or content
    // after "...", begins another document.
    auto marker = [&](std::size_t at, char c) {
        if (text.substr(at, 3) != std::string(3, c)) return false;
        return at + 3 == text.size() || text[at + 3] == ' ' || text[at + 3] == '\t' || text[at + 3] == '\n' ||
               text[at + 3] == '\r';
    };
    bool content = false, ended = false;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t nl = text.find('\n', at);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(at, end - at);
        std::size_t first = line.find_first_not_of(" \t\r");
        bool blank = first == std::string_view::npos || line[first] == '#';
        if (marker(at, '-')) {
            if (content || ended) return at;
            content = true;  // what follows "---" on its line is content of this document
        } else if (marker(at, '.')) {
            ended = true;
        } else if (!blank && line[0] != '%') {
            if (ended) return at;
            content = true;
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return std::string_view::npos;
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
    // A second document would be dropped by the next save: refuse it now.
    // (yaml-cpp's LoadAll can loop for ever on a stray ',': not used.)
    if (auto second = find_second_document(text); second != std::string_view::npos)
        throw InvalidData(offset_location(text, second, file),
                          "a second YAML document (after --- or ...): the file must hold exactly one");
    YAML::Node root;
    try {
        root = YAML::Load(std::string(text));
    } catch (const YAML::Exception& e) {
        std::string msg = e.msg;
        if (msg == "bad file" || msg.empty()) msg = "malformed YAML (unbalanced or too deeply nested)";
        if (indented_with_tab(text, e.mark.line))
            msg = "a tab in the indentation: YAML indents with spaces only (" + msg + ")";
        throw InvalidData(Location{file, e.mark.line + 1, e.mark.column + 1}, msg);
    }
    Walker{file, limits}.walk(root, 0);
    return root;
}

YAML::Node load_yaml_file(const std::string& path, const std::string& display, const YamlLimits& limits) {
    auto text = read_text_file(path, display, limits.max_bytes);
    if (!text) throw IoError("cannot read " + display + ": " + std::strerror(ENOENT));
    return load_yaml(*text, display, limits);
}

namespace {

// Characters a reader could take for something else unless they are escaped
// in double quotes: C0 controls but the newline, DEL, C1 controls (U+0085 is
// a line break to YAML 1.1), U+00A0 (invisible), U+2028/2029, the BOM.
bool needs_escapes(const std::string& s) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        auto third = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
        if ((c < 0x20 && c != '\n') || c == 0x7F) return true;
        if (c == 0xC2 && next >= 0x80 && next <= 0xA0) return true;
        if (c == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9)) return true;
        if (c == 0xEF && next == 0xBB && third == 0xBF) return true;
    }
    return false;
}

}  // namespace

void emit_string(YAML::Emitter& out, const std::string& s) {
    if (s.empty() || needs_escapes(s) || is_yaml_non_string(s))
        out << YAML::DoubleQuoted << s;
    else
        out << s;
}

void emit_long_text(YAML::Emitter& out, const std::string& s) {
    // A block's indentation is read from its first line: that line must not
    // start with white space (nor be empty) for the text to read back whole.
    bool block_safe = !s.empty() && s[0] != ' ' && s[0] != '\t' && s[0] != '\n' && !needs_escapes(s);
    if (block_safe && s.find('\n') != std::string::npos)
        out << YAML::Literal << s;
    else
        emit_string(out, s);
}

void emit_node(YAML::Emitter& out, const YAML::Node& node, bool flow) {
    // Keep the style it was written in; an empty collection is always [] or {}.
    flow = flow || node.Style() == YAML::EmitterStyle::Flow || (!node.IsScalar() && node.size() == 0);
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
    // A plain scalar read from a file gets its YAML meaning; a quoted one, or
    // one made in code (written quoted by emit_string), stays a string.
    if (node.Tag() == "?") {
        if (s == "true" || s == "True" || s == "TRUE") return true;
        if (s == "false" || s == "False" || s == "FALSE") return false;
        if (s == "null" || s == "~" || s == "Null" || s == "NULL") return nullptr;
        if (is_yaml_integer(s)) return std::stoll(s);
        if (is_yaml_real(s)) {
            // Beyond a double's range (a 400-digit number): kept as written.
            errno = 0;
            double d = std::strtod(s.c_str(), nullptr);
            if (errno != ERANGE && std::isfinite(d)) return d;
        }
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
    YAML::Node plain(value.dump());  // a number or a boolean: written plain, read back as one
    plain.SetTag("?");
    return plain;
}

}  // namespace incident
