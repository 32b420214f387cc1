#include "report/json_writer.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

namespace incident {

namespace {

// The length of the well-formed UTF-8 sequence that starts with the byte
// c >= 0x80 at s[i], or 0: no overlong forms, surrogates or code points past U+10FFFF.
std::size_t utf8_length(std::string_view s, std::size_t i, unsigned c) {
    auto at = [&](std::size_t k) { return i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0u; };
    auto tail = [](unsigned b) { return (b & 0xC0) == 0x80; };
    unsigned b1 = at(1);
    if (c >= 0xC2 && c <= 0xDF) return tail(b1) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        unsigned lo = c == 0xE0 ? 0xA0 : 0x80, hi = c == 0xED ? 0x9F : 0xBF;
        return b1 >= lo && b1 <= hi && tail(at(2)) ? 3 : 0;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        unsigned lo = c == 0xF0 ? 0x90 : 0x80, hi = c == 0xF4 ? 0x8F : 0xBF;
        return b1 >= lo && b1 <= hi && tail(at(2)) && tail(at(3)) ? 4 : 0;
    }
    return 0;
}

}  // namespace

void JsonWriter::newline(std::size_t depth) {
    text_ += '\n';
    text_.append(depth * static_cast<std::size_t>(indent_), ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (members_.empty()) return;
    if (members_.back()++ > 0) text_ += ',';
    if (indent_ >= 0) newline(members_.size());
}

void JsonWriter::open(char bracket) {
    before_value();
    text_ += bracket;
    members_.push_back(0);
}

void JsonWriter::close(char bracket) {
    std::size_t had = members_.back();
    members_.pop_back();
    if (indent_ >= 0 && had > 0) newline(members_.size());
    text_ += bracket;
}

void JsonWriter::key(std::string_view name) {
    before_value();
    quoted(name);
    text_ += indent_ >= 0 ? ": " : ":";
    after_key_ = true;
}

void JsonWriter::string(std::string_view s) {
    before_value();
    quoted(s);
}

void JsonWriter::number(long long n) {
    before_value();
    char digits[24];
    auto r = std::to_chars(digits, digits + sizeof digits, n);
    text_.append(digits, r.ptr);
}

void JsonWriter::boolean(bool b) {
    before_value();
    text_ += b ? "true" : "false";
}

void JsonWriter::null() {
    before_value();
    text_ += "null";
}

void JsonWriter::quoted(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    std::size_t start = text_.size();
    text_ += '"';
    std::size_t plain = 0;  // the start of the run not yet copied
    for (std::size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            std::size_t n = utf8_length(s, i, c);
            if (n == 0) {  // rare (files are checked when read): nlohmann's own replacement
                text_.resize(start);
                text_ += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
                return;
            }
            i += n;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        text_.append(s.data() + plain, i - plain);
        plain = ++i;
        switch (c) {
            case '"':
                text_ += "\\\"";
                break;
            case '\\':
                text_ += "\\\\";
                break;
            case '\b':
                text_ += "\\b";
                break;
            case '\f':
                text_ += "\\f";
                break;
            case '\n':
                text_ += "\\n";
                break;
            case '\r':
                text_ += "\\r";
                break;
            case '\t':
                text_ += "\\t";
                break;
            default: {
                const char u[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                text_.append(u, sizeof u);
            }
        }
    }
    text_.append(s.data() + plain, s.size() - plain);
    text_ += '"';
}

void write_fields(JsonWriter& out, const Summary& s, const std::vector<const Field*>& fields, const Config& cfg,
                  Timestamp now) {
    out.begin_object();
    for (const Field* f : fields) {
        out.key(f->name);
        Value v = field_value(s, *f, cfg, now);
        if (!v.present) {
            out.null();
            continue;
        }
        switch (f->kind) {
            case FieldKind::duration:
            case FieldKind::number:
                out.number(v.number);
                break;
            case FieldKind::boolean:
                out.boolean(v.number != 0);
                break;
            case FieldKind::tags:
                out.begin_array();
                for (const auto& t : v.list) out.string(t);
                out.end_array();
                break;
            default:
                if (v.text.empty())
                    out.null();
                else
                    out.string(v.text);
        }
    }
    out.end_object();
}

}  // namespace incident
