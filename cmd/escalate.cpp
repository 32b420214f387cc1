// incident escalate ID: functional (next tier, --to, --team) or hierarchical.
#include "commands.hpp"

namespace incident::cli {

struct EscalateOptions {
    std::string id, to, team, reason;
    bool hierarchical = false;
    CommonFlags flags;
};

void register_escalate(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<EscalateOptions>();
    auto* cmd = app.add_subcommand("escalate",
                                   "Escalate functionally (next tier, --to TIER, --team TEAM) or hierarchically "
                                   "(--hierarchical: the team's next manager)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    auto* to = cmd->add_option("--to", opts->to, "Support tier to escalate to (default: the next tier)")->type_name("TIER");
    auto* team = cmd->add_option("--team", opts->team, "Specialist team to hand it to")->type_name("TEAM");
    cmd->add_flag("--hierarchical", opts->hierarchical, "Escalate to the next manager of the incident's team")
        ->excludes(to)
        ->excludes(team);
    cmd->add_option("-r,--reason", opts->reason, "Why (recorded in the timeline)");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace&) {
            if (opts->hierarchical) return escalate_hierarchical(inc, a, opts->reason);
            return escalate_functional(inc, a, opts->to, opts->team, opts->reason);
        });
    });
}

}  // namespace incident::cli
