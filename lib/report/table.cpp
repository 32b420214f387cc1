#include "report/table.hpp"

#include "model/text.hpp"

namespace incident {

namespace {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    return "\"" + swap_chars(s, {{'"', "\"\""}}) + "\"";
}

std::string md_cell(const std::string& s) {
    std::string out = swap_chars(s, {{'|', "\\|"}, {'\n', "<br>"}, {'\r', ""}});
    return out.empty() ? " " : out;
}

}  // namespace

std::string to_csv(const Table& t) {
    std::string out;
    auto line = [&](const std::vector<std::string>& cells) {
        for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + csv_field(cells[i]);
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
        for (const auto& c : cells) out += " " + md_cell(c) + " |";
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
