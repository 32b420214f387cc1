// incident open TITLE: log a new incident; prints its id. With --dedup-key,
// an incident still open under that key gets a repeat instead. With
// --from-alert FILE, the alerts a monitoring system sent open or update
// incidents (lib/intake).
#include <iostream>

#include "commands.hpp"
#include "intake/intake.hpp"
#include "output.hpp"
#include "public_flags.hpp"
#include "similar/similar.hpp"
#include "store/atomic_file.hpp"

namespace incident::cli {

struct OpenOptions {
    NewIncident fields;
    std::string started_at, detected_at;
    std::string from_alert, format, source;
    std::optional<bool> similar;  // --similar / --no-similar; unset: when stderr is a terminal
    PublicFlags published;
    CommonFlags flags;
};

namespace {

// The body of --from-alert: a file or standard input, parsed as JSON.
nlohmann::json read_alert_body(const std::string& from) {
    std::string text;
    if (from == "-") {
        text.assign(std::istreambuf_iterator<char>(std::cin), {});
    } else {
        auto t = read_file(from);
        if (!t) throw IoError("cannot read " + from);
        text = std::move(*t);
    }
    return parse_alert_body(text, from == "-" ? "<stdin>" : from);
}

void run_from_alert(const OpenOptions& opts, const Context& ctx, const Workspace& ws) {
    nlohmann::json body = read_alert_body(opts.from_alert);
    std::optional<AlertFormat> format =
        opts.format.empty() ? detect_alert_format(body) : parse_alert_format(opts.format);
    if (!format && !opts.format.empty())
        throw UsageError("--format: '" + opts.format + "' is not a format",
                         "formats: alertmanager, grafana, pagerduty, generic");
    if (!opts.source.empty() && !opts.format.empty() && *format != AlertFormat::generic)
        throw UsageError("--source names a generic mapping: use it with --format generic");
    if (!format && !opts.source.empty()) format = AlertFormat::generic;
    if (!format)
        throw UsageError("cannot tell what sent this alert",
                         "give --format alertmanager|grafana|pagerduty, "
                         "or --source NAME for a generic mapping");
    if (*format == AlertFormat::generic && opts.source.empty())
        throw UsageError("--format generic needs --source NAME (a mapping under intake.generic)");
    const std::string display = ws.repo.relative(ws.repo.config_path());
    IntakeSettings settings = intake_settings(ws.config, display);
    auto alerts =
        parse_alerts(body, *format, settings, opts.source, opts.from_alert == "-" ? "<stdin>" : opts.from_alert);
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    auto outcomes = take_alerts(ws, alerts, settings, who, resolve_event_time(ctx, opts.flags.at),
                                change_options(ctx, opts.flags, who));
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& o : outcomes) {
        print_warnings(ctx.io, o.change.warnings);
        if (opts.flags.json) {
            arr.push_back(to_json(o));
        } else if (o.id.empty()) {
            ctx.io.err << "incident: no open incident has the key " << o.key << ": alert ignored\n";
        } else {
            ctx.io.out << o.id << " " << o.outcome << (o.count > 1 ? " (alert " + std::to_string(o.count) + ")" : "")
                       << "\n";
        }
    }
    if (opts.flags.json) print_json(ctx.io, arr);
    for (const auto& o : outcomes)
        if (!o.id.empty()) after_change_effects(ctx, ws, o.change, opts.flags);
}

// "similar: INC-12 (0.82), INC-40 (0.77)" on stderr, so that a responder links them.
void hint_similar(const Context& ctx, const Workspace& ws, const Incident& inc) {
    constexpr int kThreshold = 5000;  // 0.50
    auto found = similar_open(ws.store, ws.config, inc, ctx.now, kThreshold, 3);
    if (found.empty()) return;
    std::string list;
    char score[8];
    for (const auto& [id, s] : found) {
        std::snprintf(score, sizeof score, "%.2f", s / 10000.0);
        list += (list.empty() ? "" : ", ") + id + " (" + score + ")";
    }
    ctx.io.err << "incident: similar open incidents: " << list << "\n"
               << "hint: incident similar " << inc.id << " explains the scores; link one with: incident update "
               << inc.id << " --related " << found.front().first << "\n";
}

}  // namespace

void run_open(const OpenOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    if (!opts.from_alert.empty()) return run_from_alert(opts, ctx, ws);
    if (opts.fields.title.empty()) throw UsageError("a title is required (or --from-alert FILE)");
    std::string who = resolve_actor(ctx, opts.flags, ws.repo.root);
    Actor actor{who, resolve_event_time(ctx, opts.flags.at), ws.config};
    NewIncident fields = opts.fields;
    if (!opts.started_at.empty()) fields.started_at = resolve_event_time(ctx, opts.started_at, "--started-at");
    if (!opts.detected_at.empty()) fields.detected_at = resolve_event_time(ctx, opts.detected_at, "--detected-at");
    for (auto& r : fields.related) r = normalise_id(r, ws.config.id_prefix);
    fields.assignee = person_arg(ws, fields.assignee);
    fields.reporter = person_arg(ws, fields.reporter);
    for (const auto& r : fields.related)
        if (!ws.store.exists(r)) throw NotFound("--related: no incident " + r);
    // By hand, as from an alert: an incident still open under the key gets a repeat.
    std::string repeated;
    auto find = [&] {
        return repeated = fields.dedup_key.empty() ? "" : find_open_by_key(ws, fields.dedup_key, actor.at);
    };
    auto repeat = [&](Incident& inc) {
        Alert a;
        a.key = fields.dedup_key;
        a.title = fields.title;
        std::string outcome;
        return record_alert(inc, actor, a, IntakeSettings{}, outcome);
    };
    const PublicChange published = public_change(opts.published);
    const StatusPageSettings page = status_page_settings(ws.config, ".incident/config.yaml");
    auto build = [&](const std::string& id) {
        Incident inc = open_incident(id, fields, ws.rules, actor);
        add_public_events(inc, actor, published, page);
        return inc;
    };
    auto result = change_or_create(ws, find, repeat, build, change_options(ctx, opts.flags, who));
    print_warnings(ctx.io, result.warnings);
    if (!repeated.empty())
        ctx.io.err << "incident: " << result.incident.id << " is open with the dedup key " << fields.dedup_key
                   << ": recorded there as a repeat, nothing opened\n";
    if (opts.flags.json)
        print_json(ctx.io, incident_to_json(result.incident));
    else if (opts.flags.dry_run)
        ctx.io.out << "dry run: would open " << result.incident.id << "\n";
    else
        ctx.io.out << result.incident.id << "\n";
    if (repeated.empty() && !opts.flags.dry_run && opts.similar.value_or(ctx.io.err_is_tty && !opts.flags.json))
        hint_similar(ctx, ws, result.incident);
    after_change_effects(ctx, ws, result, opts.flags);
}

void register_open(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<OpenOptions>();
    auto& f = opts->fields;
    auto* cmd = app.add_subcommand("open", "Log a new incident and print its id");
    cmd->add_option("title", f.title, "One line saying what is wrong");
    cmd->add_option("-d,--description", f.description, "Free text: what is seen, since when, who is affected");
    cmd->add_option("-s,--service", f.service, "Affected service");
    cmd->add_option("--category", f.category, "Category (e.g. network, software, security)");
    cmd->add_option("--subcategory", f.subcategory, "Subcategory (e.g. outage, degradation)");
    cmd->add_option("--impact", f.impact, "Impact on the configured scale (default high|medium|low)");
    cmd->add_option("--urgency", f.urgency, "Urgency on the configured scale (default high|medium|low)");
    cmd->add_option("-p,--priority", f.priority, "Set the priority by hand (otherwise impact x urgency decides)");
    cmd->add_option("--reporter", f.reporter, "Who reported it (default: the actor); an email or a key of people.yaml")
        ->type_name("USER");
    cmd->add_option("--assignee", f.assignee, "Who works on it: an email or a key of people.yaml")->type_name("USER");
    cmd->add_option("--team", f.team, "Owning team (default: default_team in the config)");
    cmd->add_option("--tier", f.tier, "Support tier (default: the first tier, e.g. L1)");
    cmd->add_option("-t,--tag", f.tags, "Tag; repeat for more")->type_name("TAG");
    cmd->add_option("--related", f.related, "Related incident id; repeat for more")->type_name("ID");
    cmd->add_option("--problem", f.problem, "Problem record for the root cause (e.g. PRB-7)");
    cmd->add_option("--location", f.location, "Physical location (security incidents)");
    cmd->add_option("--dedup-key", f.dedup_key, "Key identifying the alert that raised it");
    cmd->add_option("--started-at", opts->started_at, "When the impact began, where known (for MTTD)")
        ->type_name("TIME");
    cmd->add_option("--detected-at", opts->detected_at, "When the problem was detected (for MTTD)")->type_name("TIME");
    cmd->add_flag("--drill", f.drill, "An exercise: excluded from metrics by default");
    cmd->add_option("--from-alert", opts->from_alert,
                    "Open or update incidents from an alert webhook body (a file, or - for standard input)")
        ->type_name("FILE");
    cmd->add_option("--format", opts->format,
                    "What sent it: alertmanager, grafana, pagerduty, generic (default: "
                    "told from its shape)")
        ->type_name("FORMAT");
    cmd->add_option("--source", opts->source, "The generic mapping to read it with (intake.generic.NAME)")
        ->type_name("NAME");
    cmd->add_flag("--similar,!--no-similar", opts->similar,
                  "Say which open incidents look like the new one (default: when stderr is a terminal)");
    add_public_flags(cmd, opts->published, true);
    add_change_flags(cmd, opts->flags);
    cmd->callback([opts, &ctx] { run_open(*opts, ctx); });
}

}  // namespace incident::cli
