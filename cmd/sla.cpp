// incident sla: the SLA clocks of open incidents; --check exits 6 on a breach.
#include "sla/sla.hpp"

#include "commands.hpp"
#include "deadlines/deadlines.hpp"
#include "output.hpp"
#include "postmortem/postmortem.hpp"
#include "sla/cadence.hpp"

namespace incident::cli {

struct SlaOptions {
    std::vector<std::string> priority, team;
    bool check = false, all = false, include_drills = false;
    QueryFlags query;
    CommonFlags flags;
};

namespace {

nlohmann::ordered_json clock_json(const SlaClock& c) {
    if (c.state == ClockState::none) return nullptr;
    return {{"state", std::string(to_string(c.state))},
            {"target_seconds", c.target.count()},
            {"elapsed_seconds", c.elapsed.count()},
            {"remaining_seconds", c.remaining.count()},
            {"due", c.due ? nlohmann::ordered_json(format_rfc3339(*c.due)) : nlohmann::ordered_json(nullptr)},
            {"running", c.running},
            {"paused", c.paused},
            {"business_hours", c.business_hours}};
}

std::string clock_cell(const Io& io, const SlaClock& c, const Config& config) {
    if (c.state == ClockState::none) return "-";
    std::string state(to_string(c.state));
    const char* colour = c.state == ClockState::breached || c.state == ClockState::missed ? "31"
                         : c.state == ClockState::at_risk                                 ? "33"
                                                                                          : "32";
    auto span = [&](Seconds d) { return clock_duration(d, c, config); };
    std::string detail = !c.running                 ? span(c.elapsed)
                         : c.remaining.count() > 0  ? span(c.remaining) + " left"
                         : c.remaining.count() == 0 ? "due now"
                                                    : span(-c.remaining) + " over";
    if (c.business_hours && c.remaining.count() != 0) detail += " business time";
    return paint(io, colour, state) + " " + detail + (c.paused ? " (paused)" : "");
}

nlohmann::ordered_json deadline_json(const DeadlineClock& d) {
    auto time = [](const std::optional<Timestamp>& t) {
        return t ? nlohmann::ordered_json(format_rfc3339(*t)) : nlohmann::ordered_json(nullptr);
    };
    return {{"deadline", d.label()},
            {"state", d.state == ClockState::none ? std::string("waiting") : std::string(to_string(d.state))},
            {"waiting_for", json_or_null(d.waiting_for)},
            {"start", time(d.start)},
            {"due", time(d.due)},
            {"done", time(d.done)},
            {"ref", json_or_null(d.ref)},
            {"late_seconds", d.late.count()}};
}

// "gdpr.authority at-risk 5h left", one per stage not yet met.
std::string deadline_cell(const Io& io, const std::vector<DeadlineClock>& clocks, Timestamp now) {
    std::string out;
    for (const auto& d : clocks) {
        if (d.state == ClockState::met) continue;
        std::string text;
        if (d.state == ClockState::none)
            text = "waiting for " + d.waiting_for;
        else if (d.state == ClockState::missed)
            text = paint(io, "31", "missed") + " by " + format_duration(d.late);
        else if (d.state == ClockState::breached)
            text = paint(io, "31", "breached") + " " + format_duration(d.late) + " over";
        else
            text = paint(io, d.state == ClockState::at_risk ? "33" : "32", std::string(to_string(d.state))) + " " +
                   format_duration(*d.due - now) + " left";
        out += (out.empty() ? "" : "; ") + d.label() + " " + text;
    }
    return out.empty() ? "met" : out;
}

bool running(const DeadlineClock& d) {
    return d.state == ClockState::ok || d.state == ClockState::at_risk || d.state == ClockState::breached;
}

}  // namespace

void run_sla(const SlaOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Timestamp now = resolve_time(ctx, opts.flags.at);
    // The index picks the incidents and holds all their clocks need: no file is read.
    const Cadence cadence = cadence_settings(ws.config, ".incident/config.yaml");
    const std::vector<DeadlineSet> sets = deadline_sets(ws.config, ".incident/config.yaml");
    // Regulatory deadlines outlive the incident: one resolved with a deadline still running is shown too.
    auto sel = select_incidents(ws, opts.query, now, [&](const Summary& s) {
        bool open = s.status != Status::resolved && s.status != Status::closed;
        return (open || opts.all || s.deadlines) && (!s.drill || opts.include_drills) &&
               allowed(opts.priority, s.priority) && allowed(opts.team, s.team);
    });
    const auto& errors = sel.index.errors;
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    int breaches = 0;
    bool any_deadlines = false;
    for (const Summary* inc : sel.rows) {
        std::vector<DeadlineClock> deadlines;
        if (inc->deadlines) {
            try {
                deadlines = deadline_clocks(ws.store.load(std::string(inc->id)), sets, ws.config, now);
            } catch (const InvalidData& e) {
                sel.index.errors.push_back(e);
            }
        }
        const bool open = inc->status != Status::resolved && inc->status != Status::closed;
        if (!open && !opts.all && std::none_of(deadlines.begin(), deadlines.end(), running)) continue;
        any_deadlines = any_deadlines || !deadlines.empty();
        SlaStatus s = sla_status(*inc, ws.config, now);
        const SlaClock update =
            cadence_clock({inc->priority, inc->status, inc->times, inc->updates}, cadence, ws.config, now);
        for (const SlaClock* c : std::initializer_list<const SlaClock*>{&s.respond, &s.resolve, &update})
            if (c->running && c->state == ClockState::breached) ++breaches;
        breaches += static_cast<int>(std::count_if(deadlines.begin(), deadlines.end(),
                                                   [](const auto& d) { return d.state == ClockState::breached; }));
        // The postmortem review meeting is due a set business time after resolution.
        std::string priority(inc->priority), team(inc->team), tier(inc->tier);
        std::optional<Timestamp> review;
        if (Config::rank(ws.config.postmortem_required_for, priority) >= 0 && !inc->drill && inc->times.resolved) {
            Incident resolved;  // all the deadline needs of an incident is when it was resolved
            resolved.resolved_at = inc->times.resolved;
            review = postmortem_meeting_due(resolved, ws.config);
        }
        if (opts.flags.json) {
            arr.push_back({{"id", inc->id},
                           {"priority", json_or_null(priority)},
                           {"status", std::string(to_string(inc->status))},
                           {"team", team},
                           {"tier", tier},
                           {"respond", clock_json(s.respond)},
                           {"resolve", clock_json(s.resolve)},
                           {"update", clock_json(update)},
                           {"deadlines",
                            [&] {
                                auto list = nlohmann::ordered_json::array();
                                for (const auto& d : deadlines) list.push_back(deadline_json(d));
                                return list;
                            }()},
                           {"postmortem_due", review ? nlohmann::ordered_json(format_rfc3339(*review))
                                                     : nlohmann::ordered_json(nullptr)}});
            continue;
        }
        rows.push_back({std::string(inc->id), paint_priority(ctx.io, priority.empty() ? "-" : priority),
                        paint_status(ctx.io, inc->status), team.empty() ? "-" : team + "/" + tier,
                        clock_cell(ctx.io, s.respond, ws.config), clock_cell(ctx.io, s.resolve, ws.config),
                        clock_cell(ctx.io, update, ws.config),
                        deadlines.empty() ? "-" : deadline_cell(ctx.io, deadlines, now),
                        review ? format_date(*review) : "-", truncate(std::string(inc->title), 40)});
    }
    // The update and deadline columns only where they are in use.
    std::vector<std::string> header = {"ID",      "PRI",    "STATUS",    "TEAM",      "RESPOND",
                                       "RESOLVE", "UPDATE", "DEADLINES", "REVIEW BY", "TITLE"};
    for (std::size_t col : {std::size_t{7}, std::size_t{6}}) {
        if (col == 7 ? any_deadlines : !cadence.empty()) continue;
        header.erase(header.begin() + static_cast<std::ptrdiff_t>(col));
        for (auto& r : rows) r.erase(r.begin() + static_cast<std::ptrdiff_t>(col));
    }
    if (opts.flags.json)
        print_json(ctx.io, {{"at", format_rfc3339(now)}, {"breached", breaches}, {"incidents", arr}});
    else if (!rows.empty())
        print_table(ctx.io, header, rows);
    else
        ctx.io.out << "no open incidents\n";
    fail_on_unreadable(ctx.io, errors);
    if (opts.check && breaches > 0)
        throw Error(ExitCode::check, std::to_string(breaches) +
                                         " SLA clock(s) breached (an overdue update or "
                                         "regulatory deadline counts)");
}

void register_sla(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<SlaOptions>();
    auto* cmd = app.add_subcommand(
        "sla", "SLA clocks (respond, resolve, the next update, regulatory deadlines): ok, at-risk or breached");
    cmd->footer(R"(
Clocks: respond (to acknowledgement) and resolve, by the SLA targets; update,
the next stakeholder update, due communication.PRIORITY after the last one
(or the opening) while the incident is open; and each stage of the
regulatory deadline sets attached to it (by incident update, or by rules),
due after its own recorded moment (when the organisation became aware, the
incident was classified, determined material or discovered, as incident
update records them) or an earlier stage's submission (incident deadline
done); incident deadline --help lists the sets. Deadlines outlive the incident: one resolved with
a deadline running is listed too. The UPDATE and DEADLINES columns appear
where they are in use.
Exit codes: 6 with --check when a running clock is breached.)");
    cmd->add_flag("--check", opts->check,
                  "Exit 6 when any running clock is breached, an update or a deadline overdue (for CI and cron)");
    cmd->add_option("-p,--priority", opts->priority, "Only these priorities")->delimiter(',');
    cmd->add_option("--team", opts->team, "Only these teams")->delimiter(',');
    cmd->add_flag("-a,--all", opts->all, "Include resolved and closed incidents (met / missed)");
    cmd->add_flag("--include-drills", opts->include_drills, "Include drills");
    add_query_flags(cmd, opts->query);
    cmd->add_option("--at", opts->flags.at, "Judge the clocks at this time instead of now")->type_name("TIME");
    cmd->add_flag("--json", opts->flags.json, "Print the clocks as JSON (seconds, states, due times)");
    cmd->callback([opts, &ctx] { run_sla(*opts, ctx); });
}

}  // namespace incident::cli
