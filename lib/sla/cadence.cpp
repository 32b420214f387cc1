#include "sla/cadence.hpp"

#include "model/yaml_doc.hpp"

namespace incident {

namespace {

// When the incident stopped needing updates (resolved, or closed without a resolution).
std::optional<Timestamp> ended(const CadenceFacts& f) {
    if (f.status != Status::resolved && f.status != Status::closed) return std::nullopt;
    return f.times.resolved ? f.times.resolved : f.times.closed;
}

const Seconds* target_of(const CadenceFacts& f, const Cadence& cadence) {
    auto it = cadence.find(f.priority);
    return it == cadence.end() ? nullptr : &it->second;
}

}  // namespace

Cadence cadence_settings(const Config& config, const std::string& file) {
    Cadence out;
    auto it = config.sections.find("communication");
    if (it == config.sections.end() || it->second.is_null()) return out;
    const YamlNode& n = it->second;
    require_map(n, file, "communication");
    for (const auto& [k, v] : n.entries()) {
        const std::string key = "communication." + k.scalar();
        if (Config::rank(config.priorities, k.scalar()) < 0)
            fail_at(
                k, file, "communication: unknown priority '" + k.scalar() + "' (the priorities are " + [&] {
                    std::string s;
                    for (const auto& p : config.priorities) s += (s.empty() ? "" : ", ") + p;
                    return s;
                }() + ")");
        Seconds every = duration(v, file, key);
        if (every < Seconds{60}) fail_at(v, file, key + ": at least 1m");
        out[k.scalar()] = every;
    }
    return out;
}

SlaClock cadence_clock(const CadenceFacts& f, const Cadence& cadence, const Config& config, Timestamp now) {
    SlaClock c;
    c.name = "update";
    const Seconds* target = target_of(f, cadence);
    if (!target || !f.times.opened) return c;
    c.target = *target;
    const auto end = ended(f);
    if (end && *end <= now) {
        CadenceRecord r = cadence_record(f, cadence, now);
        c.state = r.on_time == r.due ? ClockState::met : ClockState::missed;
        return c;
    }
    Timestamp last = *f.times.opened;
    for (Timestamp u : f.updates)
        if (u <= now && u > last) last = u;
    c.running = true;
    c.elapsed = now > last ? now - last : Seconds{0};
    c.remaining = c.target - c.elapsed;
    c.due = last + c.target;
    c.state = c.elapsed >= c.target                          ? ClockState::breached
              : c.elapsed >= at_risk_after(config, c.target) ? ClockState::at_risk
                                                             : ClockState::ok;
    return c;
}

CadenceRecord cadence_record(const CadenceFacts& f, const Cadence& cadence, Timestamp now) {
    CadenceRecord r;
    const Seconds* target = target_of(f, cadence);
    if (!target || !f.times.opened) return r;
    auto end = ended(f);
    const Timestamp stop = end && *end < now ? *end : now;
    Timestamp last = *f.times.opened;
    for (Timestamp u : f.updates) {
        if (u <= last || u > stop) continue;
        ++r.due;
        if (u - last <= *target) ++r.on_time;
        last = u;
    }
    if (stop - last > *target) ++r.due;  // the update that never came
    return r;
}

}  // namespace incident
