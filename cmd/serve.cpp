// incident serve: an HTTP receiver for monitoring webhooks. The options are
// checked here; the server itself is in the incident-serve program
// (cmd/serve_http.cpp), which this command runs in its place.
#include "serve.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include "commands.hpp"

namespace incident::cli {

namespace {

HttpServer g_server = nullptr;

constexpr const char* kRoutes = R"(
Routes (every request but /healthz and an acknowledge link's needs
"Authorization: Bearer TOKEN"; TOKEN is the value of the environment
variable intake.token_env names, by default INCIDENT_SERVE_TOKEN):
  POST /v1/alerts/alertmanager   Prometheus Alertmanager webhook (version 4)
  POST /v1/alerts/grafana        Grafana alerting webhook
  POST /v2/enqueue               PagerDuty Events API v2; answers 202 with
                                 {"status": "success", "message": "Event
                                 processed", "dedup_key": KEY}
  POST /v1/alerts/generic/NAME   any JSON, read through intake.generic.NAME
  GET  /v1/oncall/NAME.ics       schedule NAME's shifts as iCalendar (as
                                 incident oncall ical; ?who=, ?from=, ?to=).
                                 Calendar clients cannot send a header, so
                                 this route also takes ?token=TOKEN in its
                                 URL: give such a URL only to people who may
                                 read the schedule (it is in their calendar)
  POST /v1/heartbeat/NAME        a check-in of heartbeat NAME (as incident
                                 heartbeat checkin): 200 {"heartbeat",
                                 "state", "mitigated": ID or null}; 404
                                 for a name heartbeats.yaml lacks
  GET  /healthz                  200 {"status": "ok"}, without the token
The token is compared exactly as sent (no %XX decoding). Alert bodies are
read as JSON whatever their Content-Type (curl's default form type
included; a multipart form gets 415).
Answers: 200 {"incidents": [{"id", "outcome", "key", "count"}]}; 400 for a
body that is not JSON or not of the route's format, or that would make an
incident that is not valid; 401 for a missing or wrong token (the
connection is closed, the body never read); 404 for an unknown route or
generic source; 409 for a change the lifecycle refuses; 413 for a body
over --max-body; 500 for a config that does not read; 503 with
Retry-After when a retry can succeed: the change could not be made (the
lock stayed taken, git failed), or too many connections (--threads,
--per-peer). Errors are {"error": {"status", "message"}}.
Requests are read in parallel; those that arrive while a write is under
way are written together, in the order they came, in one commit, and each
is answered once that commit exists. A request must arrive and be answered
within --timeout seconds (of the accept for a connection's first request,
of its first byte for a later one), or its connection is closed.
SIGTERM or SIGINT stops taking connections, closes idle ones, answers what
was accepted, and exits 0 within --timeout.
With serve.lease in the config, receivers on clones of one remote share
the pager: the one holding the lease (refs/incident/pager-lease) opens and
pages; a standby checks each alert body, keeps it in .git/incident/spool
and answers 202 {"spooled": N} (PagerDuty's route: its 202 shape with
"message": "Event spooled"), opening nothing, until it takes the lease.
Acknowledge links (no token: the link's HMAC signature, under the key in
the variable serve.link_key_env names, by default INCIDENT_LINK_KEY, at
least 16 bytes, is the authorisation):
  GET  /v1/page/UID?who=&exp=&sig=
                                 an HTML page with the incident and two
                                 buttons; writes nothing
  POST /v1/page/UID              form fields who, exp, sig, action (ack or
                                 resolve; resolve needs summary, and takes
                                 code, default the first resolution code):
                                 acknowledges or resolves as the person
                                 (their email from people.yaml); 200 also
                                 when already acknowledged (nothing written)
  Their answers are short HTML pages: 400 for a missing field, 403 for a
  wrong, altered or expired link, 404 for an unknown uid, 409 for a
  resolved or closed incident, 503 when no key is set; nothing is written
  but by a 200 that says so.
)";

Listen parse_listen(const std::string& s) {
    auto colon = s.rfind(':');
    std::string host = colon == std::string::npos ? "" : s.substr(0, colon);
    std::string port = colon == std::string::npos ? s : s.substr(colon + 1);
    if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "127.0.0.1";
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), ::isdigit) || std::stoi(port) > 65535)
        throw UsageError("--listen: '" + s + "' is not HOST:PORT",
                         "e.g. --listen 127.0.0.1:9095 (port 0: any free one)");
    return {host, std::stoi(port)};
}

// The same options on incident-serve's command line.
std::vector<std::string> serve_arguments(const ServeOptions& opts, const Context& ctx) {
    std::vector<std::string> args = {"incident-serve"};
    if (!ctx.repo_dir.empty()) args.insert(args.end(), {"-C", ctx.repo_dir});
    args.insert(args.end(), {"serve", "--listen", opts.listen, "--max-body", std::to_string(opts.max_body), "--timeout",
                             std::to_string(opts.timeout), "--threads", std::to_string(opts.threads), "--per-peer",
                             std::to_string(opts.per_peer), "--page-every", std::to_string(opts.page_every)});
    if (opts.insecure_no_auth) args.emplace_back("--insecure-no-auth");
    if (!opts.flags.by.empty()) args.insert(args.end(), {"--by", opts.flags.by});
    if (opts.flags.no_commit) args.emplace_back("--no-commit");
    if (opts.flags.no_notify) args.emplace_back("--no-notify");
    if (opts.flags.sync) args.emplace_back("--sync");
    return args;
}

// Replaces this process with incident-serve (same pid: signals reach it).
[[noreturn]] void exec_server(const ServeOptions& opts, const Context& ctx) {
    std::error_code ec;
    auto self = std::filesystem::read_symlink("/proc/self/exe", ec);
    const std::string path = (self.parent_path() / "incident-serve").string();
    auto args = serve_arguments(opts, ctx);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ctx.io.out.flush();
    ctx.io.err.flush();
    std::cout.flush();
    std::cerr.flush();
    ::execv(path.c_str(), argv.data());
    throw IoError("cannot run " + path + ": " + std::strerror(errno),
                  "incident serve needs the incident-serve program installed beside incident");
}

}  // namespace

void set_http_server(HttpServer server) { g_server = server; }

void run_serve(const ServeOptions& opts, const Context& ctx) {
    Listen where = parse_listen(opts.listen);
    if (opts.threads < 1 || opts.threads > 1024 || opts.per_peer < 1 || opts.timeout < 1 || opts.timeout > 3600)
        throw UsageError("--threads must be 1 to 1024, --per-peer at least 1, --timeout 1 to 3600 seconds");
    if (opts.page_every < 0 || opts.page_every > 3600) throw UsageError("--page-every must be between 0 and 3600");
    if (opts.max_body < 1 || opts.max_body > kMaxAlertBytes)
        throw UsageError("--max-body must be between 1 and " + std::to_string(kMaxAlertBytes) + " bytes");
    if (!g_server) exec_server(opts, ctx);
    g_server(opts, where, ctx);
}

void register_serve(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ServeOptions>();
    auto* cmd = app.add_subcommand("serve", "Receive alert webhooks over HTTP (Alertmanager, Grafana, PagerDuty)");
    cmd->add_option("--listen", opts->listen, "Address and port to listen on (port 0: any free one)")
        ->type_name("HOST:PORT")
        ->capture_default_str();
    cmd->add_flag("--insecure-no-auth", opts->insecure_no_auth,
                  "Take requests without a token (a test on loopback; never on a network)");
    cmd->add_option("--max-body", opts->max_body, "Largest body taken, in bytes; larger gets 413")
        ->type_name("BYTES")
        ->capture_default_str();
    cmd->add_option("--timeout", opts->timeout,
                    "Seconds from the accept (a later request: its first byte) to the answer; a slower "
                    "client is cut off")
        ->capture_default_str();
    cmd->add_option("--threads", opts->threads, "Connections served at once; more are refused with 503")
        ->capture_default_str();
    cmd->add_option("--per-peer", opts->per_peer, "Connections served at once from one address; more get 503")
        ->capture_default_str();
    cmd->add_option("--page-every", opts->page_every,
                    "Seconds between the pager's ticks (incident page tick); 0: page only when alerts come")
        ->capture_default_str();
    cmd->add_option("--by", opts->flags.by, "Actor recorded on the events (default: as for every command)")
        ->type_name("USER");
    cmd->add_flag("--no-commit", opts->flags.no_commit, "Write the files but do not commit them");
    cmd->add_flag("--no-notify", opts->flags.no_notify, "Do not notify the chat targets of what alerts open");
    cmd->add_flag("--sync", opts->flags.sync, "Push every change at once (incident sync), as git.auto_sync does");
    cmd->footer(kRoutes);
    cmd->callback([opts, &ctx] { run_serve(*opts, ctx); });
}

}  // namespace incident::cli
