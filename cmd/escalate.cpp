// incident escalate ID: functional (next tier, --to, --team) or hierarchical;
// escalate --auto: every incident at or past its SLA threshold (for cron/CI).
#include "commands.hpp"
#include "output.hpp"
#include "reminders.hpp"
#include "sla/sla.hpp"

namespace incident::cli {

struct EscalateOptions {
    std::string id, to, team, reason;
    bool hierarchical = false;
    bool automatic = false;
    CommonFlags flags;
};

namespace {

// A manager may be named by a key of people.yaml: the escalation just made names their email.
Event name_manager_by_email(Incident& inc, const Workspace& ws) {
    Event& e = inc.timeline.back();
    e.set("to", person_arg(ws, e.get("to")));
    return e;
}

// Applies the plan; returns the events added (empty when nothing is due any more).
Event apply_auto(Incident& inc, const Actor& a, Timestamp now, const Workspace& ws) {
    auto plan = plan_auto_escalation(inc, a.config, now);
    if (!plan) throw TransitionRefused(inc.id + ": nothing to escalate");
    Attributes tags = {{"auto", YamlNode("sla")}, {"clock", YamlNode(plan->clock)}};
    Event last;
    if (plan->functional) last = escalate_functional(inc, a, "", "", plan->reason, tags);
    if (plan->hierarchical) {
        escalate_hierarchical(inc, a, plan->reason, tags);
        last = name_manager_by_email(inc, ws);
    }
    return last;
}

void run_auto(const EscalateOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Timestamp now = resolve_event_time(ctx, opts.flags.at);
    Actor actor{who, now, ws.config};
    std::vector<InvalidData> errors;
    nlohmann::ordered_json done = nlohmann::ordered_json::array();
    std::vector<std::string> warnings;
    for (const auto& candidate : ws.store.load_all(&errors)) {
        auto plan = plan_auto_escalation(candidate, ws.config, now);
        if (!plan) continue;
        ChangeResult r;
        try {
            r = change_incident(
                ws, candidate.id, [&](Incident& inc) { return apply_auto(inc, actor, now, ws); },
                change_options(ctx, opts.flags, who));
        } catch (const TransitionRefused&) {
            continue;  // changed meanwhile: nothing due any more
        }
        warnings.insert(warnings.end(), r.warnings.begin(), r.warnings.end());
        after_change_effects(ctx, ws, r, opts.flags);
        nlohmann::ordered_json entry = {{"id", candidate.id},
                                        {"clock", plan->clock},
                                        {"state", std::string(to_string(plan->state))},
                                        {"functional", plan->functional},
                                        {"hierarchical", plan->hierarchical},
                                        {"tier", r.incident.tier},
                                        {"reason", plan->reason}};
        if (plan->hierarchical) entry["manager"] = r.incident.timeline.empty() ? "" : r.event.get("to");
        done.push_back(entry);
        if (!opts.flags.json)
            ctx.io.out << (opts.flags.dry_run ? "would escalate " : "escalated ") << candidate.id << ": "
                       << plan->reason << (plan->functional ? " -> tier " + r.incident.tier : "")
                       << (plan->hierarchical ? " -> manager " + r.event.get("to") : "") << "\n";
    }
    auto reminded = send_reminders(ctx, ws, opts.flags, now);
    print_warnings(ctx.io, warnings);
    if (opts.flags.json)
        print_json(ctx.io, {{"dry_run", opts.flags.dry_run}, {"escalated", done}, {"reminded", reminded}});
    else if (done.empty() && reminded.empty())
        ctx.io.out << "nothing to escalate\n";
    fail_on_unreadable(ctx.io, errors);
}

}  // namespace

void register_escalate(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<EscalateOptions>();
    auto* cmd = app.add_subcommand("escalate",
                                   "Escalate functionally (next tier, --to TIER, --team TEAM) or hierarchically "
                                   "(--hierarchical: the team's next manager); --auto for every incident at SLA risk");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42); not with --auto");
    auto* to =
        cmd->add_option("--to", opts->to, "Support tier to escalate to (default: the next tier)")->type_name("TIER");
    auto* team = cmd->add_option("--team", opts->team, "Specialist team to hand it to")->type_name("TEAM");
    auto* hier =
        cmd->add_flag("--hierarchical", opts->hierarchical, "Escalate to the next manager of the incident's team")
            ->excludes(to)
            ->excludes(team);
    cmd->add_flag("--auto", opts->automatic,
                  "Escalate every open incident whose SLA clock is at risk (functionally) or breached (also "
                  "hierarchically), once per clock; --at sets the time it is judged at")
        ->excludes(to)
        ->excludes(team)
        ->excludes(hier);
    cmd->add_option("-r,--reason", opts->reason, "Why (recorded in the timeline)");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] {
        if (opts->automatic) {
            if (!opts->id.empty()) throw UsageError("--auto takes no incident id");
            return run_auto(*opts, ctx);
        }
        if (opts->id.empty()) throw UsageError("escalate needs an incident id (or --auto)");
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace& ws) {
            if (opts->hierarchical) {
                escalate_hierarchical(inc, a, opts->reason);
                return name_manager_by_email(inc, ws);
            }
            return escalate_functional(inc, a, opts->to, opts->team, opts->reason);
        });
    });
}

}  // namespace incident::cli
