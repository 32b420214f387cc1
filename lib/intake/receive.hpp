// What `incident serve` does with one request, the network aside: which
// route a path names, whether its bearer token is right, and a POSTed body
// read, taken into incidents and answered as its sender expects.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "intake/intake.hpp"

namespace incident {

// A route that takes alerts: /v1/alerts/alertmanager, /v1/alerts/grafana,
// /v2/enqueue (PagerDuty Events v2), /v1/alerts/generic/NAME.
struct AlertRoute {
    AlertFormat format = AlertFormat::alertmanager;
    std::string generic;  // NAME, for the generic format
};
std::optional<AlertRoute> alert_route(std::string_view path);

// True when `authorization` is "Bearer TOKEN" with exactly this token,
// compared in constant time. An empty token matches nothing.
bool bearer_matches(std::string_view authorization, std::string_view token);

struct AlertReply {
    int status = 200;
    nlohmann::ordered_json body;
    std::vector<IntakeOutcome> outcomes;  // what each alert did (empty unless taken)
};

// The JSON error answer: {"error": {"status": N, "message": ...}}.
AlertReply error_reply(int status, const std::string& message);

// A body POSTed to `route`, read into alerts under the config's intake
// settings; or the answer that refuses it (400 not JSON or not of the
// route's format, PagerDuty's invalid event; 404 an unknown generic source;
// 500 a config that does not read).
struct AlertRequest {
    IntakeSettings settings;
    std::vector<Alert> alerts;
    std::optional<AlertReply> error;
};
AlertRequest read_alert_request(const Workspace& ws, const AlertRoute& route, std::string_view body);

// The answer to alerts taken from a body POSTed to `route` (see below).
AlertReply taken_reply(const AlertRoute& route, std::vector<IntakeOutcome> outcomes);
// The answer to a request whose alerts could not be taken: 400 for what
// would be refused again (an incident that would not be valid; 409 what
// the lifecycle refuses), 503 for
// what a retry may fix (the lock stayed taken, git failed), else 500.
AlertReply refused_reply(const Error& e);

// A body POSTed to `route`: parsed (at most kMaxAlertBytes), read into
// alerts and taken (take_alerts, under the repository lock). The answer:
//   200 {"incidents": [{id, outcome, key, count}, ...]}, or for PagerDuty
//   202 {"status": "success", "message": "Event processed", "dedup_key": KEY};
//   400 for a body that is not JSON or not of the route's format (PagerDuty:
//   {"status": "invalid event", "message": ..., "errors": [...]});
//   404 for a generic source the config does not map;
//   500 for a config that does not read; refused_reply's answers when the
//   alerts could not be taken.
AlertReply receive_alerts(const Workspace& ws, const AlertRoute& route, std::string_view body, const std::string& actor,
                          Timestamp now, const ChangeOptions& opts);

}  // namespace incident
