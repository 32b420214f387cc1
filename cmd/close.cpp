// incident close ID: after the resolution is confirmed; enforces the postmortem policy.
#include "commands.hpp"
#include "git/git.hpp"
#include "postmortem/postmortem.hpp"

namespace incident::cli {

struct CloseOptions {
    std::string id;
    CloseRequest req;
    CommonFlags flags;
};

void register_close(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<CloseOptions>();
    auto* cmd =
        app.add_subcommand("close",
                           "Close a resolved incident once its resolution is confirmed "
                           "(--confirmed-by, or enough contact attempts); a required postmortem must pass "
                           "its checks (incident postmortem ID, check) and, when the close is committed, be committed");
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
            // Where the close is committed, so must the postmortem it rests on be.
            const bool commits = !opts->flags.no_commit && ws.config.auto_commit && ws.repo.in_git;
            if (commits && req.postmortem_exists && postmortem_required_to_close(inc, ws.config))
                req.postmortem_uncommitted = git::has_changes(ws.repo.root.string(), {ws.repo.relative(path)});
            return close(inc, a, req);
        });
    });
}

}  // namespace incident::cli
