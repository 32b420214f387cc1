// incident open TITLE: log a new incident; prints its id.
#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

struct OpenOptions {
    NewIncident fields;
    std::string started_at, detected_at;
    CommonFlags flags;
};

void run_open(const OpenOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_time(ctx, opts.flags.at), ws.config};
    NewIncident fields = opts.fields;
    if (!opts.started_at.empty()) fields.started_at = resolve_time(ctx, opts.started_at, "--started-at");
    if (!opts.detected_at.empty()) fields.detected_at = resolve_time(ctx, opts.detected_at, "--detected-at");
    for (auto& r : fields.related) r = normalise_id(r, ws.config.id_prefix);
    for (const auto& r : fields.related)
        if (!ws.store.exists(r)) throw NotFound("--related: no incident " + r);
    auto result = create_incident(
        ws, [&](const std::string& id) { return open_incident(id, fields, ws.rules, actor); },
        change_options(ctx, opts.flags, who));
    print_warnings(ctx.io, result.warnings);
    if (opts.flags.json)
        print_json(ctx.io, incident_to_json(result.incident));
    else if (opts.flags.dry_run)
        ctx.io.out << "dry run: would open " << result.incident.id << "\n";
    else
        ctx.io.out << result.incident.id << "\n";
    notify_after(ctx, ws, result, opts.flags);
}

void register_open(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<OpenOptions>();
    auto& f = opts->fields;
    auto* cmd = app.add_subcommand("open", "Log a new incident and print its id");
    cmd->add_option("title", f.title, "One line saying what is wrong")->required();
    cmd->add_option("-d,--description", f.description, "Free text: what is seen, since when, who is affected");
    cmd->add_option("-s,--service", f.service, "Affected service");
    cmd->add_option("--category", f.category, "Category (e.g. network, software, security)");
    cmd->add_option("--subcategory", f.subcategory, "Subcategory (e.g. outage, degradation)");
    cmd->add_option("--impact", f.impact, "Impact on the configured scale (default high|medium|low)");
    cmd->add_option("--urgency", f.urgency, "Urgency on the configured scale (default high|medium|low)");
    cmd->add_option("-p,--priority", f.priority, "Set the priority by hand (otherwise impact x urgency decides)");
    cmd->add_option("--reporter", f.reporter, "Who reported it (default: the actor)")->type_name("USER");
    cmd->add_option("--assignee", f.assignee, "Who works on it")->type_name("USER");
    cmd->add_option("--team", f.team, "Owning team (default: default_team in the config)");
    cmd->add_option("--tier", f.tier, "Support tier (default: the first tier, e.g. L1)");
    cmd->add_option("-t,--tag", f.tags, "Tag; repeat for more")->type_name("TAG");
    cmd->add_option("--related", f.related, "Related incident id; repeat for more")->type_name("ID");
    cmd->add_option("--problem", f.problem, "Problem record for the root cause (e.g. PRB-7)");
    cmd->add_option("--location", f.location, "Physical location (security incidents)");
    cmd->add_option("--dedup-key", f.dedup_key, "Key identifying the alert that raised it");
    cmd->add_option("--started-at", opts->started_at, "When the impact began, where known (for MTTD)")
        ->type_name("TIME");
    cmd->add_option("--detected-at", opts->detected_at, "When the problem was detected (for MTTD)")->type_name("TIME");
    cmd->add_flag("--drill", f.drill, "An exercise: excluded from metrics by default");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] { run_open(*opts, ctx); });
}

}  // namespace incident::cli
