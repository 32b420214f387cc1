// How commands print: JSON through one helper, aligned tables, colour only on
// a TTY without NO_COLOR, warnings and errors on stderr.
#pragma once

#include <nlohmann/json.hpp>
#include <streambuf>
#include <string>
#include <vector>

#include "context.hpp"
#include "effects/hooks.hpp"
#include "model/terminal.hpp"
#include "report/table.hpp"

namespace incident {
struct PageReport;
}

namespace incident::cli {

// While it lives, everything written to `stream` goes through TerminalText:
// installed on stdout and stderr when they are terminals, so no title or
// note can move the cursor, retitle the window or hide text.
class TerminalGuard : private std::streambuf {
public:
    TerminalGuard(std::ostream& stream, bool allow_colour);
    ~TerminalGuard() override;
    TerminalGuard(const TerminalGuard&) = delete;
    TerminalGuard& operator=(const TerminalGuard&) = delete;

private:
    int overflow(int c) override;
    std::streamsize xsputn(const char* s, std::streamsize n) override;
    int sync() override;

    std::ostream& stream_;
    std::streambuf* target_;
    TerminalText filter_;
};

// Indented, or on one line for ndjson.
void print_json(const Io& io, const nlohmann::ordered_json& doc, bool one_line = false);
// Findings of validate and rules lint: a JSON array, or lines "FILE:LINE:COL: SEVERITY: MESSAGE".
nlohmann::ordered_json findings_json(const std::vector<Finding>& findings);
void print_findings(std::ostream& out, const std::vector<Finding>& findings);

// --format of list and report; --json is short for --format json.
enum class Format { table, json, ndjson, csv, markdown, html };
void add_format_flags(CLI::App* cmd, std::string& format, bool& json);
Format resolve_format(const std::string& format, bool json);
// --raw of the commands that write CSV: cells as stored, not defused against
// spreadsheet formulas. Only with --format csv (a usage error otherwise).
void add_raw_flag(CLI::App* cmd, bool& raw);
CsvCells csv_cells(Format format, bool raw);
void print_warnings(const Io& io, const std::vector<std::string>& warnings);
// What paging did, on stderr: each page fired, then what was delivered and
// what stays queued (a command whose own output is its change, serve's log).
void print_pages(const Io& io, const PageReport& pages);
// The after-change hooks that ran (stderr), and their warnings.
void print_hook_report(const Io& io, const HookReport& hooks);

// SGR colour when enabled: paint(io, "31", "text").
std::string paint(const Io& io, const char* sgr, const std::string& text);
std::string paint_priority(const Io& io, const std::string& priority);
std::string paint_status(const Io& io, Status s);

// Left-aligned columns; widths measured in characters, not bytes.
void print_table(const Io& io, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows);

// Display width of UTF-8 text (code points; escapes count zero).
size_t display_width(const std::string& s);
std::string truncate(const std::string& s, size_t width);
std::string upper(std::string s);

// The outcome of a change: JSON of the incident with --json; otherwise one
// line. Dry runs say so and print what would be written.
void print_change(const Io& io, const ChangeResult& r, bool json, bool dry_run);

// Names each incident file that could not be read, then fails with exit 4.
// Commands call it after printing what they could read.
void fail_on_unreadable(const Io& io, const std::vector<InvalidData>& errors, const char* where = "incidents",
                        const char* what = "incident file(s)");

// One line for an event: "escalated L1 -> L2 (kind functional): reason".
std::string describe_event(const Event& e);

// The full human view of `incident show`.
void print_incident(const Io& io, const Incident& inc, Timestamp now,
                    const std::map<std::string, Runbook>& runbooks = {});

}  // namespace incident::cli
