// The reminders escalate --auto and page tick send (lib/effects/reminders):
// recorded, notified, and said one per line ("reminded INC-4: ...").
#pragma once

#include <nlohmann/json.hpp>

#include "context.hpp"

namespace incident::cli {

// Returns what was reminded as a JSON list; prints a line per reminder unless --json.
nlohmann::ordered_json send_reminders(const Context& ctx, const Workspace& ws, const CommonFlags& flags, Timestamp now);

}  // namespace incident::cli
