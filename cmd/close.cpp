// incident close ID: after the resolution is confirmed; enforces the postmortem policy.
#include "commands.hpp"
#include "postmortem/postmortem.hpp"

namespace incident::cli {

struct CloseOptions {
    std::string id;
    CloseRequest req;
    CommonFlags flags;
};

void register_close(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<CloseOptions>();
    auto* cmd = app.add_subcommand("close",
                                   "Close a resolved incident once its resolution is confirmed "
                                   "(--confirmed-by, or enough contact attempts)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--confirmed-by", opts->req.confirmed_by, "Who confirmed the resolution (usually the reporter)")
        ->type_name("USER");
    cmd->add_option("-m,--message", opts->req.text, "Closing remark");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace& ws) {
            CloseRequest req = opts->req;
            fs::path path = ws.repo.postmortems_dir() / (inc.id + ".md");
            req.postmortem_problems = check_postmortem_file(ws.repo, path, inc, req.postmortem_exists);
            return close(inc, a, req);
        });
    });
}

}  // namespace incident::cli
