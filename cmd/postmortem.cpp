// incident postmortem ID: write or refresh postmortems/ID.md from a template,
// keeping human writing; --check says what is missing (exit 6).
#include "postmortem/postmortem.hpp"

#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "output.hpp"
#include "store/atomic_file.hpp"

namespace incident::cli {

struct PostmortemOptions {
    std::string id, template_name;
    bool force = false, check = false;
    CommonFlags flags;
};

namespace {

void run_check(const PostmortemOptions& opts, const Context& ctx, const Workspace& ws, const std::string& id) {
    Incident inc = ws.store.load(id);
    fs::path path = ws.repo.postmortems_dir() / (id + ".md");
    bool exists = false;
    auto problems = check_postmortem_file(ws.repo, path, inc, exists);
    auto due = postmortem_meeting_due(inc, ws.config);
    bool required = Config::rank(ws.config.postmortem_required_for, inc.priority) >= 0;
    if (opts.flags.json) {
        print_json(ctx.io, {{"id", id},
                            {"path", ws.repo.relative(path)},
                            {"exists", exists},
                            {"required", required},
                            {"complete", problems.empty()},
                            {"problems", problems},
                            {"meeting_due",
                             due ? nlohmann::ordered_json(format_rfc3339(*due)) : nlohmann::ordered_json(nullptr)}});
    } else {
        for (const auto& p : problems) ctx.io.out << ws.repo.relative(path) << ": " << p << "\n";
        if (problems.empty()) ctx.io.out << ws.repo.relative(path) << ": complete\n";
        if (due) ctx.io.out << "review meeting due by " << format_rfc3339(*due) << "\n";
    }
    if (!problems.empty())
        throw Error(ExitCode::check,
                    ws.repo.relative(path) + ": " + std::to_string(problems.size()) + " thing(s) to finish");
}

}  // namespace

void run_postmortem(const PostmortemOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::string id = resolve_id(ctx, ws, opts.id);
    if (opts.check) return run_check(opts, ctx, ws, id);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_event_time(ctx, opts.flags.at), ws.config};
    PostmortemTemplate tmpl =
        postmortem_template(opts.template_name.empty() ? ws.config.postmortem_template : opts.template_name, ws.repo);
    fs::path path = ws.repo.postmortems_dir() / (id + ".md");
    auto current = read_postmortem(ws.repo, path);
    bool exists = current.has_value();
    std::string existing = current.value_or("");
    // The text depends on the incident after the event is added, so it is made inside the change.
    std::string written;
    auto make = [&](const Incident& inc) {
        std::string fresh = render_postmortem(inc, ws.config, tmpl.text, actor.at, tmpl.where);
        written = exists && !opts.force ? merge_postmortem(existing, fresh) : fresh;
        return written;
    };
    {
        Incident probe = ws.store.load(id);
        if (exists && !opts.force && make(probe) == existing) {
            if (opts.flags.json)
                print_json(ctx.io, {{"id", id}, {"path", ws.repo.relative(path)}, {"changed", false}});
            else
                ctx.io.out << ws.repo.relative(path) << " is up to date\n";
            return;
        }
    }
    auto result = change_incident(
        ws, id,
        [&](Incident& inc) {
            Event e{actor.at, actor.who, "postmortem", (exists ? "refreshed " : "wrote ") + ws.repo.relative(path), {}};
            return add_event(inc, e);
        },
        change_options(ctx, opts.flags, who),
        [&](const Incident& inc) {
            return std::vector<std::pair<fs::path, std::string>>{{path, make(inc)}};
        });
    if (opts.flags.dry_run) make(result.incident);
    print_warnings(ctx.io, result.warnings);
    if (opts.flags.json)
        print_json(ctx.io, {{"id", id},
                            {"path", ws.repo.relative(path)},
                            {"changed", true},
                            {"written", result.written},
                            {"committed", result.committed}});
    else if (opts.flags.dry_run)
        ctx.io.out << written;
    else
        ctx.io.out << (exists ? (opts.force ? "rewrote " : "refreshed ") : "wrote ") << ws.repo.relative(path) << "\n";
    after_change_effects(ctx, ws, result, opts.flags);
}

void register_postmortem(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<PostmortemOptions>();
    auto* cmd = app.add_subcommand(
        "postmortem", "Write or refresh the blameless postmortem postmortems/ID.md; --check says what is missing");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--template", opts->template_name,
                    "google-sre, pagerduty, atlassian, or NAME for .incident/templates/NAME.md.mustache "
                    "(default: postmortem.template in the config)");
    cmd->add_flag("-f,--force", opts->force, "Overwrite the whole file, human writing included");
    cmd->add_flag("--check", opts->check,
                  "Exit 6 while required sections are empty or action items lack an owner or due date");
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] { run_postmortem(*opts, ctx); });
}

}  // namespace incident::cli
