// incident status build DIR | publish: the public status page (lib/status),
// built from the public updates, titles and component states alone.
#include "commands.hpp"
#include "output.hpp"
#include "status/publish.hpp"
#include "status/site.hpp"
#include "store/atomic_file.hpp"

namespace incident::cli {

struct StatusOptions {
    std::string dir, branch, message;
    bool push = false;
    CommonFlags flags;
};

namespace {

constexpr const char* kFooter = R"(
Only what responders marked public leaves the repository: public updates
(update --public -m TEXT, open/resolve --public-message), public titles
(--public-title), component states (update --component NAME=STATE) and
maintenance windows with public text (maintenance add --public TEXT). No
internal title, note, person, email address, alert label or attachment is
ever written. An incident with none of these stays off the page.

The site: index.html (overall state, components, current incidents with
their public updates newest first, scheduled maintenance, past incidents of
status_page.history_days), incidents/ID.html, history.atom (one entry per
public update), api/v2/summary.json and api/v2/status.json in Statuspage's
shapes, style.css. Plain HTML and CSS; times in UTC. The same repository and
--at give the same bytes. The templates can be replaced one by one by files
of the same name in .incident/templates/status/ (mustache, HTML-escaped).

Settings (.incident/config.yaml):
  status_page:
    name: Example status
    url: https://status.example.com      # links and feed ids; optional
    components:
      - {name: API, group: Platform, services: [api, checkout]}
      - {name: Web site, description: www.example.com, services: [web]}
    states: {P1: major_outage, P2: partial_outage, mitigated: degraded_performance}
    history_days: 90
    branch: status-page                  # status publish's branch
    publish_on_change: true              # every public change republishes it
                                         # (default: true where git.auto_sync is)

Exit codes: 2 a bad argument (a branch name git refuses, the branch checked
out here), 4 settings, a template or a maintenance window that does not
read (file:line:col), 1 git failed.)";

std::string build_message(const SiteInput& in, Timestamp at) {
    std::size_t current = 0;
    for (const auto& p : in.incidents) current += p.status != "resolved";
    return "status page: " + std::to_string(current) + " current incident" + (current == 1 ? "" : "s") + ", " +
           std::to_string(in.incidents.size()) + " public in all, as of " + format_rfc3339(at);
}

void run_build(const StatusOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Timestamp at = resolve_time(ctx, o.flags.at);
    SiteInput in = load_site_input(ws, at);
    auto files = render_site(in);
    const fs::path dir = fs::absolute(o.dir);
    for (const auto& [path, text] : files) {
        fs::create_directories((dir / path).parent_path());
        write_file_atomically(dir / path, text);
    }
    if (o.flags.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& [path, text] : files) list.push_back(path);
        print_json(ctx.io, {{"dir", dir.string()}, {"incidents", in.incidents.size()}, {"files", list}});
    } else {
        ctx.io.out << o.dir << ": " << files.size() << " files, " << in.incidents.size() << " public incident"
                   << (in.incidents.size() == 1 ? "" : "s") << "\n";
    }
}

void run_publish(const StatusOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Timestamp at = resolve_time(ctx, o.flags.at);
    SiteInput in = load_site_input(ws, at);
    PublishOptions po;
    po.branch = o.branch.empty() ? in.settings.branch : o.branch;
    po.message = o.message.empty() ? build_message(in, at) : o.message;
    po.actor = resolve_actor(ctx, o.flags, ws.repo.root);
    po.push = o.push;
    auto r = publish_site(ws, render_site(in), po);
    std::error_code ec;
    fs::remove(publish_pending_path(ws.repo), ec);
    print_warnings(ctx.io, r.warnings);
    if (o.flags.json) {
        print_json(ctx.io, {{"branch", po.branch},
                            {"commit", r.commit},
                            {"changed", r.changed},
                            {"pushed", r.pushed},
                            {"remote", json_or_null(r.remote)}});
    } else {
        ctx.io.out << po.branch << ": " << (r.changed ? r.commit.substr(0, 12) : "unchanged")
                   << (r.pushed ? ", pushed to " + r.remote : "") << "\n";
    }
}

}  // namespace

void register_status(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<StatusOptions>();
    auto* cmd = app.add_subcommand("status", "The public status page: a static site and feed from the public updates");
    cmd->require_subcommand(1);
    cmd->footer(kFooter);

    auto* build = cmd->add_subcommand("build", "Write the status page into DIR");
    build->add_option("dir", o->dir, "Where the site goes (created; its files replaced)")->required();
    add_read_flags(build, o->flags);
    build->add_option("--at", o->flags.at, "The page as of TIME (RFC 3339, now, -1h)")->type_name("TIME");
    build->callback([o, &ctx] { run_build(*o, ctx); });

    auto* publish = cmd->add_subcommand(
        "publish", "Commit the status page as the whole tree of a branch (the work tree and index untouched)");
    publish->add_option("--branch", o->branch, "The branch (default: status_page.branch, status-page)")
        ->type_name("BRANCH");
    publish->add_flag("--push", o->push, "Then push the branch to the upstream remote");
    publish->add_option("-m,--message", o->message, "The commit message")->type_name("TEXT");
    add_read_flags(publish, o->flags);
    publish->add_option("--at", o->flags.at, "The page as of TIME (RFC 3339, now, -1h)")->type_name("TIME");
    publish->callback([o, &ctx] { run_publish(*o, ctx); });
}

}  // namespace incident::cli
