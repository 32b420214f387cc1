// One page by one contact method: an email (a complete RFC 5322 message for
// SMTP), a push to an ntfy-style topic, an SMS or a call through a
// provider's form POST; chat mentions are in contact_chat.cpp. Text from an
// incident never reaches a mail or HTTP header with a line break in it.
#include <date/date.h>
#include <openssl/evp.h>

#include <algorithm>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "notify/base64.hpp"
#include "notify/markup.hpp"
#include "page/contact_parts.hpp"
#include "template/template.hpp"

namespace incident {

std::string page_line(std::string_view s, std::size_t max) { return clip(one_line(s), max); }

std::string page_subject(const Page& page) {
    const Incident& inc = *page.incident;
    return "[" + (inc.priority.empty() ? std::string("untriaged") : page_line(inc.priority, 20)) + "] " +
           page_line(inc.id, 40) + " page: " + page_line(inc.title);
}

Delivery page_addressed(const Page& page, const std::string& target, const std::string& type, Timestamp now) {
    Delivery d;
    d.id = page.id;
    d.target = target;
    d.type = type;
    d.event = "paged";
    d.incident = page.incident->id;
    d.created_at = format_rfc3339(now);
    return d;
}

namespace {

// A header value as RFC 2047 encoded words when it is not plain ASCII (a
// title in UTF-8), each at most 75 characters and never splitting a
// character; `gap` goes between words (a mail header folds, HTTP cannot).
std::string header_text(const std::string& s, const std::string& gap) {
    if (std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; })) return s;
    std::string out;
    for (std::size_t at = 0; at < s.size();) {
        std::size_t end = std::min(s.size(), at + 45);
        while (end < s.size() && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
        out += (out.empty() ? "" : gap) + "=?UTF-8?B?" + base64(std::string_view(s).substr(at, end - at)) + "?=";
        at = end;
    }
    return out;
}

// What every page says, one line each; the link alone on its line.
std::string page_text(const Page& page, const std::string& nl) {
    const Incident& inc = *page.incident;
    std::string step = "Step " + std::to_string(page.step);
    if (page.round > 1) step += ", round " + std::to_string(page.round);
    std::string text = page_line(inc.id, 40) + " page: " + page_line(inc.title) + nl;
    text += "Priority: " + (inc.priority.empty() ? std::string("untriaged") : page_line(inc.priority, 20)) + nl;
    text += "Service: " + (inc.service.empty() ? std::string("-") : page_line(inc.service, 100)) + nl;
    text += step + " of the escalation policy pages " +
            page_line(page.person->name.empty() ? page.person->key : page.person->name) + "." + nl;
    if (!page.link.empty()) text += nl + "Acknowledge or resolve it here:" + nl + page_line(page.link, 2000) + nl;
    text += nl + "Or from a shell: incident ack " + page_line(inc.id, 40) + nl;
    return text;
}

std::string mail_date(Timestamp now) { return date::format("%a, %d %b %Y %H:%M:%S +0000", now); }

std::optional<Delivery> email(const ContactMethod& m, const Page& page, const PagingSettings& paging, Timestamp now,
                              std::string& why) {
    if (!paging.smtp) {
        why = "email needs smtp: in the config";
        return std::nullopt;
    }
    const SmtpSettings& smtp = *paging.smtp;
    if (m.address.find('@') == std::string::npos || one_line(m.address) != m.address ||
        m.address.find_first_of(" <>,;\"") != std::string::npos) {
        why = "'" + page_line(m.address, 80) + "' is not an email address";
        return std::nullopt;
    }
    Delivery d = page_addressed(page, "smtp", "email", now);
    d.url = smtp.url;
    d.mail_from = smtp.from;
    d.mail_to = {m.address};
    d.starttls = smtp.starttls;
    d.user_env = smtp.user_env;
    d.password_env = smtp.password_env;
    std::string id;
    for (char c : page.id) id += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
    const std::string crlf = "\r\n";
    d.body = "From: " + smtp.from + crlf + "To: " + m.address + crlf +
             "Subject: " + header_text(page_subject(page), crlf + " ") + crlf + "Date: " + mail_date(now) + crlf +
             "Message-ID: <" + id + "@" + smtp.from.substr(smtp.from.rfind('@') + 1) + ">" + crlf +
             "MIME-Version: 1.0" + crlf + "Content-Type: text/plain; charset=utf-8" + crlf +
             "Content-Transfer-Encoding: 8bit" + crlf + "Auto-Submitted: auto-generated" + crlf + crlf +
             page_text(page, crlf);
    return d;
}

bool topic_name(const std::string& s) {
    return !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// ntfy's publish headers: Title, Priority, Tags, and with a link Click and a
// "view" action button (its simple format: fields by commas, actions by semicolons).
std::optional<Delivery> push(const ContactMethod& m, const Page& page, const PagingProvider& p, Timestamp now,
                             std::string& why) {
    if (!topic_name(m.address)) {
        why = "push: '" + page_line(m.address, 80) + "' is not a topic name (letters, digits, '-', '_')";
        return std::nullopt;
    }
    Delivery d = page_addressed(page, p.name, "push", now);
    d.url = p.url + (p.url.back() == '/' ? "" : "/") + m.address;
    d.token_env = p.token_env;
    d.user_env = p.user_env;
    d.password_env = p.password_env;
    d.content_type = "text/plain; charset=utf-8";
    d.headers = {"Title: " + header_text(page_subject(page), " "),
                 "Priority: " + (p.priority.empty() ? std::string("urgent") : p.priority), "Tags: rotating_light"};
    const std::string link = one_line(page.link);
    if (!link.empty() && link == page.link && link.find_first_of(",;\" ") == std::string::npos) {
        d.headers.push_back("Click: " + link);
        d.headers.push_back("Actions: view, Acknowledge, " + link + ", clear=true");
    }
    d.body = page_text(page, "\n");
    return d;
}

std::string form_encode(std::string_view s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~')
            out += static_cast<char>(c);
        else if (c == ' ')
            out += '+';
        else
            out += {'%', hex[c >> 4], hex[c & 15]};
    }
    return out;
}

// The provider's form, each field a template over the page: {{x}} is
// XML-escaped (a TwiML <Say> stays whole), {{{x}}} goes as it is.
std::string form_body(const ContactMethod& m, const Page& page, const PagingProvider& p) {
    const Incident& inc = *page.incident;
    kainjow::mustache::data incident;
    incident.set("id", inc.id);
    incident.set("title", page_line(inc.title));
    incident.set("priority", inc.priority);
    incident.set("service", inc.service);
    kainjow::mustache::data person;
    person.set("key", page.person->key);
    person.set("name", page.person->name);
    kainjow::mustache::data data;
    data.set("to", m.address);
    data.set("message", page_subject(page) + (page.link.empty() ? "" : " Acknowledge: " + page.link));
    data.set("link", page.link);
    data.set("incident", incident);
    data.set("person", person);
    std::string body;
    for (const auto& [field, tmpl] : p.form) {
        std::string value = render_template(tmpl, data, {}, "paging_providers." + p.name + ".form." + field);
        body += (body.empty() ? "" : "&") + form_encode(field) + "=" + form_encode(value);
    }
    return body;
}

std::optional<Delivery> call_or_text(const ContactMethod& m, const Page& page, const PagingProvider& p, Timestamp now,
                                     std::string& why) {
    Delivery d = page_addressed(page, p.name, m.kind, now);
    d.url = p.url;
    d.url_env = p.url_env;
    d.user_env = p.user_env;
    d.password_env = p.password_env;
    d.token_env = p.token_env;
    d.content_type = "application/x-www-form-urlencoded";
    try {
        d.body = form_body(m, page, p);
    } catch (const InvalidData& e) {
        why = e.what();
        return std::nullopt;
    }
    return d;
}

}  // namespace

std::optional<Delivery> page_delivery(const ContactMethod& method, const Page& page, const PagingSettings& paging,
                                      const NotifySettings& notify, Timestamp now, std::string& why) {
    if (!page.incident || !page.person) {
        why = "a page names an incident and a person";
        return std::nullopt;
    }
    if (method.kind == "email") return email(method, page, paging, now, why);
    if (method.kind == "push" || method.kind == "sms" || method.kind == "voice") {
        const PagingProvider* p = paging.provider(method.target, method.kind);
        if (!p || p->type != method.kind) {
            why = method.kind + ": no paging provider " +
                  (method.target.empty() ? "of type " + method.kind : "called " + method.target + " of that type") +
                  " (paging_providers: in the config)";
            return std::nullopt;
        }
        return method.kind == "push" ? push(method, page, *p, now, why) : call_or_text(method, page, *p, now, why);
    }
    return chat_page_delivery(method, page, notify, now, why);
}

}  // namespace incident
