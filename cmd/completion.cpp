#include "completion.hpp"

#include <algorithm>
#include <set>

#include "hooks/hooks.hpp"
#include "model/fields.hpp"
#include "model/text.hpp"
#include "oncall/schedule.hpp"
#include "postmortem/postmortem.hpp"
#include "rules/rules.hpp"
#include "schema/field_schemas.hpp"
#include "status/settings.hpp"
#include "store/atomic_file.hpp"

namespace incident::cli {

namespace {

bool takes_value(const CLI::Option* o) { return o->get_type_size_max() > 0 && o->get_expected_min() > 0; }

std::vector<std::string> names(const CLI::Option* o) {
    std::vector<std::string> out;
    for (const auto& s : o->get_snames()) out.push_back("-" + s);
    for (const auto& l : o->get_lnames()) out.push_back("--" + l);
    return out;
}

const CLI::Option* find_option(CLI::App* app, const std::string& word) {
    for (auto* a = app; a; a = a->get_parent())
        for (const auto* o : a->get_options())
            for (const auto& n : names(o))
                if (n == word) return o;
    return nullptr;
}

CLI::App* find_sub(CLI::App* app, const std::string& word) {
    for (auto* s : app->get_subcommands([](CLI::App*) { return true; }))
        if (s->get_name() == word) return s;
    return nullptr;
}

// Values from the repository for a kind of argument; empty outside one.
std::vector<std::string> values(const std::string& kind, const Context& ctx) {
    if (kind == "status") return status_values();
    if (kind == "role") return incident_roles();
    if (kind == "type") return action_types();
    if (kind == "event") return hook_events();
    if (kind == "pack") {
        return pack_names();
    }
    std::vector<std::string> v;
    try {
        Workspace ws = open_workspace(ctx);
        if (kind == "id") return ws.store.list_ids();
        if (kind == "priority") return ws.config.priorities;
        if (kind == "impact") return ws.config.impact_scale;
        if (kind == "urgency") return ws.config.urgency_scale;
        if (kind == "tier") return ws.config.tiers;
        if (kind == "code") return ws.config.resolution_codes;
        if (kind == "team")
            for (const auto& t : ws.config.teams) v.push_back(t.name);
        if (kind == "target")
            for (const auto& t : ws.notify.targets) v.push_back(t.name);
        if (kind == "schedule") return schedule_keys(ws.repo);
        if (kind == "hook")
            for (const auto& h : ws.hooks.hooks) v.push_back(h.name);
        if (kind == "component") {  // id=state: a name may hold spaces, an id never does
            for (const auto& c : status_page_settings(ws.config, "").components) {
                for (int st = 0; st <= static_cast<int>(ComponentState::major_outage); ++st)
                    v.push_back(c.id + "=" + std::string(to_string(static_cast<ComponentState>(st))));
                v.push_back(c.id + "=auto");
            }
            return v;
        }
        if (kind == "person" || kind == "user")
            for (const auto& p : load_people(ws.repo).list) v.push_back(p.key);
        if (kind == "person") return v;
        if (kind == "template")
            for (const auto& [n, _] : builtin_templates()) v.push_back(n);
        if (kind == "service" || kind == "user") {
            // From the index (its cache): every service, or everyone who reported, owns or acted on an incident.
            std::set<std::string, std::less<>> seen;
            for (const auto& x : load_index(ws.store, ws.config, ctx.now).incidents) {
                if (kind == "service") seen.emplace(x.service);
                if (kind == "service") continue;
                seen.emplace(x.reporter);
                seen.emplace(x.assignee);
                for (const auto& a : x.activity) seen.emplace(a.who);
            }
            seen.erase("");
            v.insert(v.end(), seen.begin(), seen.end());
        }
    } catch (const std::exception&) {
    }
    return v;
}

// What an option's or positional's value is, from its name.
std::string kind_of(const std::string& name) {
    static const std::vector<std::pair<std::string, std::string>> kinds = {
        {"status", "status"},     {"priority", "priority"},
        {"service", "service"},   {"team", "team"},
        {"to", "tier"},           {"tier", "tier"},
        {"impact", "impact"},     {"urgency", "urgency"},
        {"related", "id"},        {"id", "id"},
        {"preset", "pack"},       {"pack", "pack"},
        {"role", "role"},         {"code", "code"},
        {"type", "type"},         {"template", "template"},
        {"target", "target"},     {"by", "user"},
        {"owner", "user"},        {"assignee", "user"},
        {"reporter", "user"},     {"user", "user"},
        {"schedule", "schedule"}, {"who", "person"},
        {"instead-of", "person"}, {"component", "component"},
        {"event", "event"},       {"incident", "id"},
        {"hook", "hook"}};
    for (const auto& [n, k] : kinds)
        if (n == name) return k;
    return "";
}

// An option's own list of values: "{a,b,c}" as its validator (CLI::IsMember)
// or its type name describes it; empty when it has none.
std::vector<std::string> listed_values(const CLI::Option* o) {
    std::vector<std::string> out;
    auto take = [&](const std::string& d) {
        if (d.size() > 2 && d.front() == '{' && d.back() == '}') out = split(d.substr(1, d.size() - 2), ',');
    };
    take(o->get_type_name());
    auto* opt = const_cast<CLI::Option*>(o);  // CLI11 hands out validators only through a non-const option
    for (int i = 0; out.empty(); ++i) {
        try {
            take(opt->get_validator(i)->get_description());
        } catch (const CLI::OptionNotFound&) {
            break;
        }
    }
    return out;
}

// The values an option wanting one is completed with.
std::vector<std::string> option_values(const CLI::Option* o, const Context& ctx) {
    auto listed = listed_values(o);
    if (!listed.empty()) return listed;
    return o->get_lnames().empty() ? std::vector<std::string>{} : values(kind_of(o->get_lnames()[0]), ctx);
}

int complete(const std::vector<std::string>& words, CLI::App& app, const Context& ctx) {
    CLI::App* at = &app;
    std::string current = words.empty() ? "" : words.back();
    const CLI::Option* pending = nullptr;  // the previous word was an option wanting a value
    size_t positional = 0;
    for (size_t i = 0; i + 1 < words.size(); ++i) {
        const std::string& w = words[i];
        if (pending) {
            if (w != "=") pending = nullptr;  // bash splits --status=x into --status, =, x
            continue;
        }
        if (auto* s = find_sub(at, w); s && positional == 0) {
            at = s;
            continue;
        }
        if (const auto* o = find_option(at, w)) {
            if (takes_value(o)) pending = o;
            continue;
        }
        if (!w.empty() && w[0] != '-') ++positional;
    }
    std::vector<std::string> out;
    std::string prefix;  // --status=: values are offered as --status=VALUE (zsh, fish)
    if (auto eq = current.find('='); !pending && current.rfind("--", 0) == 0 && eq != std::string::npos) {
        if (const auto* o = find_option(at, current.substr(0, eq)); o && takes_value(o)) {
            pending = o;
            prefix = current.substr(0, eq + 1);
        }
    }
    if (pending && current == "=") current.clear();
    if (pending) {
        for (const auto& v : option_values(pending, ctx)) out.push_back(prefix + v);
    } else if (!current.empty() && current[0] == '-') {
        for (auto* a = at; a; a = a->get_parent())
            for (const auto* o : a->get_options())
                if (!o->get_positional())
                    for (const auto& n : names(o)) out.push_back(n);
        out.push_back("--help");
    } else {
        for (auto* s :
             at->get_subcommands([](CLI::App* s) { return !s->get_name().empty() && s->get_name()[0] != '_'; }))
            out.push_back(s->get_name());
        auto positionals = at->get_options([](CLI::Option* o) { return o->get_positional(); });
        if (positional < positionals.size()) {
            auto more = values(kind_of(positionals[positional]->get_name()), ctx);
            out.insert(out.end(), more.begin(), more.end());
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    for (const auto& c : out)
        if (c.rfind(current, 0) == 0) ctx.io.out << c << "\n";
    return 0;
}

const char* kBash = R"(# bash completion for incident. Generated by `incident __completion bash`; do not edit.
_incident() {
    local IFS=$'\n'
    COMPREPLY=($(incident __complete "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null))
}
complete -o default -F _incident incident
)";

const char* kZsh = R"(#compdef incident
# zsh completion for incident. Generated by `incident __completion zsh`; do not edit.
_incident() {
    local -a candidates
    candidates=("${(@f)$(incident __complete "${(@)words[2,CURRENT]}" 2>/dev/null)}")
    candidates=(${candidates:#})
    (( ${#candidates} )) && compadd -- "${candidates[@]}"
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _incident "$@"
else
    compdef _incident incident
fi
)";

const char* kFish = R"(# fish completion for incident. Generated by `incident __completion fish`; do not edit.
function __incident_complete
    set -l words (commandline -opc) (commandline -ct)
    incident __complete $words[2..-1] 2>/dev/null
end
complete -c incident -f -a '(__incident_complete)'
)";

std::string man_escape(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '\\')
            out += "\\e";
        else
            out += c;
    }
    return out;
}

// The options (and positional arguments) of one command, as an mdoc list under `heading`.
void describe_options(std::string& m, const CLI::App& a, const std::string& heading) {
    auto opts = a.get_options([](const CLI::Option* o) { return !o->get_positional() && !o->get_lnames().empty(); });
    auto pos = a.get_options([](const CLI::Option* o) { return o->get_positional(); });
    if (opts.empty() && pos.empty()) return;
    if (!heading.empty()) m += heading + "\n";
    m += ".Bl -tag -width Ds\n";
    for (const auto* o : pos) m += ".It Ar " + o->get_name() + "\n" + man_escape(o->get_description()) + "\n";
    for (const auto* o : opts) {
        std::string item = ".It";
        bool first = true;
        for (const auto& n : o->get_snames()) {
            item += std::string(first ? "" : " ,") + " Fl " + n;
            first = false;
        }
        for (const auto& n : o->get_lnames()) {
            item += std::string(first ? "" : " ,") + " Fl \\-" + n;
            first = false;
        }
        if (takes_value(o)) item += " Ar " + (o->get_type_name().empty() ? std::string("value") : o->get_type_name());
        m += item + "\n" + man_escape(o->get_description().empty() ? "See --help." : o->get_description()) + "\n";
    }
    m += ".El\n";
}

// The --help footer (the filter language, the report's figures), verbatim, as DETAILS.
// (Subcommands inherit the top level's footer; only their own is shown.)
void describe_footer(std::string& m, const CLI::App& sub) {
    std::string footer = sub.get_parent() && sub.get_parent()->get_footer() == sub.get_footer() ? "" : sub.get_footer();
    while (!footer.empty() && footer.front() == '\n') footer.erase(0, 1);
    if (!footer.empty()) {
        m += ".Sh DETAILS\n.Bd -literal\n";
        std::size_t start = 0;
        while (start < footer.size()) {
            auto end = footer.find('\n', start);
            std::string line = footer.substr(start, end == std::string::npos ? std::string::npos : end - start);
            m += (line.empty() || line[0] == '.' || line[0] == '\'' ? "\\&" : "") + man_escape(line) + "\n";
            if (end == std::string::npos) break;
            start = end + 1;
        }
        m += ".Ed\n";
    }
}

std::string man_page(const CLI::App& sub, const std::string& name) {
    std::string page = "incident-" + name;
    std::string upper = page;
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    std::string m =
        ".\\\" Generated by `incident __man man`; do not edit.\n.Dd November 22, 2026\n.Dt " + upper + " 1\n.Os\n";
    m += ".Sh NAME\n.Nm " + page + "\n.Nd " + man_escape(sub.get_description()) + "\n.Sh SYNOPSIS\n.Nm incident\n.Cm " +
         name + "\n";
    auto subs = sub.get_subcommands([](const CLI::App*) { return true; });
    if (!subs.empty()) {
        std::string list;
        for (const auto* s : subs) list += (list.empty() ? "" : " | ") + s->get_name();
        m += ".Cm " + list + "\n";
    }
    for (const auto* o : sub.get_options([](const CLI::Option* o) { return o->get_positional(); }))
        m += ".Ar " + o->get_name() + "\n";
    m += ".Op Ar options\n.Sh DESCRIPTION\n" + man_escape(sub.get_description()) + ".\n";
    m += "See\n.Xr incident 1\nfor the lifecycle, the files and the configuration.\n";
    if (subs.empty()) {
        describe_options(m, sub, ".Sh OPTIONS");
    } else {
        m += ".Sh COMMANDS\n";
        for (const auto* s : subs) {
            m += ".Ss " + s->get_name() + "\n" + man_escape(s->get_description()) + ".\n";
            describe_options(m, *s, "");
        }
    }
    describe_footer(m, sub);
    m += ".Sh EXIT STATUS\n0 success, 1 runtime failure, 2 usage error, 3 incident not found, 4 invalid data,\n"
         "5 transition refused, 6 a check found something; see\n.Xr incident 1 .\n";
    m += ".Sh SEE ALSO\n.Xr incident 1 ,\n.Xr incident-config 5 ,\n.Xr incident-rules 5\n";
    return m;
}

}  // namespace

int run_hidden(int argc, char** argv, CLI::App& app, Context& ctx) {
    if (argc < 2) return -1;
    std::string cmd = argv[1];
    if (cmd == "__complete") return complete(std::vector<std::string>(argv + 2, argv + argc), app, ctx);
    if (cmd == "__completion") {
        std::string shell = argc > 2 ? argv[2] : "";
        if (shell == "bash")
            ctx.io.out << kBash;
        else if (shell == "zsh")
            ctx.io.out << kZsh;
        else if (shell == "fish")
            ctx.io.out << kFish;
        else
            throw UsageError("__completion takes bash, zsh or fish");
        return 0;
    }
    if (cmd == "__man") {
        fs::path dir = argc > 2 ? argv[2] : "man";
        for (const auto* sub : app.get_subcommands([](const CLI::App*) { return true; }))
            write_file_atomically(dir / ("incident-" + sub->get_name() + ".1"), man_page(*sub, sub->get_name()));
        return 0;
    }
    if (cmd == "__schemas") {
        fs::path dir = argc > 2 ? argv[2] : "schemas";
        for (const auto& schema : field_schema_files()) write_file_atomically(dir / schema.name, schema.text);
        return 0;
    }
    return -1;
}

}  // namespace incident::cli
