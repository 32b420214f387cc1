#include "cli.hpp"

#include <array>

#include "commands.hpp"
#include "completion.hpp"
#include "model/yaml_doc.hpp"
#include "output.hpp"

namespace incident::cli {

namespace {

struct CommandEntry {
    const char* name;
    void (*register_fn)(CLI::App&, Context&);
};

// Every subcommand, in the order `incident --help` lists them.
// clang-format off
constexpr CommandEntry kCommands[] = {
    {"init", register_init},
    {"open", register_open},
    {"triage", register_triage},
    {"ack", register_ack},
    {"update", register_update},
    {"note", register_note},
    {"assign", register_assign},
    {"escalate", register_escalate},
    {"resolve", register_resolve},
    {"reopen", register_reopen},
    {"close", register_close},
    {"postmortem", register_postmortem},
    {"show", register_show},
    {"list", register_list},
    {"report", register_report},
    {"edit", register_edit},
    {"rules", register_rules},
    {"sla", register_sla},
    {"action", register_action},
    {"task", register_task},
    {"attach", register_attach},
    {"attachments", register_attachments},
    {"similar", register_similar},
    {"export", register_export},
    {"drill", register_drill},
    {"oncall", register_oncall},
    {"page", register_page},
    {"maintenance", register_maintenance},
    {"status", register_status},
    {"deadline", register_deadline},
    {"heartbeat", register_heartbeat},
    {"hooks", register_hooks},
    {"import", register_import},
    {"notify", register_notify},
    {"validate", register_validate},
    {"log", register_log},
    {"sync", register_sync},
    {"serve", register_serve},
    {"layout", register_layout},
    {"merge-file", register_merge_file},
};
// clang-format on

// The first word that is not an option (or an option's value): the subcommand.
const char* subcommand_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-C" || a == "--repo") {
            ++i;
            continue;
        }
        if (a.empty() || a[0] != '-') return argv[i];
    }
    return nullptr;
}

// Arguments become file content; refuse bytes that are not UTF-8 up front.
void check_arguments(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (find_invalid_utf8(argv[i]) != std::string_view::npos)
            throw UsageError("argument " + std::to_string(i) + " is not valid UTF-8");
    if (const char* word = subcommand_word(argc, argv)) {
        for (const auto& c : kCommands)
            if (std::string_view(word) == c.name) return;
        std::string names;
        for (const auto& c : kCommands) names += (names.empty() ? "" : ", ") + std::string(c.name);
        throw UsageError(std::string("unknown command '") + word + "'", "commands: " + names);
    }
}

constexpr std::array<const char*, 7> kKinds = {"ok", "runtime", "usage", "not_found", "invalid", "refused", "check"};

// With --json, a failure is also one JSON object on stdout (schemas/error.schema.json),
// unless the command has printed its document already; stderr keeps the human message.
void report_json(const Io& io, int code, const std::string& message, const std::string& hint) {
    if (*io.wrote_json) return;
    nlohmann::ordered_json e = {{"code", code}, {"kind", kKinds[static_cast<std::size_t>(code)]}, {"message", message}};
    e["hint"] = hint.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(hint);
    print_json(io, {{"error", e}}, true);
}

int report(const Io& io, const Error& e, bool json) {
    const char* kind = e.code() == ExitCode::refused ? "refused: " : e.code() == ExitCode::check ? "" : "error: ";
    io.err << "incident: " << kind << e.what() << "\n";
    if (!e.hint().empty()) io.err << "hint: " << e.hint() << "\n";
    if (json) report_json(io, static_cast<int>(e.code()), e.what(), e.hint());
    return static_cast<int>(e.code());
}

// --json among the arguments (before a "--").
bool wants_json(const std::vector<std::string>& args) {
    for (const auto& a : args) {
        if (a == "--") return false;
        if (a == "--json" || a == "--format=json" || a == "--json=true") return true;
    }
    return false;
}

void describe(CLI::App& app, Context& ctx, const std::string& version) {
    app.require_subcommand(1, 1);
    app.fallthrough();
    app.set_help_all_flag("--help-all", "Show help for every subcommand");
    app.add_option("-C,--repo", ctx.repo_dir, "Run as if started in DIR (the repository is found by walking up)")
        ->type_name("DIR");
    app.add_flag("--follow-renumber", ctx.follow_renumber,
                 "An id that incident sync renumbered in this clone names its new id (else it is refused while "
                 "another incident holds it)");
    app.set_version_flag("--version", version);
    app.footer(
        "Exit codes: 0 success, 1 runtime failure (I/O, git), 2 usage error, 3 incident not found,\n"
        "4 invalid data, 5 transition refused by the lifecycle or a policy, 6 a check found something.\n"
        "Environment: INCIDENT_USER (actor), NO_COLOR, EDITOR/VISUAL, INCIDENT_ID_PREFIX,\n"
        "INCIDENT_AUTO_COMMIT, INCIDENT_AUTO_SYNC, INCIDENT_LOCK_TIMEOUT, XDG_CONFIG_HOME. See man incident.");
    for (const auto& c : kCommands) c.register_fn(app, ctx);
}

}  // namespace

int run_cli(const std::vector<std::string>& args, Context& ctx, const std::string& version) {
    std::vector<std::string> words{"incident"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    int argc = static_cast<int>(argv.size());
    argv.push_back(nullptr);

    CLI::App app{
        "incident: incident management on plain YAML files in a git repository.\n"
        "Log, triage, escalate, resolve, close and review incidents from any shell or pipeline.",
        "incident"};
    describe(app, ctx, version);
    const bool json = wants_json(args);
    try {
        if (int code = run_hidden(argc, argv.data(), app, ctx); code >= 0) return code;
        check_arguments(argc, argv.data());
        app.parse(argc, argv.data());
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e, ctx.io.out, ctx.io.err);
        if (code == 0) return 0;
        if (json) report_json(ctx.io, static_cast<int>(ExitCode::usage), e.what(), "see incident --help");
        return static_cast<int>(ExitCode::usage);
    } catch (const Error& e) {
        return report(ctx.io, e, json);
    } catch (const std::exception& e) {
        ctx.io.err << "incident: internal error: " << e.what() << "\n";
        if (json)
            report_json(ctx.io, static_cast<int>(ExitCode::runtime), std::string("internal error: ") + e.what(), "");
        return static_cast<int>(ExitCode::runtime);
    }
    return 0;
}

}  // namespace incident::cli
