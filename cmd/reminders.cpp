#include "reminders.hpp"

#include "effects/reminders.hpp"
#include "output.hpp"

namespace incident::cli {

nlohmann::ordered_json send_reminders(const Context& ctx, const Workspace& ws, const CommonFlags& flags,
                                      Timestamp now) {
    const std::string actor = resolve_actor(ctx, flags, ws.repo.root);
    auto list = nlohmann::ordered_json::array();
    for (const ChangeResult& r : incident::send_reminders(ws, now, change_options(ctx, flags, actor))) {
        print_warnings(ctx.io, r.warnings);
        after_change_effects(ctx, ws, r, flags);
        for (const Event& e : r.incident.timeline) {
            if (e.type != "reminder" || e.at != now) continue;
            list.push_back({{"id", r.incident.id},
                            {"clock", e.get("clock")},
                            {"state", e.get("state")},
                            {"due", e.get("due")},
                            {"to", json_or_null(e.get("to"))}});
            if (!flags.json)
                ctx.io.out << (flags.dry_run ? "would remind " : "reminded ") << r.incident.id << ": " << e.text
                           << (e.get("to").empty() ? "" : " -> " + e.get("to")) << "\n";
        }
    }
    return list;
}

}  // namespace incident::cli
