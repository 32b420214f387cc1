#include "git/process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace incident {

namespace {

void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
    pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
    int open_count = 2;
    char buf[8192];
    while (open_count > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0) {
                (i == 0 ? out : err).append(buf, static_cast<size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                close(fds[i].fd);
                fds[i].fd = -1;
                --open_count;
            }
        }
    }
}

// This process's environment for a child: `extra` added, and the run mark
// (kRunPidVariable) naming this process.
std::vector<std::string> child_environment(const std::vector<std::string>& extra) {
    std::vector<std::string> env;
    const std::string mark = std::string(kRunPidVariable) + "=";
    for (char** e = environ; *e; ++e)
        if (std::string_view(*e).rfind(mark, 0) != 0) env.emplace_back(*e);
    env.insert(env.end(), extra.begin(), extra.end());
    env.push_back(mark + std::to_string(getpid()));
    return env;
}

// How a child is started. posix_spawn, not fork: a fork of a multi-threaded
// server copies its page tables for every git it runs (most of serve's time
// under load). The child starts with no signal blocked and default
// handlers: serve blocks SIGTERM in its threads, which a git it runs must
// not inherit. With `out` and `err` (pipes' write ends) it prints into them
// and reads nothing; else it inherits the terminal.
struct Spawn {
    posix_spawn_file_actions_t actions;
    posix_spawnattr_t attr;

    Spawn(int out, int err, const std::string& cwd) {
        posix_spawn_file_actions_init(&actions);
        if (out >= 0) {
            posix_spawn_file_actions_adddup2(&actions, out, STDOUT_FILENO);
            posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
            posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        }
        if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
        posix_spawnattr_init(&attr);
        sigset_t none, all;
        sigemptyset(&none);
        sigfillset(&all);
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    }
    ~Spawn() {
        posix_spawn_file_actions_destroy(&actions);
        posix_spawnattr_destroy(&attr);
    }
    Spawn(const Spawn&) = delete;
    Spawn& operator=(const Spawn&) = delete;
};

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, const std::string& cwd, bool capture,
                          const std::vector<std::string>& extra_env) {
    ProcessResult result;
    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    if (capture && (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)) {
        result.err = std::strerror(errno);
        return result;
    }
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    std::vector<std::string> env_store = child_environment(extra_env);
    std::vector<char*> env;
    for (auto& e : env_store) env.push_back(e.data());
    env.push_back(nullptr);
    Spawn how(capture ? out_pipe[1] : -1, capture ? err_pipe[1] : -1, cwd);
    pid_t pid = -1;
    const int failed = posix_spawnp(&pid, args[0], &how.actions, &how.attr, args.data(), env.data());
    if (failed != 0) {
        if (capture)
            for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]}) close(fd);
        result.status = failed == ENOENT ? 127 : -1;
        result.err = failed == ENOENT ? argv[0] + ": command not found" : std::strerror(failed);
        return result;
    }
    if (capture) {
        close(out_pipe[1]);
        close(err_pipe[1]);
        drain(out_pipe[0], err_pipe[0], result.out, result.err);
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (result.status == 127 && result.err.empty()) result.err = argv[0] + ": command not found";
    return result;
}

}  // namespace incident
