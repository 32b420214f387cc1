// The hooks' part in a change (journal.hpp): before-phase hooks run under
// the lock and may refuse; after-phase hooks are queued as the change is
// written, and lib/effects runs them once the lock is released.
#include "hooks/queue.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"
#include "workspace/journal.hpp"

namespace incident {

AfterHooks run_before_hooks(const Workspace& ws, ChangeResult& r, const Incident* before) {
    AfterHooks after;
    if (!ws.hooks.active() || r.event.type == "hook") return after;  // recording a hook's run runs no hook
    after.events = change_events(before, r.incident, r.event);
    for (const Hook* h : hooks_for(ws.hooks, after.events, r.incident, ws.config, true)) {
        const std::string payload = hook_payload(h->name, true, after.events, r.incident, r.event);
        const auto env = hook_environment(h->name, true, after.events, r.incident, r.event, ws.repo, ws.hooks.depth);
        HookRun run = run_hook_process(h->run, payload, env, ws.repo.root, h->timeout);
        if (!run.ok()) {
            std::string why = run.head();
            throw TransitionRefused("hook " + h->name + " refused the change (" + run.outcome(h->timeout) + ")" +
                                        (why.empty() ? std::string() : ": " + why),
                                    "nothing was written; the hook is declared in .incident/hooks.yaml (phase: "
                                    "before), and incident hooks test " +
                                        h->name + " --incident " + r.incident.id + " --event " + r.event.type +
                                        " shows what it gets");
        }
        if (h->record) add_event(r.incident, hook_event(*h, matched_event(*h, after.events), run, r.event.at));
    }
    after.hooks = hooks_for(ws.hooks, after.events, r.incident, ws.config, false);
    return after;
}

void queue_after_hooks(const Workspace& ws, const AfterHooks& after, const ChangeResult& r) {
    enqueue_hooks(ws.repo, after.hooks, after.events, r.incident, r.event, ws.hooks.depth);
}

}  // namespace incident
