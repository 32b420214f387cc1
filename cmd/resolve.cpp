// incident resolve ID --code CODE --summary TEXT: service restored.
#include "commands.hpp"
#include "public_flags.hpp"

namespace incident::cli {

struct ResolveOptions {
    std::string id, code, summary;
    PublicFlags published;
    CommonFlags flags;
};

void register_resolve(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ResolveOptions>();
    auto* cmd = app.add_subcommand("resolve", "Mark the service restored, with a resolution code and summary");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--code", opts->code, "Resolution code (resolution_codes in the config: fixed, workaround, ...)")
        ->required();
    cmd->add_option("--summary", opts->summary, "What restored the service")->required();
    add_public_flags(cmd, opts->published, true);
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace& ws) {
            const PublicChange published = public_change(opts->published);
            Event done = resolve(inc, a, opts->code, opts->summary);
            add_public_events(inc, a, published, status_page_settings(ws.config, ".incident/config.yaml"));
            return done;
        });
    });
}

}  // namespace incident::cli
