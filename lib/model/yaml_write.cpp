#include "model/yaml_write.hpp"

#include <string_view>

#include "model/text.hpp"

namespace incident {

namespace {

bool blank_or_break(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Characters a reader could take for something else unless they are escaped
// in double quotes: C0 controls but the newline, DEL, C1 controls (U+0085 is
// a line break to YAML 1.1), U+00A0 (invisible), U+2028/2029, the BOM.
bool needs_escapes(std::string_view s) {
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

// Whether `s` may be written without quotes and read back as the same text
// (by YAML 1.1 and 1.2 readers). What it means (a number, true) is the
// caller's concern.
bool plain_reads_back(std::string_view s, bool flow) {
    if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return false;
    if (needs_escapes(s) || s.back() == ' ') return false;
    char first = s[0];
    char second = s.size() > 1 ? s[1] : '\0';
    if (blank_or_break(first) || std::string_view(",[]{}#&*!|>'\"%@`").find(first) != std::string_view::npos)
        return false;
    if ((first == '-' || first == '?' || first == ':') && (second == '\0' || blank_or_break(second))) return false;
    if (flow && (first == '?' || first == ':')) return false;  // libyaml starts no flow scalar with them
    // A document marker at the start of a line.
    if (s.substr(0, 3) == "---" || s.substr(0, 3) == "...") return false;
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        char next = i + 1 < s.size() ? s[i + 1] : '\0';
        if (c == '\n' || c == '\r' || c == '\t') return false;
        if (c == ':' && (next == '\0' || blank_or_break(next))) return false;
        if (c == '#' && i > 0 && blank_or_break(s[i - 1])) return false;
        if (flow && std::string_view(",?[]{}").find(c) != std::string_view::npos) return false;
    }
    return true;
}

// \xHH for a byte's worth, \uHHHH above, in upper-case hex (as yaml-cpp wrote them).
void append_escape(std::string& out, unsigned int cp) {
    const int digits = cp <= 0xFF ? 2 : 4;
    out += cp <= 0xFF ? "\\x" : "\\u";
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4) out += "0123456789ABCDEF"[(cp >> shift) & 0xF];
}

std::string double_quoted(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
        auto third = i + 2 < s.size() ? static_cast<unsigned char>(s[i + 2]) : 0;
        switch (c) {
            case '"':
                out += "\\\"";
                continue;
            case '\\':
                out += "\\\\";
                continue;
            case '\n':
                out += "\\n";
                continue;
            case '\t':
                out += "\\t";
                continue;
            case '\r':
                out += "\\r";
                continue;
            case '\b':
                out += "\\b";
                continue;
            case '\f':
                out += "\\f";
                continue;
            default:
                break;
        }
        if (c < 0x20 || c == 0x7F) {
            append_escape(out, c);
        } else if (c == 0xC2 && next >= 0x80 && next <= 0xA0) {
            append_escape(out, next);  // C1 controls and U+00A0
            ++i;
        } else if (c == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9)) {
            append_escape(out, third == 0xA8 ? 0x2028 : 0x2029);
            i += 2;
        } else if (c == 0xEF && next == 0xBB && third == 0xBF) {
            append_escape(out, 0xFEFF);
            i += 2;
        } else {
            out += static_cast<char>(c);
        }
    }
    out += '"';
    return out;
}

bool is_block(const YamlNode& n) { return (n.is_map() || n.is_sequence()) && !n.is_flow() && n.size() > 0; }

// The scalar as written: plain scalars read from a file keep their meaning.
std::string scalar_text(const YamlNode& n, bool flow) {
    if (n.is_plain()) return plain_reads_back(n.scalar(), flow) ? n.scalar() : double_quoted(n.scalar());
    return yaml_string(n.scalar(), flow);
}

void write_block(std::string& out, const YamlNode& n, int indent, bool continues_line);

// A value on the line it starts, outside any flow collection.
void write_inline(std::string& out, const YamlNode& n) {
    if (n.is_scalar())
        out += scalar_text(n, false);
    else
        write_flow(out, n);
    out += '\n';
}

void write_after_colon(std::string& out, const YamlNode& value, int indent) {
    if (is_block(value)) {
        out += '\n';
        write_block(out, value, indent + 2, false);
    } else {
        out += ' ';
        write_inline(out, value);
    }
}

// A block collection at `indent`; `continues_line` when its first line goes
// after a "- " already written.
void write_block(std::string& out, const YamlNode& n, int indent, bool continues_line) {
    bool first = true;
    auto start_line = [&] {
        if (!(first && continues_line)) out.append(static_cast<std::size_t>(indent), ' ');
        first = false;
    };
    if (n.is_map()) {
        for (const auto& [k, v] : n.entries()) {
            start_line();
            out += yaml_key(k.scalar());
            out += ':';
            write_after_colon(out, v, indent);
        }
        return;
    }
    for (const auto& item : n.items()) {
        start_line();
        out += "- ";
        if (is_block(item))
            write_block(out, item, indent + 2, true);
        else
            write_inline(out, item);
    }
}

}  // namespace

std::string yaml_string(const std::string& s, bool flow) {
    if (is_yaml_non_string(s) || !plain_reads_back(s, flow)) return double_quoted(s);
    return s;
}

std::string yaml_key(const std::string& key, bool flow) {
    return plain_reads_back(key, flow) ? key : double_quoted(key);
}

std::string yaml_long_text(const std::string& s, int indent) {
    // A block's indentation is read from its first line: that line must not
    // start with white space (nor be empty) for the text to read back whole.
    bool block_safe = !s.empty() && s[0] != ' ' && s[0] != '\t' && s[0] != '\n' && !needs_escapes(s);
    if (!block_safe || s.find('\n') == std::string::npos) return yaml_string(s);
    std::string out = "|\n";
    std::string pad(static_cast<std::size_t>(indent + 2), ' ');
    out += pad;
    for (char c : s) {
        out += c;
        if (c == '\n') out += pad;
    }
    return out;
}

void write_flow(std::string& out, const YamlNode& n) {
    switch (n.kind()) {
        case YamlNode::Kind::undefined:
        case YamlNode::Kind::null:
            out += "null";
            return;
        case YamlNode::Kind::scalar:
            out += scalar_text(n, true);
            return;
        case YamlNode::Kind::sequence: {
            out += '[';
            bool first = true;
            for (const auto& item : n.items()) {
                if (!first) out += ", ";
                first = false;
                write_flow(out, item);
            }
            out += ']';
            return;
        }
        case YamlNode::Kind::mapping: {
            out += '{';
            bool first = true;
            for (const auto& [k, v] : n.entries()) {
                if (!first) out += ", ";
                first = false;
                out += yaml_key(k.scalar(), true);
                out += ": ";
                write_flow(out, v);
            }
            out += '}';
            return;
        }
    }
}

void write_entry(std::string& out, const std::string& key, const YamlNode& value, int indent) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += yaml_key(key);
    out += ':';
    write_after_colon(out, value, indent);
}

}  // namespace incident
