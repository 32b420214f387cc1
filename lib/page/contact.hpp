// How a page reaches a person: the settings that carry pages (smtp:,
// paging_providers:, serve.public_url and the link key) and, for one
// contact method of people.yaml, the Delivery that takes the page there —
// an email over SMTP, a mention in a chat target, a push to an ntfy-style
// topic, an SMS or a call through a provider's HTTP API (a form POST whose
// fields are templates). Deliveries go through the notification outbox.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "notify/notify.hpp"
#include "oncall/people.hpp"

namespace incident {

// smtp: {url: smtp://host:port, from: ..., user_env, password_env, starttls}
struct SmtpSettings {
    std::string url;
    std::string from;
    std::string user_env, password_env;
    bool starttls = false;
};

// paging_providers: a list of {name, type: sms | voice | push, url or
// url_env, user_env, password_env, token_env, form (sms, voice), priority (push)}.
struct PagingProvider {
    std::string name;
    std::string type;
    std::string url, url_env;
    std::string user_env, password_env, token_env;
    std::vector<std::pair<std::string, std::string>> form;  // field -> mustache template, in order
    std::string priority;                                   // push: the Priority header (default urgent)
};

struct PagingSettings {
    std::optional<SmtpSettings> smtp;
    std::vector<PagingProvider> providers;
    std::string public_url;                          // serve.public_url: the base of acknowledge links
    std::string link_key_env = "INCIDENT_LINK_KEY";  // serve.link_key_env
    Seconds link_ttl{86400};                         // serve.link_ttl
    Seconds lease{0};  // serve.lease: receivers share the pager through a lease of this length (0: off)

    // The provider called `name`; with an empty name the first of `type`. Null when none.
    const PagingProvider* provider(const std::string& name, const std::string& type) const;
};

// Reads smtp, paging_providers and serve from the config. Throws InvalidData
// located in `file`.
PagingSettings paging_settings(const Config& config, const std::string& file);

// One page: who is paged about what, by which step.
struct Page {
    std::string id;  // the delivery id (stable: the same page always has the same id)
    const Incident* incident = nullptr;
    const Person* person = nullptr;
    int step = 1, round = 1;
    std::string link;  // the acknowledge link; empty when none can be made
};

// The delivery that takes `page` by `method`. When the method cannot be
// used (no smtp: for email, no such target or provider), nullopt, with the
// reason in `why`.
std::optional<Delivery> page_delivery(const ContactMethod& method, const Page& page, const PagingSettings& paging,
                                      const NotifySettings& notify, Timestamp now, std::string& why);

}  // namespace incident
