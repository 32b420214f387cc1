#include "effects/effects.hpp"

#include "status/publish.hpp"
#include "status/site.hpp"
#include "store/atomic_file.hpp"

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

// With status_page.publish_on_change (by default git.auto_sync), a change to a public incident (or one
// a killed run left unpublished, by its marker) republishes the page. The
// marker is written first and removed once published.
std::vector<std::string> republish(const Workspace& ws, const ChangeResult& result, const EffectOptions& opts) {
    if (!result.committed || opts.dry_run || !ws.config.sections.count("status_page")) return {};
    std::vector<std::string> warnings;
    try {
        StatusPageSettings settings = status_page_settings(ws.config, ".incident/config.yaml");
        const fs::path pending = publish_pending_path(ws.repo);
        std::error_code ec;
        const bool follow = settings.publish_on_change.value_or(ws.config.auto_sync);
        if (!follow || (!public_view(result.incident, settings) && !fs::exists(pending, ec))) return {};
        write_file_atomically(pending, result.incident.id + "\n");
        SiteInput in = load_site_input(ws, opts.now);
        PublishOptions po;
        po.branch = settings.branch;
        po.message = "status page: " + result.incident.id + " " + result.event.type;
        po.actor = opts.change.actor;
        po.push = opts.change.sync || ws.config.auto_sync;
        PublishResult r = publish_site(ws, render_site(in), po);
        fs::remove(pending, ec);
        warnings = r.warnings;
    } catch (const Error& e) {
        warnings.push_back(std::string("status page not published: ") + e.what() +
                           " (the next public change, or incident status publish, publishes it)");
    }
    return warnings;
}

}  // namespace

Effects after_change(const Workspace& ws, const ChangeResult& result, const EffectOptions& opts, const Env& env,
                     const Sleeper& sleep) {
    Effects fx;
    fx.pages = pages_owed(ws, result, opts, env, sleep);
    if (opts.notify && !ws.notify.targets.empty())
        fx.notes = notify_change(ws.notify, Outbox(ws.outbox_dir()), result.incident, result.event, ws.repo, env,
                                 opts.now, opts.dry_run, sleep);
    fx.published = republish(ws, result, opts);
    if (!opts.dry_run) fx.hooks = run_queued_hooks(ws, opts.change, opts.now);
    return fx;
}

}  // namespace incident
