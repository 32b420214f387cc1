// incident merge-file BASE OURS THEIRS [PATH]: the git merge driver for
// incident files (.gitattributes: incidents/*.yaml merge=incident). Writes the
// field-by-field merge into OURS and exits 0; where it cannot merge safely it
// leaves git's ordinary conflict in OURS, says why, and exits 1.
#include "commands.hpp"
#include "git/process.hpp"
#include "merge/merge.hpp"
#include "store/atomic_file.hpp"

namespace incident::cli {

struct MergeFileOptions {
    std::string base, ours, theirs, path;
};

void run_merge_file(const MergeFileOptions& o) {
    std::string display = o.path.empty() ? o.ours : o.path;
    auto text = [&](const std::string& file) {
        auto t = read_file(file);
        if (!t) throw IoError("cannot read " + file);
        return *t;
    };
    MergeOutcome m = merge_incident_files(text(o.base), text(o.ours), text(o.theirs), display);
    if (!m.text.empty()) return write_file_atomically(o.ours, m.text);
    auto lines =
        run_process({"git", "merge-file", "-L", "ours", "-L", "base", "-L", "theirs", o.ours, o.base, o.theirs}, "");
    if (lines.status < 0 || lines.status > 127)
        throw Error(ExitCode::runtime, display + ": not merged: " + m.problem,
                    "git merge-file could not mark the conflict either; the file is our side, unchanged");
    throw Error(ExitCode::runtime, display + ": not merged: " + m.problem,
                "git's conflict markers are in the file: settle it by hand, then git add it");
}

void register_merge_file(CLI::App& app, Context&) {
    auto opts = std::make_shared<MergeFileOptions>();
    auto* cmd = app.add_subcommand(
        "merge-file",
        "The git merge driver for incident files: merge field by field (registered by init and any command)");
    cmd->add_option("base", opts->base, "The common ancestor's version (git's %O)")->required();
    cmd->add_option("ours", opts->ours, "Our version, where the result is written (%A)")->required();
    cmd->add_option("theirs", opts->theirs, "Their version (%B)")->required();
    cmd->add_option("path", opts->path, "The file's path in the repository, for messages (%P)");
    cmd->callback([opts] { run_merge_file(*opts); });
}

}  // namespace incident::cli
