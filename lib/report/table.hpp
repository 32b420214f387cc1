// Plain tables and the text formats they are written in: CSV (RFC 4180)
// and Markdown (GitHub pipe tables); shared by list and report.
#pragma once

#include <string>
#include <vector>

namespace incident {

struct Table {
    std::string title;
    std::vector<std::string> headers;
    std::vector<std::vector<std::string>> rows;
};

// CRLF line ends; fields quoted when they hold a comma, quote, CR or LF.
std::string to_csv(const Table& t);
// Pipes and line breaks in cells escaped; the title, when set, as a heading.
std::string to_markdown(const Table& t, int heading_level = 2);
// &, <, >, " and ' as entities.
std::string html_escape(const std::string& s);

}  // namespace incident
