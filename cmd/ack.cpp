// incident ack ID: acknowledge (stops the respond clock, starts MTTA).
#include "commands.hpp"

namespace incident::cli {

struct AckOptions {
    std::string id, message;
    CommonFlags flags;
};

void register_ack(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AckOptions>();
    auto* cmd = app.add_subcommand("ack", "Acknowledge an incident: someone is on it (open/triaged -> investigating)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("-m,--message", opts->message, "Optional note recorded with the acknowledgement");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return acknowledge(inc, a, opts->message); });
    });
}

}  // namespace incident::cli
