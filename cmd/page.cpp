// incident page tick|link: fires the due steps of the escalation policies
// (from cron every minute, or serve on its own), and makes the signed
// acknowledge link a page carries.
#include <thread>

#include "commands.hpp"
#include "heartbeat/heartbeat.hpp"
#include "output.hpp"
#include "page/link.hpp"
#include "page/pager.hpp"
#include "reminders.hpp"
#include "serve.hpp"

namespace incident::cli {

struct PageCliOptions {
    std::string budget = "10s";
    std::string id, person, expires;
    CommonFlags flags;
};

namespace {

void real_sleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

std::chrono::milliseconds budget_of(const std::string& text) {
    auto d = parse_duration(text);
    if (!d || *d < Seconds{1} || *d > Seconds{600})
        throw UsageError("--budget: '" + text + "' is not a duration from 1s to 10m", "e.g. --budget 10s");
    return std::chrono::duration_cast<std::chrono::milliseconds>(*d);
}

nlohmann::ordered_json report_json(const PageReport& r) {
    nlohmann::ordered_json paged = nlohmann::ordered_json::array();
    for (const auto& p : r.paged) {
        nlohmann::ordered_json events = nlohmann::ordered_json::array();
        for (const auto& e : p.events) events.push_back(event_to_json(e));
        paged.push_back({{"id", p.id}, {"committed", p.committed}, {"events", events}});
    }
    return {{"opened", r.opened}, {"paged", paged}, {"sent", r.sent}, {"queued", r.queued}, {"warnings", r.warnings}};
}

// Says what paging did: on stdout one line per page, on stderr what was
// delivered and what stays queued. Shared by `page tick` and the commands
// whose change starts paging.
void print_report(const Context& ctx, const PageReport& r, bool json, bool dry_run) {
    print_warnings(ctx.io, r.warnings);
    if (json) return print_json(ctx.io, report_json(r));
    for (const auto& o : r.opened) ctx.io.out << "opened " << o << "\n";
    for (const auto& p : r.paged)
        for (const auto& e : p.events) ctx.io.out << (dry_run ? "would page: " : "") << p.id << " " << e.text << "\n";
    for (const auto& s : r.sent) ctx.io.err << "incident: paged " << s << "\n";
    print_warnings(ctx.io, r.queued);
}

void run_tick(const PageCliOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const std::string actor = resolve_actor(ctx, o.flags, ws.repo.root);
    PageOptions opts{resolve_time(ctx, o.flags.at), change_options(ctx, o.flags, actor), o.flags.dry_run,
                     budget_of(o.budget)};
    print_report(ctx, page_tick(ws, opts, ctx.io.env, real_sleep), o.flags.json, o.flags.dry_run);
    CommonFlags quiet = o.flags;
    quiet.json = true;  // the tick's one JSON document stays the only one on stdout
    send_reminders(ctx, ws, o.flags.json ? quiet : o.flags, opts.now);
    if (!o.flags.dry_run) print_hook_report(ctx.io, run_queued_hooks(ws, opts.change, opts.now));
}

void run_link(const PageCliOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const std::string id = resolve_id(ctx, ws, o.id);
    const Incident inc = ws.store.load(id);
    const PagingSettings paging = paging_settings(ws.config, ws.repo.relative(ws.repo.config_path()));
    const People people = load_people(ws.repo);
    const Person* person = people.find(o.person);
    if (!person)
        throw UsageError("--person: no person '" + o.person + "' in .incident/people.yaml",
                         "name a person by key or email: incident oncall list shows them");
    if (paging.public_url.empty())
        throw UsageError("serve.public_url is not set: a link needs the address serve is reached at",
                         "set serve.public_url in .incident/config.yaml");
    const std::string key = ctx.io.env(paging.link_key_env).value_or("");
    if (!link_key_strong_enough(key))
        throw UsageError(paging.link_key_env + (key.empty() ? " is not set" : " is shorter than 16 bytes") +
                             ": links are signed with its value, and serve checks them with the same",
                         "export " + paging.link_key_env + "=$(openssl rand -hex 32), for serve too");
    Seconds ttl = paging.link_ttl;
    if (!o.expires.empty()) {
        auto d = parse_duration(o.expires);
        if (!d || *d < Seconds{60})
            throw UsageError("--expires: '" + o.expires + "' is not a duration of a minute or more",
                             "e.g. --expires 2h");
        ttl = *d;
    }
    const std::string link =
        page_link(paging.public_url, key, inc.uid, person->key, resolve_time(ctx, o.flags.at) + ttl);
    if (o.flags.json) return print_json(ctx.io, {{"id", id}, {"person", person->key}, {"link", link}});
    ctx.io.out << link << "\n";
}

}  // namespace

void run_page_tick(const Context& ctx, const CommonFlags& flags, bool leading) {
    std::error_code ec;
    Workspace ws = open_workspace(ctx);
    if (!fs::exists(escalation_path(ws.repo), ec) && !fs::exists(heartbeats_path(ws.repo), ec)) return;
    const std::string actor = resolve_actor(ctx, flags, ws.repo.root);
    PageOptions opts{ctx.now, change_options(ctx, flags, actor), false, ws.notify.delivery.budget};
    print_pages(ctx.io, leading ? page_tick(ws, opts, ctx.io.env, real_sleep)
                                : send_settled_pages(ws, opts, ctx.io.env, real_sleep));
    print_hook_report(ctx.io, run_queued_hooks(ws, opts.change, opts.now));
}

void register_page(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<PageCliOptions>();
    auto* page = app.add_subcommand("page", "Page people by escalation policy (.incident/escalation.yaml)");
    page->require_subcommand(1);

    auto* tick = page->add_subcommand(
        "tick", "Fire every due step of every active (open, triaged, investigating), unacknowledged incident");
    add_read_flags(tick, o->flags);
    tick->add_option("--at", o->flags.at,
                     "Evaluate the schedules and the step delays at TIME (RFC 3339, now, -1h); the events carry it")
        ->type_name("TIME");
    tick->add_flag("--no-commit", o->flags.no_commit, "Save the paged events but do not git-commit them");
    tick->add_flag("-n,--dry-run", o->flags.dry_run, "Show what would page; write and send nothing");
    tick->add_flag("--sync", o->flags.sync, "Push the paged events at once (incident sync), as git.auto_sync does");
    tick->add_option("--budget", o->budget, "Time to spend sending pages in all; the rest stays in the outbox")
        ->type_name("DURATION")
        ->capture_default_str();
    tick->footer(
        "Run it from cron every minute, or leave it to incident serve, which runs it every --page-every\n"
        "seconds (default 5). It also opens an incident for each missed heartbeat (heartbeats.yaml).\n"
        "Idempotent: the timeline's paged events say what fired; two runs at once page each step once.\n"
        "A future --at writes events validate calls future: use it with --dry-run.\n"
        "Acknowledge links need serve.public_url and a key of 16 bytes or more in INCIDENT_LINK_KEY\n"
        "(serve.link_key_env).\n"
        "Exit codes: 0 done (pages that could not be sent stay in the outbox: incident notify list),\n"
        "2 a bad --at or --budget, 4 escalation.yaml, people.yaml or the paging settings do not read.");
    tick->callback([o, &ctx] { run_tick(*o, ctx); });

    auto* link = page->add_subcommand("link", "Print the signed acknowledge link a page to PERSON carries");
    link->add_option("id", o->id, "Incident id (INC-42 or 42)")->required();
    link->add_option("--person", o->person, "The person paged (key or email in people.yaml)")
        ->type_name("PERSON")
        ->required();
    link->add_option("--expires", o->expires, "How long it stays valid (default serve.link_ttl, 24h)")
        ->type_name("DURATION");
    link->add_option("--at", o->flags.at, "The link expires --expires after TIME (RFC 3339, now, -1h)")
        ->type_name("TIME");
    link->footer(
        "It needs serve.public_url (where serve is reached) and the key in INCIDENT_LINK_KEY\n"
        "(serve.link_key_env), 16 bytes or more, the same serve checks links with.");
    link->add_flag("--json", o->flags.json, "Print {id, person, link}");
    link->callback([o, &ctx] { run_link(*o, ctx); });
}

}  // namespace incident::cli
