// The pager's tick: for each incident that may page, the due steps are
// recorded under the repository lock (their pages held in the outbox
// first), then released and sent within the budget.
#include <algorithm>
#include <thread>

#include "heartbeat/heartbeat.hpp"
#include "index/index.hpp"
#include "page/pager.hpp"
#include "store/lock.hpp"

namespace incident {

namespace {

constexpr const char* kPagePrefix = "page-";

// Records the steps of `id` due at opts.now; returns the deliveries to send
// (released). Nothing is written when nothing is due.
std::vector<Delivery> record(const Workspace& ws, Pager& pager, const std::string& id, const PageOptions& opts,
                             PageReport& report) {
    const Outbox outbox(ws.outbox_dir());
    Pager::Plan plan;
    auto find = [&]() -> std::string {
        if (!ws.store.exists(id)) return "";
        plan = pager.plan(ws.store.load(id), opts.now, opts.change.actor);
        return plan.events.empty() ? "" : id;
    };
    auto mutate = [&](Incident& inc) {
        if (!opts.dry_run)
            for (auto& d : plan.deliveries) {
                d.held_for = inc.id + " paged";
                outbox.put(d);  // held: not sent before the event that records it is saved
            }
        for (auto& e : plan.events) inc.timeline.push_back(e);
        return plan.events.back();
    };
    ChangeOptions change = opts.change;
    change.dry_run = opts.dry_run;
    ChangeResult r = change_or_create(ws, find, mutate, {}, change);
    report.warnings.insert(report.warnings.end(), plan.warnings.begin(), plan.warnings.end());
    report.warnings.insert(report.warnings.end(), r.warnings.begin(), r.warnings.end());
    if (plan.events.empty() || r.incident.id.empty()) return {};
    report.paged.push_back({r.incident.id, plan.events, r.committed});
    if (opts.dry_run || !r.written) return {};
    for (auto& d : plan.deliveries) {
        outbox.release(d.id);
        d.held_for.clear();
    }
    return plan.deliveries;
}

// Sends `pages` at once within the budget; what is not delivered stays in the outbox.
void send(const Workspace& ws, std::vector<Delivery> pages, const PageOptions& opts, const Env& env,
          const Sleeper& sleep, PageReport& report) {
    const Outbox outbox(ws.outbox_dir());
    struct Outgoing {
        Delivery d;
        OutboxClaim claim;
        SendResult result;
    };
    std::vector<Outgoing> out;
    for (auto& d : pages)
        if (OutboxClaim claim = outbox.claim(d.id)) out.push_back({std::move(d), std::move(claim), {}});
    DeliverySettings settings = ws.notify.delivery;
    settings.budget = opts.budget;
    settings.budget_name = "the page budget";
    const auto deadline = std::chrono::steady_clock::now() + opts.budget;
    std::vector<std::thread> senders;
    for (auto& o : out)
        senders.emplace_back([&o, &settings, &env, &opts, &sleep, deadline] {
            o.result = send_delivery(o.d, settings, env, opts.now, sleep, deadline);
        });
    for (auto& t : senders) t.join();
    for (auto& o : out) {
        const std::string what = o.d.incident + " " + o.d.target;
        if (o.result.delivered) {
            outbox.remove(o.d.id);
            report.sent.push_back(what);
            continue;
        }
        o.d.last_error = o.result.error;
        if (o.result.not_before) o.d.not_before = format_rfc3339(*o.result.not_before);
        outbox.put(o.d);
        report.queued.push_back(what + ": " + o.result.error + "; kept in the outbox (incident notify flush)");
    }
}

bool active(Status s) { return s == Status::open || s == Status::triaged || s == Status::investigating; }

// Opens an incident for each missed heartbeat and tells the chat targets,
// as any opening does.
void opened_for_heartbeats(const Workspace& ws, const PageOptions& opts, const Env& env, const Sleeper& sleep,
                           PageReport& report) {
    HeartbeatCheck check = check_heartbeats(ws, opts.now, opts.change);
    report.warnings = std::move(check.warnings);
    for (const auto& r : check.opened) {
        report.opened.push_back(r.incident.id + " " + r.incident.title);
        if (ws.notify.targets.empty()) continue;
        NotifyReport n = notify_change(ws.notify, Outbox(ws.outbox_dir()), r.incident, r.event, ws.repo, env, opts.now,
                                       false, sleep);
        report.warnings.insert(report.warnings.end(), n.warnings.begin(), n.warnings.end());
        report.warnings.insert(report.warnings.end(), n.queued.begin(), n.queued.end());
    }
}

}  // namespace

std::vector<Delivery> settle_held_pages(const Workspace& ws, const ChangeOptions& opts,
                                        std::vector<std::string>& warnings) {
    const Outbox outbox(ws.outbox_dir());
    std::vector<Delivery> held;
    for (auto& d : outbox.list())
        if (!d.held_for.empty() && d.id.rfind(kPagePrefix, 0) == 0) held.push_back(std::move(d));
    std::vector<Delivery> released;
    if (held.empty()) return released;
    RepositoryLock lock(ws.repo.lock_path(), opts.lock_timeout);  // no tick is between holding and saving
    for (auto& d : held) {
        bool saved = false;
        try {
            if (ws.store.exists(d.incident))
                for (const auto& e : ws.store.load(d.incident).timeline)
                    saved = saved || (e.type == "paged" && e.get("delivery") == d.id);
        } catch (const Error&) {
        }
        if (saved) {
            outbox.release(d.id);
            d.held_for.clear();
            released.push_back(std::move(d));
        } else {
            outbox.remove(d.id);
            warnings.push_back("a page for " + d.incident +
                               " was queued by a run that stopped before recording it; its step fires again");
        }
    }
    return released;
}

PageReport send_settled_pages(const Workspace& ws, const PageOptions& opts, const Env& env, const Sleeper& sleep) {
    PageReport report;
    if (!opts.dry_run) send(ws, settle_held_pages(ws, opts.change, report.warnings), opts, env, sleep, report);
    return report;
}

PageReport page_incident(const Workspace& ws, const std::string& id, const PageOptions& opts, const Env& env,
                         const Sleeper& sleep) {
    PageReport report;
    Pager pager(ws, env);
    auto pages = record(ws, pager, id, opts, report);
    send(ws, std::move(pages), opts, env, sleep, report);
    return report;
}

PageReport page_tick(const Workspace& ws, const PageOptions& opts, const Env& env, const Sleeper& sleep) {
    PageReport report;
    if (!opts.dry_run) opened_for_heartbeats(ws, opts, env, sleep, report);  // they page in this tick
    // Pages recorded by a run that stopped before sending them go out with this tick's.
    std::vector<Delivery> pages;
    if (!opts.dry_run) pages = settle_held_pages(ws, opts.change, report.warnings);
    Pager pager(ws, env);
    if (pager.policies().policies.empty()) {
        send(ws, std::move(pages), opts, env, sleep, report);
        return report;
    }
    Index index = load_index(ws.store, ws.config, opts.now);
    for (const auto& e : index.errors) report.warnings.push_back(e.what());
    for (const auto& s : index.incidents) {
        if (!active(s.status) || s.times.acknowledged) continue;
        const std::string id(s.id);
        try {
            // A quick look without the lock first: most incidents have nothing due.
            auto quick = pager.plan(ws.store.load(id), opts.now, opts.change.actor);
            if (quick.events.empty()) {
                report.warnings.insert(report.warnings.end(), quick.warnings.begin(), quick.warnings.end());
                continue;
            }
            auto more = record(ws, pager, id, opts, report);
            std::move(more.begin(), more.end(), std::back_inserter(pages));
        } catch (const Error& e) {  // this incident waits for the next tick; the others page
            report.warnings.push_back(id + ": not paged: " + e.what());
        }
    }
    send(ws, std::move(pages), opts, env, sleep, report);
    return report;
}

}  // namespace incident
