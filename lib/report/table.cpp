#include "report/table.hpp"

#include <cctype>
#include <string_view>

#include "model/text.hpp"

namespace incident {

namespace {

constexpr auto npos = std::string_view::npos;

// A spreadsheet would read the cell as a formula (OWASP, "CSV Injection").
bool formula_like(const std::string& s) {
    return !s.empty() && std::string_view("=+-@\t\r").find(s[0]) != npos && !is_yaml_real(s);
}

std::string csv_field(const std::string& s, CsvCells cells) {
    if (cells == CsvCells::defused && formula_like(s)) return "\"'" + swap_chars(s, {{'"', "\"\""}}) + "\"";
    if (s.find_first_of(",\"\r\n") == npos) return s;
    return "\"" + swap_chars(s, {{'"', "\"\""}}) + "\"";
}

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// s[i] would let GFM's extended autolinks make a link: the ':' of "scheme://",
// the '.' of a "www." that starts a word (an e-mail address needs '@',
// escaped anyway).
bool links(std::string_view s, std::size_t i) {
    if (s[i] == ':') return s.substr(i + 1, 2) == "//";
    return s[i] == '.' && i >= 3 && ascii_lower(s.substr(i - 3, 3)) == "www" && (i == 3 || !word_char(s[i - 4]));
}

}  // namespace

std::string markdown_cell(const std::string& s) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c == '\r') continue;
        if (c == '&' || c == '<' || c == '>' || c == '\n') {
            out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : c == '>' ? "&gt;" : "<br>";
            continue;
        }
        if (std::string_view("\\`*_[]|~#@").find(c) != npos || links(s, i)) out += '\\';
        out += c;
    }
    return out.empty() ? " " : out;
}

std::string to_csv(const Table& t, CsvCells cells) {
    std::string out;
    auto line = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size(); ++i) out += (i ? "," : "") + csv_field(row[i], cells);
        out += "\r\n";
    };
    line(t.headers);
    for (const auto& r : t.rows) line(r);
    return out;
}

std::string to_markdown(const Table& t, int heading_level) {
    std::string out;
    if (!t.title.empty()) out += std::string(static_cast<std::size_t>(heading_level), '#') + " " + t.title + "\n\n";
    auto line = [&](const std::vector<std::string>& cells) {
        out += "|";
        for (const auto& c : cells) out += " " + markdown_cell(c) + " |";
        out += "\n";
    };
    line(t.headers);
    out += "|";
    for (std::size_t i = 0; i < t.headers.size(); ++i) out += " --- |";
    out += "\n";
    for (const auto& r : t.rows) line(r);
    return out;
}

std::string html_escape(const std::string& s) {
    return swap_chars(s, {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}});
}

}  // namespace incident
