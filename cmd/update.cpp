// incident update ID: change status, post a stakeholder update, link related incidents.
#include "commands.hpp"

namespace incident::cli {

struct UpdateOptions {
    std::string id, status, message;
    std::vector<std::string> related;
    CommonFlags flags;
};

Event run_update(Incident& inc, const UpdateOptions& o, const Actor& a, const Workspace& ws) {
    if (o.status.empty() && o.message.empty() && o.related.empty())
        throw UsageError("update needs --status, --message and/or --related");
    if (!o.related.empty()) {
        std::vector<std::string> ids;
        for (const auto& r : o.related) {
            ids.push_back(normalise_id(r, ws.config.id_prefix));
            if (!ws.store.exists(ids.back())) throw NotFound("--related: no incident " + ids.back());
        }
        Event linked = add_related(inc, a, ids);
        if (o.status.empty() && o.message.empty()) return linked;
    }
    if (o.status.empty()) return stakeholder_update(inc, a, o.message);
    auto to = parse_status(o.status);
    if (!to) throw UsageError("--status: unknown status '" + o.status + "'", "use one of: " + status_names());
    return set_status(inc, *to, a, o.message);
}

void register_update(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<UpdateOptions>();
    auto* cmd = app.add_subcommand("update", "Change the status, post a stakeholder update, link related incidents");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--status", opts->status,
                    "New status: triaged, investigating or mitigated "
                    "(resolve, reopen and close have their own commands)")
        ->type_name("{triaged,investigating,mitigated}");
    cmd->add_option("-m,--message", opts->message, "Stakeholder update text");
    cmd->add_option("--related", opts->related,
                    "Link a related incident (repeat for more), e.g. one `open` said is similar")
        ->type_name("ID");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id,
                   [&](Incident& inc, const Actor& a, const Workspace& ws) { return run_update(inc, *opts, a, ws); });
    });
}

}  // namespace incident::cli
