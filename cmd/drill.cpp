// incident drill start SCENARIO | drill report: exercises from scenarios in
// .incident/scenarios/, opened as drills (left out of every metric) and
// scored from their timelines against the SLA of their priority.
#include "drill/drill.hpp"

#include "commands.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

struct DrillOptions {
    std::string scenario;
    std::vector<std::string> ids;
    CommonFlags flags;
};

namespace {

void run_drill_start(const DrillOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Scenario scenario = load_scenario(ws.repo, opts.scenario);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_event_time(ctx, opts.flags.at), ws.config};
    const NewIncident draft = drill_draft(scenario, actor.at);
    auto result = create_incident(
        ws, [&](const std::string& id) { return open_incident(id, draft, ws.rules, actor); },
        change_options(ctx, opts.flags, who));
    print_warnings(ctx.io, result.warnings);
    if (opts.flags.json) {
        nlohmann::ordered_json injects = nlohmann::ordered_json::array();
        for (const auto& i : scenario.injects)
            injects.push_back({{"due", format_rfc3339(actor.at + i.after)}, {"text", i.text}});
        print_json(ctx.io, {{"id", result.incident.id}, {"scenario", scenario.name}, {"injects", injects}});
    } else {
        ctx.io.out << result.incident.id << "\n";
        for (const auto& i : scenario.injects)
            ctx.io.err << "inject at " << format_rfc3339(actor.at + i.after) << " (+" << format_duration(i.after)
                       << "): " << i.text << "\n";
    }
    after_change_effects(ctx, ws, result, opts.flags);
}

std::string took(const std::optional<Seconds>& d) { return d ? format_duration(*d) : "-"; }

nlohmann::ordered_json seconds(const std::optional<Seconds>& d) {
    return d ? nlohmann::ordered_json(d->count()) : nlohmann::ordered_json(nullptr);
}

void run_drill_report(const DrillOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::vector<Incident> drills;
    if (!opts.ids.empty()) {
        for (const auto& id : opts.ids) drills.push_back(ws.store.load(resolve_id(ctx, ws, id)));
    } else {
        std::vector<InvalidData> errors;
        for (auto& inc : ws.store.load_all(&errors))
            if (inc.drill) drills.push_back(std::move(inc));
        fail_on_unreadable(ctx.io, errors);
    }
    for (const auto& d : drills)
        if (!d.drill) throw UsageError(d.id + " is not a drill: drill report scores exercises only");
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : drills) {
        DrillScore s = score_drill(d, ws.config, ctx.now);
        std::string score = s.scored ? std::to_string(s.met) + "/" + std::to_string(s.scored) : "-";
        list.push_back({{"id", d.id},
                        {"scenario", json_or_null(s.scenario)},
                        {"priority", json_or_null(d.priority)},
                        {"status", std::string(to_string(d.status))},
                        {"to_acknowledge_seconds", seconds(s.to_acknowledge)},
                        {"to_escalate_seconds", seconds(s.to_escalate)},
                        {"to_resolve_seconds", seconds(s.to_resolve)},
                        {"respond_sla", s.respond},
                        {"resolve_sla", s.resolve},
                        {"sla_met", s.met},
                        {"sla_scored", s.scored}});
        rows.push_back({d.id, s.scenario.empty() ? "-" : s.scenario, d.priority.empty() ? "-" : d.priority,
                        took(s.to_acknowledge), took(s.to_escalate), took(s.to_resolve), s.respond, s.resolve, score});
    }
    if (opts.flags.json)
        print_json(ctx.io, {{"drills", list}});
    else if (rows.empty())
        ctx.io.out << "no drills (incident drill start SCENARIO runs one)\n";
    else
        print_table(ctx.io,
                    {"ID", "SCENARIO", "PRI", "TO ACK", "TO ESCALATE", "TO RESOLVE", "RESPOND", "RESOLVE", "SLA MET"},
                    rows);
}

}  // namespace

void register_drill(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<DrillOptions>();
    auto* cmd =
        app.add_subcommand("drill", "Exercises: start one from a scenario, score them (drills stay out of metrics)");
    cmd->require_subcommand(1);
    auto* start = cmd->add_subcommand(
        "start", "Open a drill from .incident/scenarios/SCENARIO.yaml and list its injects with their times");
    start->add_option("scenario", opts->scenario, "The scenario's name (its file without .yaml)")->required();
    add_change_flags(start, opts->flags);
    start->callback([opts, &ctx] { run_drill_start(*opts, ctx); });
    auto* report = cmd->add_subcommand(
        "report", "Score drills: time to acknowledge, escalate and resolve, and the SLA of their priority met or not");
    report->add_option("ids", opts->ids, "Drills to score (default: every drill)");
    report->add_flag("--json", opts->flags.json, "Print one JSON document");
    report->callback([opts, &ctx] { run_drill_report(*opts, ctx); });
}

}  // namespace incident::cli
