#include "output.hpp"

#include <iostream>

#include "page/pager.hpp"

namespace incident::cli {

TerminalGuard::TerminalGuard(std::ostream& stream, bool allow_colour)
    : stream_(stream), target_(stream.rdbuf(this)), filter_(allow_colour) {}

TerminalGuard::~TerminalGuard() {
    stream_.rdbuf(target_);
    std::string rest = filter_.finish();
    target_->sputn(rest.data(), static_cast<std::streamsize>(rest.size()));
    target_->pubsync();
}

int TerminalGuard::overflow(int c) {
    if (c == traits_type::eof()) return traits_type::not_eof(c);
    char ch = static_cast<char>(c);
    xsputn(&ch, 1);
    return c;
}

std::streamsize TerminalGuard::xsputn(const char* s, std::streamsize n) {
    std::string shown = filter_.feed(std::string_view(s, static_cast<std::size_t>(n)));
    target_->sputn(shown.data(), static_cast<std::streamsize>(shown.size()));
    return n;
}

int TerminalGuard::sync() { return target_->pubsync(); }

void print_json(const Io& io, const nlohmann::ordered_json& doc, bool one_line) {
    *io.wrote_json = true;
    io.out << doc.dump(one_line ? -1 : 2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void add_format_flags(CLI::App* cmd, std::string& format, bool& json) {
    cmd->add_option("-f,--format", format, "table (default), json, ndjson, csv, markdown or html")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"table", "json", "ndjson", "csv", "markdown", "html"}));
    cmd->add_flag("--json", json, "Same as --format json");
}

Format resolve_format(const std::string& format, bool json) {
    if (json && !format.empty() && format != "json") throw UsageError("--json and --format " + format + " disagree");
    if (json || format == "json") return Format::json;
    if (format == "ndjson") return Format::ndjson;
    if (format == "csv") return Format::csv;
    if (format == "markdown") return Format::markdown;
    if (format == "html") return Format::html;
    return Format::table;
}

void add_raw_flag(CLI::App* cmd, bool& raw) {
    cmd->add_flag("--raw", raw,
                  "With --format csv: cells exactly as stored; by default a cell starting with =, +, -, @, tab or "
                  "CR gets a leading ' so spreadsheets do not run it as a formula");
}

CsvCells csv_cells(Format format, bool raw) {
    if (raw && format != Format::csv) throw UsageError("--raw applies to --format csv only");
    return raw ? CsvCells::raw : CsvCells::defused;
}

nlohmann::ordered_json findings_json(const std::vector<Finding>& findings) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& f : findings)
        arr.push_back({{"file", f.where.file},
                       {"line", f.where.line},
                       {"column", f.where.column},
                       {"severity", f.severity},
                       {"message", f.message}});
    return arr;
}

void print_findings(std::ostream& out, const std::vector<Finding>& findings) {
    for (const auto& f : findings) out << f.where.str() << ": " << f.severity << ": " << f.message << "\n";
}

void print_pages(const Io& io, const PageReport& r) {
    for (const auto& o : r.opened) io.err << "incident: opened " << o << "\n";
    for (const auto& p : r.paged)
        for (const auto& e : p.events) io.err << "incident: " << p.id << " " << e.text << "\n";
    print_warnings(io, r.warnings);
    for (const auto& s : r.sent) io.err << "incident: paged " << s << "\n";
    print_warnings(io, r.queued);
}

void print_hook_report(const Io& io, const HookReport& r) {
    for (const auto& o : r.ran)
        if (o.run.ok()) io.err << "incident: hook " << o.hook << " ran for " << o.id << " " << o.event << "\n";
    print_warnings(io, r.warnings);
}

void print_warnings(const Io& io, const std::vector<std::string>& warnings) {
    for (const auto& w : warnings) io.err << "incident: warning: " << w << "\n";
}

std::string paint(const Io& io, const char* sgr, const std::string& text) {
    if (!io.color || text.empty()) return text;
    // Keyed: the terminal guard passes these, and no colour code from data.
    return colour_sequence(sgr) + text + colour_sequence("0");
}

std::string paint_priority(const Io& io, const std::string& p) {
    if (p == "P1") return paint(io, "1;31", p);
    if (p == "P2") return paint(io, "31", p);
    if (p == "P3") return paint(io, "33", p);
    return p;
}

std::string paint_status(const Io& io, Status s) {
    std::string t(to_string(s));
    switch (s) {
        case Status::open:
            return paint(io, "1;31", t);
        case Status::triaged:
        case Status::investigating:
            return paint(io, "33", t);
        case Status::mitigated:
            return paint(io, "36", t);
        case Status::resolved:
            return paint(io, "32", t);
        case Status::closed:
            return paint(io, "2", t);
    }
    return t;
}

size_t display_width(const std::string& s) {
    size_t w = 0;
    bool esc = false;
    for (unsigned char c : s) {
        if (esc) {
            if (c == 'm') esc = false;
            continue;
        }
        if (c == 0x1b) {
            esc = true;
            continue;
        }
        if ((c & 0xC0) != 0x80) ++w;
    }
    return w;
}

std::string truncate(const std::string& s, size_t width) {
    if (display_width(s) <= width) return s;
    std::string out;
    size_t w = 0;
    for (size_t i = 0; i < s.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(s[i]);
        if ((c & 0xC0) != 0x80) {
            if (w + 1 >= width) break;
            ++w;
        }
        out += s[i];
    }
    return out + "…";
}

void print_table(const Io& io, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows) {
    std::vector<size_t> widths(header.size(), 0);
    for (size_t i = 0; i < header.size(); ++i) widths[i] = display_width(header[i]);
    for (const auto& row : rows)
        for (size_t i = 0; i < row.size() && i < widths.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]));
    auto line = [&](const std::vector<std::string>& cells, bool bold) {
        std::string s;
        for (size_t i = 0; i < cells.size(); ++i) {
            std::string cell = bold ? paint(io, "1", cells[i]) : cells[i];
            s += cell;
            if (i + 1 < cells.size()) s += std::string(widths[i] - display_width(cells[i]) + 2, ' ');
        }
        io.out << s << "\n";
    };
    line(header, true);
    for (const auto& row : rows) line(row, false);
}

std::string upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

void fail_on_unreadable(const Io& io, const std::vector<InvalidData>& errors, const char* where, const char* what) {
    for (const auto& e : errors) io.err << "incident: error: " << e.what() << "\n";
    if (!errors.empty())
        throw InvalidData(Location{where}, std::to_string(errors.size()) + " " + what + " could not be read");
}

std::string describe_event(const Event& e) {
    std::string s = e.type;
    std::string from = e.get("from"), to = e.get("to");
    if (!from.empty() && !to.empty())
        s += " " + from + " -> " + to;
    else if (!to.empty())
        s += " -> " + to;
    if (auto role = e.get("role"); !role.empty()) s += " (" + role + ")";
    if (auto kind = e.get("kind"); !kind.empty()) s += " (" + kind + ")";
    if (auto tt = e.get("to_team"); !tt.empty()) s += " team " + e.get("from_team") + " -> " + tt;
    if (auto p = e.get("priority"); !p.empty()) s += " [" + p + "]";
    if (auto c = e.get("code"); !c.empty()) s += " [" + c + "]";
    if (auto c = e.get("confirmed_by"); !c.empty()) s += " (confirmed by " + c + ")";
    if (e.type == "hook") s += " " + e.get("hook") + " on " + e.get("on") + ", " + e.get("outcome");
    if (!e.text.empty()) s += ": " + e.text;
    return s;
}

void print_change(const Io& io, const ChangeResult& r, bool json, bool dry_run) {
    print_warnings(io, r.warnings);
    if (json) {
        auto doc = incident_to_json(r.incident);
        print_json(io, doc);
        return;
    }
    if (dry_run) io.out << "dry run: nothing written. ";
    io.out << r.incident.id << ": " << describe_event(r.event) << " (" << to_string(r.incident.status) << ")\n";
}

namespace {

// The checklist, and the links of the runbooks attached (as `runbooks` has them).
void print_tasks(const Io& io, const Incident& inc, const std::map<std::string, Runbook>& runbooks) {
    for (const auto& e : inc.timeline) {
        if (e.type != "runbook") continue;
        auto rb = runbooks.find(e.get("runbook"));
        if (rb == runbooks.end()) continue;
        io.out << "\n  " << paint(io, "1", "Runbook " + rb->first) << "  " << rb->second.title << "\n";
        for (const auto& l : rb->second.links)
            io.out << "  " << l.text << (l.text == l.url ? "" : "  " + l.url) << "\n";
    }
    if (inc.tasks.empty()) return;
    auto done = std::count_if(inc.tasks.begin(), inc.tasks.end(), [](const Task& t) { return t.done_at.has_value(); });
    io.out << "\n  " << paint(io, "1", "Tasks") << "  " << done << " of " << inc.tasks.size() << " done\n";
    for (const auto& t : inc.tasks)
        io.out << "  " << (t.done_at ? "[x] " : "[ ] ") << t.id << "  " << t.title
               << (t.done_at ? paint(io, "2", "  (" + t.done_by + ", " + format_rfc3339(*t.done_at) + ")") : "")
               << "\n";
}

}  // namespace

void print_incident(const Io& io, const Incident& inc, Timestamp now, const std::map<std::string, Runbook>& runbooks) {
    // Labels are padded to 14 columns; a longer one (a role such as
    // incident-commander) is followed by two spaces.
    auto row = [&](const std::string& label, const std::string& value) {
        if (value.empty()) return;
        std::size_t width = display_width(label);
        io.out << "  " << paint(io, "2", label) << std::string(width < 14 ? 14 - width : 2, ' ') << value << "\n";
    };
    auto time = [&](const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : std::string{}; };
    io.out << paint(io, "1", inc.id) << "  " << paint_priority(io, inc.priority) << (inc.priority.empty() ? "" : "  ")
           << paint_status(io, inc.status) << (inc.drill ? "  [drill]" : "") << "\n";
    io.out << "  " << paint(io, "1", inc.title) << "\n\n";
    row("service", inc.service);
    std::string cat = inc.category + (inc.subcategory.empty() ? "" : " / " + inc.subcategory);
    row("category", cat);
    if (!inc.impact.empty() || !inc.urgency.empty()) row("impact", inc.impact + " x urgency " + inc.urgency);
    row("priority", inc.priority.empty() ? "" : inc.priority + "  (" + inc.priority_reason + ")");
    row("reporter", inc.reporter);
    row("assignee", inc.assignee);
    row("team", inc.team + (inc.tier.empty() ? "" : " / " + inc.tier));
    for (const auto& [role, who] : inc.roles) row(role, who);
    std::string tags;
    for (const auto& t : inc.tags) tags += (tags.empty() ? "" : ", ") + t;
    row("tags", tags);
    std::string rel;
    for (const auto& t : inc.related) rel += (rel.empty() ? "" : ", ") + t;
    row("related", rel);
    row("problem", inc.problem);
    row("location", inc.location);
    row("started", time(inc.started_at));
    row("detected", time(inc.detected_at));
    if (inc.opened_at) row("opened", time(inc.opened_at) + "  (" + format_duration(now - *inc.opened_at) + " ago)");
    row("acknowledged", time(inc.acknowledged_at));
    row("mitigated", time(inc.mitigated_at));
    row("resolved", time(inc.resolved_at));
    row("closed", time(inc.closed_at));
    if (inc.resolution) row("resolution", inc.resolution->code + ": " + inc.resolution->summary);
    if (!inc.description.empty()) {
        io.out << "\n";
        std::string line;
        for (char c : inc.description + "\n") {
            if (c == '\n') {
                io.out << "  " << line << "\n";
                line.clear();
            } else {
                line += c;
            }
        }
    }
    print_tasks(io, inc, runbooks);
    if (!inc.timeline.empty()) {
        io.out << "\n  " << paint(io, "1", "Timeline") << "\n";
        for (const auto& e : inc.timeline)
            io.out << "  " << paint(io, "2", format_rfc3339(e.at)) << "  " << (e.by.empty() ? "-" : e.by) << "  "
                   << describe_event(e) << "\n";
    }
}

}  // namespace incident::cli
