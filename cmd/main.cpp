// The `incident` binary (and, built with INCIDENT_SERVE_PROGRAM, the
// incident-serve program `incident serve` runs): looks at the process (streams, terminal, environment,
// clock) and hands the command line to run_cli, which maps every error type
// to its one exit code.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>

#include "cli.hpp"
#include "output.hpp"
#include "serve.hpp"

#ifndef INCIDENT_VERSION
#define INCIDENT_VERSION "0.0.0"
#endif
#ifndef INCIDENT_COMMIT
#define INCIDENT_COMMIT "unknown"
#endif

namespace {

std::optional<std::string> getenv_opt(const std::string& name) {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
}

}  // namespace

int main(int argc, char** argv) {
    using namespace incident;
    using namespace incident::cli;
#ifdef INCIDENT_SERVE_PROGRAM
    set_http_server(&run_http_server);  // incident-serve: `serve` runs here
#endif
    bool out_tty = isatty(STDOUT_FILENO) == 1;
    Io io{std::cout, std::cerr, out_tty, isatty(STDERR_FILENO) == 1,
          // no-color.org: only a non-empty NO_COLOR turns colour off.
          out_tty && getenv_opt("NO_COLOR").value_or("").empty() && getenv_opt("TERM").value_or("") != "dumb",
          getenv_opt, isatty(STDIN_FILENO) == 1};
    Context ctx{io, std::chrono::floor<Seconds>(std::chrono::system_clock::now())};
    std::optional<TerminalGuard> out_guard, err_guard;
    if (io.out_is_tty) out_guard.emplace(std::cout, io.color);
    if (io.err_is_tty) err_guard.emplace(std::cerr, false);
    return run_cli(std::vector<std::string>(argv + 1, argv + argc), ctx,
                   std::string("incident ") + INCIDENT_VERSION + " (" + INCIDENT_COMMIT + ")");
}
