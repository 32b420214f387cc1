// incident serve's acknowledge-link routes: the checks both share (every
// part given, a key configured, the signature, then the expiry), the
// confirmation page, and the change a POST makes as the link's person.
#include "serve_page.hpp"

#include "model/text.hpp"
#include "page/contact.hpp"
#include "page/link.hpp"
#include "report/table.hpp"
#include "store/store.hpp"

namespace incident::cli {

namespace {

constexpr std::size_t kEventsShown = 5;

// Self-contained: no script, no external resource (the server's CSP forbids both).
constexpr const char* kStyle =
    "body{font-family:system-ui,sans-serif;max-width:40em;margin:2em auto;padding:0 1em;line-height:1.4}"
    "h1{font-size:1.3em}ol{padding-left:1.2em}li{margin:.2em 0}form{margin:1em 0}"
    "textarea{width:100%;min-height:5em}button{font-size:1em;padding:.4em 1em}.meta{color:#444}";

const char* reason_phrase(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 409:
            return "Conflict";
        case 503:
            return "Service Unavailable";
        default:
            return "Error";
    }
}

std::string html_document(const std::string& title, const std::string& body) {
    return "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
           "<meta name=\"robots\" content=\"noindex\">\n<title>" +
           html_escape(title) + "</title>\n<style>" + kStyle + "</style>\n</head>\n<body>\n" + body +
           "</body>\n</html>\n";
}

PageAnswer message_page(int status, const std::string& message) {
    const std::string heading = status == 200 ? "Done" : std::to_string(status) + " " + reason_phrase(status);
    return {status,
            html_document(heading, "<h1>" + html_escape(heading) + "</h1>\n<p>" + html_escape(message) + "</p>\n"),
            message};
}

// A form's text as typed: without a browser's CRs and the blanks around it.
std::string form_text(const std::string& s) {
    std::string out;
    for (char c : s)
        if (c != '\r') out += c;
    const auto first = out.find_first_not_of(" \t\n");
    if (first == std::string::npos) return "";
    return out.substr(first, out.find_last_not_of(" \t\n") - first + 1);
}

// A lifecycle answer that writes nothing (already acknowledged, already
// resolved): thrown out of the change, so nothing is saved or committed.
struct Unchanged {
    PageAnswer answer;
};

std::optional<PageAnswer> missing_parts(const PageLinkRequest& req, bool post) {
    std::string missing;
    auto need = [&](const std::string& value, const char* name) {
        if (value.empty()) missing += (missing.empty() ? "" : ", ") + std::string(name);
    };
    need(req.who, "who");
    need(req.exp, "exp");
    need(req.sig, "sig");
    if (!missing.empty())
        return message_page(400, "the link lacks " + missing + " (copy the whole link from the page)");
    if (!post) return std::nullopt;
    if (req.action != "ack" && req.action != "resolve")
        return message_page(400, "action must be ack or resolve (the buttons of the confirmation page send it)");
    if (req.action == "resolve" && form_text(req.summary).empty())
        return message_page(400, "resolving needs a summary of what restored the service");
    return std::nullopt;
}

// serve.link_key_env, read when each request comes (the config may change).
std::string link_key_env(const Workspace& ws) {
    return paging_settings(ws.config, ws.repo.relative(ws.repo.config_path())).link_key_env;
}

// A key configured (503), then the signature and only then the expiry (403).
std::optional<PageAnswer> refuse_link(const Context& ctx, const Workspace& ws, const PageLinkRequest& req) {
    const std::string env = link_key_env(ws);
    const std::string key = ctx.io.env(env).value_or("");
    if (key.empty())
        return message_page(503, "acknowledge links are not configured (serve.link_key_env): " + env + " is not set");
    if (!link_key_strong_enough(key))
        return message_page(503, "acknowledge links are not configured (serve.link_key_env): " + env +
                                     " is shorter than " + std::to_string(kMinLinkKeyBytes) + " bytes");
    switch (check_page_link(key, req.uid, req.who, req.exp, req.sig, ctx.now)) {
        case LinkCheck::ok:
            return std::nullopt;
        case LinkCheck::malformed:
            return message_page(403, "the link is malformed (exp is not a time)");
        case LinkCheck::bad_signature:
            return message_page(403, "the link's signature does not match: it was altered, or made with another key");
        case LinkCheck::expired:
            return message_page(403, "the link expired at " + format_rfc3339(Timestamp{Seconds{std::stoll(req.exp)}}) +
                                         "; use a later page's link, or incident ack");
    }
    return message_page(403, "the link is not valid");
}

std::string unknown_uid(const std::string& uid) { return "no incident has the uid " + uid; }

std::string acknowledger(const Incident& inc) {
    for (auto e = inc.timeline.rbegin(); e != inc.timeline.rend(); ++e)
        if (e->type == "acknowledged") return e->by;
    return "someone";
}

std::string events_html(const Incident& inc) {
    const auto& t = inc.timeline;
    std::string out = "<h2>Latest events</h2>\n<ol>\n";
    for (std::size_t i = t.size() > kEventsShown ? t.size() - kEventsShown : 0; i < t.size(); ++i)
        out += "<li>" + html_escape(format_rfc3339(t[i].at)) + " " + html_escape(t[i].by) + ": " +
               html_escape(t[i].type) + (t[i].text.empty() ? "" : " — " + html_escape(one_line(t[i].text))) + "</li>\n";
    return out + "</ol>\n";
}

// Two forms posting back to this page (a relative action: behind a proxy's
// prefix too) with the link's parts as hidden fields.
std::string forms_html(const Incident& inc, const Config& cfg, const PageLinkRequest& req) {
    if (inc.status == Status::resolved || inc.status == Status::closed) return "";
    const std::string open = "<form method=\"post\" action=\"" + html_escape(req.uid) + "\">\n" +
                             "<input type=\"hidden\" name=\"who\" value=\"" + html_escape(req.who) + "\">\n" +
                             "<input type=\"hidden\" name=\"exp\" value=\"" + html_escape(req.exp) + "\">\n" +
                             "<input type=\"hidden\" name=\"sig\" value=\"" + html_escape(req.sig) + "\">\n";
    std::string out;
    if (!inc.acknowledged_at)
        out += open + "<input type=\"hidden\" name=\"action\" value=\"ack\">\n<button>Acknowledge</button>\n</form>\n";
    out += open + "<input type=\"hidden\" name=\"action\" value=\"resolve\">\n" +
           "<p><label>What restored the service<br><textarea name=\"summary\" required></textarea></label></p>\n" +
           "<p><label>Resolution <select name=\"code\">\n";
    for (const auto& code : cfg.resolution_codes) out += "<option>" + html_escape(code) + "</option>\n";
    return out + "</select></label> <button>Resolve</button></p>\n</form>\n";
}

std::string incident_html(const Incident& inc, const Config& cfg, const PageLinkRequest& req) {
    std::string out = "<h1>" + html_escape(inc.id) + ": " + html_escape(one_line(inc.title)) + "</h1>\n" +
                      "<p class=\"meta\">Priority <b>" + html_escape(inc.priority.empty() ? "none" : inc.priority) +
                      "</b> · status <b>" + html_escape(std::string(to_string(inc.status))) + "</b> · assignee <b>" +
                      html_escape(inc.assignee.empty() ? "nobody" : inc.assignee) + "</b></p>\n" +
                      "<p>You were paged as <b>" + html_escape(req.who) + "</b>.</p>\n";
    if (inc.acknowledged_at)
        out += "<p>Acknowledged by " + html_escape(acknowledger(inc)) + " at " +
               html_escape(format_rfc3339(*inc.acknowledged_at)) + ".</p>\n";
    return out + forms_html(inc, cfg, req) + events_html(inc);
}

// The lifecycle change the link asks for, or Unchanged.
Event apply_link(Incident& inc, const Actor& a, const PageLinkRequest& req) {
    if (inc.status == Status::resolved || inc.status == Status::closed)
        throw Unchanged{message_page(409, inc.id + " is already " + std::string(to_string(inc.status)) +
                                              ": nothing changed (incident reopen " + inc.id + " first)")};
    if (req.action == "resolve") {
        const std::string code =
            !req.code.empty() || a.config.resolution_codes.empty() ? req.code : a.config.resolution_codes.front();
        return resolve(inc, a, code, form_text(req.summary));
    }
    if (inc.acknowledged_at)
        throw Unchanged{message_page(200, inc.id + " was already acknowledged by " + acknowledger(inc) + " at " +
                                              format_rfc3339(*inc.acknowledged_at) + ": nothing changed")};
    return acknowledge(inc, a, "from the acknowledge link");
}

int status_of(const Error& e) {
    switch (e.code()) {
        case ExitCode::runtime:
            return 503;  // the lock stayed taken, git failed: try again
        case ExitCode::usage:
            return 400;  // an unknown resolution code
        case ExitCode::not_found:
            return 404;
        case ExitCode::refused:
            return 409;
        default:
            return 500;
    }
}

Timestamp now() { return std::chrono::floor<Seconds>(std::chrono::system_clock::now()); }

}  // namespace

bool is_page_link_path(const std::string& path) {
    constexpr std::string_view prefix = "/v1/page/";
    return path.rfind(prefix, 0) == 0 && looks_like_uid(std::string_view(path).substr(prefix.size()));
}

PageAnswer show_page_link(const Context& ctx, const PageLinkRequest& req) {
    if (auto refused = missing_parts(req, false)) return *refused;
    try {
        Workspace ws = open_workspace(ctx);
        if (auto refused = refuse_link(ctx, ws, req)) return *refused;
        const std::string id = ws.store.find_uid(ascii_lower(req.uid));
        if (id.empty()) return message_page(404, unknown_uid(req.uid));
        const Incident inc = ws.store.load(id);
        return {200, html_document(inc.id + ": " + one_line(inc.title), incident_html(inc, ws.config, req)),
                "page " + inc.id + " for " + req.who};
    } catch (const Error& e) {
        return message_page(status_of(e), e.what());
    }
}

PageAnswer act_on_page_link(Context& ctx, const CommonFlags& flags, std::mutex& write, const PageLinkRequest& req) {
    if (auto refused = missing_parts(req, true)) return *refused;
    std::optional<Workspace> ws;
    std::optional<ChangeResult> result;
    std::string who;
    try {
        ctx.now = now();
        ws.emplace(open_workspace(ctx));
        if (auto refused = refuse_link(ctx, *ws, req)) return *refused;
        who = person_arg(*ws, req.who);
        std::lock_guard lock(write);
        ctx.now = now();  // in the order written
        const std::string id = ws->store.find_uid(ascii_lower(req.uid));
        if (id.empty()) return message_page(404, unknown_uid(req.uid));
        const Actor actor{who, ctx.now, ws->config};
        result = change_incident(
            *ws, id, [&](Incident& inc) { return apply_link(inc, actor, req); }, change_options(ctx, flags, who));
    } catch (const Unchanged& u) {
        return u.answer;
    } catch (const Error& e) {
        return message_page(status_of(e), e.what());
    }
    for (const auto& w : result->warnings) ctx.io.err << "incident: warning: " << w << "\n";
    after_change_effects(ctx, *ws, *result, flags);
    const std::string done = req.action == "ack" ? "Acknowledged " : "Resolved ";
    return message_page(200, done + result->incident.id + " as " + req.who);
}

}  // namespace incident::cli
