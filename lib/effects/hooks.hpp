// Running the after-change hooks the queue holds (lib/hooks/queue.hpp), in
// the order their changes happened, one command at a time: whoever finds
// the queue's lock taken leaves its entries to the holder, which looks once
// more before it lets go. Each run is recorded on its incident as a `hook`
// event when it failed or when the hook asks for it; a failure is a
// warning, never an undone change.
#pragma once

#include <string>
#include <vector>

#include "workspace/workspace.hpp"

namespace incident {

struct HookOutcome {
    std::string hook, id, event;
    HookRun run;
    std::chrono::seconds timeout{30};
    bool recorded = false;
};

struct HookReport {
    std::vector<HookOutcome> ran;
    std::vector<std::string> warnings;
};

// Runs what is queued (an entry holds the command as the trusted file had
// it when its change was made). `opts` are those of the change that records
// a run (its actor becomes hook:NAME).
HookReport run_queued_hooks(const Workspace& ws, const ChangeOptions& opts, Timestamp now);

}  // namespace incident
