// incident log ID: the incident's history from git: each commit that changed
// its file, who made it (the actor its timeline events name; the git author
// only for a commit that added no event), when, and which fields it changed.
#include "commands.hpp"
#include "history/history.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

// The actor, as the timeline names them; else the commit's git author, marked.
std::string who_changed(const IncidentChange& c) {
    return c.actors.empty() ? c.commit.email + " (git)" : join(c.actors);
}

std::string what_changed(const IncidentChange& c) {
    if (c.removed) return "(removed)";
    if (c.unreadable) return "(does not read as an incident)";
    return (c.added ? "added: " : "") + join(c.fields);
}

void run_log(const OneIncident& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::string id = resolve_id(ctx, ws, opts.id);
    std::string path = ws.repo.relative(ws.store.path_of(id));
    if (!ws.repo.in_git) throw UsageError("not a git repository: there is no history to show");
    auto history = incident_history(ws.repo.root.string(), path);
    if (history.empty() && !ws.store.exists(id)) {
        std::error_code ec;
        if (fs::exists(fs::symlink_status(ws.store.path_of(id), ec))) ws.store.load(id);  // says what is there instead
        throw NotFound("no incident " + id + " now or in the history");
    }
    auto when = [](const IncidentChange& c) { return format_rfc3339(Timestamp{Seconds{c.commit.time}}); };
    if (opts.flags.json) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& c : history)
            arr.push_back({{"commit", c.commit.commit},
                           {"at", when(c)},
                           {"author", c.commit.author},
                           {"email", c.commit.email},
                           {"by", c.actors},
                           {"subject", c.commit.subject},
                           {"added", c.added},
                           {"removed", c.removed},
                           {"readable", !c.unreadable},
                           {"fields", c.fields}});
        return print_json(ctx.io, arr);
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : history)
        rows.push_back({c.commit.commit.substr(0, 8), when(c), who_changed(c), c.commit.subject, what_changed(c)});
    if (rows.empty()) {
        ctx.io.out << id << ": not committed yet\n";
        return;
    }
    print_table(ctx.io, {"COMMIT", "DATE", "BY", "SUBJECT", "FIELDS"}, rows);
}

void register_log(CLI::App& app, Context& ctx) {
    register_one_incident(
        app, ctx, "log",
        "The incident's history from git: who changed which fields (the actor the timeline names), and when",
        "Print the history as a JSON array, oldest first", run_log);
}

}  // namespace incident::cli
