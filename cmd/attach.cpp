// incident attach ID FILE...: keep evidence files under attachments/ID/ with
// their SHA-256, recorded in the incident with an `attached` event each.
#include "commands.hpp"
#include "evidence/evidence.hpp"
#include "output.hpp"

namespace incident::cli {

struct AttachOptions {
    std::string id, name, note;
    std::vector<std::string> files;
    CommonFlags flags;
};

void run_attach(const AttachOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::string id = resolve_id(ctx, ws, opts.id);
    if (!opts.name.empty() && opts.files.size() != 1)
        throw UsageError("--name names one FILE, and " + std::to_string(opts.files.size()) + " were given");
    // Read and hashed before the lock is taken: what is recorded is what was read.
    std::vector<NewEvidence> files;
    for (const auto& f : opts.files)
        files.push_back(read_evidence(f, opts.name, opts.note, ws.config.attachment_max_bytes));
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_event_time(ctx, opts.flags.at), ws.config};
    auto result = change_incident(
        ws, id, [&](Incident& inc) { return attach_evidence(inc, actor, files); }, change_options(ctx, opts.flags, who),
        [&](const Incident& inc) { return evidence_files(ws.repo, inc.id, files); });
    print_change(ctx.io, result, opts.flags.json, opts.flags.dry_run);
    after_change_effects(ctx, ws, result, opts.flags);
}

void register_attach(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AttachOptions>();
    auto* cmd = app.add_subcommand(
        "attach", "Keep evidence files under attachments/ID/, each recorded with its SHA-256 (chain of custody)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("files", opts->files, "The files (regular files, at most attachments.max_bytes each)")->required();
    cmd->add_option("--note", opts->note, "What the evidence is, where it came from (the event's text)");
    cmd->add_option("--name", opts->name,
                    "The name to keep one FILE under (default its own name; characters outside A-Z a-z 0-9 . _ - + "
                    "become _)");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] { run_attach(*opts, ctx); });
}

}  // namespace incident::cli
