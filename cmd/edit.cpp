// incident edit ID: open the file in $VISUAL/$EDITOR; keep the old file unless
// the edited one is valid.
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "git/process.hpp"
#include "model/yaml_doc.hpp"
#include "output.hpp"
#include "store/atomic_file.hpp"

namespace incident::cli {

struct EditOptions {
    std::string id;
    CommonFlags flags;
};

void run_edit(const EditOptions& opts, const Context& ctx) {
    // An editor without a terminal waits for keys that never come (in cron, CI, a pipe).
    if (!ctx.io.in_is_tty)
        throw UsageError("incident edit needs a terminal: standard input is not one, so no editor is started",
                         "from a script, change fields with update, assign, note or triage; or edit the file and "
                         "check it with incident validate");
    Workspace ws = open_workspace(ctx);
    std::string id = resolve_id(ctx, ws, opts.id);
    ws.store.load(id);  // refuse to edit a missing or already broken file
    std::string editor = ctx.io.env("VISUAL").value_or(ctx.io.env("EDITOR").value_or(""));
    if (editor.empty()) editor = "vi";
    std::string original = read_file(ws.store.path_of(id)).value_or("");
    fs::path copy = ws.repo.state_dir / "edit" / (id + ".yaml");
    std::error_code ec;
    fs::create_directories(copy.parent_path(), ec);
    write_file_atomically(copy, original);
    auto r = run_process({"sh", "-c", editor + " \"$@\"", editor, copy.string()}, "", false);
    if (r.status != 0)
        throw IoError("the editor exited with status " + std::to_string(r.status) + "; nothing changed",
                      "your copy is kept at " + copy.string());
    std::string edited_text = read_file(copy).value_or("");
    if (edited_text == original) {
        fs::remove(copy, ec);
        ctx.io.err << id << ": no changes\n";
        return;
    }
    std::string display = ws.repo.relative(ws.store.path_of(id));
    Incident edited;
    try {
        edited = incident_from_yaml(load_yaml(edited_text, display), display);
        if (edited.id != id)
            throw InvalidData(Location{display, 1, 1}, "id: cannot be changed by editing (was " + id + ")");
    } catch (const InvalidData& e) {
        throw InvalidData(e.where(),
                          e.detail() + " (the file is unchanged; your edit is kept at " + copy.string() + ")");
    }
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Event e{resolve_event_time(ctx, opts.flags.at), who, "edited", "edited by hand", {}};
    add_event(edited, e);
    auto result = replace_incident(ws, id, original, std::move(edited), e, change_options(ctx, opts.flags, who));
    fs::remove(copy, ec);
    print_change(ctx.io, result, opts.flags.json, false);
}

void register_edit(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<EditOptions>();
    auto* cmd = app.add_subcommand(
        "edit",
        "Edit an incident file in $VISUAL/$EDITOR (vi by default; needs a terminal); an invalid result is refused");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_flag("--json", opts->flags.json, "Print the edited incident as JSON");
    cmd->add_option("--by", opts->flags.by, "Who is editing")->type_name("USER");
    cmd->add_option("--at", opts->flags.at, "Time recorded for the edit event")->type_name("TIME");
    cmd->add_flag("--no-commit", opts->flags.no_commit, "Save the file but do not git-commit it");
    cmd->callback([opts, &ctx] { run_edit(*opts, ctx); });
}

}  // namespace incident::cli
