// incident layout: shows how the incident files lie (flat or sharded) and
// moves them all into the other layout as one commit.
#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

struct LayoutCliOptions {
    std::string target;
    CommonFlags flags;
};

namespace {

constexpr const char* kLayouts = R"(
Layouts:
  flat     incidents/INC-12345.yaml (the default)
  sharded  incidents/12/INC-12345.yaml: one directory per thousand numbers.
           Each commit then rewrites a tree of at most a thousand entries
           instead of one holding every incident: at 100 000 incidents a
           change with its commit takes a fraction of the time, and each
           commit adds kilobytes to .git instead of megabytes.
Both layouts are always read (a file left in the other one still counts);
`layout:` in .incident/config.yaml says where new files go. Without LAYOUT
the command says which layout is configured and how many files lie in each.
With it, under the repository lock: every file is moved, `layout:` is set
(the config's other lines are kept), .gitattributes names the merge driver
for both, and it is all one commit (git log --follow sees the renames). It
refuses while incidents/ has uncommitted changes; killed midway, run it
again to finish. Clones pick the change up with their next sync; a clone
still on the old layout keeps working (both are read) and its new files
stay where it wrote them until `incident layout` runs there again.
)";

void show_layout(const Workspace& ws, const Context& ctx, bool json) {
    std::size_t flat = 0, sharded = 0;
    for_each_incident_name(ws.repo.incidents_dir(), [&](int, const dirent*, std::string_view, Layout where) {
        ++(where == Layout::flat ? flat : sharded);
    });
    if (json)
        return print_json(ctx.io, {{"layout", layout_name(ws.config.layout)}, {"flat", flat}, {"sharded", sharded}});
    ctx.io.out << "layout: " << layout_name(ws.config.layout) << " (" << flat << " flat, " << sharded
               << " sharded incident files)\n";
}

}  // namespace

void run_layout(const LayoutCliOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    if (opts.target.empty()) return show_layout(ws, ctx, opts.flags.json);
    const Layout target = opts.target == "sharded" ? Layout::sharded : Layout::flat;
    const std::string actor = resolve_actor(ctx, opts.flags, ws.repo.root);
    LayoutResult r = change_layout(ws, target, change_options(ctx, opts.flags, actor));
    print_warnings(ctx.io, r.warnings);
    if (opts.flags.json)
        return print_json(
            ctx.io,
            {{"layout", opts.target}, {"moved", r.moved}, {"committed", r.committed}, {"dry_run", opts.flags.dry_run}});
    ctx.io.out << (opts.flags.dry_run ? "would move " : "moved ") << r.moved << " incident file"
               << (r.moved == 1 ? "" : "s") << " to the " << opts.target << " layout"
               << (r.committed ? " (committed)" : "") << "\n";
}

void register_layout(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<LayoutCliOptions>();
    auto* cmd = app.add_subcommand("layout", "Show the incident files' layout, or move them all to flat or sharded");
    cmd->add_option("LAYOUT", opts->target, "flat or sharded: move every incident file there, as one commit")
        ->check(CLI::IsMember({"flat", "sharded"}))
        ->type_name("{flat,sharded}");
    add_read_flags(cmd, opts->flags);
    cmd->add_flag("--no-commit", opts->flags.no_commit, "Move the files but do not git-commit them");
    cmd->add_flag("-n,--dry-run", opts->flags.dry_run, "Say how many files would move; move nothing");
    cmd->footer(kLayouts);
    cmd->callback([opts, &ctx] { run_layout(*opts, ctx); });
}

}  // namespace incident::cli
