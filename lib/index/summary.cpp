#include "index/summary.hpp"

#include <algorithm>
#include <cstring>
#include <functional>

#include "model/text.hpp"
#include "sla/calendar.hpp"
#include "status/public.hpp"

namespace incident {

namespace {

ClockSummary summarise_clock(const SlaClock& c, const Config& cfg, Timestamp now) {
    ClockSummary s;
    s.state = c.state;
    s.running = c.running;
    if (!c.running || !c.due) return s;  // stopped, paused or without a target: fixed
    s.due = c.due;
    auto until_risk = at_risk_after(cfg, c.target) - c.elapsed;
    if (until_risk <= Seconds{0})
        s.at_risk_at = now;
    else if (c.business_hours)
        s.at_risk_at = WorkCalendar(cfg.business_hours).add_working_time(now, until_risk);
    else
        s.at_risk_at = now + until_risk;
    return s;
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ull;
    }
    return h;
}

PageMark page_mark(const Event& e, StringPool& pool) {
    const std::string step = e.get("step");
    return {pool.intern(e.get("person")), e.at, step.size() < 6 && all_digits(step) ? std::stoi(step) : 0};
}

// An event another tool did itself, brought in by incident import (by
// "opsgenie", source "opsgenie/..."): no one's effort.
bool done_by_its_source(const Event& e) {
    if (e.by.find('@') != std::string::npos) return false;
    const std::string source = e.get("source");
    return source.size() > e.by.size() && source.compare(0, e.by.size(), e.by) == 0 && source[e.by.size()] == '/';
}

}  // namespace

std::string_view StringPool::intern(std::string_view s) {
    if (s.empty()) return {};
    Shard& shard = shards_[std::hash<std::string_view>{}(s) % kShards];
    std::lock_guard<std::mutex> hold(shard.mutex);
    auto it = shard.seen.find(s);
    if (it != shard.seen.end()) return *it;
    char* at;
    if (s.size() > kBlock / 4) {
        // A long text gets a block of its own, put before the one being filled.
        std::unique_ptr<char[]> block(new char[s.size()]);
        at = block.get();
        shard.blocks.insert(shard.blocks.end() - (shard.blocks.empty() ? 0 : 1), std::move(block));
    } else {
        if (shard.room < s.size()) {
            shard.blocks.emplace_back(new char[kBlock]);
            shard.room = kBlock;
        }
        at = shard.blocks.back().get() + (kBlock - shard.room);
        shard.room -= s.size();
    }
    std::memcpy(at, s.data(), s.size());
    std::string_view v(at, s.size());
    shard.seen.insert(v);
    return v;
}

ClockState ClockSummary::at(Timestamp now) const {
    if (!running || !due) return state;
    if (now >= *due) return ClockState::breached;
    if (at_risk_at && now >= *at_risk_at) return ClockState::at_risk;
    return ClockState::ok;
}

bool Summary::has_tag(std::string_view tag) const { return std::find(tags.begin(), tags.end(), tag) != tags.end(); }

ClockState Summary::sla_at(Timestamp now) const { return respond.running ? respond.at(now) : resolve.at(now); }

const std::vector<SummaryText>& summary_texts() {
    using S = Summary;
    using I = Incident;
    static const std::vector<SummaryText> texts = {
        {&S::id, &I::id},
        {&S::title, &I::title},
        {&S::category, &I::category},
        {&S::subcategory, &I::subcategory},
        {&S::service, &I::service},
        {&S::impact, &I::impact},
        {&S::urgency, &I::urgency},
        {&S::priority, &I::priority},
        {&S::team, &I::team},
        {&S::tier, &I::tier},
        {&S::assignee, &I::assignee},
        {&S::reporter, &I::reporter},
        {&S::problem, &I::problem},
        {&S::location, &I::location},
        {&S::sla_policy, &I::sla_policy},
        {&S::dedup_key, &I::dedup_key},
        {&S::commander},
        {&S::resolution_code},
    };
    return texts;
}

SlaFacts Summary::sla_facts() const {
    SlaFacts f;
    f.priority = priority;
    f.policy = sla_policy;
    f.status = status;
    f.times = times;
    f.mitigation = mitigation;
    return f;
}

SlaStatus sla_status(const Summary& s, const Config& cfg, Timestamp now) { return sla_status(s.sla_facts(), cfg, now); }

Summary summarise(const Incident& inc, const Config& cfg, Timestamp now, StringPool& pool) {
    auto in = [&](const std::string& text) { return pool.intern(text); };
    Summary s;
    for (const auto& t : summary_texts())
        if (t.from) s.*t.member = in(inc.*t.from);
    s.commander = in(inc.role("commander"));
    if (inc.resolution) s.resolution_code = in(inc.resolution->code);
    s.status = inc.status;
    s.drill = inc.drill;
    for (const auto& t : inc.tags) s.tags.push_back(in(t));
    s.times = lifecycle_times(inc);
    for (const auto& e : inc.timeline) {
        // kind: policy is a page to the next step of another tool's policy (incident import): neither.
        if (e.type == "escalated" && e.get("kind") != "policy")
            ++(e.get("kind") == "hierarchical" ? s.escalations_hierarchical : s.escalations_functional);
        if (e.type == "reopened") ++s.reopens;
        if (e.type == "update") s.updates.push_back(e.at);
        if (e.type == "deadline") s.deadlines = true;
        if (is_public_event(e)) s.published = true;
        if (e.type == "paged" && e.get("outcome") == "queued") s.pages.push_back(page_mark(e, pool));
        if (e.by.empty() || done_by_its_source(e)) continue;
        auto it = std::find_if(s.activity.begin(), s.activity.end(), [&](const Activity& a) { return a.who == e.by; });
        if (it == s.activity.end()) {
            s.activity.push_back({in(e.by), 1, e.at, e.at});
        } else {
            ++it->events;
            it->first = std::min(it->first, e.at);
            it->last = std::max(it->last, e.at);
        }
    }
    if (cfg.sla_pause_when_mitigated) s.mitigation = mitigation_marks(inc);
    auto sla = sla_status(s.sla_facts(), cfg, now);
    s.respond = summarise_clock(sla.respond, cfg, now);
    s.resolve = summarise_clock(sla.resolve, cfg, now);
    for (const auto& a : inc.actions) s.actions.push_back({a.id, in(a.title), in(a.owner), in(a.due), in(a.status)});
    return s;
}

std::uint64_t summary_settings_fingerprint(const Config& cfg) {
    std::string text;
    auto targets = [&](const SlaTargets& t) {
        for (const auto& [priority, target] : t)
            text += priority + ":" + std::to_string(target.respond.count()) + "/" +
                    std::to_string(target.resolve.count()) + (target.business_hours ? "b" : "w") + ";";
    };
    targets(cfg.sla);
    for (const auto& [name, policy] : cfg.sla_policies) {
        text += "policy " + name + "{";
        targets(policy);
        text += "}";
    }
    text += "risk " + std::to_string(cfg.sla_at_risk) + (cfg.sla_pause_when_mitigated ? " pause" : "");
    const auto& bh = cfg.business_hours;
    text += " tz " + bh.timezone + " " + std::to_string(bh.start.count()) + "-" + std::to_string(bh.end.count());
    for (auto d : bh.days) text += " d" + std::to_string(d);
    for (const auto& h : bh.holidays) text += " h" + h;
    return fnv1a(text);
}

}  // namespace incident
