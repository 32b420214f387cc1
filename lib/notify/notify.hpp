// Notifications: chat and webhook targets from the config, payloads in each
// tool's native format, delivery with retries, and an outbox under
// .git/incident/outbox/ for what still fails. A failed delivery never fails
// the incident change and is never silently dropped. URLs and keys come
// from the environment and never appear in messages.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "store/repository.hpp"

namespace incident {

struct NotifyTarget {
    std::string name;
    std::string type;  // slack, teams, discord, mattermost, googlechat, webhook
    std::string url_env;
    std::string secret_env;           // webhook signing key (Standard Webhooks)
    std::vector<std::string> events;  // empty: all
    std::string min_priority;
    std::string template_name;
};

struct DeliverySettings {
    Seconds connect_timeout{5};
    Seconds timeout{10};
    int attempts = 3;                        // per delivery, including the first
    std::chrono::milliseconds backoff{500};  // doubled per retry, with jitter
    // The longest Retry-After waited for; a longer one leaves the message
    // queued, not due until then.
    Seconds max_retry_after{60};
    // What a command that changed an incident spends on delivery in all:
    // targets are sent to at once, and what is not delivered in this time
    // stays in the outbox (notify flush has a budget of its own).
    std::chrono::milliseconds budget{5000};
    std::string budget_name = "notify_delivery.budget";  // where the budget is set, for messages
};

struct NotifySettings {
    std::vector<NotifyTarget> targets;
    DeliverySettings delivery;
    std::string web_url;           // base of links to incident files, e.g. https://git.example.com/ops/-/blob/main/
    Layout layout = Layout::flat;  // where those files lie
    std::vector<std::string> priorities;  // the configured scale, most urgent first, for min_priority

    // The link to incident `id`'s file; empty without web_url.
    std::string link(const std::string& id) const;
};

// Reads `notify`, `notify_delivery` and `web_url` from the config. Throws InvalidData.
NotifySettings notify_settings(const Config& config, const std::string& file);

// The notification event for a timeline event ("" when none): opened,
// triaged, escalated, updated, resolved, closed, postmortem, sla-at-risk,
// sla-breached.
std::string notify_event(const Event& e);

// One message to one target, ready to send (or to keep in the outbox).
struct Delivery {
    std::string id;  // idempotency id, also the Standard Webhooks webhook-id
    std::string target;
    std::string type;
    std::string url_env, secret_env;
    std::string event;
    std::string incident;
    std::string body;  // JSON
    int attempts = 0;
    std::string last_error;
    std::string created_at;
    std::string not_before;  // RFC 3339; empty: due now. Set from a receiver's Retry-After

    // Pages (types email, push, sms, voice; lib/page/contact.hpp) need more
    // than a chat message. Secrets stay in the environment: only the names
    // of the variables are kept.
    std::string url;                     // the URL itself when it is no secret (smtp://..., https://ntfy.sh/TOPIC)
    std::string user_env, password_env;  // the SMTP login, or HTTP basic auth (an SMS provider)
    std::string token_env;               // sent as "Authorization: Bearer TOKEN" (a push service)
    std::string content_type;            // empty: application/json
    std::vector<std::string> headers;    // more request headers ("Title: ...", "Priority: urgent")
    std::string mail_from;               // email: the envelope sender
    std::vector<std::string> mail_to;    // email: the envelope recipients
    bool starttls = false;               // email: refuse to send without STARTTLS
    // Not sent while set: the page is queued before the change that records
    // it is saved, and released (Outbox::release) once it is. Names that
    // change ("INC-7 paged"), for messages.
    std::string held_for;
};

// An outbox entry as it is stored (and, without its body, listed).
nlohmann::ordered_json delivery_json(const Delivery& d);

// Builds the payload for `target`; `link` (NotifySettings::link) goes with
// it, `template_text` overrides the message text.
Delivery build_delivery(const NotifyTarget& target, const std::string& event, const Incident& inc, const Event& e,
                        const std::string& link, const std::string& template_text, Timestamp now);

// A message that says it is a test, sent by `actor` (event "test"; the
// webhook type is "incident.test"): it names no incident.
Delivery build_test_delivery(const NotifyTarget& target, const std::string& actor, Timestamp now);

using Env = std::function<std::optional<std::string>(const std::string&)>;
using Sleeper = std::function<void(std::chrono::milliseconds)>;

struct SendResult {
    bool delivered = false;
    bool retryable = true;  // false for a 4xx other than 429
    int status = 0;         // HTTP status, 0 when none
    std::string error;      // redacted: never the URL
    // When the receiver asked to be retried later than we wait (Retry-After):
    // not to be sent again before then.
    std::optional<Timestamp> not_before;
};

using Deadline = std::optional<std::chrono::steady_clock::time_point>;
// POSTs with retries and backoff (honouring Retry-After). Signs webhook
// deliveries per Standard Webhooks at send time. With a deadline, no attempt
// or pause runs past it. A Retry-After longer than s.max_retry_after, or than
// what is left of the deadline, or after the last attempt, ends the delivery
// at once with `not_before` set.
SendResult send_delivery(Delivery& d, const DeliverySettings& s, const Env& env, Timestamp now, const Sleeper& sleep,
                         Deadline deadline = std::nullopt);

// Standard Webhooks: "v1,<base64 HMAC-SHA256(key, id.timestamp.body)>"; a
// "whsec_" prefixed secret is base64-decoded first.
std::string webhook_signature(const std::string& secret, const std::string& id, long long timestamp,
                              const std::string& body);

// An outbox entry being delivered: its file is flock'ed, so a flush in
// another process passes it by. Released when destroyed, or by the kernel
// when the process dies (the entry is then flushed as any other).
class OutboxClaim {
public:
    OutboxClaim() = default;
    explicit OutboxClaim(int fd) : fd_(fd) {}
    OutboxClaim(OutboxClaim&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    OutboxClaim& operator=(OutboxClaim&& o) noexcept;
    ~OutboxClaim();
    explicit operator bool() const { return fd_ >= 0; }

private:
    int fd_ = -1;
};

class Outbox {
public:
    explicit Outbox(std::filesystem::path dir) : dir_(std::move(dir)) {}
    void put(const Delivery& d) const;  // atomic; replaces an entry with the same id
    // The entry, claimed for delivery; empty when it is gone or another
    // process is delivering it.
    OutboxClaim claim(const std::string& id) const;
    // Oldest first. Entries that cannot be read are skipped and, when
    // `damaged` is given, described there ("outbox entry NAME: why").
    std::vector<Delivery> list(std::vector<std::string>* damaged = nullptr) const;
    void remove(const std::string& id) const;
    // Clears held_for: the entry is sent by the next delivery or flush.
    void release(const std::string& id) const;

private:
    std::filesystem::path dir_;
};

// One outbox entry after a flush.
struct FlushEntry {
    enum class Outcome { delivered, failed, not_due, out_of_budget };
    std::string id, target;
    Outcome outcome = Outcome::failed;
    std::string error;       // why it stays; empty when delivered
    std::string not_before;  // when it is due again, if a receiver said
};

struct FlushReport {
    std::vector<FlushEntry> entries;
    std::vector<std::string> damaged;  // "outbox entry NAME: why"
    std::size_t delivered() const;
};

// Retries the outbox, oldest first (only `target`'s entries when given),
// within `budget` in all: what the budget does not reach stays untried. An
// entry whose not_before has not passed is not due and is left; a receiver
// that answers with a Retry-After we do not wait for makes every entry to its
// target wait as long (their not_before is set), so it is not asked again
// before then. Entries another process is delivering are passed by.
FlushReport flush_outbox(const Outbox& outbox, DeliverySettings settings, std::chrono::milliseconds budget,
                         const std::string& target, const Env& env, Timestamp now, const Sleeper& sleep);

struct NotifyReport {
    std::vector<std::string> sent, queued;  // "target: reason"
    std::vector<Delivery> previews;         // dry runs
    std::vector<std::string> warnings;      // templates refused: the built-in text went instead
};

// Notifies every subscribed target about event `e` of `inc`. Each message
// is written to the outbox first and removed once delivered, so a kill at
// any moment leaves it queued; the targets are sent to at once, within
// settings.delivery.budget in all; what fails, times out or has no URL
// (its variable unset) stays queued. `sleep` may be called from several
// threads at once. With dry_run builds the payloads only. Message templates
// come from repo's .incident/templates/ through read_repository_file: one
// that is refused (a link out of the repository, not a regular file) is
// not read, and the message goes in the built-in words, with a warning.
NotifyReport notify_change(const NotifySettings& settings, const Outbox& outbox, const Incident& inc, const Event& e,
                           const Repository& repo, const Env& env, Timestamp now, bool dry_run, const Sleeper& sleep);

}  // namespace incident
