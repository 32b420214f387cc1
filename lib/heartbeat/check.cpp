// Check-ins kept on this machine, and what they do to incidents: an overdue
// heartbeat opens one (deduplicated by its key, as alert intake is), the
// next check-in marks it mitigated.
#include <map>

#include "heartbeat/heartbeat.hpp"
#include "index/index.hpp"
#include "intake/intake.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace {

fs::path checkin_path(const Repository& repo, const std::string& name) { return repo.state_dir / "heartbeats" / name; }

bool active(Status s) { return s == Status::open || s == Status::triaged || s == Status::investigating; }

// Found under the lock: another run opened the incident meanwhile, so nothing is written.
struct AlreadyOpen {};

NewIncident missed_incident(const Heartbeat& hb, Timestamp last, Timestamp now) {
    NewIncident f;
    f.title = "Heartbeat " + hb.name + " missed: no check-in since " + format_rfc3339(last);
    f.service = hb.service;
    f.impact = hb.impact;
    f.urgency = hb.urgency;
    f.dedup_key = hb.dedup_key();
    f.detected_at = std::min(last + hb.every + hb.grace, now);
    f.description = "Heartbeat " + hb.name + " checks in every " + format_duration(hb.every) + " (grace " +
                    format_duration(hb.grace) + "); its last check-in was at " + format_rfc3339(last) + ".";
    return f;
}

ChangeResult open_missed(const Workspace& ws, const Heartbeat& hb, Timestamp last, Timestamp now,
                         const ChangeOptions& opts) {
    const Actor who{opts.actor, now, ws.config};
    auto find = [&] { return find_open_by_key(ws, hb.dedup_key(), now); };
    auto mutate = [](Incident&) -> Event { throw AlreadyOpen{}; };
    auto build = [&](const std::string& id) {
        return open_incident(id, missed_incident(hb, last, now), ws.rules, who);
    };
    try {
        return change_or_create(ws, find, mutate, build, opts);
    } catch (const AlreadyOpen&) {
        return {};
    }
}

// The incident open under `key`, when it is still open, triaged or investigating.
std::string active_by_key(const Workspace& ws, const std::string& key, Timestamp now) {
    std::string id = find_open_by_key(ws, key, now);
    return !id.empty() && active(ws.store.load(id).status) ? id : std::string();
}

}  // namespace

std::optional<Timestamp> last_checkin(const Repository& repo, const std::string& name) {
    auto text = read_file(checkin_path(repo, name));
    if (!text) return std::nullopt;
    while (!text->empty() && std::isspace(static_cast<unsigned char>(text->back()))) text->pop_back();
    return parse_rfc3339(*text);  // a file that does not read is taken as no check-in
}

std::vector<HeartbeatStatus> heartbeat_statuses(const Workspace& ws, Timestamp now) {
    std::vector<HeartbeatStatus> out;
    const Heartbeats hbs = load_heartbeats(ws.repo, ws.config);
    if (hbs.list.empty()) return out;
    std::map<std::string, std::string, std::less<>> open;  // dedup key -> incident
    const Index index = load_index(ws.store, ws.config, now);
    for (const auto& s : index.incidents)
        if (!s.dedup_key.empty() && s.status != Status::resolved && s.status != Status::closed)
            open.emplace(std::string(s.dedup_key), std::string(s.id));
    for (const auto& hb : hbs.list) {
        HeartbeatStatus st{hb, HeartbeatState::waiting, last_checkin(ws.repo, hb.name), {}};
        st.state = heartbeat_state(hb, st.last, now);
        if (auto it = open.find(hb.dedup_key()); it != open.end()) st.incident = it->second;
        out.push_back(std::move(st));
    }
    return out;
}

HeartbeatCheck check_heartbeats(const Workspace& ws, Timestamp now, const ChangeOptions& opts) {
    HeartbeatCheck out;
    std::vector<HeartbeatStatus> statuses;
    try {
        statuses = heartbeat_statuses(ws, now);
    } catch (const InvalidData& e) {  // paging goes on without them
        out.warnings.push_back(std::string("heartbeats not checked: ") + e.what());
        return out;
    }
    for (const auto& st : statuses) {
        if (st.state != HeartbeatState::overdue || !st.incident.empty()) continue;
        ChangeResult r = open_missed(ws, st.heartbeat, *st.last, now, opts);
        out.warnings.insert(out.warnings.end(), r.warnings.begin(), r.warnings.end());
        if (!r.incident.id.empty()) out.opened.push_back(std::move(r));
    }
    return out;
}

Checkin record_checkin(const Workspace& ws, const std::string& name, Timestamp now, const ChangeOptions& opts) {
    const Heartbeats hbs = load_heartbeats(ws.repo, ws.config);
    const Heartbeat* hb = hbs.find(name);
    if (!hb) throw NotFound("no heartbeat '" + name + "' in .incident/heartbeats.yaml");
    std::optional<Timestamp> last = last_checkin(ws.repo, name);
    if (!last || now > *last) {
        if (!opts.dry_run) {
            fs::create_directories(checkin_path(ws.repo, name).parent_path());
            write_file_atomically(checkin_path(ws.repo, name), format_rfc3339(now) + "\n");
        }
        last = now;
    }
    Checkin c{name, heartbeat_state(*hb, last, now), {}};
    // Most check-ins find nothing to mitigate: looked at first without the lock.
    if (active_by_key(ws, hb->dedup_key(), now).empty()) return c;
    const Actor who{opts.actor, now, ws.config};
    auto find = [&] { return active_by_key(ws, hb->dedup_key(), now); };
    auto mutate = [&](Incident& inc) {
        return set_status(inc, Status::mitigated, who, "heartbeat " + name + " checked in at " + format_rfc3339(now));
    };
    c.mitigated = change_or_create(ws, find, mutate, {}, opts);
    return c;
}

nlohmann::ordered_json to_json(const Checkin& c) {
    const std::string& id = c.mitigated.incident.id;
    return {{"heartbeat", c.name},
            {"state", to_string(c.state)},
            {"mitigated", id.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(id)}};
}

}  // namespace incident
