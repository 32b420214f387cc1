// Sending: libcurl with timeouts and TLS verification, retries with backoff
// and jitter honouring Retry-After; Standard Webhooks signatures; a change's
// messages through the outbox (notify/outbox.cpp). libcurl is loaded at the
// first delivery (notify/curl_loader.hpp).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <random>
#include <thread>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "notify/base64.hpp"
#include "notify/curl_loader.hpp"
#include "notify/notify.hpp"
#include "store/repo_file.hpp"

#ifndef INCIDENT_VERSION
#define INCIDENT_VERSION "0"
#endif

namespace incident {

namespace {

struct Response {
    long status = 0;
    std::optional<long> retry_after;
};

size_t on_header(char* buffer, size_t size, size_t count, void* user) {
    std::string line(buffer, size * count);
    auto* r = static_cast<Response*>(user);
    std::string lower = ascii_lower(line);
    if (lower.rfind("retry-after:", 0) == 0) {
        try {
            r->retry_after = std::stol(line.substr(12));
        } catch (...) {
            // an HTTP date: fall back to our own backoff
        }
    }
    return size * count;
}

size_t discard(char*, size_t size, size_t count, void*) { return size * count; }

// A mail message handed to libcurl as it asks for it.
struct Upload {
    const std::string& text;
    size_t at = 0;
};

size_t on_read(char* buffer, size_t size, size_t count, void* user) {
    auto* u = static_cast<Upload*>(user);
    size_t n = std::min(size * count, u->text.size() - u->at);
    std::copy_n(u->text.data() + u->at, n, buffer);
    u->at += n;
    return n;
}

using Ms = std::chrono::milliseconds;

// What one delivery sends, its secrets taken from the environment.
struct Request {
    std::string url;
    std::vector<std::string> headers;  // HTTP
    std::optional<std::string> user, password;
    bool smtp = false;
};

// The options of an SMTP transfer: envelope, message, STARTTLS.
void set_smtp(const CurlApi& api, CURL* h, const Delivery& d, curl_slist*& rcpt, Upload& upload) {
    auto set = api.easy_setopt;
    for (const auto& to : d.mail_to) rcpt = api.slist_append(rcpt, ("<" + to + ">").c_str());
    set(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    set(h, CURLOPT_MAIL_FROM, ("<" + d.mail_from + ">").c_str());
    set(h, CURLOPT_MAIL_RCPT, rcpt);
    set(h, CURLOPT_UPLOAD, 1L);
    set(h, CURLOPT_READFUNCTION, &on_read);
    set(h, CURLOPT_READDATA, static_cast<void*>(&upload));
    if (d.starttls) set(h, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
}

// The options of an HTTP POST.
void set_http(const CurlApi& api, CURL* h, const Delivery& d, const Request& q, curl_slist*& list, Response& r) {
    auto set = api.easy_setopt;
    for (const auto& x : q.headers) list = api.slist_append(list, x.c_str());
    set(h, CURLOPT_PROTOCOLS_STR, "http,https");
    set(h, CURLOPT_POST, 1L);
    set(h, CURLOPT_POSTFIELDS, d.body.data());
    set(h, CURLOPT_POSTFIELDSIZE, static_cast<long>(d.body.size()));
    set(h, CURLOPT_HTTPHEADER, list);
    set(h, CURLOPT_USERAGENT, "incident/" INCIDENT_VERSION);
    set(h, CURLOPT_HEADERFUNCTION, &on_header);
    set(h, CURLOPT_HEADERDATA, static_cast<void*>(&r));
    if (q.user) set(h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
}

// One attempt: a POST, or an SMTP transfer. Returns the curl code; fills `r`
// (the HTTP status, or the last SMTP reply code).
CURLcode perform(const CurlApi& api, const Request& q, const Delivery& d, Ms connect_timeout, Ms timeout, Response& r) {
    CURL* h = api.easy_init();
    if (!h) return CURLE_FAILED_INIT;
    curl_slist* list = nullptr;
    Upload upload{d.body};
    // Through a pointer, curl_easy_setopt's arguments get no type check: each
    // is passed as the type libcurl reads (long, char*, function, void*).
    auto set = api.easy_setopt;
    set(h, CURLOPT_URL, q.url.c_str());
    if (q.smtp)
        set_smtp(api, h, d, list, upload);
    else
        set_http(api, h, d, q, list, r);
    if (q.user) set(h, CURLOPT_USERNAME, q.user->c_str());
    if (q.password) set(h, CURLOPT_PASSWORD, q.password->c_str());
    set(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::max<long long>(1, connect_timeout.count())));
    set(h, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(1, timeout.count())));
    set(h, CURLOPT_SSL_VERIFYPEER, 1L);
    set(h, CURLOPT_SSL_VERIFYHOST, 2L);
    set(h, CURLOPT_NOSIGNAL, 1L);
    set(h, CURLOPT_WRITEFUNCTION, &discard);
    CURLcode code = api.easy_perform(h);
    // An SMTP failure still has the server's reply code (451, 550): it says whether to retry.
    if (code == CURLE_OK || q.smtp) api.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    api.slist_free_all(list);
    api.easy_cleanup(h);
    return code;
}

}  // namespace

std::string webhook_signature(const std::string& secret, const std::string& id, long long timestamp,
                              const std::string& body) {
    std::string key = secret.rfind("whsec_", 0) == 0 ? unbase64(secret.substr(6)) : secret;
    std::string content = id + "." + std::to_string(timestamp) + "." + body;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
         content.size(), mac, &len);
    return "v1," + base64(std::string_view(reinterpret_cast<const char*>(mac), len));
}

namespace {

// What is left of the deadline (or `cap` without one), at most `cap`.
Ms left(const Deadline& deadline, Ms cap) {
    if (!deadline) return cap;
    return std::min(cap, std::chrono::duration_cast<Ms>(*deadline - std::chrono::steady_clock::now()));
}

std::string out_of_time(const DeliverySettings& s) {
    return "not delivered within the " + std::to_string(s.budget.count()) + " ms budget (" + s.budget_name + ")";
}

// The receiver's Retry-After, when we do not wait for it: longer than we
// wait, than the deadline leaves, or after the last attempt. Marks `res`
// not due until then, saying why.
bool defer(SendResult& res, long retry_after, bool last, const DeliverySettings& s, const Deadline& deadline,
           Timestamp now, std::chrono::steady_clock::time_point started) {
    // At most a day: a receiver's number is not trusted to stay in range.
    const Seconds asked{std::clamp<long>(retry_after, 0, 86400)};
    if (!last && asked <= s.max_retry_after && asked < left(deadline, asked + Seconds{1})) return false;
    const auto spent = std::chrono::duration_cast<Seconds>(std::chrono::steady_clock::now() - started);
    res.not_before = now + spent + asked;
    res.error += "; the receiver asked to retry after " + std::to_string(asked.count()) + " s";
    return true;
}

}  // namespace

namespace {

// A variable the delivery names, when set; else `error` says which is not.
std::optional<std::string> from_env(const Env& env, const std::string& name, std::string& error) {
    auto value = env(name);
    if (!value || value->empty()) {
        if (error.empty()) error = name + " is not set";
        return std::nullopt;
    }
    return value;
}

// The request `d` makes, its secrets read from the environment now; the
// reason in `error` when it cannot be made (never a secret).
std::optional<Request> request_for(const Delivery& d, const Env& env, Timestamp now, std::string& error) {
    Request q;
    q.smtp = d.type == "email";
    if (!d.url_env.empty()) {
        if (auto url = from_env(env, d.url_env, error)) q.url = *url;
    } else if (d.url.empty()) {
        error = "the delivery names no URL";
    } else {
        q.url = d.url;
    }
    if (q.smtp && error.empty() && (q.url.rfind("smtp://", 0) != 0 && q.url.rfind("smtps://", 0) != 0))
        error = "an email goes to an smtp:// or smtps:// URL";
    if (q.smtp && d.mail_to.empty()) error = "an email with no recipient";
    if (!d.user_env.empty()) q.user = from_env(env, d.user_env, error);
    if (!d.password_env.empty()) q.password = from_env(env, d.password_env, error);
    q.headers.push_back("Content-Type: " + (d.content_type.empty() ? "application/json" : d.content_type));
    for (const auto& h : d.headers) q.headers.push_back(h);
    if (!d.token_env.empty())
        if (auto token = from_env(env, d.token_env, error)) q.headers.push_back("Authorization: Bearer " + *token);
    if (d.type == "webhook") {
        long long ts = now.time_since_epoch().count();
        q.headers.push_back("webhook-id: " + d.id);
        q.headers.push_back("webhook-timestamp: " + std::to_string(ts));
        auto secret = d.secret_env.empty() ? std::nullopt : env(d.secret_env);
        if (secret && !secret->empty())
            q.headers.push_back("webhook-signature: " + webhook_signature(*secret, d.id, ts, d.body));
    }
    for (const auto& h : q.headers)
        if (h.find_first_of("\r\n") != std::string::npos) error = "a request header holds a line break";
    if (!error.empty()) return std::nullopt;
    return q;
}

// Why an attempt failed (never curl's error buffer: it can carry the host or
// path of a secret URL), and whether another may succeed: an HTTP 429 or
// 5xx, an SMTP 4xx, or no answer at all.
void judge(SendResult& res, const CurlApi& api, CURLcode code, const Response& r, bool smtp) {
    if (smtp) {
        const bool replied = r.status >= 400;
        res.error = (replied ? "SMTP " + std::to_string(r.status) + ": " : std::string()) + api.easy_strerror(code);
        res.retryable = !(r.status >= 500 && r.status < 600);
        return;
    }
    res.error = code != CURLE_OK ? std::string(api.easy_strerror(code)) : "HTTP " + std::to_string(r.status);
    res.retryable = code != CURLE_OK || r.status == 429 || r.status >= 500;
}

}  // namespace

SendResult send_delivery(Delivery& d, const DeliverySettings& s, const Env& env, Timestamp now, const Sleeper& sleep,
                         Deadline deadline) {
    SendResult res;
    std::optional<Request> q = request_for(d, env, now, res.error);
    if (!q) return res;
    // Loaded on first use; without it nothing can be sent, and the delivery
    // goes to the outbox with the reason (a later flush tries again).
    const CurlLoad& loaded = curl();
    if (!loaded.api) {
        res.error = loaded.error;
        return res;
    }
    const CurlApi& api = *loaded.api;
    static thread_local std::mt19937 rng{std::random_device{}()};
    const auto started = std::chrono::steady_clock::now();
    for (int attempt = 1; attempt <= s.attempts; ++attempt) {
        Response r;
        const Ms remaining = left(deadline, std::chrono::duration_cast<Ms>(s.timeout));
        if (remaining <= Ms{0}) {
            res.error = out_of_time(s);
            return res;
        }
        CURLcode code =
            perform(api, *q, d, std::min(remaining, std::chrono::duration_cast<Ms>(s.connect_timeout)), remaining, r);
        ++d.attempts;
        res.status = static_cast<int>(r.status);
        if (code == CURLE_OK && (q->smtp || (r.status >= 200 && r.status < 300))) {
            res.delivered = true;
            res.error.clear();
            return res;
        }
        judge(res, api, code, r, q->smtp);
        if (!res.retryable) break;
        if (r.retry_after && defer(res, *r.retry_after, attempt == s.attempts, s, deadline, now, started)) return res;
        if (attempt == s.attempts) break;
        Ms wait = s.backoff * (1 << (attempt - 1));
        wait += Ms(std::uniform_int_distribution<long>(0, std::max<long>(1, s.backoff.count() / 2))(rng));
        if (r.retry_after) wait = std::chrono::duration_cast<Ms>(Seconds{std::max<long>(*r.retry_after, 0)});
        if (wait >= left(deadline, wait + Ms{1})) {  // the pause alone would outlast the budget
            res.error += "; " + out_of_time(s);
            return res;
        }
        sleep(wait);
    }
    return res;
}

namespace {

// One message on its way: queued first, claimed while it is sent.
struct Outgoing {
    Delivery d;
    OutboxClaim claim;
    SendResult result;
};

// Target `t`'s message template, "" for the built-in text: when there is
// none, or when the repository opener refuses it (then with a warning; the
// change has happened and its message still goes).
std::string message_template(const Repository& repo, const NotifyTarget& t, std::vector<std::string>& warnings) {
    const std::string name = t.template_name.empty() ? "notify-" + t.type : t.template_name;
    try {
        return read_repository_file(repo, repo.root / ".incident" / "templates" / (name + ".mustache")).value_or("");
    } catch (const Error& refused) {  // InvalidData, or IoError when it cannot be read
        warnings.push_back(std::string(refused.what()) + "; " + t.name + " gets the built-in message text");
    }
    return "";
}

// The deliveries `e` makes, one per subscribed target.
std::vector<Delivery> deliveries_for(const NotifySettings& settings, const Incident& inc, const Event& e,
                                     const std::string& event, const Repository& repo, Timestamp now,
                                     std::vector<std::string>& warnings) {
    std::vector<Delivery> out;
    for (const auto& t : settings.targets) {
        if (!t.events.empty() && std::find(t.events.begin(), t.events.end(), event) == t.events.end()) continue;
        // Untriaged incidents pass every filter: when in doubt, tell people.
        if (!t.min_priority.empty() && !inc.priority.empty() &&
            Config::rank(settings.priorities, inc.priority) > Config::rank(settings.priorities, t.min_priority))
            continue;
        out.push_back(
            build_delivery(t, event, inc, e, settings.link(inc.id), message_template(repo, t, warnings), now));
    }
    return out;
}

}  // namespace

NotifyReport notify_change(const NotifySettings& settings, const Outbox& outbox, const Incident& inc, const Event& e,
                           const Repository& repo, const Env& env, Timestamp now, bool dry_run, const Sleeper& sleep) {
    NotifyReport report;
    std::string event = notify_event(e);
    if (event.empty()) return report;
    std::vector<Delivery> all = deliveries_for(settings, inc, e, event, repo, now, report.warnings);
    if (dry_run) {
        report.previews = std::move(all);
        return report;
    }
    std::vector<Outgoing> out;
    for (auto& d : all) {
        auto url = env(d.url_env);
        if (!url || url->empty()) d.last_error = d.url_env + " is not set";
        outbox.put(d);  // first: a kill from here on leaves it queued
        if (!d.last_error.empty()) {
            report.queued.push_back(d.target + ": " + d.last_error + "; kept in the outbox (incident notify flush)");
            continue;
        }
        OutboxClaim claim = outbox.claim(d.id);
        out.push_back({std::move(d), std::move(claim), {}});
    }
    const auto deadline = std::chrono::steady_clock::now() + settings.delivery.budget;
    std::vector<std::thread> senders;
    for (auto& o : out)
        senders.emplace_back([&o, &settings, &env, now, &sleep, deadline] {
            o.result = send_delivery(o.d, settings.delivery, env, now, sleep, deadline);
        });
    for (auto& t : senders) t.join();
    for (auto& o : out) {
        if (o.result.delivered) {
            outbox.remove(o.d.id);
            report.sent.push_back(o.d.target);
            continue;
        }
        o.d.last_error = o.result.error;
        if (o.result.not_before) o.d.not_before = format_rfc3339(*o.result.not_before);
        outbox.put(o.d);
        report.queued.push_back(o.d.target + ": " + o.result.error + "; kept in the outbox (incident notify flush)");
    }
    return report;
}

}  // namespace incident
