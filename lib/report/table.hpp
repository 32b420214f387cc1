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

// How CSV cells are written. `defused` (the default) keeps a spreadsheet from
// taking a cell as a formula (OWASP, "CSV Injection"): a cell that starts
// with =, +, -, @, tab or CR gets a leading ' and is quoted (a plain number
// such as -5 or -1.5 is left as it is: a spreadsheet reads it as a number,
// never as a formula). `raw` writes cells as they are (still quoted per RFC 4180).
enum class CsvCells { defused, raw };

// CRLF line ends; fields quoted when they hold a comma, quote, CR or LF.
std::string to_csv(const Table& t, CsvCells cells = CsvCells::defused);
// Cells made inert for GitHub Markdown and pandoc: &, < and > as entities
// (no raw HTML), a backslash before Markdown punctuation, autolinks broken,
// line breaks as <br>. The title, when set, as a heading.
std::string to_markdown(const Table& t, int heading_level = 2);
// One cell's text as to_markdown writes it.
std::string markdown_cell(const std::string& s);
// &, <, >, " and ' as entities.
std::string html_escape(const std::string& s);

}  // namespace incident
