// incident serve's HTTP server (cpp-httplib), in the incident-serve program.
// Every request needs the bearer token, but for the acknowledge links
// (their signature authorises them: cmd/serve_page.cpp); each POSTed alert
// body is taken into incidents by lib/intake (one write at a time, through the same lock,
// atomic write and commit as every command); SIGTERM or SIGINT stops it
// once what was accepted is answered. One line per request on stderr.
#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "heartbeat/heartbeat.hpp"
#include "intake/spool.hpp"
#include "model/text.hpp"
#include "oncall/ical.hpp"
#include "output.hpp"
#include "serve.hpp"
#include "serve_commit.hpp"
#include "serve_http_conn.hpp"
#include "serve_lease.hpp"
#include "serve_page.hpp"

namespace incident::cli {

namespace {

// What one request did and when it began, for its log line (the logger runs
// on the request's thread).
thread_local std::string t_summary;
thread_local std::optional<std::chrono::steady_clock::time_point> t_start;

// A path as the log shows it: no control characters (a request cannot forge a line).
std::string printable(std::string s) {
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return s;
}

// One alert request, from its thread to the batch that takes it and back.
struct AlertJob {
    AlertRoute route;
    const std::string& path;
    const std::string& body;
    AlertReply reply{};
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
    GroupCommit<AlertJob> group{[this](const std::vector<AlertJob*>& jobs) { take_together(jobs); }};
    OpenKeyCache open_keys;  // between batches (under the write mutex)

    bool leads() const { return !lease || lease->leads(); }

    void answer(httplib::Response& res, const AlertReply& r) {
        res.status = r.status;
        res.set_content(r.body.dump() + "\n", "application/json");
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

void Server::take(const httplib::Request& req, const std::string& body, httplib::Response& res) {
    auto route = alert_route(req.path);
    if (!route) return answer(res, error_reply(404, "no route " + req.method + " " + req.path));
    AlertJob job{*route, req.path, body};
    group.submit(job);
    answer(res, job.reply);
    std::ostringstream out, err;  // what notifying says, for the log
    Io io{out, err, false, false, false, ctx.io.env, false};
    const Context rc{io, job.now, ctx.repo_dir};
    std::string said;
    for (const auto& o : job.reply.outcomes) {
        said += (said.empty() ? "" : ", ") + (o.id.empty() ? o.key : o.id) + " " + o.outcome;
        for (const auto& w : o.change.warnings) err << "incident: warning: " << w << "\n";
        if (!o.id.empty()) after_change_effects(rc, *job.ws, o.change, opts.flags);
    }
    if (!said.empty()) t_summary = said;
    if (job.spooled && job.reply.status == 202) t_summary = "spooled (another receiver leads)";
    log_said(err.str());
}

// The alert requests waiting, taken in one batch: one commit for all (or,
// while another receiver leads, each spooled).
void Server::take_together(const std::vector<AlertJob*>& jobs) {
    std::ostringstream out, err;  // what opening the workspace and committing say, for the log
    Io io{out, err, false, false, false, ctx.io.env, false};
    Context rc{io, {}, ctx.repo_dir};
    auto refuse_all = [&](const AlertReply& reply) {
        for (AlertJob* job : jobs)
            if (job->reply.outcomes.empty() && job->reply.status < 400) job->reply = reply;
    };
    {
        std::lock_guard lock(write);
        rc.now = std::chrono::floor<Seconds>(std::chrono::system_clock::now());  // in the order written
        try {
            auto ws = std::make_shared<const Workspace>(open_workspace(rc));
            for (AlertJob* job : jobs) job->ws = ws, job->now = rc.now;
            if (!leads()) {
                for (AlertJob* job : jobs) {
                    job->spooled = true;
                    job->reply = spool_alerts(*ws, job->path, job->route, job->body, rc.now);
                }
            } else {
                take_batch(*ws, rc, jobs);
            }
        } catch (const Error& e) {
            refuse_all(refused_reply(e));
        }
    }
    log_said(err.str());
}

// Under the write mutex: each job's alerts in one batch, in arrival order,
// then one commit; each answered from what its own alerts did.
void Server::take_batch(const Workspace& ws, const Context& rc, const std::vector<AlertJob*>& jobs) {
    ChangeBatch batch(ws, change_options(rc, opts.flags, actor));
    OpenKeys keys(batch, &open_keys);
    std::vector<std::optional<std::vector<IntakeOutcome>>> taken(jobs.size());
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        AlertJob& job = *jobs[i];
        const AlertRequest q = read_alert_request(ws, job.route, job.body);
        if (q.error) {
            job.reply = *q.error;
            continue;
        }
        try {
            taken[i] = take_alerts(batch, keys, q.alerts, q.settings, actor, rc.now);
        } catch (const Error& e) {
            job.reply = refused_reply(e);
        }
    }
    batch.commit([&] { open_keys.after(batch); });
    for (const auto& w : batch.warnings) rc.io.err << "incident: warning: " << w << "\n";
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (!taken[i]) continue;
        settle_outcomes(*taken[i], batch);
        jobs[i]->reply = taken_reply(jobs[i]->route, std::move(*taken[i]));
    }
}

// GET /v1/oncall/NAME.ics[?who=PERSON&from=TIME&to=TIME]: what `incident
// oncall ical` prints, read from the clone as it is now.
void Server::calendar(const httplib::Request& req, httplib::Response& res) {
    std::ostringstream out, err;
    Io io{out, err, false, false, false, ctx.io.env, false};
    Context rc{io, std::chrono::floor<Seconds>(std::chrono::system_clock::now()), ctx.repo_dir};
    try {
        Workspace ws = open_workspace(rc);
        const CalendarRequest cal{req.matches[1].str(), req.get_param_value("who"), req.get_param_value("from"),
                                  req.get_param_value("to"), rc.now};
        res.set_content(oncall_calendar(ws.repo, cal), "text/calendar; charset=utf-8");
        t_summary = "calendar " + cal.key;
    } catch (const Error& e) {
        const int status = e.code() == ExitCode::not_found ? 404 : e.code() == ExitCode::usage ? 400 : 500;
        answer(res, error_reply(status, e.what()));
    }
}

// GET and POST /v1/page/UID: an acknowledge link's page and what it does.
void Server::page(const httplib::Request& req, httplib::Response& res) {
    std::ostringstream out, err;
    Io io{out, err, false, false, false, ctx.io.env, false};
    Context rc{io, std::chrono::floor<Seconds>(std::chrono::system_clock::now()), ctx.repo_dir};
    PageLinkRequest link{req.matches[1].str(),       req.get_param_value("who"),    req.get_param_value("exp"),
                         req.get_param_value("sig"), req.get_param_value("action"), req.get_param_value("summary"),
                         req.get_param_value("code")};
    const PageAnswer a =
        req.method == "POST" ? act_on_page_link(rc, opts.flags, write, link) : show_page_link(rc, link);
    res.status = a.status;
    // The URL carries the signature: no referrer, no cache; nothing but the
    // page's own style, and its forms only post back here.
    res.set_header("Referrer-Policy", "no-referrer");
    res.set_header("Cache-Control", "no-store");
    res.set_header("X-Content-Type-Options", "nosniff");
    res.set_header("Content-Security-Policy",
                   "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
                   "base-uri 'none'");
    res.set_content(a.html, "text/html; charset=utf-8");
    t_summary = a.summary;
    log_said(err.str());
}

// POST /v1/heartbeat/NAME: a check-in (heartbeat checkin), under the write
// mutex since it may mark an incident mitigated.
void Server::heartbeat(const httplib::Request& req, httplib::Response& res) {
    std::ostringstream out, err;
    Io io{out, err, false, false, false, ctx.io.env, false};
    Context rc{io, {}, ctx.repo_dir};
    AlertReply reply;
    std::optional<Workspace> ws;
    Checkin c;
    {
        std::lock_guard lock(write);
        rc.now = std::chrono::floor<Seconds>(std::chrono::system_clock::now());
        try {
            ws.emplace(open_workspace(rc));
            c = record_checkin(*ws, req.matches[1].str(), rc.now, change_options(rc, opts.flags, actor));
            reply.body = to_json(c);
        } catch (const Error& e) {
            reply = error_reply(e.code() == ExitCode::not_found ? 404 : 500, e.what());
        }
    }
    answer(res, reply);
    if (reply.status == 200) t_summary = "heartbeat " + c.name + " " + std::string(to_string(c.state));
    for (const auto& w : c.mitigated.warnings) err << "incident: warning: " << w << "\n";
    if (!c.mitigated.incident.id.empty()) {
        t_summary += ", " + c.mitigated.incident.id + " mitigated";
        after_change_effects(rc, *ws, c.mitigated, opts.flags);
    }
    log_said(err.str());
}

void Server::log_line(const httplib::Request& req, const httplib::Response& res) {
    std::string took;
    if (t_start)
        took = " " +
               std::to_string(
                   std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - *t_start)
                       .count()) +
               "ms";
    std::lock_guard lock(log);
    ctx.io.err << format_rfc3339(std::chrono::floor<Seconds>(std::chrono::system_clock::now())) << " "
               << req.remote_addr << " " << printable(req.method) << " " << printable(req.path) << " " << res.status
               << took << (t_summary.empty() ? "" : " " + printable(t_summary)) << "\n";
    t_summary.clear();
    t_start.reset();
}

// Whether a request carries the token. The header as the client sent it
// (httplib decodes %XX in header values: "Bearer %61bc" must not pass for
// "abc"), once.
bool authorised(const httplib::Request& req, const std::string& token) {
    if (token.empty()) return true;
    bool repeated = false;
    if (auto given = Receiver::raw_header("Authorization", &repeated); given && !repeated)
        return bearer_matches(*given, token);
    // Calendar clients cannot send a header: the feed takes the token in its URL.
    return req.method == "GET" && req.path.rfind("/v1/oncall/", 0) == 0 && req.has_param("token") &&
           bearer_matches("Bearer " + req.get_param_value("token"), token);
}

// Refuses, before the body is read, what no handler should see; the
// connection is closed after the answer.
bool refused_early(Server& s, const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" && req.path == "/healthz") return false;  // says nothing but "ok"
    // An acknowledge link's signature is its authorisation (checked by the route).
    const bool link = (req.method == "GET" || req.method == "POST") && is_page_link_path(req.path);
    if (!link && !authorised(req, s.token)) {
        s.answer(res, error_reply(401, "a bearer token is required (Authorization: Bearer TOKEN)"));
        res.set_header("WWW-Authenticate", "Bearer");
    } else if (req.method == "POST" && !link && req.is_multipart_form_data()) {
        s.answer(res, error_reply(415, "POST " + req.path +
                                           ": send the JSON as the body (curl --data-binary @FILE), not as a "
                                           "multipart form (curl -F)"));
    } else {
        return false;
    }
    Receiver::close_after_answer();
    res.set_header("Connection", "close");
    return true;
}

// An error httplib answered itself (an unknown route, a body over the
// limit, a request it could not read), named with the route and the limit.
std::string error_message(const Server& s, const httplib::Request& req, int status) {
    const std::string route = printable(req.method + " " + req.path);
    switch (status) {
        case 404:
            return "no route " + route;
        case 413:
            return route + ": the body is larger than --max-body (" + std::to_string(s.opts.max_body) + " bytes)";
        case 400:
            return route + ": the request could not be read";
        default:
            return route + ": refused (HTTP " + std::to_string(status) + ")";
    }
}

void configure(httplib::Server& svr, Server& s) {
    svr.set_payload_max_length(s.opts.max_body);
    svr.set_tcp_nodelay(true);  // answers go out in two writes: without it, the second waits ~40 ms for an ACK
    // httplib's default, SO_REUSEPORT, lets a second serve listen on the same
    // port and take half the requests: SO_REUSEADDR alone, so it is refused.
    svr.set_socket_options([](socket_t sock) {
        int yes = 1;
        setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    });
    svr.set_pre_routing_handler([&s](const httplib::Request& req, httplib::Response& res) {
        t_start = std::chrono::steady_clock::now();
        return refused_early(s, req, res) ? httplib::Server::HandlerResponse::Handled
                                          : httplib::Server::HandlerResponse::Unhandled;
    });
    svr.Get("/healthz", [&s](const httplib::Request&, httplib::Response& res) {
        AlertReply ok;
        ok.body = {{"status", "ok"}};
        s.answer(res, ok);
    });
    // Alert bodies through a content reader: read as they came, whatever
    // the Content-Type (httplib would parse a form body, and limit it to 8 KiB).
    svr.Post(R"(/v1/alerts/[^/]+|/v1/alerts/generic/[^/]+|/v2/enqueue)",
             [&s](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& read) {
                 std::string body;
                 const bool whole = read([&body](const char* data, std::size_t n) {
                     body.append(data, n);
                     return true;
                 });
                 if (whole) return s.take(req, body, res);
                 const int status = res.status == 413 ? 413 : 400;  // as httplib found it
                 s.answer(res, error_reply(status, error_message(s, req, status)));
                 Receiver::close_after_answer();
             });
    svr.Get(R"(/v1/oncall/([A-Za-z0-9][A-Za-z0-9._-]*)\.ics)",
            [&s](const httplib::Request& req, httplib::Response& res) { s.calendar(req, res); });
    svr.Get(kPageLinkRoute, [&s](const httplib::Request& req, httplib::Response& res) { s.page(req, res); });
    svr.Post(kPageLinkRoute, [&s](const httplib::Request& req, httplib::Response& res) { s.page(req, res); });
    svr.Post(R"(/v1/heartbeat/([^/]+))",
             [&s](const httplib::Request& req, httplib::Response& res) { s.heartbeat(req, res); });
    svr.set_error_handler([&s](const httplib::Request& req, httplib::Response& res) {
        if (!res.body.empty()) return;  // answered already
        s.answer(res, error_reply(res.status, error_message(s, req, res.status)));
    });
    svr.set_exception_handler([&s](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "internal error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        s.answer(res, error_reply(500, what));
    });
    svr.set_logger([&s](const httplib::Request& req, const httplib::Response& res) { s.log_line(req, res); });
}

// SIGTERM and SIGINT, taken by a thread of their own (sigwait) rather than a
// handler: it stops the server taking connections; what it accepted is answered.
class SignalStop {
public:
    explicit SignalStop(Receiver& svr) {
        sigemptyset(&set_);
        sigaddset(&set_, SIGTERM);
        sigaddset(&set_, SIGINT);
        pthread_sigmask(SIG_BLOCK, &set_, &old_);  // before any thread starts: they inherit it
        thread_ = std::thread([this, &svr] {
            int sig = 0;
            sigwait(&set_, &sig);
            // A signal before the server runs stops it as soon as it does.
            while (!done_ && !svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (!done_) svr.stop_accepting();
        });
    }
    ~SignalStop() {
        done_ = true;
        pthread_kill(thread_.native_handle(), SIGTERM);  // wakes the sigwait when no signal came
        thread_.join();
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SignalStop(const SignalStop&) = delete;
    SignalStop& operator=(const SignalStop&) = delete;

private:
    sigset_t set_{}, old_{};
    std::atomic<bool> done_{false};
    std::thread thread_;
};

// The pager inside serve: `incident page tick` every opts.page_every
// seconds, on a thread of its own, until the server stops. What it pages
// goes to the log.
class PagerLoop {
public:
    explicit PagerLoop(Server& s) : s_(s) {
        if (s.opts.page_every > 0) thread_ = std::thread([this] { run(); });
    }
    ~PagerLoop() {
        {
            std::lock_guard lock(mutex_);
            stop_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    PagerLoop(const PagerLoop&) = delete;
    PagerLoop& operator=(const PagerLoop&) = delete;

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, std::chrono::seconds(s_.opts.page_every), [this] { return stop_; })) {
            lock.unlock();
            std::ostringstream out, err;
            Io io{out, err, false, false, false, s_.ctx.io.env, false};
            Context rc{io, std::chrono::floor<Seconds>(std::chrono::system_clock::now()), s_.ctx.repo_dir};
            CommonFlags flags = s_.opts.flags;
            flags.by = s_.actor;
            try {
                const bool leads = s_.leads();
                if (leads && s_.lease) s_.lease->catch_up(rc);
                run_page_tick(rc, flags, leads);
            } catch (const Error& e) {
                err << "incident serve: page tick: " << e.what() << "\n";
            }
            s_.log_said(once(err.str()));
            lock.lock();
        }
    }

    // `text` without the lines the tick before said too: a schedule that
    // does not read is said when it starts, not every few seconds.
    std::string once(const std::string& text) {
        std::set<std::string> now;
        std::string out;
        for (const auto& line : split(text, '\n')) {
            if (line.empty()) continue;
            if (!said_.contains(line)) out += line + "\n";
            now.insert(line);
        }
        said_ = std::move(now);
        return out;
    }

    Server& s_;
    std::set<std::string> said_;  // what the tick before said
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace

void run_http_server(const ServeOptions& opts, const Listen& where, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const std::string token_env = intake_settings(ws.config, ws.repo.relative(ws.repo.config_path())).token_env;
    Server s{opts, ctx, resolve_actor(ctx, opts.flags, ws.repo.root), ctx.io.env(token_env).value_or(""), {}, {}};
    if (s.token.empty() && !opts.insecure_no_auth)
        throw UsageError("no token: " + token_env + " is not set, and every request must carry it",
                         "export " + token_env +
                             "=$(openssl rand -hex 32) (and give senders the same), or "
                             "--insecure-no-auth for a test on loopback");
    // A header cannot carry a token with spaces at its ends, or control characters.
    const bool sendable =
        std::all_of(s.token.begin(), s.token.end(), [](unsigned char c) { return c > 0x20 && c != 0x7f; });
    if (!s.token.empty() && !sendable)
        throw UsageError(token_env + " holds spaces or control characters (or nothing else): no client could send it",
                         "export " + token_env + "=$(openssl rand -hex 32)");
    Receiver svr(ConnectionLimits{static_cast<std::size_t>(opts.threads), static_cast<std::size_t>(opts.per_peer),
                                  std::chrono::seconds(opts.timeout)});
    configure(svr, s);
    SignalStop stop(svr);
    LeaseKeeper lease(opts, ctx, s.actor, s.write, [&s](const std::string& text) { s.log_said(text); });
    if (lease.shared()) s.lease = &lease;
    PagerLoop pager(s);
    int port = where.port == 0 ? svr.bind_to_any_port(where.host)
                               : (svr.bind_to_port(where.host, where.port) ? where.port : -1);
    if (port < 0)
        throw IoError("cannot listen on " + opts.listen, "is the port taken, or the address not this host's?");
    {
        std::lock_guard lock(s.log);
        ctx.io.err << "incident serve: listening on http://" << where.host << ":" << port
                   << (s.token.empty() ? " WITHOUT authentication (--insecure-no-auth)" : "") << "\n";
    }
    if (!svr.listen_after_bind() && !svr.stopping) throw IoError("the server stopped with an error on " + opts.listen);
    std::lock_guard lock(s.log);
    ctx.io.err << "incident serve: stopped\n";
}

}  // namespace incident::cli
