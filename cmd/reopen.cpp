// incident reopen ID: resolved -> investigating (never for closed incidents).
#include "commands.hpp"

namespace incident::cli {

struct ReopenOptions {
    std::string id, reason;
    CommonFlags flags;
};

void register_reopen(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ReopenOptions>();
    auto* cmd =
        app.add_subcommand("reopen", "Reopen a resolved incident (closed ones stay closed: open a related one)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("-r,--reason", opts->reason, "Why it is not resolved after all");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return reopen(inc, a, opts->reason); });
    });
}

}  // namespace incident::cli
