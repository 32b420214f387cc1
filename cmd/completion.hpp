// Hidden commands that keep completions, man pages and schemas in step with
// the CLI definitions and the field registries: `__complete WORDS...` prints
// candidates for the last word, `__completion bash|zsh|fish` prints a
// completion script, `__man DIR` writes one man page per subcommand,
// `__schemas DIR` the JSON Schemas that describe fields.
#pragma once

#include "context.hpp"

namespace incident::cli {

// Handles argv when it names a hidden command; returns the exit code, or -1.
int run_hidden(int argc, char** argv, CLI::App& app, Context& ctx);

}  // namespace incident::cli
