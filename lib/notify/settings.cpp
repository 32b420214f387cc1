#include <algorithm>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "notify/notify.hpp"
#include "store/store.hpp"

namespace incident {

namespace {

const std::vector<std::string> kTypes = {"slack", "teams", "discord", "mattermost", "googlechat", "webhook"};
const std::vector<std::string> kEvents = {"opened", "triaged",    "escalated",   "updated",      "resolved",
                                          "closed", "postmortem", "sla-at-risk", "sla-breached", "reminder"};

Seconds seconds(const YamlNode& n, const std::string& file, const std::string& key) {
    if (n.is_scalar())
        if (auto d = parse_duration(n.scalar())) return *d;
    fail_at(n, file, key + ": expected a duration such as 5s");
}

// The target's keys that take one text, and where each goes.
constexpr std::pair<std::string_view, std::string NotifyTarget::*> kTargetTexts[] = {
    {"name", &NotifyTarget::name},
    {"type", &NotifyTarget::type},
    {"url_env", &NotifyTarget::url_env},
    {"secret_env", &NotifyTarget::secret_env},
    {"min_priority", &NotifyTarget::min_priority},
    {"template", &NotifyTarget::template_name},
};

NotifyTarget parse_target(const YamlNode& n, const std::string& file, const Config& cfg) {
    if (!n.is_map()) fail_at(n, file, "notify: each target must be a mapping");
    NotifyTarget t;
    for (const auto& kv : n.entries()) {
        const std::string k = kv.first.scalar();
        const std::string key = "notify." + k;
        auto text =
            std::find_if(std::begin(kTargetTexts), std::end(kTargetTexts), [&](const auto& e) { return e.first == k; });
        if (text != std::end(kTargetTexts))
            t.*text->second = scalar_at(kv.second, file, key);
        else if (k == "events") {
            if (!kv.second.is_sequence()) fail_at(kv.second, file, key + ": expected a list");
            for (const auto& e : kv.second.items()) {
                std::string ev = scalar_at(e, file, key);
                if (std::find(kEvents.begin(), kEvents.end(), ev) == kEvents.end())
                    fail_at(e, file, key + ": unknown event '" + ev + "'");
                t.events.push_back(ev);
            }
        } else if (k == "url" || k == "secret") {
            fail_at(kv.first, file,
                    key + ": secrets never go in the repository; name an environment variable with " + k + "_env");
        } else {
            fail_at(kv.first, file,
                    "notify: unknown key '" + k +
                        "' (known: name, type, url_env, secret_env, events, min_priority, template)");
        }
    }
    if (t.name.empty()) fail_at(n, file, "notify: a target needs a name");
    if (std::find(kTypes.begin(), kTypes.end(), t.type) == kTypes.end())
        fail_at(n, file,
                "notify." + t.name + ": type must be one of slack, teams, discord, mattermost, googlechat, webhook");
    if (!is_identifier(t.url_env)) fail_at(n, file, "notify." + t.name + ": url_env must name an environment variable");
    if (!t.secret_env.empty() && !is_identifier(t.secret_env))
        fail_at(n, file, "notify." + t.name + ": secret_env must name an environment variable");
    if (!t.min_priority.empty() && Config::rank(cfg.priorities, t.min_priority) < 0)
        fail_at(n, file, "notify." + t.name + ": min_priority '" + t.min_priority + "' is not a priority");
    return t;
}

}  // namespace

NotifySettings notify_settings(const Config& cfg, const std::string& file) {
    NotifySettings s;
    s.priorities = cfg.priorities;
    if (auto it = cfg.sections.find("notify"); it != cfg.sections.end() && !it->second.is_null()) {
        if (!it->second.is_sequence()) fail_at(it->second, file, "notify: expected a list of targets");
        for (const auto& t : it->second.items()) s.targets.push_back(parse_target(t, file, cfg));
    }
    if (auto it = cfg.sections.find("notify_delivery"); it != cfg.sections.end()) {
        if (!it->second.is_map()) fail_at(it->second, file, "notify_delivery: expected a mapping");
        for (const auto& kv : it->second.entries()) {
            const std::string k = kv.first.scalar();
            if (k == "connect_timeout")
                s.delivery.connect_timeout = seconds(kv.second, file, "notify_delivery.connect_timeout");
            else if (k == "timeout")
                s.delivery.timeout = seconds(kv.second, file, "notify_delivery.timeout");
            else if (k == "budget")
                s.delivery.budget = std::chrono::duration_cast<std::chrono::milliseconds>(
                    seconds(kv.second, file, "notify_delivery.budget"));
            else if (k == "max_retry_after")
                s.delivery.max_retry_after = seconds(kv.second, file, "notify_delivery.max_retry_after");
            else if (k == "attempts") {
                auto n = yaml_integer(kv.second);
                if (!n || *n < 1 || *n > 10) fail_at(kv.second, file, "notify_delivery.attempts: expected 1 to 10");
                s.delivery.attempts = static_cast<int>(*n);
            } else if (k == "backoff") {
                s.delivery.backoff = std::chrono::duration_cast<std::chrono::milliseconds>(
                    seconds(kv.second, file, "notify_delivery.backoff"));
            } else
                fail_at(kv.first, file,
                        "notify_delivery: unknown key '" + k +
                            "' (known: connect_timeout, timeout, attempts, backoff, max_retry_after, budget)");
        }
    }
    if (auto it = cfg.sections.find("web_url"); it != cfg.sections.end())
        s.web_url = scalar_at(it->second, file, "web_url");
    s.layout = cfg.layout;
    return s;
}

std::string NotifySettings::link(const std::string& id) const {
    return web_url.empty() ? std::string() : web_url + "incidents/" + incident_file(id, layout);
}

std::string notify_event(const Event& e) {
    if (e.type == "opened" || e.type == "triaged" || e.type == "resolved" || e.type == "closed" ||
        e.type == "postmortem" || e.type == "reminder")
        return e.type;
    if (e.type == "escalated") {
        if (e.get("auto") == "sla") return e.get("kind") == "hierarchical" ? "sla-breached" : "sla-at-risk";
        return "escalated";
    }
    if (e.type == "update" || e.type == "status" || e.type == "acknowledged" || e.type == "reopened" ||
        e.type == "assigned" || e.type == "role_handoff" || e.type == "de-escalated")
        return "updated";
    return "";
}

}  // namespace incident
