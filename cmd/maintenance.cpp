// incident maintenance add | list | end: maintenance windows in
// .incident/maintenance/ (lib/page/maintenance): while a service is in one,
// its incidents are recorded but page nobody.
#include "page/maintenance.hpp"

#include "commands.hpp"
#include "model/text.hpp"
#include "oncall/schedule.hpp"
#include "output.hpp"
#include "store/store.hpp"

namespace incident::cli {

struct MaintenanceOptions {
    std::vector<std::string> services;
    std::string from, to, reason, id, public_text;
    CommonFlags flags;
};

namespace {

constexpr const char* kFooter = R"(
A window is one file, .incident/maintenance/ID.yaml (checked by incident
validate against schemas/maintenance.schema.json, errors located):
  services: [checkout, payments]     # as incidents name them (--service)
  from: 2026-12-24T18:00:00Z         # RFC 3339 with an offset
  to: 2026-12-24T20:00:00Z           # the window ends here (exclusive)
  reason: database upgrade
  public: Payments upgrade (card payments may be slow)   # optional: on the status page
  by: alice@example.com
An incident of one of these services whose paging would begin inside the
window is recorded as usual, but its escalation policy pages nobody: its
timeline gets one paged event, "in maintenance window ID (reason, until
TIME): nobody paged", and no later step fires, even after the window ends.
Exit codes: 2 a bad argument (to not after from, an id in use), 3 no such
window, 4 a window file that does not read (file:line:col).)";

Timestamp time_arg(const Context& ctx, const std::string& text, const char* flag) {
    if (auto t = parse_oncall_time(text, ctx.now, nullptr)) return *t;
    throw UsageError(std::string(flag) + ": cannot read '" + text + "' as a time",
                     "use RFC 3339 (2026-11-22T03:04:05Z), 'now', or a relative time like +2h");
}

// Every window; the first file that does not read stops the command (exit 4).
std::vector<MaintenanceWindow> windows(const Workspace& ws) {
    Problems problems;
    auto out = load_maintenance(ws.repo, problems);
    problems.throw_if_any();
    return out;
}

// A new window's id: its start, its first service, and a random tail so
// that two clones never write the same name.
std::string window_id(Timestamp from, const std::string& service) {
    std::string stamp;
    for (char c : format_rfc3339(from).substr(0, 16))
        if (c != '-' && c != ':') stamp += c;
    std::string name;
    for (char c : service.substr(0, 40))
        name += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ? c : '_';
    return stamp + "Z-" + name + "-" + new_uid().substr(0, 6);
}

nlohmann::ordered_json window_json(const MaintenanceWindow& w, Timestamp at) {
    return {{"id", w.id},
            {"services", w.services},
            {"from", format_rfc3339(w.from)},
            {"to", format_rfc3339(w.to)},
            {"reason", w.reason},
            {"by", json_or_null(w.by)},
            {"state", maintenance_state(w, at)},
            {"file", w.file}};
}

// Writes `w` as its file in one commit; prints its id (or the file, on a dry run).
void write_window(const Context& ctx, const Workspace& ws, const MaintenanceWindow& w, const std::string& message,
                  const MaintenanceOptions& o, Timestamp at) {
    const std::string actor = resolve_actor(ctx, o.flags, ws.repo.root);
    const fs::path path = maintenance_path(ws.repo, w.id);
    const std::string text = maintenance_text(w, ctx.now);
    auto r = change_files(ws, {{path, text}}, message, change_options(ctx, o.flags, actor));
    print_warnings(ctx.io, r.warnings);
    MaintenanceWindow shown = w;
    shown.file = ws.repo.relative(path);
    if (o.flags.json) {
        auto j = window_json(shown, at);
        j["committed"] = r.committed;
        j["dry_run"] = o.flags.dry_run;
        print_json(ctx.io, j);
    } else if (o.flags.dry_run) {
        ctx.io.out << "would write " << shown.file << ":\n" << text;
    } else {
        ctx.io.out << w.id << "\n";
    }
}

void run_add(const MaintenanceOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    for (const auto& s : o.services)
        if (s.empty()) throw UsageError("--service: a service's name cannot be empty");
    const Timestamp from = time_arg(ctx, o.from, "--from"), to = time_arg(ctx, o.to, "--to");
    if (to <= from)
        throw UsageError("the window ends before it starts (" + format_rfc3339(from) + " to " + format_rfc3339(to) +
                         ")");
    if (!o.id.empty() && !is_maintenance_id(o.id))
        throw UsageError("--id: '" + o.id + "' is not a window id (letters, digits, '-', '_', '.')");
    const std::string id = o.id.empty() ? window_id(from, o.services.front()) : o.id;
    std::error_code ec;
    if (fs::exists(fs::symlink_status(maintenance_path(ws.repo, id), ec)))
        throw UsageError("--id: a window " + id + " exists already", "incident maintenance list shows the windows");
    MaintenanceWindow w{id, o.services,   from, to, o.reason, resolve_actor(ctx, o.flags, ws.repo.root),
                        "", o.public_text};
    write_window(ctx, ws, w,
                 "maintenance: " + join(o.services) + ", " + format_rfc3339(from) + " to " + format_rfc3339(to) + ": " +
                     o.reason,
                 o, ctx.now);
}

void run_list(const MaintenanceOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Timestamp at = resolve_time(ctx, o.flags.at);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& w : windows(ws)) {
        list.push_back(window_json(w, at));
        rows.push_back(
            {w.id, join(w.services), format_rfc3339(w.from), format_rfc3339(w.to), w.reason, maintenance_state(w, at)});
    }
    if (o.flags.json)
        print_json(ctx.io, list);
    else if (rows.empty())
        ctx.io.out << "no maintenance windows\n";
    else
        print_table(ctx.io, {"ID", "SERVICES", "FROM", "TO", "REASON", "STATE"}, rows);
}

void run_end(const MaintenanceOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Timestamp at = resolve_time(ctx, o.flags.at);
    auto all = windows(ws);
    auto it = std::find_if(all.begin(), all.end(), [&](const MaintenanceWindow& w) { return w.id == o.id; });
    if (it == all.end()) throw NotFound("no maintenance window " + o.id, "incident maintenance list shows the windows");
    const std::string state = maintenance_state(*it, at);
    if (state == "planned")
        throw UsageError("window " + o.id + " has not begun (it starts " + format_rfc3339(it->from) + ")",
                         "to cancel it, remove " + it->file + " (git rm) and commit");
    if (state == "past") {
        ctx.io.err << "incident: window " << o.id << " ended already at " << format_rfc3339(it->to) << "\n";
        if (o.flags.json) print_json(ctx.io, window_json(*it, at));
        return;
    }
    it->to = at;
    write_window(ctx, ws, *it, "maintenance: end " + o.id + " at " + format_rfc3339(at), o, at);
}

}  // namespace

void register_maintenance(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<MaintenanceOptions>();
    auto* cmd = app.add_subcommand(
        "maintenance", "Maintenance windows (.incident/maintenance/): incidents of a service in one page nobody");
    cmd->require_subcommand(1);
    cmd->footer(kFooter);

    auto* add = cmd->add_subcommand("add", "Add a window for one or more services; one commit");
    add->add_option("--service", o->services, "A service in maintenance (repeat for more)")
        ->type_name("SERVICE")
        ->required();
    add->add_option("--from", o->from, "Start: RFC 3339, now, or relative (+1h)")->type_name("TIME")->required();
    add->add_option("--to", o->to, "End, after --from (exclusive)")->type_name("TIME")->required();
    add->add_option("--reason", o->reason, "Why: shown on each incident it keeps from paging")
        ->type_name("TEXT")
        ->required();
    add->add_option("--public", o->public_text,
                    "What the status page says of it (incident status build); without it the window stays off the page")
        ->type_name("TEXT");
    add->add_option("--id", o->id, "The window's id and file name (default: start, service, random tail)")
        ->type_name("ID");
    add_read_flags(add, o->flags);
    add->add_flag("--no-commit", o->flags.no_commit, "Save the file but do not git-commit it");
    add->add_flag("-n,--dry-run", o->flags.dry_run, "Print the file; write nothing");
    add->callback([o, &ctx] { run_add(*o, ctx); });

    auto* list = cmd->add_subcommand("list", "Every window with its state: active, planned or past");
    list->add_option("--at", o->flags.at, "States as of TIME (RFC 3339, now, -1h)")->type_name("TIME");
    list->add_flag("--json", o->flags.json, "Print one JSON array");
    list->callback([o, &ctx] { run_list(*o, ctx); });

    auto* end = cmd->add_subcommand("end", "End an active window now (or --at TIME); one commit");
    end->add_option("id", o->id, "The window's id (maintenance list shows them)")->required();
    add_read_flags(end, o->flags);
    end->add_option("--at", o->flags.at, "End it at TIME instead of now (RFC 3339, -5m)")->type_name("TIME");
    end->add_flag("--no-commit", o->flags.no_commit, "Save the file but do not git-commit it");
    end->add_flag("-n,--dry-run", o->flags.dry_run, "Print the file; write nothing");
    end->callback([o, &ctx] { run_end(*o, ctx); });
}

}  // namespace incident::cli
