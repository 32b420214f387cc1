// The after-change hooks waiting to run: one file per hook run under
// .git/incident/hooks/queue/, written while the change is made (under the
// repository's lock, so in the order changes happen), claimed by moving it
// to running/ before the command runs, removed once it has run. A run killed
// before the claim leaves the entry for the next command; one killed after
// it does not run the hook again (the claim is the record).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hooks/hooks.hpp"

namespace incident {

struct QueuedHook {
    fs::path entry;  // its file under running/ once claimed
    std::string hook;
    std::vector<std::string> run;
    std::chrono::seconds timeout{30};
    bool record = false;
    std::string id, uid;  // the incident
    std::string event;    // the event that made it run (matched_event)
    std::vector<std::string> events;
    std::string payload;           // the hook's stdin
    std::vector<std::string> env;  // NAME=VALUE
};

// Writes one entry for each of `hooks`, in their order.
void enqueue_hooks(const Repository& repo, const std::vector<const Hook*>& hooks,
                   const std::vector<std::string>& events, const Incident& inc, const Event& event, int depth);

// The entries waiting, oldest first.
std::vector<fs::path> queued_hooks(const Repository& repo);

// Moves `entry` to running/ and reads it: nullopt when another command
// claimed it first. An entry that does not read is moved aside (and said so
// in `warnings`), never run.
std::optional<QueuedHook> claim_hook(const Repository& repo, const fs::path& entry, std::vector<std::string>& warnings);

// Removes a claimed entry once its hook has run.
void finish_hook(const QueuedHook& q);

// Entries that a killed command had claimed: removed, each described.
std::vector<std::string> abandoned_hooks(const Repository& repo);

fs::path hooks_state_dir(const Repository& repo);

}  // namespace incident
