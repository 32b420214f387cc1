// The `incident` binary: builds the CLI from the command table, runs the
// chosen subcommand and maps every error type to its one exit code.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "commands.hpp"
#include "completion.hpp"
#include "model/yaml_doc.hpp"
#include "output.hpp"

#ifndef INCIDENT_VERSION
#define INCIDENT_VERSION "0.0.0"
#endif
#ifndef INCIDENT_COMMIT
#define INCIDENT_COMMIT "unknown"
#endif

namespace {

using namespace incident;
using namespace incident::cli;

struct CommandEntry {
    const char* name;
    void (*register_fn)(CLI::App&, Context&);
};

// Every subcommand, in the order `incident --help` lists them.
constexpr CommandEntry kCommands[] = {
    {"init", register_init},     {"open", register_open},         {"triage", register_triage},
    {"ack", register_ack},       {"update", register_update},     {"note", register_note},
    {"assign", register_assign}, {"escalate", register_escalate}, {"resolve", register_resolve},
    {"reopen", register_reopen}, {"close", register_close},       {"postmortem", register_postmortem},
    {"show", register_show},     {"list", register_list},         {"report", register_report},
    {"edit", register_edit},     {"rules", register_rules},       {"sla", register_sla},
    {"action", register_action}, {"notify", register_notify},     {"validate", register_validate},
};

std::optional<std::string> getenv_opt(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

// The first word that is not an option (or an option's value): the subcommand.
const char* subcommand_word(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
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

int report(const Io& io, const Error& e) {
    const char* kind = e.code() == ExitCode::refused ? "refused: " : e.code() == ExitCode::check ? "" : "error: ";
    io.err << "incident: " << kind << e.what() << "\n";
    if (!e.hint().empty()) io.err << "hint: " << e.hint() << "\n";
    return static_cast<int>(e.code());
}

}  // namespace

int main(int argc, char** argv) {
    bool out_tty = isatty(STDOUT_FILENO) == 1;
    Io io{std::cout, std::cerr, out_tty, isatty(STDERR_FILENO) == 1,
          // no-color.org: only a non-empty NO_COLOR turns colour off.
          out_tty && getenv_opt("NO_COLOR").value_or("").empty() && getenv_opt("TERM").value_or("") != "dumb",
          getenv_opt};
    Context ctx{io, std::chrono::floor<Seconds>(std::chrono::system_clock::now())};
    std::optional<TerminalGuard> out_guard, err_guard;
    if (io.out_is_tty) out_guard.emplace(std::cout, io.color);
    if (io.err_is_tty) err_guard.emplace(std::cerr, false);

    CLI::App app{
        "incident: incident management on plain YAML files in a git repository.\n"
        "Log, triage, escalate, resolve, close and review incidents from any shell or pipeline.",
        "incident"};
    app.require_subcommand(1, 1);
    app.fallthrough();
    app.set_help_all_flag("--help-all", "Show help for every subcommand");
    app.add_option("-C,--repo", ctx.repo_dir, "Run as if started in DIR (the repository is found by walking up)")
        ->type_name("DIR");
    app.set_version_flag("--version", std::string("incident ") + INCIDENT_VERSION + " (" + INCIDENT_COMMIT + ")");
    app.footer(
        "Exit codes: 0 success, 1 runtime failure (I/O, git), 2 usage error, 3 incident not found,\n"
        "4 invalid data, 5 transition refused by the lifecycle or a policy, 6 a check found something.\n"
        "Environment: INCIDENT_USER (actor), NO_COLOR, EDITOR/VISUAL, INCIDENT_ID_PREFIX,\n"
        "INCIDENT_AUTO_COMMIT, INCIDENT_LOCK_TIMEOUT, XDG_CONFIG_HOME. See man incident.");
    for (const auto& c : kCommands) c.register_fn(app, ctx);

    try {
        if (int code = run_hidden(argc, argv, app, ctx); code >= 0) return code;
        check_arguments(argc, argv);
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e, std::cout, std::cerr);
        return code == 0 ? 0 : static_cast<int>(ExitCode::usage);
    } catch (const Error& e) {
        return report(io, e);
    } catch (const std::exception& e) {
        io.err << "incident: internal error: " << e.what() << "\n";
        return static_cast<int>(ExitCode::runtime);
    }
    return 0;
}
