// incident triage ID: classify and prioritise (impact x urgency matrix).
#include "commands.hpp"

namespace incident::cli {

struct TriageOptions {
    std::string id;
    Classification c;
    CommonFlags flags;
};

void register_triage(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<TriageOptions>();
    auto& c = opts->c;
    auto* cmd = app.add_subcommand("triage", "Classify and prioritise an incident; moves it to triaged");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--category", c.category, "Category");
    cmd->add_option("--subcategory", c.subcategory, "Subcategory");
    cmd->add_option("-s,--service", c.service, "Affected service");
    cmd->add_option("--impact", c.impact, "Impact on the configured scale");
    cmd->add_option("--urgency", c.urgency, "Urgency on the configured scale");
    cmd->add_option("-p,--priority", c.priority, "Set the priority by hand; kept on later triage");
    cmd->add_option("--team", c.team, "Owning team");
    cmd->add_option("--tier", c.tier, "Support tier");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return triage(inc, opts->c, a); });
    });
}

}  // namespace incident::cli
