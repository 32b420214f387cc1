// incident init [DIR]: create the repository layout (and git init if needed).
#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

struct InitOptions {
    std::string dir = ".";
    std::string preset;
    CommonFlags flags;
};

void run_init(const InitOptions& opts, const Context& ctx) {
    fs::path dir = opts.dir;
    if (dir.is_relative()) dir = fs::path(ctx.repo_dir) / dir;
    std::string actor = opts.flags.by.empty() ? ctx.io.env("INCIDENT_USER").value_or("") : opts.flags.by;
    auto r = init_repository(dir, opts.preset, actor, !opts.flags.no_commit);
    Context here = ctx;
    here.repo_dir = r.root.string();
    open_workspace(here);  // names the merge driver in this clone's git config
    print_warnings(ctx.io, r.warnings);
    if (opts.flags.json) {
        print_json(ctx.io, {{"root", r.root.string()},
                            {"git_initialised", r.git_initialised},
                            {"committed", r.committed},
                            {"created", r.created}});
        return;
    }
    ctx.io.out << "Initialised incident repository in " << r.root.string()
               << (r.git_initialised ? " (new git repository)" : "")
               << (opts.preset.empty() ? "" : " with the " + opts.preset + " preset") << "\n";
    ctx.io.out << "Next: incident open \"What is broken\" --service NAME --impact high --urgency high\n";
}

void register_init(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<InitOptions>();
    auto* cmd = app.add_subcommand(
        "init", "Create .incident/config.yaml, incidents/ and postmortems/ (runs git init if needed)");
    cmd->add_option("dir", opts->dir,
                    "Directory to initialise (default: current); not one inside an incident repository (exit 2)")
        ->type_name("DIR");
    cmd->add_option("--preset", opts->preset, "Install a starter config, rules and rule tests: itil, sre or security")
        ->check(CLI::IsMember(pack_names()));
    cmd->add_flag("--json", opts->flags.json, "Print one JSON document on stdout");
    cmd->add_option("--by", opts->flags.by, "Author of the initial commit when git has no identity")->type_name("USER");
    cmd->add_flag("--no-commit", opts->flags.no_commit, "Create the files but do not commit them");
    cmd->callback([opts, &ctx] { run_init(*opts, ctx); });
}

}  // namespace incident::cli
