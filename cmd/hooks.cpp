// incident hooks list | test | run | trust: the hooks of .incident/hooks.yaml
// (lib/hooks), tried against a real incident without changing it, the
// queue run by hand, and this clone's trust in the file.
#include "effects/hooks.hpp"

#include "commands.hpp"
#include "hooks/queue.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

struct HooksOptions {
    std::string name, id, event;
    bool run = false;
    CommonFlags flags;
};

namespace {

constexpr const char* kFooter = R"(
Hooks are declared in .incident/hooks.yaml:
  hooks:
    - name: war-room
      on: [opened, priority_changed]     # timeline event types, and derived ones
      when: {priority: [P1, P2]}         # the rules' conditions (optional)
      run: [scripts/war-room.sh, --channel, ops]   # no shell: [sh, -c, '...']
      timeout: 30s                       # then its process group is killed
      phase: after                       # or before: runs in the change, may refuse it
      record: true                       # a `hook` event for every run
The command gets {"hook", "phase", "events", "event", "incident"} as JSON on
stdin and INCIDENT_ID, INCIDENT_UID, INCIDENT_EVENT, INCIDENT_EVENTS,
INCIDENT_EVENT_BY, INCIDENT_EVENT_TEXT, INCIDENT_TITLE, INCIDENT_STATUS,
INCIDENT_PRIORITY, INCIDENT_SERVICE, INCIDENT_TEAM, INCIDENT_ASSIGNEE,
INCIDENT_HOOK, INCIDENT_HOOK_PHASE, INCIDENT_HOOK_DEPTH and
INCIDENT_REPOSITORY in its environment; it runs in the repository's top
directory.
After-phase hooks are queued under .git/incident/hooks/ with the change and
run once it is saved: by the command that made it, or by the next command
(or hooks run) after a kill; never twice. A failure is recorded on the
timeline and warned about; the change stays. A before-phase hook that exits
non-zero refuses the change: nothing is written, exit 5.
A clone runs hooks only after hooks trust, for exactly the file it read;
an edit (a pull) needs trusting again.
A hooks file that is not trusted, or does not read, runs nothing (a warning
on every command): a gate (phase: before) does not gate until it is fixed
and trusted again.
Exit codes: 1 a hook failed (hooks run, test --run); 3 no such hook or
incident; 4 the hooks file does not read (test, trust).)";

std::string phase_name(const Hook& h) { return h.before ? "before" : "after"; }

std::string trust_state(const HookFile& f) {
    if (!f.present()) return "no .incident/hooks.yaml";
    if (!f.unreadable.empty()) return "does not read: " + f.unreadable;
    return std::string(f.trusted ? "trusted" : "NOT trusted (incident hooks trust)") + ", sha256 " +
           f.sha256.substr(0, 12);
}

void run_list(const HooksOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const HookFile& f = ws.hooks;
    const std::size_t queued = queued_hooks(ws.repo).size();
    if (o.flags.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& h : f.hooks)
            list.push_back({{"name", h.name},
                            {"on", h.on},
                            {"conditional", h.when.has_value()},
                            {"run", h.run},
                            {"timeout", h.timeout.count()},
                            {"phase", phase_name(h)},
                            {"record", h.record}});
        return print_json(ctx.io, {{"file", ".incident/hooks.yaml"},
                                   {"present", f.present()},
                                   {"trusted", f.trusted},
                                   {"sha256", json_or_null(f.present() && f.unreadable.empty() ? f.sha256 : "")},
                                   {"error", json_or_null(f.unreadable)},
                                   {"queued", queued},
                                   {"hooks", list}});
    }
    ctx.io.out << ".incident/hooks.yaml: " << trust_state(f) << "\n";
    if (queued) ctx.io.out << queued << " queued to run (incident hooks run)\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& h : f.hooks)
        rows.push_back({h.name, phase_name(h), join(h.on, ","), h.when ? "yes" : "-", join(h.run, " "),
                        format_duration(h.timeout), h.record ? "yes" : "failures"});
    if (!rows.empty())
        print_table(ctx.io, {"HOOK", "PHASE", "ON", "WHEN", "RUN", "TIMEOUT", "RECORD"}, rows);
    else if (f.present() && f.unreadable.empty())
        ctx.io.out << "no hooks declared\n";
}

const Hook& find_hook(const HookFile& f, const std::string& name) {
    if (!f.unreadable.empty()) throw Error(ExitCode::invalid, f.unreadable);
    for (const auto& h : f.hooks)
        if (h.name == name) return h;
    std::vector<std::string> names;
    for (const auto& h : f.hooks) names.push_back(h.name);
    throw NotFound("no hook named '" + name + "' in .incident/hooks.yaml",
                   names.empty() ? "the file declares none" : "declared: " + join(names));
}

// The event a test gives the hook: the incident's latest of that type, or
// one made up now.
Event test_event(const Incident& inc, const std::string& type, const Context& ctx, const std::string& actor) {
    for (auto it = inc.timeline.rbegin(); it != inc.timeline.rend(); ++it)
        if (it->type == type) return *it;
    Event e;
    e.at = ctx.now;
    e.by = actor;
    e.type = type;
    return e;
}

void run_test(const HooksOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Hook& h = find_hook(ws.hooks, o.name);
    const auto& known = hook_events();
    if (std::find(known.begin(), known.end(), o.event) == known.end())
        throw UsageError("--event: unknown event '" + o.event + "'", "known: " + join(known));
    Incident inc = ws.store.load(resolve_id(ctx, ws, o.id));
    const Event e = test_event(inc, o.event, ctx, resolve_actor(ctx, o.flags, ws.repo.root));
    const std::vector<std::string> events{o.event};
    const bool on = std::find(h.on.begin(), h.on.end(), o.event) != h.on.end();
    Match m = h.when ? evaluate(*h.when, inc, ws.config) : Match{true, "no when:"};
    const std::string payload = hook_payload(h.name, h.before, events, inc, e);
    ctx.io.err << "hook " << h.name << " (phase " << phase_name(h)
               << "): " << (on ? "on: names " + o.event : "on: does not name " + o.event)
               << "; when: " << (m.ok ? "matches" : "does not match") << " (" << m.why << ")\n"
               << "it " << (on && m.ok ? "would run" : "would not run") << ": " << join(h.run, " ") << "\n";
    if (!o.run) {
        ctx.io.out << nlohmann::ordered_json::parse(payload).dump(2) << "\n";
        return;
    }
    if (!ws.hooks.trusted)
        throw UsageError(".incident/hooks.yaml is not trusted in this clone: its commands do not run",
                         "read it, then: incident hooks trust");
    const auto env = hook_environment(h.name, h.before, events, inc, e, ws.repo, ws.hooks.depth);
    HookRun r = run_hook_process(h.run, payload, env, ws.repo.root, h.timeout);
    ctx.io.out << r.output;
    ctx.io.err << "hook " << h.name << ": " << r.outcome(h.timeout) << " in " << r.took.count()
               << " ms (a test: nothing is recorded)\n";
    if (!r.ok()) throw Error(ExitCode::runtime, "hook " + h.name + " failed (" + r.outcome(h.timeout) + ")");
}

void run_queue(const HooksOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    HookReport rep =
        run_queued_hooks(ws, change_options(ctx, o.flags, resolve_actor(ctx, o.flags, ws.repo.root)), ctx.now);
    print_hook_report(ctx.io, rep);
    if (rep.ran.empty()) ctx.io.err << "incident: no hook was queued\n";
    auto failed = std::count_if(rep.ran.begin(), rep.ran.end(), [](const HookOutcome& x) { return !x.run.ok(); });
    if (failed)
        throw Error(ExitCode::runtime,
                    std::to_string(failed) + " of " + std::to_string(rep.ran.size()) + " hook runs failed");
}

void run_trust(const Context& ctx) {
    // Not the CLI's open_workspace: it would warn that the file is not trusted, which this command changes.
    Workspace ws = incident::open_workspace(ctx.repo_dir, ctx.io.env);
    for (const auto& w : ws.warnings) ctx.io.err << "incident: warning: " << w << "\n";
    const HookFile& f = ws.hooks;
    if (!f.present()) throw NotFound("there is no .incident/hooks.yaml to trust");
    if (!f.unreadable.empty())
        throw Error(ExitCode::invalid, f.unreadable, "fix it (incident validate .incident/hooks.yaml), then trust it");
    trust_hooks(ws.repo, f.sha256);
    ctx.io.out << "trusted .incident/hooks.yaml (sha256 " << f.sha256.substr(0, 12) << ") in this clone; its "
               << f.hooks.size() << (f.hooks.size() == 1 ? " hook runs:\n" : " hooks run:\n");
    for (const auto& h : f.hooks)
        ctx.io.out << "  " << h.name << " on " << join(h.on, ",") << ": " << join(h.run, " ") << "\n";
}

}  // namespace

void register_hooks(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<HooksOptions>();
    auto* cmd = app.add_subcommand("hooks", "Commands that run on events: list, test, run the queue, trust");
    cmd->require_subcommand(1);
    cmd->footer(kFooter);
    auto* list = cmd->add_subcommand("list", "The hooks, whether this clone trusts them, what is queued");
    add_read_flags(list, o->flags);
    list->callback([o, &ctx] { run_list(*o, ctx); });
    auto* test = cmd->add_subcommand("test", "What a hook would get for an incident's event; --run runs it");
    test->add_option("hook", o->name, "The hook's name")->required();
    test->add_option("--incident", o->id, "Incident id (INC-42 or 42)")->type_name("ID")->required();
    test->add_option("--event", o->event, "The event: opened, note, priority_changed, ...")
        ->type_name("EVENT")
        ->required();
    test->add_flag("--run", o->run, "Run the command too (nothing is recorded or changed)");
    add_read_flags(test, o->flags);
    test->callback([o, &ctx] { run_test(*o, ctx); });
    auto* run = cmd->add_subcommand("run", "Run the hooks queued by earlier changes (a killed run's)");
    add_read_flags(run, o->flags);
    run->callback([o, &ctx] { run_queue(*o, ctx); });
    auto* trust = cmd->add_subcommand("trust", "Trust .incident/hooks.yaml as it is now, in this clone");
    trust->callback([&ctx] { run_trust(ctx); });
}

}  // namespace incident::cli
