// incident serve's HTTP server (cpp-httplib), in the incident-serve
// program: its shared state, for the files that make it up —
// serve_http.cpp (what each route does), serve_http_run.cpp (the routes,
// authorisation, signals, the pager's loop, the server's run),
// serve_http_conn.cpp (connections), serve_commit.hpp (group commit).
#pragma once

#include <httplib.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "intake/intake.hpp"
#include "intake/receive.hpp"
#include "serve.hpp"
#include "serve_commit.hpp"
#include "serve_lease.hpp"

namespace incident::cli {

// What one request did and when it began, for its log line (the logger runs
// on the request's thread).
extern thread_local std::string t_summary;
extern thread_local std::optional<std::chrono::steady_clock::time_point> t_start;

// A path as the log shows it: no control characters (a request cannot forge a line).
std::string printable(std::string s);

// One alert request, from its thread to the batch that takes it and back.
struct AlertJob {
    AlertRoute route;
    const std::string& path;
    const std::string& body;
    AlertReply reply = error_reply(500, "internal error: the request was not taken");
    bool settled = false;                   // reply is its answer (else a batch's failure answers it)
    std::shared_ptr<const Workspace> ws{};  // the batch's, for the effects after the answer
    Timestamp now{};
    bool spooled = false;
};

// The server's shared state: one write at a time, one log line at a time.
struct Server {
    const ServeOptions& opts;
    const Context& ctx;
    std::string actor, token;
    std::mutex write, log;
    const LeaseKeeper* lease = nullptr;  // with serve.lease: whether this receiver leads
    GroupCommit<AlertJob> group{[this](const std::vector<AlertJob*>& jobs) { take_together(jobs); },
                                std::chrono::microseconds(1000), std::chrono::milliseconds(4)};
    OpenKeyCache open_keys;  // between batches (under the write mutex)

    Server(const ServeOptions& o, const Context& c, std::string who, std::string secret)
        : opts(o), ctx(c), actor(std::move(who)), token(std::move(secret)) {}

    bool leads() const { return !lease || lease->leads(); }

    void answer(httplib::Response& res, const AlertReply& r) {
        res.status = r.status;
        // What a sender wrote goes back in keys and messages: bytes that are not UTF-8 replaced.
        res.set_content(r.body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n",
                        "application/json");
        if (r.status == 503) res.set_header("Retry-After", "5");  // what a retry can fix, not at once
        if (r.status < 400) return;
        if (r.body.contains("error")) t_summary = r.body["error"]["message"];
        if (r.body.contains("errors")) t_summary = r.body["errors"][0];  // PagerDuty's shape
    }

    // What a request's work said on stderr (warnings), in the log.
    void log_said(const std::string& text) {
        if (text.empty()) return;
        std::lock_guard lock(log);
        ctx.io.err << text;
    }

    void take(const httplib::Request& req, const std::string& body, httplib::Response& res);
    void take_together(const std::vector<AlertJob*>& jobs);
    void take_batch(const Workspace& ws, const Context& rc, const std::vector<AlertJob*>& jobs);
    void calendar(const httplib::Request& req, httplib::Response& res);
    void page(const httplib::Request& req, httplib::Response& res);
    void heartbeat(const httplib::Request& req, httplib::Response& res);
    void log_line(const httplib::Request& req, const httplib::Response& res);
};

}  // namespace incident::cli
