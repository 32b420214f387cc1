#include "context.hpp"

#include <algorithm>
#include <thread>

#include "effects/effects.hpp"
#include "git/git.hpp"
#include "model/text.hpp"
#include "oncall/people.hpp"
#include "output.hpp"
#include "query/query.hpp"
#include "sync/sync.hpp"

namespace incident::cli {

void add_read_flags(CLI::App* cmd, CommonFlags& flags) {
    cmd->add_flag("--json", flags.json, "Print one JSON document on stdout (shapes in schemas/)");
    cmd->add_option("--by", flags.by, "Who is acting (default: $INCIDENT_USER, then git user.email)")
        ->type_name("USER");
}

void add_change_flags(CLI::App* cmd, CommonFlags& flags) {
    add_read_flags(cmd, flags);
    cmd->add_option("--at", flags.at,
                    "When it happened: RFC 3339, 'now', or relative like -15m (backfill; not in the future)")
        ->type_name("TIME");
    cmd->add_flag("--no-commit", flags.no_commit, "Save the file but do not git-commit it");
    cmd->add_flag("-n,--dry-run", flags.dry_run, "Show what would change; write nothing");
    cmd->add_flag("--no-notify", flags.no_notify, "Send no chat or webhook notifications for this change");
    cmd->add_flag("--sync", flags.sync,
                  "Push the change at once (incident sync), as git.auto_sync does; offline it stays committed here");
}

void add_query_flags(CLI::App* cmd, QueryFlags& q) {
    cmd->add_option("-w,--where", q.where,
                    "Filter, e.g. 'priority<=P2 and status!=closed and tag:customer-facing' (see incident-list(1))")
        ->type_name("EXPR");
    cmd->add_flag("--no-cache", q.no_cache, "Read every incident file; neither use nor update the index cache");
}

std::string query_help() {
    std::string s =
        "Filter expressions (--where):\n"
        "  FIELD OP VALUE   OP is = != < <= > >= ~ !~ (~ contains, any case)\n"
        "  FIELD in (A, B)  FIELD not in (A, B)   tag:NAME   drill\n"
        "  not X   X and Y   X or Y   ( X )\n"
        "  Scales compare by severity, smaller is more severe: priority<=P2 is P1\n"
        "  or P2. Times: 2026-01-31 (that whole UTC day), 2026-01-31T09:00:00Z,\n"
        "  now, -7d. Durations: 90s 15m 4h 2d 1w 1h30m. Quote values with\n"
        "  spaces: title~\"disk full\". A missing value matches only != !~ and\n"
        "  not in.\n"
        "Fields (--where, --sort, --fields):\n";
    for (const auto& f : query_fields())
        s += "  " + f.name + std::string(f.name.size() < 13 ? 13 - f.name.size() : 1, ' ') + f.help + "\n";
    return s;
}

bool allowed(const std::vector<std::string>& set, std::string_view v) {
    return set.empty() || std::find(set.begin(), set.end(), v) != set.end();
}

Selection select_incidents(const Workspace& ws, const QueryFlags& q, Timestamp now,
                           const std::function<bool(const Summary&)>& also) {
    Filter filter = q.where.empty() ? Filter() : Filter::parse(q.where, ws.config, now, "--where");
    Selection sel{load_index(ws.store, ws.config, now, !q.no_cache), {}};
    for (const auto& s : sel.index.incidents)
        if (filter.matches(s) && (!also || also(s))) sel.rows.push_back(&s);
    return sel;
}

std::vector<Incident> load_selected(const Workspace& ws, const Selection& sel, std::vector<InvalidData>& errors) {
    std::vector<Incident> out;
    for (const Summary* s : sel.rows) {
        try {
            out.push_back(ws.store.load(std::string(s->id)));
        } catch (const InvalidData& e) {
            errors.push_back(e);
        }
    }
    return out;
}

void register_one_incident(CLI::App& app, Context& ctx, const char* name, const char* help, const char* json_help,
                           void (*run)(const OneIncident&, const Context&)) {
    auto opts = std::make_shared<OneIncident>();
    auto* cmd = app.add_subcommand(name, help);
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_flag("--json", opts->flags.json, json_help);
    cmd->callback([opts, &ctx, run] { run(*opts, ctx); });
}

Workspace open_workspace(const Context& ctx) {
    Workspace ws = incident::open_workspace(ctx.repo_dir, ctx.io.env);
    for (const auto& w : ws.warnings) ctx.io.err << "incident: warning: " << w << "\n";
    if (std::string why = ws.hooks.inactive_reason(); !why.empty()) ctx.io.err << "incident: warning: " << why << "\n";
    if (ws.repo.in_git) git::ensure_merge_driver(ws.repo.root.string(), ws.repo.state_dir.string());
    return ws;
}

std::string resolve_actor(const Context& ctx, const CommonFlags& flags, const fs::path& repo_root) {
    if (!flags.by.empty()) return flags.by;
    if (auto u = ctx.io.env("INCIDENT_USER"); u && !u->empty()) return *u;
    if (auto email = git::config_get(repo_root.string(), "user.email"); !email.empty()) return email;
    if (auto u = ctx.io.env("USER"); u && !u->empty()) return *u;
    ctx.io.err << "incident: warning: nobody to record as the actor: events say 'unknown'\n"
               << "hint: export INCIDENT_USER=you@example.com, or git config user.email you@example.com, or --by\n";
    return "unknown";
}

std::string person_arg(const Workspace& ws, const std::string& who) {
    if (who.empty() || who.find('@') != std::string::npos) return who;
    return person_email_or(load_people(ws.repo), who);
}

Timestamp resolve_time(const Context& ctx, const std::string& at, const char* flag) {
    if (at.empty()) return ctx.now;
    auto t = parse_time_spec(at, ctx.now);
    if (!t)
        throw UsageError(std::string(flag) + ": cannot read '" + at + "' as a time",
                         "use RFC 3339 (2026-11-22T03:04:05Z), 'now', or a relative time like -15m or -2h");
    return *t;
}

Timestamp resolve_event_time(const Context& ctx, const std::string& at, const char* flag) {
    Timestamp t = resolve_time(ctx, at, flag);
    if (t > ctx.now + kClockSkew)
        throw UsageError(
            std::string(flag) + ": " + format_rfc3339(t) + " is in the future (now is " + format_rfc3339(ctx.now) + ")",
            "something that happened is in the past: a relative time is written -15m, not +15m");
    return t;
}

namespace {

// INCIDENT_LOCK_TIMEOUT: a duration (30s, 2m) or milliseconds (200ms).
std::chrono::milliseconds lock_timeout(const std::string& text) {
    std::string_view v(text);
    if (v.size() > 2 && v.substr(v.size() - 2) == "ms" && all_digits(v.substr(0, v.size() - 2)) && v.size() <= 11)
        return std::chrono::milliseconds{std::stoll(text.substr(0, v.size() - 2))};
    if (auto d = parse_duration(v)) return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
    throw UsageError("INCIDENT_LOCK_TIMEOUT: '" + text + "' is not a duration",
                     "use milliseconds, seconds or minutes, such as 200ms, 30s or 2m");
}

}  // namespace

ChangeOptions change_options(const Context& ctx, const CommonFlags& flags, const std::string& actor) {
    ChangeOptions o;
    o.actor = actor;
    o.commit = !flags.no_commit;
    o.dry_run = flags.dry_run;
    o.sync = flags.sync;
    if (auto t = ctx.io.env("INCIDENT_LOCK_TIMEOUT"); t && !t->empty()) o.lock_timeout = lock_timeout(*t);
    return o;
}

void after_change_effects(const Context& ctx, const Workspace& ws, const ChangeResult& result,
                          const CommonFlags& flags) {
    const EffectOptions opts{ctx.now, change_options(ctx, flags, result.event.by), !flags.no_notify, flags.dry_run};
    const Effects fx =
        after_change(ws, result, opts, ctx.io.env, [](std::chrono::milliseconds d) { std::this_thread::sleep_for(d); });
    print_pages(ctx.io, fx.pages);
    print_warnings(ctx.io, fx.notes.warnings);
    for (const auto& name : fx.notes.sent) ctx.io.err << "incident: notified " << name << "\n";
    print_warnings(ctx.io, fx.notes.queued);
    print_warnings(ctx.io, fx.published);
    print_hook_report(ctx.io, fx.hooks);
    for (const auto& d : fx.notes.previews) {
        if (flags.json) continue;  // stdout holds one JSON document
        ctx.io.out << "would notify " << d.target << " (" << d.type << ", " << d.event << "):\n"
                   << nlohmann::json::parse(d.body).dump(2) << "\n";
    }
}

std::string resolve_id(const Context& ctx, const Workspace& ws, const std::string& arg) {
    if (looks_like_uid(arg)) {
        std::string id = ws.store.find_uid(ascii_lower(arg));
        if (id.empty()) throw NotFound("no incident has the uid " + arg);
        return id;
    }
    std::string id = normalise_id(arg, ws.config.id_prefix);
    auto moved = renumbered(ws, id);
    if (!moved) return id;
    bool taken = ws.store.exists(id);
    if (taken && !ctx.follow_renumber && !ws.config.follow_renumber) {
        Incident other = ws.store.load(id);
        throw UsageError(id + " here became " + moved->to + " (renumbered by incident sync); " + id + " is now '" +
                             other.title + "' from upstream: say which",
                         "name yours " + moved->to + ", the other by its uid " + other.uid +
                             ", or pass --follow-renumber (git.follow_renumber: true) to take " + id + " as " +
                             moved->to);
    }
    ctx.io.err << "incident: " << id << " is now " << moved->to << " (renumbered by incident sync)";
    if (taken)
        ctx.io.err << "; the incident opened elsewhere as " << id << " is named here by its uid ("
                   << ws.store.load(id).uid << ")";
    ctx.io.err << "\n";
    return moved->to;
}

void run_change(const Context& ctx, const CommonFlags& flags, const std::string& id_arg,
                const std::function<Event(Incident&, const Actor&, const Workspace&)>& apply) {
    Workspace ws = open_workspace(ctx);
    std::string id = resolve_id(ctx, ws, id_arg);
    std::string who = resolve_actor(ctx, flags, ws.repo.root);
    Actor actor{who, resolve_event_time(ctx, flags.at), ws.config};
    auto result = change_incident(
        ws, id, [&](Incident& inc) { return apply(inc, actor, ws); }, change_options(ctx, flags, who));
    print_change(ctx.io, result, flags.json, flags.dry_run);
    after_change_effects(ctx, ws, result, flags);
}

}  // namespace incident::cli
