// incident import pagerduty|opsgenie|grafana-oncall --from DIR: people, schedules, escalation
// policies, services and incident history from another tool's export
// (lib/import), with a plan of what maps exactly, approximately or not at
// all, and a self-check of each schedule against the source's own.
#include "import/import.hpp"

#include "commands.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

struct ImportCliOptions {
    std::string tool, from;
    bool plan = false, apply = false, strict = false;
    CommonFlags flags;
};

namespace {

constexpr const char* kFooter = R"(
Reads the JSON that the tool's REST API returns, saved as one file per
endpoint under the endpoint's path (a list over several pages as NAME.json,
NAME.2.json, ...). PagerDuty (REST API v2):
  users.json                      GET /users?include[]=contact_methods
  schedules.json                  GET /schedules
  schedules/ID.json               GET /schedules/ID?since=...&until=...
                                  (its final_schedule: what the self-check compares)
  schedules/ID/overrides.json     GET /schedules/ID/overrides?since=...&until=...
  escalation_policies.json        GET /escalation_policies
  services.json                   GET /services
  incidents.json                  GET /incidents?date_range=all
  incidents/ID/log_entries.json   GET /incidents/ID/log_entries
Opsgenie (every response as it comes, objects under "data"):
  users.json, users/ID/contacts.json     GET /v2/users, /v2/users/ID/contacts
  schedules.json                  GET /v2/schedules?expand=rotation
  schedules/ID.json               GET /v2/schedules/ID
  schedules/ID/overrides.json     GET /v2/schedules/ID/overrides
  schedules/ID/timeline.json      GET /v2/schedules/ID/timeline (optional: what
                                  the self-check compares)
  escalations.json                GET /v2/escalations
  services.json                   GET /v1/services
  alerts.json                     GET /v2/alerts (and alerts/ID/logs.json,
                                  alerts/ID/notes.json)
  incidents.json                  GET /v1/incidents (and incidents/ID/logs.json)
Opsgenie's rotations are all on call at once: its schedules come in with
'combine: all'. Alerts and incidents both become incidents.
Grafana OnCall (public API v1, page objects with "results"):
  users.json                      GET /api/v1/users/
  personal_notification_rules.json  GET /api/v1/personal_notification_rules/
  schedules.json, on_call_shifts.json  GET /api/v1/schedules/, /api/v1/on_call_shifts/
  schedules/ID/final_shifts.json  GET /api/v1/schedules/ID/final_shifts?start_date=...
                                  (optional: what the self-check compares)
  escalation_chains.json, escalation_policies.json, integrations.json,
  routes.json, alert_groups.json, resolution_notes.json
A shift's level orders the layers (a higher level wins); iCal schedules and
monthly shifts cannot come in. Integrations are services, alert groups
incidents.
docs/moving-in.md gives the curl commands that save exactly this.

Writes .incident/people.yaml's entries (people already there are matched by
email and kept as they are), a schedule file each under .incident/oncall/
and an override file each under .incident/oncall/overrides/NAME/,
escalation.yaml's policies, a rule per service in rules.yaml (its incidents
page by the service's policy), and an incident file per incident with its
timeline (opened, acknowledged, escalated, notes, resolved), so MTTA and
MTTR go on. Every object keeps its source id (source: TOOL/ID; an
incident also source_number): importing again updates what changed, adds
what is new and never duplicates; an incident changed here since it was
imported is left as it is, and so is an entry or a file it wrote that was
edited here since (each carries a '# import:' mark, the hash of what was
written): the plan says "kept". Lines outside the entries it writes keep
their comments. One commit. Imported incidents are history: no hook runs for
them and nothing pages for them.

The plan says per object: add, update, unchanged, matched (a person already
here) or skip, and whether it maps exact, approximate (how) or none (why).
--plan is the default once the repository holds data from the tool: give
--apply to write. Where a schedule's file holds the rendered final
schedule (PagerDuty), its timeline (Opsgenie) or its final shifts (Grafana
OnCall), its shifts here are
compared with it over that window; every difference is listed.

A list file not saved is a "note:" line of the plan, with what does not come
in for it.

Exit codes: 2 no such directory, nothing to import or another tool's export
(the command that reads it is named), 4 a malformed export (file and JSON
path named) or a page missing (a page says more follow, or one before it
is not there; nothing written), 6 with --strict when the self-check found
a difference (nothing written).)";

nlohmann::ordered_json plan_json(const ImportPlan& plan) {
    nlohmann::ordered_json items = nlohmann::ordered_json::array(), checks = nlohmann::ordered_json::array();
    for (const auto& i : plan.items)
        items.push_back({{"kind", i.kind},
                         {"name", json_or_null(i.name)},
                         {"source", i.source},
                         {"action", i.action},
                         {"fit", fit_name(i.fit)},
                         {"notes", i.notes}});
    for (const auto& c : plan.checks) {
        nlohmann::ordered_json diffs = nlohmann::ordered_json::array();
        for (const auto& d : c.differences)
            diffs.push_back({{"from", format_rfc3339(d.from)},
                             {"to", format_rfc3339(d.to)},
                             {"source", d.source},
                             {"here", d.here}});
        checks.push_back({{"schedule", c.schedule},
                          {"from", format_rfc3339(c.from)},
                          {"to", format_rfc3339(c.to)},
                          {"differences", diffs}});
    }
    return {
        {"tool", plan.tool}, {"summary", plan.summary()}, {"notes", plan.notes}, {"items", items}, {"checks", checks}};
}

std::string names(const std::vector<std::string>& people) { return people.empty() ? "nobody" : join(people); }

void print_plan(const Io& io, const ImportPlan& plan) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& i : plan.items)
        rows.push_back({i.kind, i.name.empty() ? "(new)" : i.name, i.source, i.action, fit_name(i.fit),
                        i.notes.empty() ? "-" : join(i.notes, "; ")});
    print_table(io, {"KIND", "NAME", "SOURCE", "ACTION", "FIT", "NOTES"}, rows);
    for (const auto& n : plan.notes) io.out << "note: " << n << "\n";
    for (const auto& c : plan.checks) {
        io.out << "self-check " << c.schedule << " " << format_rfc3339(c.from) << " to " << format_rfc3339(c.to) << ": "
               << c.differences.size() << (c.differences.size() == 1 ? " difference\n" : " differences\n");
        for (const auto& d : c.differences)
            io.out << "  " << format_rfc3339(d.from) << " to " << format_rfc3339(d.to) << ": " << plan.name << " has "
                   << names(d.source) << ", here " << names(d.here) << "\n";
    }
}

std::size_t differences(const ImportPlan& plan) {
    std::size_t n = 0;
    for (const auto& c : plan.checks) n += c.differences.size();
    return n;
}

void run_import(const ImportCliOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const ImportSet set = o.tool == "opsgenie"         ? read_opsgenie(o.from)
                          : o.tool == "grafana-oncall" ? read_grafana_oncall(o.from)
                                                       : read_pagerduty(o.from);
    ImportPlan plan = plan_import(ws, set);
    const bool plan_only = o.plan || o.flags.dry_run || (plan.already_imported && !o.apply);
    const std::size_t diffs = differences(plan);
    const bool refuse = o.strict && diffs > 0;
    ImportResult r;
    if (!plan_only && !refuse) {
        const std::string actor = resolve_actor(ctx, o.flags, ws.repo.root);
        r = apply_import(ws, plan, change_options(ctx, o.flags, actor));
    }
    auto json = plan_json(plan);
    json["applied"] = !plan_only && !refuse && plan.changes();
    json["committed"] = r.committed;
    json["incidents"] = r.ids;
    if (o.flags.json) {
        print_json(ctx.io, json);
    } else {
        print_plan(ctx.io, plan);
        const char* said = plan_only || refuse ? "plan: " : plan.changes() ? "imported: " : "nothing changed: ";
        ctx.io.out << said << plan.summary() << "\n";
    }
    print_warnings(ctx.io, r.warnings);
    if (plan.already_imported && plan_only && !o.plan && !o.flags.dry_run)
        ctx.io.err << "incident: the repository already holds data imported from " << plan.tool
                   << ": this is the plan; nothing written (--apply writes it)\n";
    if (refuse)
        throw Error(
            ExitCode::check,
            std::to_string(diffs) + " self-check difference" + (diffs == 1 ? "" : "s") + ": nothing written (--strict)",
            "the schedules here would not say who " + plan.name + " says is on call; see the lines above");
}

}  // namespace

void register_import(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<ImportCliOptions>();
    auto* cmd = app.add_subcommand(
        "import",
        "Bring in people, schedules, policies, services and history from PagerDuty, Opsgenie or Grafana OnCall");
    cmd->add_option("tool", o->tool, "The tool the export comes from: pagerduty, opsgenie or grafana-oncall")
        ->required()
        ->check(CLI::IsMember({"pagerduty", "opsgenie", "grafana-oncall"}));
    cmd->add_option("--from", o->from, "The directory the export was saved in")->required()->type_name("DIR");
    auto* plan =
        cmd->add_flag("--plan", o->plan, "Print what would be brought in, and how well it maps; write nothing");
    auto* apply = cmd->add_flag("--apply", o->apply, "Write even when the repository already holds data from the tool");
    cmd->add_flag("--strict", o->strict, "Write nothing and exit 6 when the self-check finds a difference");
    add_read_flags(cmd, o->flags);
    cmd->add_flag("--dry-run", o->flags.dry_run, "The same as --plan");
    cmd->add_flag("--no-commit", o->flags.no_commit, "Write the files but do not commit them");
    plan->excludes(apply);
    cmd->footer(kFooter);
    cmd->callback([o, &ctx] { run_import(*o, ctx); });
}

}  // namespace incident::cli
