// incident update ID: change status and/or post a stakeholder update.
#include "commands.hpp"

namespace incident::cli {

struct UpdateOptions {
    std::string id, status, message;
    CommonFlags flags;
};

Event run_update(Incident& inc, const UpdateOptions& o, const Actor& a) {
    if (o.status.empty() && o.message.empty()) throw UsageError("update needs --status and/or --message");
    if (o.status.empty()) return stakeholder_update(inc, a, o.message);
    auto to = parse_status(o.status);
    if (!to) throw UsageError("--status: unknown status '" + o.status + "'", "use one of: " + status_names());
    return set_status(inc, *to, a, o.message);
}

void register_update(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<UpdateOptions>();
    auto* cmd = app.add_subcommand("update", "Change the status and/or post a stakeholder update");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--status", opts->status,
                    "New status: triaged, investigating or mitigated "
                    "(resolve, reopen and close have their own commands)")
        ->type_name("{triaged,investigating,mitigated}");
    cmd->add_option("-m,--message", opts->message, "Stakeholder update text");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return run_update(inc, *opts, a); });
    });
}

}  // namespace incident::cli
