// incident serve's acknowledge-link routes, GET and POST /v1/page/UID: the
// signed link (lib/page/link.hpp) is their authorisation, not the bearer
// token. GET shows a confirmation page and writes nothing; POST acknowledges
// or resolves as the person the link names. Plain functions of a request's
// fields, apart from cpp-httplib (cmd/serve_http.cpp wires them).
#pragma once

#include <mutex>
#include <string>

#include "context.hpp"

namespace incident::cli {

// The path of both routes (a uid in its canonical shape), for the route and
// for the pre-routing handler that lets them through without a token.
inline constexpr const char* kPageLinkRoute =
    R"(/v1/page/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}))";
bool is_page_link_path(const std::string& path);

// A request's fields: the uid from the path; who, exp and sig from the query
// (GET) or the form (POST); action (ack | resolve), summary and code on POST.
struct PageLinkRequest {
    std::string uid, who, exp, sig;
    std::string action, summary, code;
};

// An HTML answer, and what the log line says of it.
struct PageAnswer {
    int status = 200;
    std::string html;
    std::string summary;
};

// GET: the confirmation page (200), or 400 / 403 / 404 / 503. Writes nothing.
PageAnswer show_page_link(const Context& ctx, const PageLinkRequest& req);

// POST: acknowledges or resolves as the link's person, under `write` (the
// server's one-write-at-a-time mutex; ctx.now is read under it), then
// notifies. 200 (also for an incident already acknowledged: nothing
// written), 400 / 403 / 404, 409 for a resolved or closed incident, 503.
PageAnswer act_on_page_link(Context& ctx, const CommonFlags& flags, std::mutex& write, const PageLinkRequest& req);

}  // namespace incident::cli
