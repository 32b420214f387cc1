// incident assign ID USER [--role ROLE]: assignee, or a role hand-off.
#include "commands.hpp"
#include "model/fields.hpp"

namespace incident::cli {

struct AssignOptions {
    std::string id, user, role;
    CommonFlags flags;
};

void register_assign(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AssignOptions>();
    auto* cmd = app.add_subcommand("assign", "Set the assignee, or hand a role over (--role)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("user", opts->user,
                    "Who takes it: an email, or a key of .incident/people.yaml (stored as that person's email)")
        ->required();
    cmd->add_option("--role", opts->role, "Incident role to hand over instead of the assignment")
        ->check(CLI::IsMember(incident_roles()));
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace& ws) {
            return assign(inc, a, person_arg(ws, opts->user), opts->role);
        });
    });
}

}  // namespace incident::cli
