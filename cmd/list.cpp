// incident list: the incidents a filter keeps, sorted, in any output format.
#include <algorithm>

#include "commands.hpp"
#include "output.hpp"
#include "query/query.hpp"
#include "report/json_writer.hpp"
#include "report/render.hpp"

namespace incident::cli {

struct ListOptions {
    std::vector<std::string> status, priority, service, team;
    bool all = false;
    QueryFlags query;
    std::string sort, fields, format;
    int limit = 0;
    bool raw = false;  // CSV cells not defused
    CommonFlags flags;
};

namespace {

const char* kTableFields = "id,priority,status,age,service,assignee,title";

std::string cell(const Io& io, const Value& v, const Field& f, bool painted) {
    std::string text = format_value(v, f, true);
    if (text.empty()) return "-";
    if (!painted) return text;
    if (f.name == "priority") return paint_priority(io, text);
    if (f.name == "status") return paint_status(io, *parse_status(text));
    if (f.name == "title") return truncate(text, 60);
    return text;
}

}  // namespace

namespace {

// --fields, or every field for JSON, or the table's default columns.
std::vector<const Field*> chosen_fields(const std::string& text, bool machine) {
    if (!text.empty()) return parse_fields(text, "--fields");
    if (!machine) return parse_fields(kTableFields);
    std::vector<const Field*> fields;
    for (const auto& f : query_fields()) fields.push_back(&f);
    return fields;
}

// JSON or NDJSON, written row by row as the text grows, never as one
// document. A field asked for twice is one member, where it first appears.
void write_json_rows(const Io& io, const std::vector<const Summary*>& rows, const std::vector<const Field*>& fields,
                     bool array, const Config& config, Timestamp now) {
    *io.wrote_json = true;
    std::vector<const Field*> members;
    for (const auto* f : fields)
        if (std::find(members.begin(), members.end(), f) == members.end()) members.push_back(f);
    JsonWriter out(array ? 2 : -1);
    auto drain = [&] {
        io.out.write(out.text().data(), static_cast<std::streamsize>(out.text().size()));
        out.text().clear();
    };
    if (array) out.begin_array();
    for (const auto* s : rows) {
        write_fields(out, *s, members, config, now);
        if (!array) out.text() += '\n';
        if (out.text().size() >= 1 << 16) drain();
    }
    if (array) {
        out.end_array();
        out.text() += '\n';
    }
    drain();
}

// The table, CSV, Markdown or HTML.
void write_table_rows(const Io& io, const std::vector<const Summary*>& rows, const std::vector<const Field*>& fields,
                      Format format, CsvCells cells, const Config& config, Timestamp now) {
    Table table{"", {}, {}};
    for (const auto* f : fields) table.headers.push_back(format == Format::table ? upper(f->name) : f->name);
    bool painted = format == Format::table;
    for (const auto* s : rows) {
        std::vector<std::string> r;
        for (const auto* f : fields) {
            Value v = field_value(*s, *f, config, now);
            r.push_back(format == Format::csv ? format_value(v, *f, false) : cell(io, v, *f, painted));
        }
        table.rows.push_back(std::move(r));
    }
    switch (format) {
        case Format::csv:
            io.out << to_csv(table, cells);
            break;
        case Format::markdown:
            io.out << to_markdown(table);
            break;
        case Format::html:
            io.out << html_page("Incidents", html_table(table));
            break;
        default:
            if (table.rows.empty()) {
                io.err << "no incidents match\n";  // stdout stays empty for scripts
            } else {
                print_table(io, table.headers, table.rows);
            }
    }
}

}  // namespace

void run_list(const ListOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    for (const auto& s : opts.status)
        if (!parse_status(s)) throw UsageError("--status: unknown status '" + s + "'", "use one of: " + status_names());
    Format format = resolve_format(opts.format, opts.flags.json);
    CsvCells cells = csv_cells(format, opts.raw);
    if (opts.limit < 0) throw UsageError("--limit must be 0 (no limit) or more");
    auto sort = opts.sort.empty() ? std::vector<SortKey>{} : parse_sort(opts.sort, "--sort");
    bool machine = format == Format::json || format == Format::ndjson;
    std::vector<const Field*> fields = chosen_fields(opts.fields, machine);
    // Closed incidents are history: shown when asked for by --all, --status or --where.
    bool hide_closed = !opts.all && opts.status.empty() && opts.query.where.empty();
    auto sel = select_incidents(ws, opts.query, ctx.now, [&](const Summary& s) {
        return !(hide_closed && s.status == Status::closed) && allowed(opts.status, to_string(s.status)) &&
               allowed(opts.priority, s.priority) && allowed(opts.service, s.service) && allowed(opts.team, s.team);
    });
    auto& rows = sel.rows;
    if (!sort.empty()) sort_summaries(rows, sort, ws.config, ctx.now);
    if (opts.limit > 0 && rows.size() > static_cast<std::size_t>(opts.limit))
        rows.resize(static_cast<std::size_t>(opts.limit));
    if (machine)
        write_json_rows(ctx.io, rows, fields, format == Format::json, ws.config, ctx.now);
    else
        write_table_rows(ctx.io, rows, fields, format, cells, ws.config, ctx.now);
    // Show what can be read, then fail loudly about what cannot.
    fail_on_unreadable(ctx.io, sel.index.errors);
}

void register_list(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = app.add_subcommand("list", "List incidents (closed ones only with --all, --status or --where)");
    add_query_flags(cmd, opts->query);
    cmd->add_option("--status", opts->status, "Only these statuses; repeat or comma-separate")->delimiter(',');
    cmd->add_option("-p,--priority", opts->priority, "Only these priorities")->delimiter(',');
    cmd->add_option("-s,--service", opts->service, "Only these services")->delimiter(',');
    cmd->add_option("--team", opts->team, "Only these teams")->delimiter(',');
    cmd->add_flag("-a,--all", opts->all, "Include closed incidents");
    cmd->add_option("--sort", opts->sort, "Sort by these fields; '-' before one for descending, e.g. priority,-opened")
        ->type_name("FIELDS");
    cmd->add_option("--limit", opts->limit, "At most this many incidents (after sorting)")->type_name("N");
    cmd->add_option("--fields", opts->fields, "Columns to show, e.g. id,priority,sla,title (see incident-list(1))")
        ->type_name("FIELDS");
    add_format_flags(cmd, opts->format, opts->flags.json);
    add_raw_flag(cmd, opts->raw);
    cmd->footer("\n" + query_help());
    cmd->callback([opts, &ctx] { run_list(*opts, ctx); });
}

}  // namespace incident::cli
