// incident report: MTTD, MTTA, MTTR, MTBF, SLA compliance, backlog, effort,
// overdue action items and paging over a period, in any output format.
#include "commands.hpp"
#include "history/history.hpp"
#include "output.hpp"
#include "report/render.hpp"

namespace incident::cli {

struct ReportOptions {
    std::string since, until, by = "none", format, as_of;
    bool include_drills = false;
    bool raw = false;  // CSV cells not defused
    QueryFlags query;
    CommonFlags flags;
};

namespace {

constexpr const char* kFigures = R"(
Population: incidents the filter keeps, drills left out unless
--include-drills, opened in [--since, --until). Durations are given as mean,
median (middle value, or mean of the two middle values) and p90 (nearest
rank: the ceil(0.9 n)-th smallest); tables show median (p90).
Figures:
  incidents    incidents opened in the period
  resolved     of those, how many have been resolved
  backlog      incidents opened before --until and not resolved by then
               (a closed file without a resolution time counts as resolved
               when closed), whenever they were opened
  backlog age  --until minus opened, over the backlog
  MTTD         detected_at minus started_at, where both are known
  MTTA         acknowledged_at minus opened_at, over acknowledged incidents
  MTTR         resolved_at minus opened_at, over resolved incidents (the
               last resolution, for reopened ones)
  MTBF         per service, the start of an incident (started_at, else
               detected_at, else opened_at) minus the resolution of the
               service's previous incident in the same group; 0 when they
               overlap; pairs whose earlier incident is unresolved are left out
  respond SLA  met / (met + missed) x 100 over respond clocks that have
               stopped (met, missed) or are running past their target
               (breached); clocks running in time are not counted
  resolve SLA  the same for the resolve clock
  escalations  escalated events, functional and hierarchical
  reopens      reopened events
  effort       per person: incidents with a timeline event by them, their
               events, and engaged time = their last event minus their first,
               summed over incidents
  overdue      action items not done whose due date is before today, over
  actions      every incident the filter keeps, whatever its period
  weeks        ISO weeks of the period: incidents by priority and MTTR of
               those opened that week (the charts)
Paging (shown when an incident of the period was paged; a page is a `paged`
timeline event with outcome queued, one per person and contact method):
  incidents paged     incidents of the period with a page
  time to first page  their first page minus opened_at
  pages per incident  pages over paged incidents: mean and maximum
  acknowledged at     per step, acknowledged paged incidents whose last page
  step                at or before acknowledged_at was at that step; those
                      with none by then: "before any page"
  pages per person    pages, and of them out of office hours (outside the
                      config's business_hours)
)";

}  // namespace

void run_report(const ReportOptions& opts, const Context& here) {
    Workspace ws = open_workspace(here);
    // --as-of: the files, the config and "now" as they were at that commit.
    Context ctx = here;
    QueryFlags query = opts.query;
    if (!opts.as_of.empty()) {
        Snapshot past = snapshot_at(ws.repo, opts.as_of);
        ws = incident::open_workspace(past.root, ctx.io.env);
        ctx.now = Timestamp{Seconds{past.committed}};
        query.no_cache = true;  // the cache describes the work tree
    }
    Format format = resolve_format(opts.format, opts.flags.json);
    CsvCells cells = csv_cells(format, opts.raw);
    ReportRequest req;
    req.now = ctx.now;
    // The end is exclusive; by default it takes in what was opened this very second.
    req.until = opts.until.empty() ? ctx.now + Seconds{1} : resolve_time(ctx, opts.until, "--until");
    req.since = opts.since.empty() ? req.until - std::chrono::days{30} : resolve_time(ctx, opts.since, "--since");
    if (req.since >= req.until) throw UsageError("--since must be before --until");
    auto by = parse_group_by(opts.by);
    if (!by) throw UsageError("--by: cannot group by '" + opts.by + "'", "group by one of: " + group_by_names());
    req.by = *by;
    req.include_drills = opts.include_drills;
    req.where = opts.query.where;
    auto sel = select_incidents(ws, query, ctx.now);
    Report r = build_report(sel.rows, req, ws.config);
    deadline_outcomes(r, sel.rows, ws.store, ws.config);
    switch (format) {
        case Format::json:
            print_json(ctx.io, report_to_json(r));
            break;
        case Format::ndjson:
            for (const auto& rec : report_to_records(r)) print_json(ctx.io, rec, true);
            break;
        case Format::csv:
            ctx.io.out << to_csv(report_figures_table(r), cells);
            break;
        case Format::markdown:
            ctx.io.out << report_markdown(r);
            break;
        case Format::html:
            ctx.io.out << report_html(r);
            break;
        case Format::table: {
            ctx.io.out << paint(ctx.io, "1",
                                "Incidents opened " + format_rfc3339(req.since) + " to " + format_rfc3339(req.until))
                       << (req.include_drills ? "" : " (drills excluded)") << "; durations are median (p90)\n";
            for (const auto& t : report_tables(r)) {
                if (t.rows.empty()) continue;
                ctx.io.out << "\n" << paint(ctx.io, "1", t.title) << "\n";
                print_table(ctx.io, t.headers, t.rows);
            }
        }
    }
    fail_on_unreadable(ctx.io, sel.index.errors);
}

void register_report(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ReportOptions>();
    auto* cmd =
        app.add_subcommand("report", "Metrics over a period: MTTD, MTTA, MTTR, MTBF, SLA compliance, backlog, effort");
    cmd->add_option("--since", opts->since, "Start of the period (default: 30 days before --until)")->type_name("TIME");
    cmd->add_option("--until", opts->until, "End of the period, exclusive (default: now)")->type_name("TIME");
    cmd->add_option("--by", opts->by, "Group by one of: " + group_by_names())->type_name("WHAT");
    cmd->add_option("--as-of", opts->as_of,
                    "Report from the files and config as they were at this commit, with 'now' its commit time "
                    "(reproduces a past report)")
        ->type_name("REV");
    add_query_flags(cmd, opts->query);
    cmd->add_flag("--include-drills", opts->include_drills, "Count drills too");
    add_format_flags(cmd, opts->format, opts->flags.json);
    add_raw_flag(cmd, opts->raw);
    cmd->footer(kFigures);
    cmd->callback([opts, &ctx] { run_report(*opts, ctx); });
}

}  // namespace incident::cli
