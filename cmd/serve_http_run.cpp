// incident serve's HTTP server: the routes and who may use them, SIGTERM,
// the pager's loop and the server's run (see serve_http.hpp). Every request
// needs the bearer token, but /healthz and the acknowledge links (their
// signature authorises them: cmd/serve_page.cpp); SIGTERM or SIGINT stops
// it once what was accepted is answered.
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <set>
#include <sstream>
#include <thread>

#include "model/text.hpp"
#include "output.hpp"
#include "serve_http.hpp"
#include "serve_http_conn.hpp"
#include "serve_page.hpp"

namespace incident::cli {

namespace {

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
                 bool over = false;  // a chunked body has no length to check first
                 const bool whole = read([&](const char* data, std::size_t n) {
                     over = body.size() + n > s.opts.max_body;
                     if (!over) body.append(data, n);
                     return !over;
                 });
                 if (whole) return s.take(req, body, res);
                 const int status = over || res.status == 413 ? 413 : 400;  // as httplib found it
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
    Server s(opts, ctx, resolve_actor(ctx, opts.flags, ws.repo.root), ctx.io.env(token_env).value_or(""));
    if (s.token.empty() && !opts.insecure_no_auth)
        throw UsageError("no token: " + token_env + " is not set, and every request must carry it",
                         "export " + token_env +
                             "=$(openssl rand -hex 32) (and give senders the same), or "
                             "--insecure-no-auth for a test on loopback");
    // A header cannot carry a token with spaces at its ends, or control characters.
    const bool sendable =
        std::all_of(s.token.begin(), s.token.end(), [](unsigned char c) { return c >= 0x20 && c != 0x7f; }) &&
        s.token.front() != ' ' && s.token.back() != ' ';
    if (!s.token.empty() && !sendable)
        throw UsageError(token_env +
                             " holds control characters or spaces at its ends (or only spaces): no client could "
                             "send it",
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
