// incident triage ID: classify and prioritise through the rules and matrix.
#include "commands.hpp"
#include "output.hpp"
#include "rules_output.hpp"

namespace incident::cli {

struct TriageOptions {
    std::string id;
    Classification c;
    bool explain = false;
    CommonFlags flags;
};

void run_triage(const TriageOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    // Triage is the rules at work: with rules that cannot be read it stops
    // (other commands go on, and an incident opened meanwhile errs high).
    if (!ws.rules.unreadable.empty()) throw Error(ExitCode::invalid, ws.rules.unreadable);
    std::string id = resolve_id(ctx, ws, opts.id);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_event_time(ctx, opts.flags.at), ws.config};
    Decision decision;
    auto result = change_incident(
        ws, id, [&](Incident& inc) { return triage(inc, opts.c, ws.rules, actor, &decision); },
        change_options(ctx, opts.flags, who));
    if (opts.flags.json && opts.explain) {
        print_warnings(ctx.io, result.warnings);
        auto doc = incident_to_json(result.incident);
        doc["decision"] = decision_to_json(decision);
        print_json(ctx.io, doc);
    } else {
        print_change(ctx.io, result, opts.flags.json, opts.flags.dry_run);
        if (opts.explain) print_trace(ctx.io, decision);
    }
    after_change_effects(ctx, ws, result, opts.flags);
}

void register_triage(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<TriageOptions>();
    auto& c = opts->c;
    auto* cmd = app.add_subcommand("triage",
                                   "Classify and prioritise an incident through the rules and the impact x urgency "
                                   "matrix; moves it to triaged");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--category", c.category, "Category (wins over rules)");
    cmd->add_option("--subcategory", c.subcategory, "Subcategory (wins over rules)");
    cmd->add_option("-s,--service", c.service, "Affected service");
    cmd->add_option("--impact", c.impact, "Impact on the configured scale (wins over rules)");
    cmd->add_option("--urgency", c.urgency, "Urgency on the configured scale (wins over rules)");
    cmd->add_option("-p,--priority", c.priority, "Set the priority by hand; kept (marked manual) on later triage");
    cmd->add_option("--team", c.team, "Owning team (wins over rules)");
    cmd->add_option("--tier", c.tier, "Support tier (wins over rules)");
    cmd->add_flag("--explain", opts->explain, "Show every rule: matched or not, and on which condition");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] { run_triage(*opts, ctx); });
}

}  // namespace incident::cli
