// incident show ID: one incident, for people or (--json) for programs.
#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

struct ShowOptions {
    std::string id;
    CommonFlags flags;
};

void run_show(const ShowOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Incident inc = ws.store.load(normalise_id(opts.id, ws.config.id_prefix));
    if (opts.flags.json)
        print_json(ctx.io, incident_to_json(inc));
    else
        print_incident(ctx.io, inc, ctx.now);
}

void register_show(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ShowOptions>();
    auto* cmd = app.add_subcommand("show", "Show one incident with its timeline");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_flag("--json", opts->flags.json, "Print the incident as one JSON document");
    cmd->callback([opts, &ctx] { run_show(*opts, ctx); });
}

}  // namespace incident::cli
