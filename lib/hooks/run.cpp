// Running one hook: no shell, its own process group, its input written and
// its output read together (neither side can fill a pipe and wait on the
// other), and a deadline that ends the whole group.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "hooks/hooks.hpp"
#include "model/errors.hpp"

extern char** environ;

namespace incident {

namespace {

constexpr std::size_t kMaxOutput = 64 * 1024;
using Clock = std::chrono::steady_clock;

// fd[0] is read, fd[1] written. The input is a socket pair, so that writing
// to a hook that has gone away fails with EPIPE instead of a SIGPIPE that
// would end this process (send's MSG_NOSIGNAL).
struct Pipe {
    int fd[2] = {-1, -1};
    explicit Pipe(bool socket = false) {
        int made = socket ? socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) : pipe2(fd, O_CLOEXEC);
        if (made != 0) throw IoError(std::string("cannot make a pipe: ") + std::strerror(errno));
        if (socket) {  // one way, as a pipe
            shutdown(fd[0], SHUT_WR);
            shutdown(fd[1], SHUT_RD);
        }
    }
    ~Pipe() { close_both(); }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void close_end(int i) {
        if (fd[i] >= 0) close(fd[i]);
        fd[i] = -1;
    }
    void close_both() {
        close_end(0);
        close_end(1);
    }
};

// What execvpe takes, built before fork: a child of a process with threads
// (serve) may only call what is safe after fork.
struct ExecArgs {
    std::vector<std::string> env_strings;
    std::vector<char*> argv, envp;
    std::string cannot_run;  // the message when exec fails

    ExecArgs(const std::vector<std::string>& args, const std::vector<std::string>& env) {
        auto overridden = [&](const char* kv) {
            const char* eq = std::strchr(kv, '=');
            std::size_t n = eq ? static_cast<std::size_t>(eq - kv) : std::strlen(kv);
            for (const auto& o : env)
                if (o.size() > n && o[n] == '=' && o.compare(0, n, kv, n) == 0) return true;
            return false;
        };
        for (char** e = environ; e && *e; ++e)
            if (!overridden(*e)) env_strings.emplace_back(*e);
        env_strings.insert(env_strings.end(), env.begin(), env.end());
        for (auto& kv : env_strings) envp.push_back(kv.data());
        envp.push_back(nullptr);
        for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        cannot_run = "incident: cannot run '" + args.front() + "': ";
    }
};

// In the child: never returns.
[[noreturn]] void exec_child(const ExecArgs& x, const fs::path& cwd, int in, int out) {
    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    close_range(3, ~0U, 0);  // the repository's lock and every other descriptor stay with us
    if (chdir(cwd.c_str()) == 0) execvpe(x.argv[0], x.argv.data(), x.envp.data());
    const char* why = strerrordesc_np(errno);
    ssize_t ignored = write(2, x.cannot_run.data(), x.cannot_run.size());
    ignored = write(2, why, std::strlen(why));
    ignored = write(2, "\n", 1);
    (void)ignored;
    _exit(127);
}

// Ends the group: SIGTERM, then SIGKILL half a second later if any of it is left.
void end_group(pid_t pid, int& status) {
    kill(-pid, SIGTERM);
    auto until = Clock::now() + std::chrono::milliseconds(500);
    while (Clock::now() < until) {
        if (waitpid(pid, &status, WNOHANG) == pid) break;
        usleep(10000);
    }
    kill(-pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
}

}  // namespace

namespace {

// A started hook: its pid, its input still to send, its output so far.
struct Child {
    pid_t pid;
    Pipe& in;
    Pipe& out;
    const std::string& input;
    std::size_t written = 0;
    int status = 0;
    bool exited = false;

    // One round: what is ready to read is kept (up to kMaxOutput), what the
    // child can take of the input is sent, and whether it has exited is noted.
    void step(HookRun& r, std::chrono::milliseconds wait) {
        pollfd fds[2] = {{out.fd[0], POLLIN, 0}, {in.fd[1], POLLOUT, 0}};
        if (poll(fds, in.fd[1] >= 0 ? 2 : 1, static_cast<int>(std::clamp<long long>(wait.count() + 1, 1, 50))) < 0 &&
            errno != EINTR)
            out.close_end(0);
        if (out.fd[0] >= 0 && (fds[0].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[8192];
            ssize_t got = read(out.fd[0], buf, sizeof buf);
            if (got > 0 && r.output.size() < kMaxOutput)
                r.output.append(buf,
                                std::min<std::size_t>(static_cast<std::size_t>(got), kMaxOutput - r.output.size()));
            else if (got == 0 || (got < 0 && errno != EAGAIN))
                out.close_end(0);
        }
        if (in.fd[1] >= 0 && (fds[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t put = send(in.fd[1], input.data() + written, input.size() - written, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (put > 0) written += static_cast<std::size_t>(put);
            if ((put < 0 && errno != EAGAIN) || written == input.size()) in.close_end(1);  // EPIPE: it does not read
        }
        if (!exited && waitpid(pid, &status, WNOHANG) == pid) exited = true;
    }

    // Until it exits and its output closes (or 200 ms after its exit, for
    // what its children still print), or the deadline ends its group.
    void run(HookRun& r, Clock::time_point deadline) {
        std::optional<Clock::time_point> drain_until;
        while (out.fd[0] >= 0 || !exited) {
            auto now = Clock::now();
            if (!exited && now >= deadline) {
                r.timed_out = true;
                end_group(pid, status);
                return;
            }
            if (drain_until && now >= *drain_until) return;
            if (out.fd[0] < 0) {  // its output closed, it still runs
                usleep(10000);
                exited = waitpid(pid, &status, WNOHANG) == pid;
                continue;
            }
            step(r,
                 std::chrono::duration_cast<std::chrono::milliseconds>((drain_until ? *drain_until : deadline) - now));
            if (exited && !drain_until) drain_until = Clock::now() + std::chrono::milliseconds(200);
        }
    }
};

}  // namespace

HookRun run_hook_process(const std::vector<std::string>& argv, const std::string& input,
                         const std::vector<std::string>& env, const fs::path& cwd, std::chrono::milliseconds timeout) {
    HookRun r;
    const auto start = Clock::now();
    if (argv.empty()) throw UsageError("a hook's command is empty");
    Pipe in(true), out;
    const ExecArgs exec_args(argv, env);
    pid_t pid = fork();
    if (pid < 0) throw IoError(std::string("cannot start a hook: ") + std::strerror(errno));
    if (pid == 0) exec_child(exec_args, cwd, in.fd[0], out.fd[1]);
    setpgid(pid, pid);  // as the child does: whichever runs first
    in.close_end(0);
    out.close_end(1);
    if (input.empty()) in.close_end(1);
    Child child{pid, in, out, input};
    child.run(r, start + timeout);
    if (!r.timed_out && WIFEXITED(child.status)) r.status = WEXITSTATUS(child.status);
    r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return r;
}

}  // namespace incident
