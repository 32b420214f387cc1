// Payloads in each chat tool's own format, within its documented limits.
// Every text a tool interprets is escaped for that tool (notify/markup.hpp):
// plain text with fit() (cut raw, then escaped), the rendered template, whose
// variables mustache already escaped, with clip_markup() (cut between escapes).
#include <kainjow/mustache.hpp>

#include "model/text.hpp"
#include "notify/markup.hpp"
#include "notify/notify.hpp"
#include "store/store.hpp"

namespace incident {

namespace {

using json = nlohmann::ordered_json;

const char* kDefaultTemplate = "{{label}} by {{actor}}{{#text}}: {{text}}{{/text}}";

std::string label(const std::string& event) {
    if (event == "sla-at-risk") return "SLA at risk";
    if (event == "sla-breached") return "SLA breached";
    std::string l = event;
    if (!l.empty()) l[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(l[0])));
    return l;
}

std::string colour(const Incident& inc) {
    if (inc.status == Status::resolved || inc.status == Status::closed) return "#2EB67D";
    if (inc.priority == "P1") return "#D00000";
    if (inc.priority == "P2") return "#F08000";
    if (inc.priority == "P3") return "#E0C000";
    return "#3070C0";
}

struct Content {
    std::string title;  // "INC-42 Opened: Checkout down"
    std::string text;   // rendered template
    std::string link;   // may be empty
    std::vector<std::pair<std::string, std::string>> facts;
};

Content content(const NotifyTarget& t, const std::string& event, const Incident& inc, const Event& e,
                const std::string& link, const std::string& tmpl_text, Escape esc) {
    Content c;
    c.title = inc.id + " " + label(event) + ": " + inc.title;
    c.link = link;
    kainjow::mustache::mustache tmpl{tmpl_text.empty() ? std::string(kDefaultTemplate) : tmpl_text};
    tmpl.set_custom_escape([esc](const std::string& s) { return esc(s); });
    kainjow::mustache::data d;
    d.set("id", inc.id);
    d.set("title", inc.title);
    d.set("event", event);
    d.set("label", label(event));
    d.set("priority", inc.priority.empty() ? "untriaged" : inc.priority);
    d.set("status", std::string(to_string(inc.status)));
    d.set("service", inc.service);
    d.set("team", inc.team);
    d.set("actor", e.by);
    d.set("text", e.text);
    d.set("link", c.link);
    c.text = tmpl.is_valid() ? tmpl.render(d) : esc(e.text);
    (void)t;
    c.facts = {{"Priority", inc.priority.empty() ? "untriaged" : inc.priority},
               {"Status", std::string(to_string(inc.status))},
               {"Service", inc.service.empty() ? "-" : inc.service},
               {"Team", inc.team.empty() ? "-" : inc.team + (inc.tier.empty() ? "" : " / " + inc.tier)}};
    return c;
}

json slack(const Content& c, const Incident&) {
    json fields = json::array();
    for (const auto& [k, v] : c.facts) {
        std::string name = "*" + k + "*\n";
        fields.push_back({{"type", "mrkdwn"}, {"text", name + fit(v, 2000 - code_points(name), slack_escape)}});
    }
    json blocks = json::array();
    // A header is plain_text: shown as it is, so cut but not escaped.
    blocks.push_back(
        {{"type", "header"}, {"text", {{"type", "plain_text"}, {"text", clip(c.title, 150)}, {"emoji", true}}}});
    blocks.push_back({{"type", "section"},
                      {"text", {{"type", "mrkdwn"}, {"text", clip_markup(c.text.empty() ? " " : c.text, 3000)}}},
                      {"fields", fields}});
    if (!c.link.empty()) {
        json element = {{"type", "mrkdwn"}, {"text", "<" + c.link + "|Open the incident file>"}};
        json context = {{"type", "context"}, {"elements", json::array()}};
        context["elements"].push_back(element);
        blocks.push_back(context);
    }
    return {{"text", fit(c.title, 3000, slack_escape)}, {"blocks", blocks}};
}

json teams(const Content& c, const Incident& inc) {
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
                            {"color", inc.priority == "P1" || inc.priority == "P2" ? "Attention" : "Default"}});
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

json discord(const Content& c, const Incident& inc, const Event& e) {
    json fields = json::array();
    for (const auto& [k, v] : c.facts)
        fields.push_back({{"name", k}, {"value", fit(v, 1024, markdown_escape)}, {"inline", true}});
    // Embed totals must stay under 6000 characters: 256 + 3000 + fields (< 1100).
    json embed = {{"title", fit(c.title, 256, markdown_escape)},
                  {"description", clip_markup(c.text, 3000)},
                  {"color", std::stoi(colour(inc).substr(1), nullptr, 16)},
                  {"fields", fields},
                  {"timestamp", format_rfc3339(e.at)}};
    if (!c.link.empty()) embed["url"] = c.link;
    json body = {{"content", fit(c.title, 2000, markdown_escape)},
                 {"embeds", json::array()},
                 {"allowed_mentions", {{"parse", json::array()}}}};
    body["embeds"].push_back(embed);
    return body;
}

json mattermost(const Content& c, const Incident& inc) {
    json fields = json::array();
    for (const auto& [k, v] : c.facts)
        fields.push_back({{"short", true}, {"title", k}, {"value", fit(v, 1000, mattermost_escape)}});
    json att = {{"fallback", fit(c.title, 500, mattermost_escape)},
                {"color", colour(inc)},
                {"title", fit(c.title, 500, mattermost_escape)},
                {"text", clip_markup(c.text, 4000)},
                {"fields", fields}};
    if (!c.link.empty()) att["title_link"] = c.link;
    json body = {{"text", fit(c.title, 4000, mattermost_escape)}, {"attachments", json::array()}};
    body["attachments"].push_back(att);
    return body;
}

json googlechat(const Content& c, const Incident&) {
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
    json body = {{"text", fit(c.title, 4000, chat_html_escape)}, {"cardsV2", json::array()}};
    body["cardsV2"].push_back(entry);
    return body;
}

}  // namespace

Delivery build_delivery(const NotifyTarget& t, const std::string& event, const Incident& inc, const Event& e,
                        const std::string& link, const std::string& template_text, Timestamp now) {
    Delivery d;
    d.id = "msg_" + new_uid();
    d.target = t.name;
    d.type = t.type;
    d.url_env = t.url_env;
    d.secret_env = t.secret_env;
    d.event = event;
    d.incident = inc.id;
    d.created_at = format_rfc3339(now);
    json body;
    if (t.type == "slack")
        body = slack(content(t, event, inc, e, link, template_text, slack_escape), inc);
    else if (t.type == "teams")
        body = teams(content(t, event, inc, e, link, template_text, markdown_escape), inc);
    else if (t.type == "discord")
        body = discord(content(t, event, inc, e, link, template_text, markdown_escape), inc, e);
    else if (t.type == "mattermost")
        body = mattermost(content(t, event, inc, e, link, template_text, mattermost_escape), inc);
    else if (t.type == "googlechat")
        body = googlechat(content(t, event, inc, e, link, template_text, chat_html_escape), inc);
    else
        // webhook: JSON data for programs, not markup for people. Values go as
        // they are (the exact title, a "<" included), only JSON-encoded; the
        // receiver escapes for wherever it shows them.
        body = {{"type", "incident." + event},
                {"timestamp", format_rfc3339(e.at)},
                {"data", {{"event", event_to_json(e)}, {"incident", incident_to_json(inc)}}}};
    d.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return d;
}

}  // namespace incident
