// One command line run against a Context: everything `incident` does once
// main() has looked at the process (its streams, terminal, environment and
// clock). Unit tests call it with string streams, a fixed clock and a made-up
// environment, and read the exit code it returns.
#pragma once

#include <string>
#include <vector>

#include "context.hpp"

namespace incident::cli {

// `args` without the program name, e.g. {"note", "INC-1", "text"}.
// `version` is what --version prints. Returns the exit code (ExitCode).
int run_cli(const std::vector<std::string>& args, Context& ctx, const std::string& version);

}  // namespace incident::cli
