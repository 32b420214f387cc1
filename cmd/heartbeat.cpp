// incident heartbeat list | checkin: jobs that must check in every so often
// (.incident/heartbeats.yaml, lib/heartbeat). The tick (page tick, serve)
// opens an incident for a missed one; a check-in marks it mitigated.
#include "heartbeat/heartbeat.hpp"

#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

struct HeartbeatCliOptions {
    std::string name;
    CommonFlags flags;
};

namespace {

constexpr const char* kFile = R"(
.incident/heartbeats.yaml (checked by incident validate):
  heartbeats:
    nightly-backup:
      every: 1d          # how often the job checks in
      grace: 1h          # how late it may be (default 0)
      service: backup    # what the incident opens with; impact and
      impact: high       # urgency on the config's scales prioritise it,
      urgency: high      # so it pages by escalation.yaml's by_priority
States: waiting (never checked in on this machine), ok, overdue (no
check-in for longer than every + grace). An overdue heartbeat opens one
incident, dedup key heartbeat/NAME, at the next incident page tick (or
serve's own tick), and pages by policy; the next check-in marks it
mitigated. Check-ins are kept in .git/incident/heartbeats/NAME, not
committed: each clone (each serve) knows only the check-ins it received.)";

nlohmann::ordered_json time_or_null(const std::optional<Timestamp>& t) {
    return t ? nlohmann::ordered_json(format_rfc3339(*t)) : nlohmann::ordered_json(nullptr);
}

void run_list(const HeartbeatCliOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const auto statuses = heartbeat_statuses(ws, resolve_time(ctx, o.flags.at));
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : statuses) {
        const Heartbeat& hb = s.heartbeat;
        list.push_back(
            {{"heartbeat", hb.name},
             {"every", format_duration(hb.every)},
             {"grace", format_duration(hb.grace)},
             {"service", hb.service},
             {"state", to_string(s.state)},
             {"last_checkin", time_or_null(s.last)},
             {"incident", s.incident.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(s.incident)}});
        rows.push_back({hb.name, format_duration(hb.every), format_duration(hb.grace), std::string(to_string(s.state)),
                        s.last ? format_rfc3339(*s.last) : "-", s.incident.empty() ? "-" : s.incident});
    }
    if (o.flags.json) return print_json(ctx.io, list);
    if (rows.empty()) {
        ctx.io.err << "incident: no heartbeats (.incident/heartbeats.yaml)\n";
        return;
    }
    print_table(ctx.io, {"NAME", "EVERY", "GRACE", "STATE", "LAST CHECK-IN", "INCIDENT"}, rows);
}

void run_checkin(const HeartbeatCliOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const std::string actor = resolve_actor(ctx, o.flags, ws.repo.root);
    const Timestamp at = resolve_event_time(ctx, o.flags.at);
    const Checkin c = record_checkin(ws, o.name, at, change_options(ctx, o.flags, actor));
    print_warnings(ctx.io, c.mitigated.warnings);
    if (o.flags.json)
        print_json(ctx.io, to_json(c));
    else
        ctx.io.out << (o.flags.dry_run ? "would check in: " : "checked in: ") << o.name << " at " << format_rfc3339(at)
                   << " (" << to_string(c.state) << ")\n";
    if (c.mitigated.incident.id.empty()) return;
    if (!o.flags.json)
        ctx.io.out << (o.flags.dry_run ? "would mark " : "") << c.mitigated.incident.id << " mitigated\n";
    after_change_effects(ctx, ws, c.mitigated, o.flags);
}

}  // namespace

void register_heartbeat(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<HeartbeatCliOptions>();
    auto* hb = app.add_subcommand("heartbeat", "Jobs that must check in; a missed one opens an incident");
    hb->require_subcommand(1);
    hb->footer(kFile);

    auto* list = hb->add_subcommand("list", "Each heartbeat's state, last check-in and open incident");
    add_read_flags(list, o->flags);
    list->add_option("--at", o->flags.at, "The states as of TIME (RFC 3339, now, -1h)")->type_name("TIME");
    list->footer(
        "Columns: NAME, EVERY, GRACE, STATE (waiting, ok, overdue), LAST CHECK-IN, INCIDENT.\n"
        "--json prints [{heartbeat, every, grace, service, state, last_checkin, incident}].");
    list->callback([o, &ctx] { run_list(*o, ctx); });

    auto* checkin = hb->add_subcommand("checkin", "Record a check-in of NAME (what POST /v1/heartbeat/NAME does)");
    checkin->add_option("name", o->name, "The heartbeat's name in .incident/heartbeats.yaml")->required();
    add_change_flags(checkin, o->flags);
    checkin->footer(
        "Marks the incident its missed check-in opened mitigated, once.\n"
        "--json prints {heartbeat, state, mitigated: ID or null}.\n"
        "Exit codes: 3 no such heartbeat, 4 heartbeats.yaml does not read.");
    checkin->callback([o, &ctx] { run_checkin(*o, ctx); });
}

}  // namespace incident::cli
