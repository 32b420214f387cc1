// Reading heartbeats.yaml, and a heartbeat's state at an instant.
#include "heartbeat/heartbeat.hpp"

#include <algorithm>

#include "store/repo_file.hpp"

namespace incident {

namespace {

constexpr std::string_view kKeys[] = {"every", "grace", "service", "impact", "urgency"};

// A name is also a file name under .git/incident/heartbeats/ and a URL path segment.
bool is_heartbeat_name(std::string_view n) {
    return !n.empty() && n.size() <= 64 && std::isalnum(static_cast<unsigned char>(n[0])) &&
           std::all_of(n.begin(), n.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
           });
}

std::optional<Seconds> duration_of(const YamlNode& v, const std::string& display, const std::string& what,
                                   Problems& problems) {
    auto d = v.is_scalar() ? parse_duration(v.scalar()) : std::nullopt;
    if (!d || *d < Seconds{0} || *d > kMaxDuration) {
        problems.add(v, display, what + ": expected a duration such as 5m, 1h or 1d");
        return std::nullopt;
    }
    return d;
}

std::string scale_value(const YamlNode& v, const std::string& display, const std::string& what,
                        const std::vector<std::string>& scale, Problems& problems) {
    if (!v) return {};
    if (!v.is_scalar() || Config::rank(scale, v.scalar()) < 0) {
        std::string known;
        for (const auto& s : scale) known += (known.empty() ? "" : ", ") + s;
        problems.add(v, display, what + ": expected one of the config's scale (" + known + ")");
        return {};
    }
    return v.scalar();
}

Heartbeat parse_one(const YamlNode& k, const YamlNode& v, const std::string& display, const Config& config,
                    Problems& problems) {
    Heartbeat hb{k.scalar(), Seconds{0}, Seconds{0}, {}, {}, {}, locate(k, display)};
    const std::string what = "heartbeats." + hb.name;
    if (!is_heartbeat_name(hb.name))
        problems.add(k, display, what + ": a name is a letter or digit, then letters, digits, '-', '_' or '.'");
    if (!v.is_map()) {
        problems.add(v, display, what + ": expected a mapping such as {every: 1h, grace: 10m, service: backup}");
        return hb;
    }
    for (const auto& [field, _] : v.entries())
        if (std::find(std::begin(kKeys), std::end(kKeys), field.scalar()) == std::end(kKeys))
            problems.add(
                field, display,
                what + ": unknown key '" + field.scalar() + "' (known: every, grace, service, impact, urgency)");
    if (const YamlNode& every = v["every"]; !every) {
        problems.add(v, display, what + ": 'every' is needed: how often the job checks in");
    } else if (auto d = duration_of(every, display, what + ".every", problems)) {
        if (*d < Seconds{1}) problems.add(every, display, what + ".every: expected a duration of at least 1s");
        hb.every = *d;
    }
    if (const YamlNode& grace = v["grace"]; grace)
        if (auto d = duration_of(grace, display, what + ".grace", problems)) hb.grace = *d;
    if (const YamlNode& service = v["service"]; service) {
        if (service.is_scalar())
            hb.service = service.scalar();
        else
            problems.add(service, display, what + ".service: expected a string");
    }
    hb.impact = scale_value(v["impact"], display, what + ".impact", config.impact_scale, problems);
    hb.urgency = scale_value(v["urgency"], display, what + ".urgency", config.urgency_scale, problems);
    return hb;
}

}  // namespace

const Heartbeat* Heartbeats::find(std::string_view name) const {
    for (const auto& hb : list)
        if (hb.name == name) return &hb;
    return nullptr;
}

fs::path heartbeats_path(const Repository& repo) { return repo.root / ".incident" / "heartbeats.yaml"; }

Heartbeats parse_heartbeats(const YamlNode& root, const std::string& display, const Config& config,
                            Problems& problems) {
    Heartbeats out;
    if (!root.is_map()) {
        problems.add(root, display, "expected a mapping with the key heartbeats");
        return out;
    }
    for (const auto& [k, v] : root.entries())
        if (k.scalar() != "heartbeats")
            problems.add(k, display, "unknown key '" + k.scalar() + "' (known: heartbeats)");
    const YamlNode& list = root["heartbeats"];
    if (!list || list.is_null()) return out;
    if (!list.is_map()) {
        problems.add(list, display, "heartbeats: expected a mapping of names (backup: {every: 1d, grace: 1h})");
        return out;
    }
    for (const auto& [k, v] : list.entries()) out.list.push_back(parse_one(k, v, display, config, problems));
    return out;
}

Heartbeats load_heartbeats(const Repository& repo, const Config& config) {
    auto root = load_repository_yaml(repo, heartbeats_path(repo));
    if (!root) return {};
    Problems problems;
    Heartbeats out = parse_heartbeats(*root, repo.relative(heartbeats_path(repo)), config, problems);
    problems.throw_if_any();
    return out;
}

std::string_view to_string(HeartbeatState s) {
    switch (s) {
        case HeartbeatState::waiting:
            return "waiting";
        case HeartbeatState::ok:
            return "ok";
        case HeartbeatState::overdue:
            return "overdue";
    }
    return "waiting";
}

HeartbeatState heartbeat_state(const Heartbeat& hb, std::optional<Timestamp> last, Timestamp now) {
    if (!last) return HeartbeatState::waiting;
    return now > *last + hb.every + hb.grace ? HeartbeatState::overdue : HeartbeatState::ok;
}

}  // namespace incident
