// A page as a chat message that mentions the person: the target's usual
// message (notify/payload.cpp builds it, escaping everything an incident
// says), its text saying who is paged and how to acknowledge, and the
// mention in the form each tool documents: Slack <@U…>, Mattermost @name,
// Discord <@id> (allowed by allowed_mentions), Teams <at>…</at> with a
// msteams mention entity, Google Chat <users/ID>. Only the addresses from
// people.yaml are ever written as mentions, and only in those forms.
#include <algorithm>

#include "model/text.hpp"
#include "notify/markup.hpp"
#include "page/contact_parts.hpp"

namespace incident {

namespace {

using json = nlohmann::ordered_json;

// The notify target type a contact kind is sent through.
std::string chat_type(const std::string& kind) { return kind == "google_chat" ? "googlechat" : kind; }

bool only(const std::string& s, std::size_t max, std::string_view extra, bool letters = true) {
    return !s.empty() && s.size() <= max && std::all_of(s.begin(), s.end(), [&](char c) {
        auto u = static_cast<unsigned char>(c);
        return (letters ? std::isalnum(u) : std::isdigit(u)) || extra.find(c) != std::string_view::npos;
    });
}

// Whether `address` is an id or a name that kind's mention syntax takes as it is.
bool mentionable(const std::string& kind, const std::string& a) {
    if (kind == "slack") return only(a, 32, "");
    if (kind == "discord") return only(a, 25, "", false);
    if (kind == "mattermost") return only(a, 64, "._-") && a != "all" && a != "channel" && a != "here";
    return only(a, 128, "._@-") && a != "all";  // teams (a UPN or an id), google_chat (an id or an email)
}

// The name inside Teams' <at>…</at>: letters, digits, spaces, . - ' (and any non-ASCII letter).
std::string teams_name(const Person& p) {
    std::string out;
    for (char c : page_line(p.name.empty() ? p.key : p.name, 64))
        if (static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c)) ||
            std::string_view(" .-'").find(c) != std::string_view::npos)
            out += c;
    return out.empty() ? p.key : out;
}

std::string mention(const std::string& kind, const ContactMethod& m, const Person& p) {
    if (kind == "mattermost") return "@" + m.address;
    if (kind == "teams") return "<at>" + teams_name(p) + "</at>";
    if (kind == "google_chat") return "<users/" + m.address + ">";
    return "<@" + m.address + ">";  // slack, discord
}

// The acknowledge link as the tool's markup; the link is ours (public_url,
// then ids and hex), and is left out should it hold anything markup reads.
std::string ack_markup(const std::string& type, const std::string& link) {
    const bool plain = std::all_of(link.begin(), link.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("-._~:/?#@!$&'*+=%").find(c) != std::string_view::npos;
    });
    if (link.empty() || !plain) return "";
    if (type == "slack") return "\n<" + chat_html_escape(link) + "|Acknowledge or resolve>";
    if (type == "googlechat") return "<br><a href=\"" + chat_html_escape(link) + "\">Acknowledge or resolve</a>";
    return "\n[Acknowledge or resolve](" + link + ")";  // markdown: teams, discord, mattermost
}

// The message text template: literal parts are ours, {{…}} escaped by the tool's escape.
std::string page_template(const std::string& type, const std::string& kind, const ContactMethod& m, const Page& page) {
    std::string text = type == "googlechat" || type == "discord" ? "" : mention(kind, m, *page.person) + " ";
    text += "Step " + std::to_string(page.step);
    if (page.round > 1) text += ", round " + std::to_string(page.round);
    text +=
        " of the escalation policy pages you about {{id}} ({{priority}}{{#service}}, {{service}}{{/service}}): "
        "{{title}}";
    return text + ack_markup(type, page.link);
}

// Puts the mention first in the message's own text, which is what notifies.
void prefix(json& body, const char* field, const std::string& mention, std::size_t limit) {
    const std::string old = body.value(field, "");
    body[field] = mention + " " + clip_markup(old, limit - code_points(mention) - 1);
}

void add_mention(json& body, const std::string& kind, const ContactMethod& m, const Person& p) {
    const std::string at = mention(kind, m, p);
    if (kind == "slack") prefix(body, "text", at, 3000);
    if (kind == "mattermost") prefix(body, "text", at, 4000);
    if (kind == "google_chat") prefix(body, "text", at, 4000);
    if (kind == "discord") {
        prefix(body, "content", at, 2000);
        body["allowed_mentions"] = {{"parse", json::array()}, {"users", json::array({m.address})}};
    }
    if (kind == "teams") {
        json entity = {{"type", "mention"}, {"text", at}, {"mentioned", {{"id", m.address}, {"name", teams_name(p)}}}};
        body["attachments"][0]["content"]["msteams"] = {{"entities", json::array({entity})}};
    }
}

}  // namespace

std::optional<Delivery> chat_page_delivery(const ContactMethod& m, const Page& page, const NotifySettings& notify,
                                           Timestamp now, std::string& why) {
    const std::string type = chat_type(m.kind);
    auto t = std::find_if(notify.targets.begin(), notify.targets.end(),
                          [&](const NotifyTarget& x) { return x.name == m.target; });
    if (t == notify.targets.end()) {
        why = m.kind + ": no notify target called " + m.target;
        return std::nullopt;
    }
    if (t->type != type) {
        why = m.kind + ": the target " + t->name + " is of type " + t->type + ", not " + type;
        return std::nullopt;
    }
    if (!mentionable(m.kind, m.address)) {
        why = m.kind + ": '" + page_line(m.address, 80) + "' is not a " + m.kind + " user id this tool can mention";
        return std::nullopt;
    }
    Event e;
    e.type = "paged";
    e.by = "incident";
    e.at = now;
    Delivery built = build_delivery(*t, "paged", *page.incident, e, notify.link(page.incident->id),
                                    page_template(type, m.kind, m, page), now);
    Delivery d = page_addressed(page, t->name, t->type, now);
    d.url_env = built.url_env;
    d.secret_env = built.secret_env;
    json body = json::parse(built.body);
    add_mention(body, m.kind, m, *page.person);
    d.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return d;
}

}  // namespace incident
