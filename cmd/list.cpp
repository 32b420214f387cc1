// incident list: incidents matching simple filters, as a table or JSON.
#include "commands.hpp"
#include "output.hpp"

#include <algorithm>

namespace incident::cli {

struct ListOptions {
    std::vector<std::string> status, priority, service, team;
    bool all = false;
    CommonFlags flags;
};

bool matches(const Incident& inc, const ListOptions& o) {
    auto in = [](const std::vector<std::string>& set, const std::string& v) {
        return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
    };
    if (o.status.empty() && !o.all && inc.status == Status::closed) return false;
    return in(o.status, std::string(to_string(inc.status))) && in(o.priority, inc.priority) &&
           in(o.service, inc.service) && in(o.team, inc.team);
}

void run_list(const ListOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    for (const auto& s : opts.status)
        if (!parse_status(s)) throw UsageError("--status: unknown status '" + s + "'", "use one of: " + status_names());
    std::vector<Incident> shown;
    std::vector<InvalidData> errors;
    for (auto& inc : ws.store.load_all(&errors))
        if (matches(inc, opts)) shown.push_back(std::move(inc));
    // Show what can be read, then fail loudly about what cannot.
    auto finish = [&] { fail_on_unreadable(ctx.io, errors); };
    if (opts.flags.json) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& inc : shown) arr.push_back(incident_to_json(inc));
        print_json(ctx.io, arr);
        return finish();
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& inc : shown) {
        std::string age = inc.opened_at ? format_duration(ctx.now - *inc.opened_at) : "";
        rows.push_back({inc.id, paint_priority(ctx.io, inc.priority.empty() ? "-" : inc.priority),
                        paint_status(ctx.io, inc.status), age, inc.service.empty() ? "-" : inc.service,
                        inc.assignee.empty() ? "-" : inc.assignee, truncate(inc.title, 60)});
    }
    if (rows.empty()) {
        if (ctx.io.out_is_tty) ctx.io.err << "no incidents match\n";
        return finish();
    }
    print_table(ctx.io, {"ID", "PRI", "STATUS", "AGE", "SERVICE", "ASSIGNEE", "TITLE"}, rows);
    finish();
}

void register_list(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ListOptions>();
    auto* cmd = app.add_subcommand("list", "List incidents (closed ones only with --all or --status closed)");
    cmd->add_option("--status", opts->status, "Only these statuses; repeat or comma-separate")->delimiter(',');
    cmd->add_option("-p,--priority", opts->priority, "Only these priorities")->delimiter(',');
    cmd->add_option("-s,--service", opts->service, "Only these services")->delimiter(',');
    cmd->add_option("--team", opts->team, "Only these teams")->delimiter(',');
    cmd->add_flag("-a,--all", opts->all, "Include closed incidents");
    cmd->add_flag("--json", opts->flags.json, "Print a JSON array of incidents");
    cmd->callback([opts, &ctx] { run_list(*opts, ctx); });
}

}  // namespace incident::cli
