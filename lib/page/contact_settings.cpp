// The settings that carry pages: smtp:, paging_providers: and the link
// settings of serve:. Secrets are only ever named (an environment variable),
// and every error is located at the value that causes it.
#include <algorithm>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "page/contact.hpp"
#include "template/template.hpp"

namespace incident {

namespace {

// A literal secret is refused before anything else is read, with the key to use instead.
void refuse_secrets(const YamlNode& n, const std::string& file, const std::string& section) {
    if (!n.is_map()) return;  // read_settings says what is expected
    for (const auto& [key, value] : n.entries()) {
        const std::string k = key.scalar();
        if (k == "password" || k == "token" || k == "secret" || k == "user")
            fail_at(key, file,
                    section + "." + k + ": secrets never go in the repository; name an environment variable with " + k +
                        "_env");
    }
}

std::string env_name(const YamlNode& v, const std::string& file, const std::string& key) {
    std::string name = scalar_at(v, file, key);
    if (!is_identifier(name)) fail_at(v, file, key + ": expected the name of an environment variable");
    return name;
}

// Characters a URL may hold that no chat markup, mail header or template reads.
bool plain_url(const std::string& url, std::initializer_list<std::string_view> schemes) {
    bool scheme = std::any_of(schemes.begin(), schemes.end(), [&](std::string_view s) { return url.rfind(s, 0) == 0; });
    return scheme && std::all_of(url.begin(), url.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) ||
                      std::string_view("-._~:/?#@!$&'*+=%[]").find(c) != std::string_view::npos;
           });
}

std::string url_at(const YamlNode& v, const std::string& file, const std::string& key,
                   std::initializer_list<std::string_view> schemes, const std::string& expected) {
    std::string url = scalar_at(v, file, key);
    if (!plain_url(url, schemes))
        fail_at(v, file,
                key + ": expected " + expected + " (no spaces, quotes, brackets, braces, commas or semicolons)");
    return url;
}

SmtpSettings read_smtp(const YamlNode& n, const std::string& file) {
    SmtpSettings s;
    refuse_secrets(n, file, "smtp");
    auto text = [&](std::string& field) {
        return [&field, &file](const YamlNode& v, const std::string& key) { field = env_name(v, file, key); };
    };
    read_settings(
        n, file, "smtp",
        {{"url",
          [&](const YamlNode& v, const std::string& key) {
              s.url = url_at(v, file, key, {"smtp://", "smtps://"}, "smtp://HOST:PORT or smtps://HOST:PORT");
          }},
         {"from",
          [&](const YamlNode& v, const std::string& key) {
              s.from = scalar_at(v, file, key);
              if (s.from.find('@') == std::string::npos || !plain_url("x" + s.from, {"x"}))
                  fail_at(v, file, key + ": expected an email address such as incident@example.com");
          }},
         {"user_env", text(s.user_env)},
         {"password_env", text(s.password_env)},
         {"starttls", [&](const YamlNode& v, const std::string& key) { s.starttls = boolean(v, file, key); }}});
    if (s.url.empty()) fail_at(n, file, "smtp: needs url (smtp://HOST:PORT)");
    if (s.from.empty()) fail_at(n, file, "smtp: needs from (the sender's email address)");
    if (s.password_env.empty() != s.user_env.empty()) fail_at(n, file, "smtp: user_env and password_env go together");
    return s;
}

// Each form field must render: a template that does not parse is refused here, not at 03:00.
void read_form(PagingProvider& p, const YamlNode& v, const std::string& file, const std::string& key) {
    require_map(v, file, key);
    kainjow::mustache::data sample;
    sample.set("to", "+15005550006");
    sample.set("message", "INC-1 page");
    for (const auto& [field, tmpl] : v.entries()) {
        const std::string name = key + "." + field.scalar();
        std::string text = scalar_at(tmpl, file, name);
        try {
            render_template(text, sample, {}, name);
        } catch (const InvalidData& e) {
            fail_at(tmpl, file, e.what());
        }
        p.form.emplace_back(field.scalar(), text);
    }
}

PagingProvider read_provider(const YamlNode& n, const std::string& file, const std::string& section) {
    PagingProvider p;
    refuse_secrets(n, file, section);
    auto env = [&](std::string& field) {
        return [&field, &file](const YamlNode& v, const std::string& key) { field = env_name(v, file, key); };
    };
    read_settings(
        n, file, section,
        {{"name", [&](const YamlNode& v, const std::string& key) { p.name = scalar_at(v, file, key); }},
         {"type", [&](const YamlNode& v, const std::string& key) { p.type = scalar_at(v, file, key); }},
         {"url",
          [&](const YamlNode& v, const std::string& key) {
              p.url = url_at(v, file, key, {"http://", "https://"}, "an http:// or https:// URL");
          }},
         {"url_env", env(p.url_env)},
         {"user_env", env(p.user_env)},
         {"password_env", env(p.password_env)},
         {"token_env", env(p.token_env)},
         {"form", [&](const YamlNode& v, const std::string& key) { read_form(p, v, file, key); }},
         {"priority", [&](const YamlNode& v, const std::string& key) { p.priority = scalar_at(v, file, key); }}});
    const std::string what = "paging_providers." + (p.name.empty() ? std::string("?") : p.name);
    const bool named = !p.name.empty() && p.name.size() <= 64 && std::all_of(p.name.begin(), p.name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!named) fail_at(n, file, section + ": a provider needs a name (letters, digits, '-', '_')");
    if (p.type != "sms" && p.type != "voice" && p.type != "push")
        fail_at(n, file, what + ": type must be sms, voice or push");
    if (p.url.empty() == p.url_env.empty()) fail_at(n, file, what + ": needs url or url_env (one of them)");
    if (p.type == "push" && p.url.empty())
        fail_at(n, file, what + ": a push provider needs url (the server; the topic is the person's address)");
    if (p.type == "push" && !p.form.empty()) fail_at(n, file, what + ": form is for sms and voice providers");
    if (p.type != "push" && p.form.empty())
        fail_at(n, file, what + ": needs form (the request's fields, such as To, From and Body)");
    if (p.type != "push" && !p.priority.empty()) fail_at(n, file, what + ": priority is for push providers");
    static const std::vector<std::string> kPriorities = {"min", "low", "default", "high", "urgent",
                                                         "1",   "2",   "3",       "4",    "5"};
    if (!p.priority.empty() && std::find(kPriorities.begin(), kPriorities.end(), p.priority) == kPriorities.end())
        fail_at(n, file, what + ": priority must be min, low, default, high or urgent (or 1 to 5)");
    if (p.password_env.empty() != p.user_env.empty())
        fail_at(n, file, what + ": user_env and password_env go together");
    return p;
}

void read_serve(PagingSettings& s, const YamlNode& n, const std::string& file) {
    refuse_secrets(n, file, "serve");
    read_settings(
        n, file, "serve",
        {{"public_url",
          [&](const YamlNode& v, const std::string& key) {
              s.public_url = url_at(v, file, key, {"http://", "https://"},
                                    "the http:// or https:// address people reach incident serve at");
              while (s.public_url.size() > 8 && s.public_url.back() == '/') s.public_url.pop_back();
          }},
         {"link_key_env", [&](const YamlNode& v, const std::string& key) { s.link_key_env = env_name(v, file, key); }},
         {"link_ttl",
          [&](const YamlNode& v, const std::string& key) {
              s.link_ttl = duration(v, file, key);
              if (s.link_ttl <= Seconds{0}) fail_at(v, file, key + ": must be longer than 0s");
          }},
         {"lease", [&](const YamlNode& v, const std::string& key) {
              s.lease = duration(v, file, key);
              if (s.lease < Seconds{2} || s.lease > Seconds{3600})
                  fail_at(v, file, key + ": must be between 2s and 1h (30s is a good start)");
          }}});
}

const YamlNode* section(const Config& config, const std::string& name) {
    auto it = config.sections.find(name);
    return it == config.sections.end() || it->second.is_null() ? nullptr : &it->second;
}

}  // namespace

const PagingProvider* PagingSettings::provider(const std::string& name, const std::string& type) const {
    auto it = std::find_if(providers.begin(), providers.end(),
                           [&](const PagingProvider& p) { return name.empty() ? p.type == type : p.name == name; });
    return it == providers.end() ? nullptr : &*it;
}

PagingSettings paging_settings(const Config& config, const std::string& file) {
    PagingSettings s;
    if (const YamlNode* n = section(config, "smtp")) s.smtp = read_smtp(*n, file);
    if (const YamlNode* n = section(config, "paging_providers")) {
        if (!n->is_sequence()) fail_at(*n, file, "paging_providers: expected a list of providers");
        for (std::size_t i = 0; i < n->items().size(); ++i) {
            PagingProvider p = read_provider(n->items()[i], file, "paging_providers." + std::to_string(i));
            if (s.provider(p.name, p.type))
                fail_at(n->items()[i], file, "paging_providers: two providers are called " + p.name);
            s.providers.push_back(std::move(p));
        }
    }
    if (const YamlNode* n = section(config, "serve")) read_serve(s, *n, file);
    return s;
}

}  // namespace incident
