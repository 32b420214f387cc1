// Alert intake: any JSON body, read as every format (and a generic mapping
// with a list and nested paths), gives alerts or a typed error, never a
// crash; every alert it gives has a key and a title.
#include <nlohmann/json.hpp>

#include "fuzz.hpp"
#include "intake/intake.hpp"

namespace {

using namespace incident;

void alerts(const std::string& input) {
    nlohmann::json body = nlohmann::json::parse(input, nullptr, false);
    if (body.is_discarded()) return;
    IntakeSettings s;
    GenericMapping m;
    m.alerts = "items";
    m.title = "items[0].name";
    m.service = "labels[\"a.b\"].service";
    m.dedup_key = "id";
    m.status = "state";
    s.generic["fuzz"] = m;
    detect_alert_format(body);
    for (auto f : {AlertFormat::alertmanager, AlertFormat::grafana, AlertFormat::pagerduty, AlertFormat::generic}) {
        for (bool group : {true, false}) {
            s.per_group = group;
            try {
                for (const auto& a : parse_alerts(body, f, s, "fuzz", "fuzz.json"))
                    if (a.key.empty() || a.title.empty()) __builtin_trap();
            } catch (const Error&) {
            }
        }
    }
}

}  // namespace

INCIDENT_FUZZ_TARGET(alerts)
