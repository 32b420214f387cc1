#include "intake/spool.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "index/index.hpp"
#include "model/errors.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace fs = std::filesystem;

namespace {

fs::path spool_dir(const Workspace& ws) { return ws.repo.state_dir / "spool"; }

// The spooled requests' files, oldest first (their names sort by arrival).
std::vector<fs::path> spooled(const Workspace& ws) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(spool_dir(ws), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".json" && it->path().filename().string()[0] != '.') out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

struct Spooled {
    std::string path;  // the route: /v1/alerts/alertmanager
    Timestamp received{};
    std::string body;
};

std::optional<Spooled> read_spooled(const fs::path& file) {
    auto text = read_file(file);
    auto j = nlohmann::json::parse(text.value_or(""), nullptr, false);
    if (!text || !j.is_object() || !j.contains("path") || !j["path"].is_string() || !j.contains("received") ||
        !j["received"].is_string() || !j.contains("body") || !j["body"].is_string())
        return std::nullopt;
    auto at = parse_rfc3339(j["received"].get<std::string>());
    if (!at) return std::nullopt;
    return Spooled{j["path"].get<std::string>(), *at, j["body"].get<std::string>()};
}

// True when an incident with the alert's key recorded it at `since` or
// later — opened by it (a firing one), or an alert event of its key and
// status — so the holder took it.
bool taken_already(const Workspace& ws, const Index& index, const Alert& a, Timestamp since) {
    if (a.key.empty()) return false;
    for (const auto& s : index.incidents) {
        if (s.dedup_key != a.key) continue;
        Incident inc;
        try {
            inc = ws.store.load(std::string(s.id));
        } catch (const Error&) {
            continue;
        }
        if (a.action == AlertAction::trigger && inc.opened_at && *inc.opened_at >= since) return true;
        for (const auto& e : inc.timeline)
            if (e.type == "alert" && e.at >= since && e.get("key") == a.key && e.get("status") == status_word(a.action))
                return true;
    }
    return false;
}

}  // namespace

std::size_t spooled_count(const Workspace& ws) { return spooled(ws).size(); }

AlertReply spool_alerts(const Workspace& ws, const std::string& path, const AlertRoute& route, std::string_view body,
                        Timestamp now) {
    const AlertRequest q = read_alert_request(ws, route, body);
    if (q.error) return *q.error;
    if (spooled_count(ws) >= kMaxSpooled)
        return error_reply(503, "the spool is full (" + std::to_string(kMaxSpooled) +
                                    " requests wait for the receiver holding the pager lease)");
    const auto ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    std::string name = std::to_string(ns);  // zero-padded: the names sort as they came
    name.insert(0, name.size() < 20 ? 20 - name.size() : 0, '0');
    name += "-" + std::to_string(::getpid()) + ".json";
    const nlohmann::ordered_json entry = {
        {"path", path}, {"received", format_rfc3339(now)}, {"body", std::string(body)}};
    try {
        std::error_code ec;
        fs::create_directories(spool_dir(ws), ec);
        write_file_atomically(spool_dir(ws) / name, entry.dump() + "\n");
    } catch (const Error& e) {
        return error_reply(503, e.what());
    }
    AlertReply r;
    r.status = 202;
    if (route.format == AlertFormat::pagerduty)
        r.body = {{"status", "success"},
                  {"message", "Event spooled"},
                  {"dedup_key", q.alerts.empty() ? std::string() : q.alerts.front().key}};
    else
        r.body = {{"spooled", q.alerts.size()}};
    return r;
}

std::size_t prune_spool(const Workspace& ws, Timestamp before) {
    std::size_t n = 0;
    for (const auto& file : spooled(ws)) {
        auto s = read_spooled(file);
        if (s && s->received >= before) break;  // oldest first: the rest are newer
        std::error_code ec;
        if (fs::remove(file, ec)) ++n;
    }
    return n;
}

Replay replay_spool(const Workspace& ws, const std::string& actor, Seconds window, const ChangeOptions& opts) {
    Replay out;
    for (const auto& file : spooled(ws)) {
        const std::string name = file.filename().string();
        std::error_code ec;
        auto s = read_spooled(file);
        auto route = s ? alert_route(s->path) : std::nullopt;
        if (!route) {
            out.problems.push_back("spooled request " + name + " cannot be read: dropped");
            fs::remove(file, ec);
            continue;
        }
        AlertRequest q = read_alert_request(ws, *route, s->body);
        if (q.error) {
            out.problems.push_back("spooled request " + name + ": " + q.error->body.dump() + ": dropped");
            fs::remove(file, ec);
            continue;
        }
        const Index index = load_index(ws.store, ws.config, s->received);
        std::vector<Alert> left;
        for (auto& a : q.alerts)
            if (taken_already(ws, index, a, s->received - window))
                ++out.skipped;
            else
                left.push_back(std::move(a));
        try {
            auto taken = take_alerts(ws, left, q.settings, actor, s->received, opts);
            std::move(taken.begin(), taken.end(), std::back_inserter(out.taken));
        } catch (const Error& e) {
            out.problems.push_back("spooled request " + name + " could not be taken: " + e.what() + " (kept)");
            break;
        }
        fs::remove(file, ec);
        ++out.requests;
    }
    return out;
}

}  // namespace incident
