// incident serve's requests, the network aside: routes, the bearer token,
// and a body taken into incidents with the answer its sender expects.
#include "intake/receive.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

constexpr std::string_view kGenericPrefix = "/v1/alerts/generic/";

std::array<unsigned char, EVP_MAX_MD_SIZE> digest(std::string_view s) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), out.data(), &n, EVP_sha256(), nullptr);
    return out;
}

// PagerDuty's answers, as its Events API v2 documents them.
AlertReply pagerduty_reply(const std::vector<IntakeOutcome>& outcomes) {
    AlertReply r;
    r.status = 202;
    r.body = {{"status", "success"},
              {"message", "Event processed"},
              {"dedup_key", outcomes.empty() ? std::string() : outcomes.front().key}};
    return r;
}

AlertReply invalid_event(const std::string& message) {
    AlertReply r;
    r.status = 400;
    r.body = {{"status", "invalid event"}, {"message", "Event object is invalid"}, {"errors", {message}}};
    return r;
}

}  // namespace

std::optional<AlertRoute> alert_route(std::string_view path) {
    if (path == "/v1/alerts/alertmanager") return AlertRoute{AlertFormat::alertmanager, {}};
    if (path == "/v1/alerts/grafana") return AlertRoute{AlertFormat::grafana, {}};
    if (path == "/v2/enqueue") return AlertRoute{AlertFormat::pagerduty, {}};
    if (path.starts_with(kGenericPrefix)) {
        std::string_view name = path.substr(kGenericPrefix.size());
        if (!name.empty() && name.find('/') == std::string_view::npos)
            return AlertRoute{AlertFormat::generic, std::string(name)};
    }
    return std::nullopt;
}

bool bearer_matches(std::string_view authorization, std::string_view token) {
    constexpr std::string_view scheme = "bearer ";
    if (token.empty() || authorization.size() <= scheme.size() || ascii_lower(authorization.substr(0, 7)) != scheme)
        return false;
    // Digests of both, so the comparison takes the same time whatever the lengths.
    auto given = digest(authorization.substr(scheme.size()));
    auto want = digest(token);
    return CRYPTO_memcmp(given.data(), want.data(), given.size()) == 0;
}

AlertReply error_reply(int status, const std::string& message) {
    AlertReply r;
    r.status = status;
    r.body = {{"error", {{"status", status}, {"message", message}}}};
    return r;
}

AlertRequest read_alert_request(const Workspace& ws, const AlertRoute& route, std::string_view body) {
    AlertRequest q;
    try {
        q.settings = intake_settings(ws.config, ws.repo.relative(ws.repo.config_path()));
    } catch (const Error& e) {
        q.error = error_reply(500, e.what());
        return q;
    }
    if (route.format == AlertFormat::generic && !q.settings.generic.contains(route.generic)) {
        q.error = error_reply(404, "no generic source named '" + route.generic + "' (intake.generic in the config)");
        return q;
    }
    try {
        q.alerts = parse_alerts(parse_alert_body(body, "body"), route.format, q.settings, route.generic, "body");
    } catch (const InvalidData& e) {
        q.error = route.format == AlertFormat::pagerduty ? invalid_event(e.what()) : error_reply(400, e.what());
    }
    return q;
}

AlertReply taken_reply(const AlertRoute& route, std::vector<IntakeOutcome> outcomes) {
    AlertReply r;
    if (route.format == AlertFormat::pagerduty) {
        r = pagerduty_reply(outcomes);
    } else {
        r.body = {{"incidents", nlohmann::ordered_json::array()}};
        for (const auto& o : outcomes) r.body["incidents"].push_back(to_json(o));
    }
    r.outcomes = std::move(outcomes);
    return r;
}

AlertReply refused_reply(const Error& e) {
    switch (e.code()) {
        case ExitCode::invalid:
        case ExitCode::usage:
            return error_reply(400, e.what());  // the same body would be refused again
        case ExitCode::refused:
            return error_reply(409, e.what());
        case ExitCode::runtime:
            return error_reply(503, e.what());  // the lock stayed taken, git failed: a retry may do
        default:
            return error_reply(500, e.what());
    }
}

AlertReply receive_alerts(const Workspace& ws, const AlertRoute& route, std::string_view body, const std::string& actor,
                          Timestamp now, const ChangeOptions& opts) {
    const AlertRequest q = read_alert_request(ws, route, body);
    if (q.error) return *q.error;
    try {
        return taken_reply(route, take_alerts(ws, q.alerts, q.settings, actor, now, opts));
    } catch (const Error& e) {
        return refused_reply(e);
    }
}

}  // namespace incident
