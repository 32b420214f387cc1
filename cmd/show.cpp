// incident show ID: one incident, for people or (--json) for programs.
#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

void run_show(const OneIncident& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Incident inc = ws.store.load(resolve_id(ctx, ws, opts.id));
    if (opts.flags.json)
        print_json(ctx.io, incident_to_json(inc));
    else
        print_incident(ctx.io, inc, ctx.now, ws.rules.runbooks);
}

void register_show(CLI::App& app, Context& ctx) {
    register_one_incident(app, ctx, "show", "Show one incident with its timeline",
                          "Print the incident as one JSON document", run_show);
}

}  // namespace incident::cli
