#include "model/text.hpp"

#include <algorithm>
#include <cctype>

namespace incident {

std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

std::string one_line(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        // U+0080-U+009F: 0xC2 then 0x80-0x9F.
        const bool c1 = c == 0xC2 && i + 1 < s.size() && (static_cast<unsigned char>(s[i + 1]) & 0xE0) == 0x80;
        if (c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f') {
            out += ' ';
        } else if (c < 0x20 || c == 0x7F || c1) {
            out += "\xEF\xBF\xBD";
            i += c1 ? 1 : 0;
        } else {
            out += static_cast<char>(c);
        }
    }
    return out;
}

std::vector<std::string> split(const std::string& s, char sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t end; (end = s.find(sep, start)) != std::string::npos; start = end + 1)
        out.push_back(s.substr(start, end - start));
    if (start < s.size()) out.push_back(s.substr(start));
    return out;
}

std::string join(const std::vector<std::string>& items, std::string_view sep) {
    std::string s;
    for (const auto& x : items) s += (s.empty() ? std::string() : std::string(sep)) + x;
    return s;
}

std::string swap_chars(std::string_view s, std::initializer_list<CharSwap> swaps) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        const CharSwap* hit = nullptr;
        for (const auto& w : swaps)
            if (w.from == c) hit = &w;
        if (hit)
            out += hit->to;
        else
            out += c;
    }
    return out;
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// Consumes a run of digits from `s` at `i`; returns how many.
std::size_t digits_at(std::string_view s, std::size_t& i) {
    std::size_t start = i;
    while (i < s.size() && digit(s[i])) ++i;
    return i - start;
}

std::string_view without_sign(std::string_view s) {
    return !s.empty() && (s[0] == '-' || s[0] == '+') ? s.substr(1) : s;
}

// [eE][-+]?\d+ from i to the end, or nothing at all.
bool exponent_rest(std::string_view s, std::size_t i) {
    if (i == s.size()) return true;
    if (s[i] != 'e' && s[i] != 'E') return false;
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    return digits_at(s, i) > 0 && i == s.size();
}

// (\d[\d_]*)?\.?\d+ followed by an exponent: YAML 1.1's numbers with '_' separators.
bool yaml11_number(std::string_view s) {
    std::size_t e = s.find_first_of("eE");
    std::string_view m = s.substr(0, e);
    std::size_t dot = m.find('.');
    std::string_view whole = m.substr(0, dot), frac = dot == std::string_view::npos ? "" : m.substr(dot + 1);
    auto digits_or_underscores = [](std::string_view r) {
        for (char c : r)
            if (!digit(c) && c != '_') return false;
        return true;
    };
    bool ok;
    if (dot == std::string_view::npos)  // D ending in a digit
        ok = !whole.empty() && digit(whole.front()) && digit(whole.back()) && digits_or_underscores(whole);
    else
        ok = (whole.empty() || (digit(whole.front()) && digits_or_underscores(whole))) && !frac.empty() &&
             all_digits(frac);
    return ok && exponent_rest(s, e == std::string_view::npos ? s.size() : e);
}

bool prefixed(std::string_view s, std::string_view prefix, bool (*accept)(char)) {
    if (s.size() <= prefix.size() || s.substr(0, prefix.size()) != prefix) return false;
    for (char c : s.substr(prefix.size()))
        if (!accept(c)) return false;
    return true;
}

}  // namespace

bool is_sha256_text(std::string_view s) {
    return s.size() == 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!digit(c)) return false;
    return true;
}

bool is_identifier(std::string_view s, std::size_t max_len) {
    if (s.empty() || s.size() > max_len || !(alpha(s[0]) || s[0] == '_')) return false;
    for (char c : s)
        if (!alpha(c) && !digit(c) && c != '_') return false;
    return true;
}

bool is_alnum_word(std::string_view s, std::size_t max_len) {
    if (s.empty() || s.size() > max_len || !alpha(s[0])) return false;
    for (char c : s)
        if (!alpha(c) && !digit(c)) return false;
    return true;
}

bool is_yaml_integer(std::string_view s) {
    std::string_view d = without_sign(s);
    return d.size() <= 18 && all_digits(d);
}

bool is_yaml_real(std::string_view s) {
    std::string_view d = without_sign(s);
    std::size_t i = 0;
    std::size_t whole = digits_at(d, i);
    if (i < d.size() && d[i] == '.') {
        ++i;
        std::size_t frac = digits_at(d, i);
        if (whole == 0 && frac == 0) return false;
    } else if (whole == 0) {
        return false;
    }
    return exponent_rest(d, i);
}

bool is_yaml_non_string(std::string_view s) {
    static constexpr std::string_view words[] = {
        "~",    "null", "Null", "NULL", "true", "True", "TRUE",  "false", "False", "FALSE", "yes",   "Yes",  "YES",
        "no",   "No",   "NO",   "on",   "On",   "ON",   "off",   "Off",   "OFF",   "y",     "Y",     "n",    "N",
        ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"};
    for (auto w : words)
        if (s == w) return true;
    auto hex = [](char c) { return digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); };
    auto oct = [](char c) { return c >= '0' && c <= '7'; };
    // Whatever yaml_to_json reads as a number must be quoted when it is text ("0.", "1e5").
    return is_yaml_integer(s) || is_yaml_real(s) || yaml11_number(without_sign(s)) || prefixed(s, "0x", hex) ||
           prefixed(s, "0o", oct);
}

}  // namespace incident
