// incident postmortem ID: write postmortems/ID.md, pre-filled from the incident.
#include "commands.hpp"
#include "output.hpp"
#include "postmortem/postmortem.hpp"

namespace incident::cli {

struct PostmortemOptions {
    std::string id;
    bool force = false;
    CommonFlags flags;
};

void run_postmortem(const PostmortemOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::string id = normalise_id(opts.id, ws.config.id_prefix);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_time(ctx, opts.flags.at), ws.config};
    fs::path path = ws.repo.postmortems_dir() / (id + ".md");
    std::error_code ec;
    if (fs::exists(path, ec) && !opts.force)
        throw TransitionRefused(ws.repo.relative(path) + " already exists and may hold human writing",
                                "pass --force to overwrite it");
    auto result = change_incident(
        ws, id,
        [&](Incident& inc) {
            Event e{actor.at, actor.who, "postmortem", "postmortem written to " + ws.repo.relative(path), {}};
            return add_event(inc, e);
        },
        change_options(ctx, opts.flags, who),
        [&](const Incident& inc) {
            return std::vector<std::pair<fs::path, std::string>>{{path, render_postmortem(inc, actor.at)}};
        });
    print_warnings(ctx.io, result.warnings);
    if (opts.flags.json)
        print_json(ctx.io, {{"id", id}, {"path", ws.repo.relative(path)}, {"written", result.written},
                            {"committed", result.committed}});
    else if (opts.flags.dry_run)
        ctx.io.out << render_postmortem(result.incident, actor.at);
    else
        ctx.io.out << ws.repo.relative(path) << "\n";
}

void register_postmortem(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<PostmortemOptions>();
    auto* cmd = app.add_subcommand("postmortem", "Write a blameless postmortem stub to postmortems/ID.md");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_flag("-f,--force", opts->force, "Overwrite an existing postmortem");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] { run_postmortem(*opts, ctx); });
}

}  // namespace incident::cli
