// incident oncall list | who | shifts | override | overrides | ical: who is
// on call, from the people and schedules in the repository (lib/oncall).
#include "commands.hpp"
#include "model/text.hpp"
#include "model/yaml_write.hpp"
#include "oncall/ical.hpp"
#include "output.hpp"
#include "report/table.hpp"
#include "store/store.hpp"

namespace incident::cli {

struct OncallOptions {
    std::string schedule, at, from, to, who, instead_of, reason, remove, format;
    CommonFlags flags;
};

namespace {

constexpr const char* kFiles = R"(
Files (each checked by incident validate against schemas/, errors located):
  .incident/people.yaml     people: KEY: {name, email, time_zone, contact: [...]}
                            contact methods, tried in order when paging:
                            {email: A}, {slack: U123, target: T}, {push: TOPIC},
                            {sms: +49..., target: T}, ... Everywhere a person is
                            named, the key or the email is accepted.
  .incident/oncall/NAME.yaml  a schedule:
      name: SRE primary
      time_zone: Europe/Berlin            # every local time below is in it
      layers:                             # a later layer wins where it has someone
        - name: weekly
          start: 2026-01-05T09:00         # local time of the first hand-off
          rotation: weekly                # hourly | daily | weekly
          shift: 1                        # rotation units per turn
          members: [alice, bob, [carol, dave]]   # turn order; a list is a pair
          restrict:                       # optional: only inside these windows
            - {days: [mon, tue, wed, thu, fri], from: "09:00", to: "17:00"}
      overrides:                          # optional, by hand; from/to local or with an offset
        - {from: 2026-12-24T18:00, to: 2026-12-26T09:00, who: bob, instead_of: alice}
  .incident/oncall/overrides/NAME/ID.yaml  one override each, as oncall override
                            writes them: two clones adding overrides never conflict.
Daily and weekly hand-offs keep their local wall-clock time across
daylight-saving changes (hourly rotations step by elapsed hours); a local
time that does not exist moves to the first instant after the gap, an
ambiguous one takes its first occurrence. A window whose end is at or before
its start runs over midnight. A rotation's position is computed from its
start, so every clone answers the same for any instant, past or future.
Exit codes: 2 a bad override (ends before it starts, an unknown person),
3 no such schedule, 4 a file that does not read (file:line:col).)";

// --at, --from, --to: RFC 3339, now, relative (+2d), a bare date (midnight
// UTC), or with a schedule a local time in its zone (2026-03-29T09:00).
Timestamp time_arg(const Context& ctx, const std::string& text, const char* flag, const Zone* zone,
                   Timestamp fallback) {
    if (text.empty()) return fallback;
    if (auto t = parse_oncall_time(text, ctx.now, zone)) return *t;
    throw UsageError(std::string(flag) + ": cannot read '" + text + "' as a time",
                     std::string("use RFC 3339 (2026-11-22T03:04:05Z), 'now', a relative time like +2d") +
                         (zone ? ", or a local time in the schedule's zone (2026-11-22T09:00)" : ""));
}

nlohmann::ordered_json time_or_null(const std::optional<Timestamp>& t) {
    return t ? nlohmann::ordered_json(format_rfc3339(*t)) : nlohmann::ordered_json(nullptr);
}

std::string email_of(const People& people, const std::string& key) {
    const Person* p = people.find(key);
    return p ? p->email : std::string();
}

// The schedules a command looks at: one, or every one. With every one, a
// schedule that cannot be read is set aside in `errors`.
std::vector<Schedule> schedules(const Workspace& ws, const People& people, const std::string& key,
                                std::vector<InvalidData>& errors) {
    if (!key.empty()) return {load_schedule(ws.repo, people, key)};
    std::vector<Schedule> out;
    for (const auto& k : schedule_keys(ws.repo)) {
        try {
            out.push_back(load_schedule(ws.repo, people, k));
        } catch (const InvalidData& e) {
            errors.push_back(e);
        }
    }
    return out;
}

void run_list(const OncallOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const People people = load_people(ws.repo);
    std::vector<InvalidData> errors;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : schedules(ws, people, "", errors)) {
        std::vector<std::string> now;
        for (const auto& c : on_call(s, ctx.now)) now.push_back(c.person);
        std::vector<std::string> layers;
        for (const auto& l : s.layers) layers.push_back(l.name);
        list.push_back({{"schedule", s.key},
                        {"name", s.name},
                        {"time_zone", s.time_zone},
                        {"layers", layers},
                        {"overrides", s.overrides.size()},
                        {"on_call", now}});
        rows.push_back({s.key, s.name, s.time_zone, join(layers), now.empty() ? "-" : join(now)});
    }
    if (opts.flags.json)
        print_json(ctx.io, list);
    else if (rows.empty() && errors.empty())
        ctx.io.out << "no schedules (write .incident/oncall/NAME.yaml: see man incident-oncall)\n";
    else
        print_table(ctx.io, {"SCHEDULE", "NAME", "TIME ZONE", "LAYERS", "ON CALL NOW"}, rows);
    fail_on_unreadable(ctx.io, errors, ".incident/oncall", "schedule file(s)");
}

void run_who(const OncallOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const People people = load_people(ws.repo);
    std::vector<InvalidData> errors;
    auto all = schedules(ws, people, opts.schedule, errors);
    const Timestamp at = time_arg(ctx, opts.at, "--at", all.size() == 1 ? &all[0].zone : nullptr, ctx.now);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : all) {
        const auto people_on_call = on_call(s, at);
        if (people_on_call.empty()) rows.push_back({s.key, "-", "", "", "", "nobody on call"});
        for (const auto& c : people_on_call) {
            const Person* p = people.find(c.person);
            nlohmann::ordered_json o = {{"schedule", s.key},
                                        {"person", c.person},
                                        {"name", json_or_null(p ? p->name : "")},
                                        {"email", json_or_null(p ? p->email : "")},
                                        {"from", time_or_null(c.from)},
                                        {"until", time_or_null(c.until)},
                                        {"source", c.source}};
            std::string source = c.source;
            if (!c.override_id.empty()) {
                o["override"] = c.override_id;
                for (const auto& x : s.overrides)
                    if (x.id == c.override_id && !x.reason.empty()) {
                        o["reason"] = x.reason;
                        source += " (" + x.reason + ")";
                    }
            }
            list.push_back(o);
            rows.push_back({s.key, c.person, p ? p->email : "", c.from ? format_rfc3339(*c.from) : "?",
                            c.until ? format_rfc3339(*c.until) : "?", source});
        }
    }
    if (opts.flags.json)
        print_json(ctx.io, list);
    else if (rows.empty() && errors.empty())
        ctx.io.out << "no schedules (write .incident/oncall/NAME.yaml: see man incident-oncall)\n";
    else if (!rows.empty())
        print_table(ctx.io, {"SCHEDULE", "PERSON", "EMAIL", "FROM", "UNTIL", "SOURCE"}, rows);
    fail_on_unreadable(ctx.io, errors, ".incident/oncall", "schedule file(s)");
}

// The shifts of --from/--to (default: a week from now), of one person with --who.
std::vector<Shift> shifts_of(const OncallOptions& opts, const Context& ctx, const Schedule& s, const People& people,
                             Timestamp default_from, Seconds default_span) {
    const Timestamp from = time_arg(ctx, opts.from, "--from", &s.zone, default_from);
    const Timestamp to = time_arg(ctx, opts.to, "--to", &s.zone, from + default_span);
    if (to <= from) throw UsageError("--to is not after --from");
    return shifts_of_person(final_shifts(s, from, to), people, opts.who);
}

void run_shifts(const OncallOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const People people = load_people(ws.repo);
    const Schedule s = load_schedule(ws.repo, people, opts.schedule);
    const auto shifts = shifts_of(opts, ctx, s, people, ctx.now, Seconds(7 * 86400));
    const std::string format = opts.flags.json ? "json" : opts.format.empty() ? "table" : opts.format;
    if (format == "json") {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& x : shifts)
            list.push_back({{"person", x.person},
                            {"email", json_or_null(email_of(people, x.person))},
                            {"from", format_rfc3339(x.from)},
                            {"until", format_rfc3339(x.until)},
                            {"source", x.source}});
        print_json(ctx.io, list);
        return;
    }
    Table table{"", {"person", "email", "from", "until", "source"}, {}};
    for (const auto& x : shifts)
        table.rows.push_back(
            {x.person, email_of(people, x.person), format_rfc3339(x.from), format_rfc3339(x.until), x.source});
    if (format == "csv") {
        ctx.io.out << to_csv(table);
        return;
    }
    if (shifts.empty()) {
        ctx.io.out << "nobody on call in that range\n";
        return;
    }
    print_table(ctx.io, {"PERSON", "EMAIL", "FROM", "UNTIL", "SOURCE"}, table.rows);
}

// A new override's file name: its start, who takes over, and a random tail
// so that two clones never write the same name.
std::string override_id(Timestamp from, const std::string& who) {
    std::string t = format_rfc3339(from);  // 2026-12-24T17:00:00Z
    std::string stamp;
    for (char c : t.substr(0, 16))
        if (c != '-' && c != ':') stamp += c;
    return stamp + "Z-" + who + "-" + new_uid().substr(0, 6);
}

void remove_override(const OncallOptions& opts, const Context& ctx, const Workspace& ws, const Schedule& s,
                     const ChangeOptions& change) {
    auto it =
        std::find_if(s.overrides.begin(), s.overrides.end(), [&](const Override& o) { return o.id == opts.remove; });
    if (it == s.overrides.end())
        throw NotFound("no override " + opts.remove + " in schedule " + s.key,
                       "incident oncall overrides " + s.key + " lists them");
    if (it->id.find('#') != std::string::npos)
        throw UsageError(opts.remove + " is written in " + it->file + ": edit that file to take it back");
    auto r = change_files(ws, {{overrides_dir(ws.repo, s.key) / (it->id + ".yaml"), std::nullopt}},
                          "oncall: " + s.key + ": remove override " + it->id, change);
    print_warnings(ctx.io, r.warnings);
    if (opts.flags.json)
        print_json(ctx.io, {{"schedule", s.key}, {"removed", it->id}, {"dry_run", opts.flags.dry_run}});
    else
        ctx.io.out << (opts.flags.dry_run ? "would remove " : "removed ") << it->id << "\n";
}

// The override's file: who takes over when, and who wrote it.
std::string override_text(const Schedule& s, Timestamp from, Timestamp to, const std::string& who,
                          const std::string& instead_of, const std::string& reason, const std::string& actor,
                          Timestamp created) {
    std::string text = "# An on-call override of schedule " + s.key + ", written by incident oncall override.\n";
    auto entry = [&](const char* key, const std::string& value) {
        if (!value.empty()) write_entry(text, key, YamlNode(value), 0);
    };
    entry("from", format_rfc3339(from));
    entry("to", format_rfc3339(to));
    entry("who", who);
    entry("instead_of", instead_of);
    entry("reason", reason);
    entry("by", actor);
    entry("created_at", format_rfc3339(created));
    return text;
}

void run_override(const OncallOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const People people = load_people(ws.repo);
    const Schedule s = load_schedule(ws.repo, people, opts.schedule);
    const std::string actor = resolve_actor(ctx, opts.flags, ws.repo.root);
    const ChangeOptions change = change_options(ctx, opts.flags, actor);
    if (!opts.remove.empty()) return remove_override(opts, ctx, ws, s, change);
    auto person = [&](const std::string& who, const char* flag) {
        if (who.empty()) throw UsageError(std::string(flag) + " is required");
        const Person* p = people.find(who);
        if (!p)
            throw UsageError(std::string(flag) + ": '" + who + "' is not in .incident/people.yaml (a key or an email)");
        return p->key;
    };
    const std::string who = person(opts.who, "--who");
    const std::string instead_of = opts.instead_of.empty() ? "" : person(opts.instead_of, "--instead-of");
    if (opts.from.empty() || opts.to.empty()) throw UsageError("--from and --to are required");
    const Timestamp from = time_arg(ctx, opts.from, "--from", &s.zone, ctx.now);
    const Timestamp to = time_arg(ctx, opts.to, "--to", &s.zone, ctx.now);
    if (to <= from)
        throw UsageError("the override ends before it starts (" + format_rfc3339(from) + " to " + format_rfc3339(to) +
                         ")");
    if (who == instead_of) throw UsageError("--who and --instead-of name the same person");
    if (!instead_of.empty() && shifts_of_person(final_shifts(s, from, to), people, instead_of).empty())
        ctx.io.err << "incident: warning: " << instead_of << " is not on call in " << s.key << " from "
                   << format_rfc3339(from) << " to " << format_rfc3339(to) << ": the override changes nothing then\n";
    const std::string id = override_id(from, who);
    const std::string text =
        override_text(s, from, to, who, instead_of, opts.reason, actor, resolve_time(ctx, opts.flags.at));
    const fs::path path = overrides_dir(ws.repo, s.key) / (id + ".yaml");
    auto r = change_files(ws, {{path, text}},
                          "oncall: " + s.key + ": " + who + " takes over" +
                              (instead_of.empty() ? "" : " from " + instead_of) + ", " + format_rfc3339(from) + " to " +
                              format_rfc3339(to),
                          change);
    print_warnings(ctx.io, r.warnings);
    if (opts.flags.json)
        print_json(ctx.io, {{"schedule", s.key},
                            {"override", id},
                            {"file", ws.repo.relative(path)},
                            {"from", format_rfc3339(from)},
                            {"until", format_rfc3339(to)},
                            {"who", who},
                            {"instead_of", json_or_null(instead_of)},
                            {"reason", json_or_null(opts.reason)},
                            {"committed", r.committed},
                            {"dry_run", opts.flags.dry_run}});
    else if (opts.flags.dry_run)
        ctx.io.out << "would write " << ws.repo.relative(path) << ":\n" << text;
    else
        ctx.io.out << id << "\n";
}

void run_overrides(const OncallOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const People people = load_people(ws.repo);
    const Schedule s = load_schedule(ws.repo, people, opts.schedule);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : s.overrides) {
        list.push_back({{"id", o.id},
                        {"from", format_rfc3339(o.from)},
                        {"until", format_rfc3339(o.to)},
                        {"who", o.who},
                        {"instead_of", json_or_null(o.instead_of)},
                        {"reason", json_or_null(o.reason)},
                        {"by", json_or_null(o.by)},
                        {"file", o.file}});
        rows.push_back({o.id, format_rfc3339(o.from), format_rfc3339(o.to), o.who,
                        o.instead_of.empty() ? "everyone" : o.instead_of, o.reason});
    }
    if (opts.flags.json)
        print_json(ctx.io, list);
    else if (rows.empty())
        ctx.io.out << "no overrides in " << s.key << "\n";
    else
        print_table(ctx.io, {"ID", "FROM", "UNTIL", "WHO", "INSTEAD OF", "REASON"}, rows);
}

void run_ical(const OncallOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const Schedule s = load_schedule(ws.repo, load_people(ws.repo), opts.schedule);
    const Timestamp now = time_arg(ctx, opts.at, "--at", &s.zone, ctx.now);
    ctx.io.out << oncall_calendar(ws.repo, {s.key, opts.who, opts.from, opts.to, now});
}

void register_override(CLI::App& cmd, const std::shared_ptr<OncallOptions>& opts, Context& ctx) {
    auto* override_cmd = cmd.add_subcommand(
        "override", "Someone takes over a window (for everyone, or --instead-of one person); one commit");
    override_cmd->add_option("schedule", opts->schedule, "The schedule")->required();
    override_cmd->add_option("--who", opts->who, "Who takes over (key or email)")->type_name("PERSON");
    override_cmd->add_option("--instead-of", opts->instead_of, "Whom they replace (default: everyone on call)")
        ->type_name("PERSON");
    override_cmd
        ->add_option("--from", opts->from,
                     "Start: RFC 3339, now, relative (+2d), or a local time (2026-12-24T18:00) in the schedule's zone")
        ->type_name("TIME");
    override_cmd->add_option("--to", opts->to, "End (after --from)")->type_name("TIME");
    override_cmd->add_option("--reason", opts->reason, "Why (a swap, leave, ...)")->type_name("TEXT");
    override_cmd
        ->add_option("--remove", opts->remove, "Take back the override with this id (oncall overrides lists them)")
        ->type_name("ID");
    add_change_flags(override_cmd, opts->flags);
    override_cmd->callback([opts, &ctx] { run_override(*opts, ctx); });
}

}  // namespace

void register_oncall(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<OncallOptions>();
    auto* cmd = app.add_subcommand(
        "oncall", "Who is on call: schedules, rotations and overrides in .incident/oncall/, people in people.yaml");
    cmd->require_subcommand(1);
    cmd->footer(kFiles);
    const char* time_help =
        "RFC 3339, now, relative (+2d, -1h), a date (midnight UTC), or a local time "
        "(2026-03-29T09:00) in the schedule's zone";
    auto* list = cmd->add_subcommand("list", "The schedules, their layers and who is on call now");
    list->add_flag("--json", opts->flags.json, "Print one JSON document");
    list->callback([opts, &ctx] { run_list(*opts, ctx); });

    auto* who = cmd->add_subcommand("who", "Who is on call now or at --at, in one schedule or all, and why");
    who->add_option("schedule", opts->schedule, "A schedule (its file's name without .yaml); default: all");
    who->add_option("--at", opts->at, std::string("The instant to ask about: ") + time_help)->type_name("TIME");
    who->add_flag("--json", opts->flags.json,
                  "Print a JSON array: one object per person on call (schedule, person, name, email, from, until, "
                  "source)");
    who->callback([opts, &ctx] { run_who(*opts, ctx); });

    auto* shifts = cmd->add_subcommand(
        "shifts", "The final shifts of a schedule in a range: who, from, until and why (layer or override)");
    shifts->add_option("schedule", opts->schedule, "The schedule")->required();
    shifts->add_option("--from", opts->from, std::string("Start of the range (default now): ") + time_help)
        ->type_name("TIME");
    shifts->add_option("--to", opts->to, "End of the range (default a week after --from)")->type_name("TIME");
    shifts->add_option("--who", opts->who, "Only this person's shifts (key or email)")->type_name("PERSON");
    shifts->add_option("-f,--format", opts->format, "table (default), json or csv")
        ->check(CLI::IsMember({"table", "json", "csv"}));
    shifts->add_flag("--json", opts->flags.json,
                     "Short for --format json: a list of {person, email, from, until, source}");
    shifts->callback([opts, &ctx] { run_shifts(*opts, ctx); });

    register_override(*cmd, opts, ctx);

    auto* overrides = cmd->add_subcommand("overrides", "A schedule's overrides with their ids");
    overrides->add_option("schedule", opts->schedule, "The schedule")->required();
    overrides->add_flag("--json", opts->flags.json, "Print one JSON document");
    overrides->callback([opts, &ctx] { run_overrides(*opts, ctx); });

    auto* ical = cmd->add_subcommand(
        "ical",
        "The final shifts as an iCalendar (RFC 5545) on stdout; incident serve serves it at /v1/oncall/NAME.ics");
    ical->add_option("schedule", opts->schedule, "The schedule")->required();
    ical->add_option("--who", opts->who, "Only this person's shifts (key or email)")->type_name("PERSON");
    ical->add_option("--from", opts->from, "Start (default 14 days before now)")->type_name("TIME");
    ical->add_option("--to", opts->to, "End (default 194 days after --from)")->type_name("TIME");
    ical->add_option("--at", opts->at, "What counts as now (DTSTAMP and the default range)")->type_name("TIME");
    ical->callback([opts, &ctx] { run_ical(*opts, ctx); });
}

}  // namespace incident::cli
