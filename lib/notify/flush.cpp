// notify flush: the outbox retried within one budget, leaving alone what a
// receiver asked us not to send yet (its Retry-After, kept as not_before).
#include <map>

#include "notify/notify.hpp"

namespace incident {

namespace {

using Outcome = FlushEntry::Outcome;
using Clock = std::chrono::steady_clock;

struct Flush {
    const Outbox& outbox;
    const DeliverySettings& settings;
    const Env& env;
    Timestamp now;
    const Sleeper& sleep;
    Clock::time_point deadline;
    std::map<std::string, Timestamp> waiting;  // targets that asked, in this flush, to be retried later
};

std::optional<Timestamp> due_at(const Delivery& d) {
    return d.not_before.empty() ? std::nullopt : parse_rfc3339(d.not_before);
}

// An entry to a target that asked, in this flush, to wait: it waits as long
// (when it can be claimed; a command delivering it now passes it by).
FlushEntry wait_with_target(Flush& f, Delivery d, Timestamp until) {
    FlushEntry e{d.id, d.target, Outcome::not_due, "", format_rfc3339(until)};
    e.error = "not due: " + d.target + " asked to be retried after " + e.not_before;
    if (OutboxClaim claim = f.outbox.claim(d.id)) {
        d.not_before = e.not_before;
        f.outbox.put(d);
    }
    return e;
}

std::optional<FlushEntry> send(Flush& f, Delivery d) {
    OutboxClaim claim = f.outbox.claim(d.id);
    if (!claim) return std::nullopt;  // a command is delivering it right now, or it is gone
    SendResult r = send_delivery(d, f.settings, f.env, f.now, f.sleep, f.deadline);
    if (r.delivered) {
        f.outbox.remove(d.id);
        return FlushEntry{d.id, d.target, Outcome::delivered, "", ""};
    }
    d.last_error = r.error;
    if (r.not_before) {
        d.not_before = format_rfc3339(*r.not_before);
        f.waiting[d.target] = *r.not_before;
    }
    f.outbox.put(d);
    return FlushEntry{d.id, d.target, Outcome::failed, r.error, d.not_before};
}

std::optional<FlushEntry> flush_one(Flush& f, Delivery d) {
    // Sent only once the change that records it is saved (Outbox::release).
    if (!d.held_for.empty())
        return FlushEntry{d.id, d.target, Outcome::not_due,
                          "held: the change that records it is not saved yet (" + d.held_for + ")", ""};
    const auto due = due_at(d);
    if (auto w = f.waiting.find(d.target); w != f.waiting.end() && (!due || *due < w->second))
        return wait_with_target(f, std::move(d), w->second);
    if (due && *due > f.now)
        return FlushEntry{d.id, d.target, Outcome::not_due, "not due until " + d.not_before, d.not_before};
    if (Clock::now() >= f.deadline)
        return FlushEntry{d.id, d.target, Outcome::out_of_budget,
                          "not tried: the flush budget of " + std::to_string(f.settings.budget.count()) +
                              " ms ran out (notify flush --budget)",
                          d.not_before};
    return send(f, std::move(d));
}

}  // namespace

std::size_t FlushReport::delivered() const {
    return static_cast<std::size_t>(
        std::count_if(entries.begin(), entries.end(), [](const auto& e) { return e.outcome == Outcome::delivered; }));
}

FlushReport flush_outbox(const Outbox& outbox, DeliverySettings settings, std::chrono::milliseconds budget,
                         const std::string& target, const Env& env, Timestamp now, const Sleeper& sleep) {
    settings.budget = budget;
    settings.budget_name = "notify flush --budget";
    Flush f{outbox, settings, env, now, sleep, Clock::now() + budget, {}};
    FlushReport report;
    for (auto& d : outbox.list(&report.damaged)) {
        if (!target.empty() && d.target != target) continue;
        if (auto e = flush_one(f, std::move(d))) report.entries.push_back(std::move(*e));
    }
    return report;
}

}  // namespace incident
