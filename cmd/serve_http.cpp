// incident serve's HTTP server: what each route does (see serve_http.hpp).
// Each POSTed alert body is taken into incidents by lib/intake, with the
// requests that arrived while a write was under way, in one batch and one
// commit; one line per request on stderr.
#include "serve_http.hpp"

#include <sstream>

#include "heartbeat/heartbeat.hpp"
#include "intake/spool.hpp"
#include "model/text.hpp"
#include "oncall/ical.hpp"
#include "output.hpp"
#include "serve_page.hpp"

namespace incident::cli {

thread_local std::string t_summary;
thread_local std::optional<std::chrono::steady_clock::time_point> t_start;

std::string printable(std::string s) {
    for (auto& c : s)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return s;
}

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
            if (!job->settled) job->reply = reply;
    };
    {
        std::lock_guard lock(write);
        rc.now = std::chrono::floor<Seconds>(std::chrono::system_clock::now());  // in the order written
        try {
            auto ws = std::make_shared<const Workspace>(open_workspace(rc));
            for (AlertJob* job : jobs) job->ws = ws, job->now = rc.now;
            if (!leads()) {
                for (AlertJob* job : jobs) {
                    job->spooled = job->settled = true;
                    job->reply = spool_alerts(*ws, job->path, job->route, job->body, rc.now);
                }
            } else {
                take_batch(*ws, rc, jobs);
            }
        } catch (const Error& e) {
            refuse_all(refused_reply(e));
        } catch (const std::exception& e) {  // nothing leaves the batch unanswered
            refuse_all(error_reply(500, std::string("internal error: ") + e.what()));
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
            job.reply = *q.error, job.settled = true;
            continue;
        }
        try {
            taken[i] = take_alerts(batch, keys, q.alerts, q.settings, actor, rc.now);
        } catch (const Error& e) {
            job.reply = refused_reply(e), job.settled = true;
        }
    }
    batch.commit([&] { open_keys.after(batch); });
    for (const auto& w : batch.warnings) rc.io.err << "incident: warning: " << w << "\n";
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        if (!taken[i]) continue;
        settle_outcomes(*taken[i], batch);
        jobs[i]->reply = taken_reply(jobs[i]->route, std::move(*taken[i]));
        jobs[i]->settled = true;
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

}  // namespace incident::cli
