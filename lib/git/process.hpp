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
// inherits the terminal (for an editor).
ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd, bool capture = true,
                          const std::vector<std::string>& extra_env = {});

}  // namespace incident
