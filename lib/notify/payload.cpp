// Payloads in each chat tool's own format, within its documented limits.
// Every text a tool interprets is escaped for that tool (notify/markup.hpp):
// plain text with fit() (cut raw, then escaped), the rendered template, whose
// variables mustache already escaped, with clip_markup() (cut between escapes).
#include <kainjow/mustache.hpp>

#include "model/text.hpp"
#include "notify/markup.hpp"
#include "notify/notify.hpp"
#include "store/store.hpp"
#include "template/template.hpp"

namespace incident {

namespace {

using json = nlohmann::ordered_json;

// {{text}} is left out of the data when the event has none, so the section is skipped.
const char* kDefaultTemplate = "{{label}} by {{actor}}{{#text}}: {{text}}{{/text}}";

std::string label(const std::string& event) {
    if (event == "sla-at-risk") return "SLA at risk";
    if (event == "sla-breached") return "SLA breached";
    std::string l = event;
    if (!l.empty()) l[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(l[0])));
    return l;
}

// What happened, as a message says it: the event's label, or for an update
// which kind ("Acknowledged", "Status changed to mitigated").
std::string headline(const std::string& event, const Event& e) {
    if (event != "updated") return label(event);
    if (e.type == "acknowledged") return "Acknowledged";
    if (e.type == "status") return "Status changed to " + e.get("to");
    if (e.type == "reopened") return "Reopened";
    if (e.type == "assigned") return "Assigned to " + e.get("to");
    if (e.type == "role_handoff") return "Role " + e.get("role") + " handed to " + e.get("to");
    if (e.type == "de-escalated") return "De-escalated";
    return "Update";
}

std::string colour(const Incident& inc) {
    if (inc.status == Status::resolved || inc.status == Status::closed) return "#2EB67D";
    if (inc.priority == "P1") return "#D00000";
    if (inc.priority == "P2") return "#F08000";
    if (inc.priority == "P3") return "#E0C000";
    return "#3070C0";
}

// One message, as every chat tool shows it.
struct Content {
    std::string title;                                       // "INC-42 Opened: Checkout down", raw
    std::string text;                                        // rendered template, escaped for the tool
    std::string link;                                        // may be empty
    std::vector<std::pair<std::string, std::string>> facts;  // raw
    std::string colour = "#3070C0";
    bool urgent = false;
    Timestamp at{};
};

// The escape for the text a chat tool of `type` formats (its message and card text).
Escape escape_for(const std::string& type) {
    if (type == "slack") return chat_text_escape;
    if (type == "mattermost") return mattermost_escape;
    if (type == "googlechat") return chat_html_escape;
    return markdown_escape;  // teams, discord
}

Content content(const std::string& event, const Incident& inc, const Event& e, const std::string& link,
                const std::string& tmpl_text, Escape esc) {
    Content c;
    c.title = inc.id + " " + headline(event, e) + ": " + inc.title;
    c.link = link;
    c.colour = colour(inc);
    c.urgent = inc.priority == "P1" || inc.priority == "P2";
    c.at = e.at;
    kainjow::mustache::data d;
    d.set("id", inc.id);
    d.set("title", inc.title);
    d.set("event", event);
    d.set("label", headline(event, e));
    d.set("priority", inc.priority.empty() ? "untriaged" : inc.priority);
    d.set("status", std::string(to_string(inc.status)));
    d.set("service", inc.service);
    d.set("team", inc.team);
    d.set("actor", e.by);
    if (!e.text.empty()) d.set("text", e.text);
    d.set("link", c.link);
    // A custom template that is refused still lets the message go, in the built-in words.
    auto render = [&](const std::string& text) { return render_template(text, d, esc, "message template"); };
    try {
        c.text = render(tmpl_text.empty() ? std::string(kDefaultTemplate) : tmpl_text);
    } catch (const InvalidData&) {
        c.text = render(std::string(kDefaultTemplate));
    }
    c.facts = {{"Priority", inc.priority.empty() ? "untriaged" : inc.priority},
               {"Status", std::string(to_string(inc.status))},
               {"Service", inc.service.empty() ? "-" : inc.service},
               {"Team", inc.team.empty() ? "-" : inc.team + (inc.tier.empty() ? "" : " / " + inc.tier)}};
    return c;
}

json mrkdwn(const std::string& text) { return {{"type", "mrkdwn"}, {"text", text}, {"verbatim", true}}; }

// Block Kit; every mrkdwn object is verbatim, so Slack links, mentions and
// channel names only what the text spells out with <…>, never anything else.
json slack(const Content& c) {
    json fields = json::array();
    for (const auto& [k, v] : c.facts) {
        std::string name = "*" + k + "*\n";
        fields.push_back(mrkdwn(name + fit(v, 2000 - code_points(name), chat_text_escape)));
    }
    json blocks = json::array();
    // A header is plain_text: shown as it is, so cut but not escaped.
    blocks.push_back(
        {{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", clip(c.title, 150)}, {"emoji", true}}}});
    blocks.push_back(
        {{"type", "section"}, {"text", mrkdwn(clip_markup(c.text.empty() ? " " : c.text, 3000))}, {"fields", fields}});
    if (!c.link.empty()) {
        json context = {{"type", "context"}, {"elements", json::array()}};
        context["elements"].push_back(mrkdwn("<" + c.link + "|Open the incident file>"));
        blocks.push_back(context);
    }
    return {{"text", fit(c.title, 3000, chat_text_escape)}, {"blocks", blocks}};
}

json teams(const Content& c) {
    json facts = json::array();
    for (const auto& [k, v] : c.facts) facts.push_back({{"title", k}, {"value", fit(v, 500, markdown_escape)}});
    json card = {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                 {"type", "AdaptiveCard"},
                 {"version", "1.4"},
                 {"body", json::array()}};
    card["body"].push_back({{"type", "TextBlock"},
                            {"text", fit(c.title, 500, markdown_escape)},
                            {"weight", "Bolder"},
                            {"size", "Medium"},
                            {"wrap", true},
                            {"color", c.urgent ? "Attention" : "Default"}});
    card["body"].push_back({{"type", "TextBlock"}, {"text", clip_markup(c.text, 4000)}, {"wrap", true}});
    card["body"].push_back({{"type", "FactSet"}, {"facts", facts}});
    if (!c.link.empty()) {
        card["actions"] = json::array();
        card["actions"].push_back({{"type", "Action.OpenUrl"}, {"title", "Open the incident"}, {"url", c.link}});
    }
    json attachment = {
        {"contentType", "application/vnd.microsoft.card.adaptive"}, {"contentUrl", nullptr}, {"content", card}};
    json body = {{"type", "message"}, {"attachments", json::array()}};
    body["attachments"].push_back(attachment);
    return body;
}

json discord(const Content& c) {
    json fields = json::array();
    for (const auto& [k, v] : c.facts)
        fields.push_back({{"name", k}, {"value", fit(v, 1024, markdown_escape)}, {"inline", true}});
    // Embed totals must stay under 6000 characters: 256 + 3000 + fields (< 1100).
    json embed = {{"title", fit(c.title, 256, markdown_escape)},
                  {"description", clip_markup(c.text, 3000)},
                  {"color", std::stoi(c.colour.substr(1), nullptr, 16)},
                  {"fields", fields},
                  {"timestamp", format_rfc3339(c.at)}};
    if (!c.link.empty()) embed["url"] = c.link;
    json body = {{"content", fit(c.title, 2000, markdown_escape)},
                 {"embeds", json::array()},
                 {"allowed_mentions", {{"parse", json::array()}}}};
    body["embeds"].push_back(embed);
    return body;
}

json mattermost(const Content& c) {
    json fields = json::array();
    for (const auto& [k, v] : c.facts)
        fields.push_back({{"short", true}, {"title", k}, {"value", fit(v, 1000, mattermost_escape)}});
    json att = {{"fallback", fit(c.title, 500, mattermost_escape)},
                {"color", c.colour},
                {"title", fit(c.title, 500, mattermost_escape)},
                {"text", clip_markup(c.text, 4000)},
                {"fields", fields}};
    if (!c.link.empty()) att["title_link"] = c.link;
    json body = {{"text", fit(c.title, 4000, mattermost_escape)}, {"attachments", json::array()}};
    body["attachments"].push_back(att);
    return body;
}

// The message text formats like Slack's mrkdwn; card text is HTML.
json googlechat(const Content& c) {
    json widgets = json::array();
    for (const auto& [k, v] : c.facts)
        widgets.push_back({{"decoratedText", {{"topLabel", k}, {"text", fit(v, 500, chat_html_escape)}}}});
    widgets.push_back({{"textParagraph", {{"text", clip_markup(c.text, 3000)}}}});
    if (!c.link.empty()) {
        json button = {{"text", "Open the incident"}, {"onClick", {{"openLink", {{"url", c.link}}}}}};
        json buttons = {{"buttons", json::array()}};
        buttons["buttons"].push_back(button);
        widgets.push_back({{"buttonList", buttons}});
    }
    json section = {{"widgets", widgets}};
    json card = {{"header", {{"title", fit(c.title, 200, chat_html_escape)}, {"subtitle", "incident"}}},
                 {"sections", json::array()}};
    card["sections"].push_back(section);
    json entry = {{"cardId", "incident"}, {"card", card}};
    json body = {{"text", fit(c.title, 4000, chat_text_escape)}, {"cardsV2", json::array()}};
    body["cardsV2"].push_back(entry);
    return body;
}

// The body a chat target of `type` gets for `c`.
json chat_body(const std::string& type, const Content& c) {
    if (type == "slack") return slack(c);
    if (type == "teams") return teams(c);
    if (type == "discord") return discord(c);
    if (type == "mattermost") return mattermost(c);
    return googlechat(c);
}

// A delivery to `t` without its body yet.
Delivery addressed(const NotifyTarget& t, const std::string& event, const std::string& incident_id, Timestamp now) {
    Delivery d;
    d.id = "msg_" + new_uid();
    d.target = t.name;
    d.type = t.type;
    d.url_env = t.url_env;
    d.secret_env = t.secret_env;
    d.event = event;
    d.incident = incident_id;
    d.created_at = format_rfc3339(now);
    return d;
}

std::string dump(const json& body) { return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

}  // namespace

Delivery build_delivery(const NotifyTarget& t, const std::string& event, const Incident& inc, const Event& e,
                        const std::string& link, const std::string& template_text, Timestamp now) {
    Delivery d = addressed(t, event, inc.id, now);
    if (t.type == "webhook")
        // JSON data for programs, not markup for people. Values go as they are
        // (the exact title, a "<" included), only JSON-encoded; the receiver
        // escapes for wherever it shows them.
        d.body = dump({{"type", "incident." + event},
                       {"timestamp", format_rfc3339(e.at)},
                       {"data", {{"event", event_to_json(e)}, {"incident", incident_to_json(inc)}}}});
    else
        d.body = dump(chat_body(t.type, content(event, inc, e, link, template_text, escape_for(t.type))));
    return d;
}

Delivery build_test_delivery(const NotifyTarget& t, const std::string& actor, Timestamp now) {
    Delivery d = addressed(t, "test", "", now);
    const std::string what = "This is a test message from incident, sent by " + actor +
                             " with incident notify test; no incident was opened or changed.";
    if (t.type == "webhook") {
        d.body = dump({{"type", "incident.test"},
                       {"timestamp", format_rfc3339(now)},
                       {"data", {{"message", what}, {"target", t.name}, {"by", actor}}}});
        return d;
    }
    Content c;
    c.title = "Test message from incident";
    c.text = escape_for(t.type)(what);
    c.facts = {{"Target", t.name}, {"Sent by", actor}};
    c.at = now;
    d.body = dump(chat_body(t.type, c));
    return d;
}

}  // namespace incident
