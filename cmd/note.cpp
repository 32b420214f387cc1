// incident note ID TEXT: add a note (or a contact attempt) to the timeline.
#include "commands.hpp"

namespace incident::cli {

struct NoteOptions {
    std::string id, text;
    bool contact_attempt = false;
    CommonFlags flags;
};

void register_note(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<NoteOptions>();
    auto* cmd = app.add_subcommand("note", "Add a note to the timeline");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("text", opts->text, "The note")->required();
    cmd->add_flag("--contact-attempt", opts->contact_attempt,
                  "Record an attempt to confirm the resolution with the reporter (counts toward close)");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace&) {
            return add_note(inc, a, opts->text, opts->contact_attempt);
        });
    });
}

}  // namespace incident::cli
