// The flags that publish something about an incident on the status page
// (lib/status/public): --public-title, --public-message, --public-status,
// --component NAME=STATE. Shared by open, update and resolve.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "status/public.hpp"

namespace incident::cli {

struct PublicFlags {
    std::string title, message, status;
    std::vector<std::string> components;  // NAME=STATE
};

// `message`: also --public-message (update has --public instead).
void add_public_flags(CLI::App* cmd, PublicFlags& flags, bool message);

// The change the flags ask for. Throws UsageError for a --component without '='.
PublicChange public_change(const PublicFlags& flags);

}  // namespace incident::cli
