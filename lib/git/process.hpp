// Runs a program without a shell and captures what it prints. Used for git
// and $EDITOR; arguments are never interpreted by a shell.
#pragma once

#include <string>
#include <vector>

namespace incident {

struct ProcessResult {
    int status = -1;  // exit status, or -1 when it could not run or was killed
    std::string out;
    std::string err;
};

// Runs argv[0] (searched in PATH) in `cwd`. When `capture` is false the child
// inherits the terminal (for an editor). The child and everything it starts
// carry kRunPidVariable=<this process's pid>, so that what a killed run left
// running can be found and waited for (wait_for_orphans).
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd, bool capture = true,
                          const std::vector<std::string>& extra_env = {});

inline constexpr const char* kRunPidVariable = "INCIDENT_RUN_PID";

// Waits, up to `limit`, for the processes working in `root` that a run of
// this program started and then died without waiting for (a `git rebase`
// carries on after its sync is killed); past the limit they are killed.
// Returns how many there were. Only this user's processes are looked at.
int wait_for_orphans(const std::string& root, int limit_ms = 30000);

}  // namespace incident
