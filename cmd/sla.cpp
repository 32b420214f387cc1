// incident sla: the SLA clocks of open incidents; --check exits 6 on a breach.
#include "sla/sla.hpp"

#include "commands.hpp"
#include "output.hpp"
#include "postmortem/postmortem.hpp"

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

}  // namespace

void run_sla(const SlaOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Timestamp now = resolve_time(ctx, opts.flags.at);
    // The index picks the incidents and holds all their clocks need: no file is read.
    auto sel = select_incidents(ws, opts.query, now, [&](const Summary& s) {
        bool open = s.status != Status::resolved && s.status != Status::closed;
        return (open || opts.all) && (!s.drill || opts.include_drills) && allowed(opts.priority, s.priority) &&
               allowed(opts.team, s.team);
    });
    const auto& errors = sel.index.errors;
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    int breaches = 0;
    for (const Summary* inc : sel.rows) {
        SlaStatus s = sla_status(*inc, ws.config, now);
        for (const auto* c : {&s.respond, &s.resolve})
            if (c->running && c->state == ClockState::breached) ++breaches;
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
                           {"postmortem_due", review ? nlohmann::ordered_json(format_rfc3339(*review))
                                                     : nlohmann::ordered_json(nullptr)}});
            continue;
        }
        rows.push_back({std::string(inc->id), paint_priority(ctx.io, priority.empty() ? "-" : priority),
                        paint_status(ctx.io, inc->status), team.empty() ? "-" : team + "/" + tier,
                        clock_cell(ctx.io, s.respond, ws.config), clock_cell(ctx.io, s.resolve, ws.config),
                        review ? format_date(*review) : "-", truncate(std::string(inc->title), 40)});
    }
    if (opts.flags.json)
        print_json(ctx.io, {{"at", format_rfc3339(now)}, {"breached", breaches}, {"incidents", arr}});
    else if (!rows.empty())
        print_table(ctx.io, {"ID", "PRI", "STATUS", "TEAM", "RESPOND", "RESOLVE", "REVIEW BY", "TITLE"}, rows);
    else
        ctx.io.out << "no open incidents\n";
    fail_on_unreadable(ctx.io, errors);
    if (opts.check && breaches > 0) throw Error(ExitCode::check, std::to_string(breaches) + " SLA clock(s) breached");
}

void register_sla(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<SlaOptions>();
    auto* cmd = app.add_subcommand("sla", "SLA clocks (respond, resolve) of open incidents: ok, at-risk or breached");
    cmd->add_flag("--check", opts->check, "Exit 6 when any running clock is breached (for CI and cron)");
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
