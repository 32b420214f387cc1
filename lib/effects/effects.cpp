#include "effects/effects.hpp"

namespace incident {

namespace {

PageReport pages_owed(const Workspace& ws, const ChangeResult& result, const EffectOptions& opts, const Env& env,
                      const Sleeper& sleep) {
    std::error_code ec;
    if (!result.written || result.incident.id.empty() || opts.dry_run || !fs::exists(escalation_path(ws.repo), ec))
        return {};
    try {
        return page_incident(ws, result.incident.id,
                             PageOptions{opts.now, opts.change, false, ws.notify.delivery.budget}, env, sleep);
    } catch (const Error& e) {  // the next tick pages
        PageReport r;
        r.warnings.push_back(std::string("not paged: ") + e.what() + " (incident page tick tries again)");
        return r;
    }
}

}  // namespace

Effects after_change(const Workspace& ws, const ChangeResult& result, const EffectOptions& opts, const Env& env,
                     const Sleeper& sleep) {
    Effects fx;
    fx.pages = pages_owed(ws, result, opts, env, sleep);
    if (opts.notify && !ws.notify.targets.empty())
        fx.notes = notify_change(ws.notify, Outbox(ws.outbox_dir()), result.incident, result.event, ws.repo, env,
                                 opts.now, opts.dry_run, sleep);
    return fx;
}

}  // namespace incident
