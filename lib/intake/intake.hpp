// Alert intake: what monitoring systems send (Prometheus Alertmanager and
// Grafana webhooks, PagerDuty Events API v2, any JSON through a mapping in
// the config) read into alerts, and alerts turned into incidents: a new key
// opens one, a repeat of an open incident's key adds an `alert` event to it,
// a resolved alert marks it mitigated, an acknowledgement acknowledges it.
#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "index/index.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/config.hpp"
#include "model/time.hpp"
#include "workspace/batch.hpp"

namespace incident {

enum class AlertFormat { alertmanager, grafana, pagerduty, generic };
std::optional<AlertFormat> parse_alert_format(std::string_view name);
std::string_view to_string(AlertFormat f);

enum class AlertAction { trigger, acknowledge, resolve };

struct Alert {
    AlertAction action = AlertAction::trigger;
    std::string key;  // the dedup key: fingerprint, groupKey, dedup_key, or the mapped field
    std::string title, service, severity, category, description;
    std::vector<std::string> links;
    std::optional<Timestamp> started_at;  // when it began firing (detected_at)
};

// A generic JSON source: where each value is found, as a path such as
// `alert.labels.service` or `items[0].name` (keys joined by dots, [N] for a
// list item; a key with a dot in it is written ["a.b"]).
struct GenericMapping {
    std::string alerts;  // the list of alerts; empty: the body is one alert
    std::string title, service, severity, dedup_key, status, description;
    std::vector<std::string> resolved_values = {"resolved", "ok", "ended"};
};

// The `intake:` section of the config.
struct IntakeSettings {
    bool per_group = true;      // Alertmanager/Grafana: one incident per group (else per alert)
    bool auto_mitigate = true;  // a resolved alert marks its incident mitigated
    std::vector<std::string> service_labels = {"service", "app", "job"};
    // Alert severity (lower case) -> impact and urgency.
    std::map<std::string, std::pair<std::string, std::string>> severity = {{"critical", {"high", "high"}},
                                                                           {"error", {"high", "medium"}},
                                                                           {"warning", {"medium", "medium"}},
                                                                           {"info", {"low", "low"}}};
    std::string token_env = "INCIDENT_SERVE_TOKEN";
    std::map<std::string, GenericMapping> generic;
};

// Throws InvalidData, located in `file`, for a malformed section.
IntakeSettings intake_settings(const Config& cfg, const std::string& file);

// An alert body: at most kMaxAlertBytes of JSON. Throws InvalidData located
// in `source` (the byte where the JSON breaks).
inline constexpr std::size_t kMaxAlertBytes = 10 << 20;
nlohmann::json parse_alert_body(std::string_view text, const std::string& source);

// The format a body is in, from its shape; nullopt when it is none of the
// known ones (a generic source must be named).
std::optional<AlertFormat> detect_alert_format(const nlohmann::json& body);

// The alerts a body holds. `generic` names the mapping for the generic format.
// Throws InvalidData (its location `source`) for a body not of that shape.
std::vector<Alert> parse_alerts(const nlohmann::json& body, AlertFormat format, const IntakeSettings& settings,
                                const std::string& generic, const std::string& source);

// The generic format: each alert's values found through the mapping.
std::vector<Alert> parse_generic(const nlohmann::json& body, const GenericMapping& mapping, const std::string& source);
// The value at `path` in `j` (see GenericMapping), or null when there is none.
// Throws UsageError for a path that does not parse.
const nlohmann::json* json_at_path(const nlohmann::json& j, const std::string& path);

// What an alert event's `status` says of its action: firing, acknowledged, resolved.
const char* status_word(AlertAction a);

// What one alert did.
struct IntakeOutcome {
    std::string id;       // the incident opened or changed; empty when none
    std::string outcome;  // opened, repeated, acknowledged, resolved, ignored
    std::string key;
    int count = 0;         // alert events with this key in the incident, this one included
    ChangeResult change;   // the change itself: for its warnings and notifications
    std::size_t step = 0;  // its change in the batch that took it
};
// {"id", "outcome", "key", "count"}: what `open --from-alert --json` prints
// and `incident serve` answers, per alert.
nlohmann::ordered_json to_json(const IntakeOutcome& o);

// Takes the alerts in order, all in one change (one lock, one commit): the
// dedup lookup and the write under the same lock, so a burst never opens an
// incident twice. A resolve or acknowledge for a key no open incident has is
// ignored.
std::vector<IntakeOutcome> take_alerts(const Workspace& ws, const std::vector<Alert>& alerts,
                                       const IntakeSettings& settings, const std::string& actor, Timestamp now,
                                       const ChangeOptions& opts);

// What a long-running receiver (incident serve) knows of the open
// incidents' dedup keys between its batches, so that a batch need not read
// the index of every incident (a stat of each file: 25 ms at 10 000). It
// holds while nothing but this receiver's batches changed the repository:
// no one else took the repository lock since its last batch (the lock's
// generation) and HEAD is the commit that batch left. A hand edit of a file
// that neither takes the lock nor commits is not seen, but for the incident
// a key leads to, which is read anyway: one no longer open under that key
// sends the lookup back to the index.
class OpenKeyCache {
public:
    // Under the batch's lock, before its first lookup.
    bool holds(const ChangeBatch& batch);
    void fill(const Index& index);
    const std::string* find(const std::string& key) const;
    void forget() { filled_ = false; }
    // Under the lock, after the batch's commit: its changes, its generation, HEAD.
    void after(const ChangeBatch& batch);

private:
    std::string head() const;
    const Workspace* ws_ = nullptr;
    std::map<std::string, std::string> open_;  // dedup key -> id
    std::uint64_t generation_ = 0;
    std::string head_;
    bool filled_ = false, used_ = false;
};

// The same within a batch that the caller commits (incident serve's group
// commit: several requests' alerts in one commit). `keys` finds the open
// incident of a key, the batch's changes first, then the cache (when one is
// given and holds), else the index, read once per batch. Each outcome's
// `step` is its change in the batch: after batch.commit(), settle_outcomes
// gives each its result.
class OpenKeys {
public:
    explicit OpenKeys(ChangeBatch& batch, OpenKeyCache* cache = nullptr);
    std::string find(const std::string& key, Timestamp now);

private:
    std::string from_cache(const std::string& key, Timestamp now);
    ChangeBatch& batch_;
    OpenKeyCache* cache_;
    bool holds_;                  // the cache answers
    std::optional<Index> index_;  // read once, at the first lookup the cache cannot answer
};
std::vector<IntakeOutcome> take_alerts(ChangeBatch& batch, OpenKeys& keys, const std::vector<Alert>& alerts,
                                       const IntakeSettings& settings, const std::string& actor, Timestamp now);
void settle_outcomes(std::vector<IntakeOutcome>& outcomes, const ChangeBatch& batch);

// What an alert does to the incident open under its key: an `alert` event
// (key, status, count), and for an acknowledgement the acknowledgement, for
// a resolve the move to mitigated (auto_mitigate). `outcome` says which:
// repeated, acknowledged or resolved. Returns the last event.
Event record_alert(Incident& inc, const Actor& actor, const Alert& a, const IntakeSettings& s, std::string& outcome);

// The open (not resolved or closed) incident whose dedup key is `key`, from
// the index; empty when none. Call under the lock for a decision that writes.
std::string find_open_by_key(const Workspace& ws, const std::string& key, Timestamp now);

}  // namespace incident
