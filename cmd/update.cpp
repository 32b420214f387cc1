// incident update ID: change status, post a stakeholder update (public with
// --public), set status page components, link related incidents.
#include "commands.hpp"
#include "deadlines/deadlines.hpp"
#include "public_flags.hpp"

namespace incident::cli {

struct UpdateOptions {
    std::string id, status, message;
    bool is_public = false;
    PublicFlags published;
    std::vector<std::string> related;
    std::vector<std::string> deadlines;
    std::map<std::string, std::string> moments;  // aware -> TIME, ...
    CommonFlags flags;
};

// --deadline and --aware-at, --classified-at, ...: the regulatory clocks (lib/deadlines).
std::optional<Event> record_deadlines(Incident& inc, const UpdateOptions& o, const Actor& a, const Context& ctx,
                                      const Workspace& ws) {
    std::optional<Event> last;
    if (!o.deadlines.empty()) {
        const auto sets = deadline_sets(ws.config, ".incident/config.yaml");
        for (const auto& d : o.deadlines) last = attach_deadline(inc, a, d, sets);
    }
    for (const auto& [moment, text] : o.moments)
        last = record_moment(inc, a, moment, resolve_event_time(ctx, text, ("--" + moment + "-at").c_str()));
    return last;
}

Event run_update(Incident& inc, const UpdateOptions& o, const Actor& a, const Context& ctx, const Workspace& ws) {
    PublicFlags flags = o.published;
    if (o.is_public) {
        if (o.message.empty()) throw UsageError("--public makes the update public: give it with -m TEXT");
        flags.message = o.message;
    }
    const PublicChange published = public_change(flags);
    if (o.status.empty() && o.message.empty() && o.related.empty() && published.empty() && o.deadlines.empty() &&
        o.moments.empty())
        throw UsageError(
            "update needs --status, --message, --related, --public-title, --component, --deadline or a moment "
            "(--aware-at, ...)");
    std::optional<Event> last = record_deadlines(inc, o, a, ctx, ws);
    if (!o.related.empty()) {
        std::vector<std::string> ids;
        for (const auto& r : o.related) {
            ids.push_back(normalise_id(r, ws.config.id_prefix));
            if (!ws.store.exists(ids.back())) throw NotFound("--related: no incident " + ids.back());
        }
        last = add_related(inc, a, ids);
    }
    // A public message is the public update's text, not also the status change's.
    const std::string internal = o.is_public ? "" : o.message;
    if (!o.status.empty()) {
        auto to = parse_status(o.status);
        if (!to) throw UsageError("--status: unknown status '" + o.status + "'", "use one of: " + status_names());
        last = set_status(inc, *to, a, internal);
    } else if (!internal.empty()) {
        last = stakeholder_update(inc, a, internal);
    }
    if (!published.empty()) {
        add_public_events(inc, a, published, status_page_settings(ws.config, ".incident/config.yaml"));
        last = inc.timeline.back();
        for (const Event& e : inc.timeline)  // the latest public event (backfilled ones land in order)
            if (is_public_event(e) && e.at == a.at) last = e;
    }
    return *last;
}

void register_update(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<UpdateOptions>();
    auto* cmd = app.add_subcommand(
        "update", "Change the status, post a stakeholder update (public with --public), link related incidents");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--status", opts->status,
                    "New status: triaged, investigating or mitigated "
                    "(resolve, reopen and close have their own commands)")
        ->type_name("{triaged,investigating,mitigated}");
    cmd->add_option("-m,--message", opts->message, "Stakeholder update text");
    cmd->add_flag("--public", opts->is_public,
                  "The --message is public: it goes on the status page (incident status build)");
    add_public_flags(cmd, opts->published, false);
    cmd->add_option("--deadline", opts->deadlines,
                    "Attach a regulatory deadline set (gdpr, nis2, dora, sec-8k, hipaa, or one of deadlines: in the "
                    "config); repeat for more")
        ->type_name("SET");
    static const std::map<std::string, std::string> moment_help = {
        {"aware", "When the organisation became aware of it (GDPR, NIS2; DORA's 24 h)"},
        {"classified", "When it was classified as major (DORA)"},
        {"determined", "When it was determined to be material (SEC 8-K)"},
        {"discovered", "When the breach was discovered (HIPAA)"}};
    for (const auto& m : deadline_moments())
        cmd->add_option_function<std::string>(
               "--" + m + "-at", [opts, m](const std::string& t) { opts->moments[m] = t; },
               moment_help.at(m) + ": starts the deadlines counted from it; a past time backfills")
            ->type_name("TIME");
    cmd->add_option("--related", opts->related,
                    "Link a related incident (repeat for more), e.g. one `open` said is similar")
        ->type_name("ID");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace& ws) {
            return run_update(inc, *opts, a, ctx, ws);
        });
    });
}

}  // namespace incident::cli
