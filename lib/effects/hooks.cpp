#include "effects/hooks.hpp"

#include <optional>

#include "hooks/queue.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"
#include "store/lock.hpp"

namespace incident {

namespace {

// The `hook` event of a run, on its incident (found by uid: a sync may have
// renumbered it). A failure to record is a warning.
bool record_run(const Workspace& ws, const QueuedHook& q, const HookRun& run, const ChangeOptions& opts, Timestamp now,
                std::vector<std::string>& warnings) {
    Hook h;
    h.name = q.hook;
    h.timeout = q.timeout;
    try {
        std::string id = q.uid.empty() ? std::string() : ws.store.find_uid(q.uid);
        if (id.empty()) id = q.id;
        ChangeOptions record = opts;
        record.actor = "hook:" + q.hook;
        record.dry_run = false;
        change_incident(
            ws, id,
            [&](Incident& inc) {
                Event e = hook_event(h, q.event, run, std::max(now, inc.opened_at.value_or(now)));
                return add_event(inc, std::move(e));
            },
            record);
        return true;
    } catch (const Error& e) {
        warnings.push_back("hook " + q.hook + " for " + q.id + ": its run is not recorded: " + e.what());
        return false;
    }
}

// Runs every entry queued now, oldest first.
void run_batch(const Workspace& ws, const ChangeOptions& opts, Timestamp now, HookReport& report) {
    for (const auto& entry : queued_hooks(ws.repo)) {
        auto q = claim_hook(ws.repo, entry, report.warnings);
        if (!q) continue;
        HookOutcome o{q->hook, q->id, q->event, {}, q->timeout, false};
        try {
            o.run = run_hook_process(q->run, q->payload, q->env, ws.repo.root, q->timeout);
        } catch (const Error& e) {
            o.run.output = e.what();
        }
        finish_hook(*q);
        if (q->record || !o.run.ok()) o.recorded = record_run(ws, *q, o.run, opts, now, report.warnings);
        if (!o.run.ok())
            report.warnings.push_back(
                "hook " + q->hook + " for " + q->id + " " + q->event + " failed (" + o.run.outcome(q->timeout) + ")" +
                (o.run.head().empty() ? std::string() : ": " + o.run.head()) + " (the change itself is saved)");
        report.ran.push_back(std::move(o));
    }
}

}  // namespace

HookReport run_queued_hooks(const Workspace& ws, const ChangeOptions& opts, Timestamp now) {
    HookReport report;
    report.warnings = abandoned_hooks(ws.repo);
    const fs::path lock_path = hooks_state_dir(ws.repo) / "lock";
    // Whoever holds the lock runs what is queued, and looks again after it
    // lets go: an entry queued meanwhile by a command that found the lock
    // taken is never left behind.
    while (!queued_hooks(ws.repo).empty()) {
        std::optional<RepositoryLock> lock;
        try {
            lock.emplace(lock_path, std::chrono::milliseconds(0));
        } catch (const IoError&) {
            break;  // another command is running them
        }
        const std::size_t before = report.ran.size();
        run_batch(ws, opts, now, report);
        if (report.ran.size() == before) break;  // none could be claimed: the next command tries
    }
    return report;
}

}  // namespace incident
