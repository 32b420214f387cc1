// incident resolve ID --code CODE --summary TEXT: service restored.
#include "commands.hpp"

namespace incident::cli {

struct ResolveOptions {
    std::string id, code, summary;
    CommonFlags flags;
};

void register_resolve(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ResolveOptions>();
    auto* cmd = app.add_subcommand("resolve", "Mark the service restored, with a resolution code and summary");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--code", opts->code, "Resolution code (resolution_codes in the config: fixed, workaround, ...)")
        ->required();
    cmd->add_option("--summary", opts->summary, "What restored the service")->required();
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace&) {
            return resolve(inc, a, opts->code, opts->summary);
        });
    });
}

}  // namespace incident::cli
