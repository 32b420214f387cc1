// What the benchmark programs share: running a child process in a
// directory with its output captured in scratch files, and the small text
// helpers that go with it. Header-only; each program includes it once.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace bench {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using Argv = std::vector<std::string>;

[[noreturn]] inline void fail(const std::string& what) { throw std::runtime_error(what); }

inline std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

inline std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

inline std::string join(const Argv& argv) {
    std::string s;
    for (const auto& a : argv) {
        bool quote = a.empty() || a.find_first_of(" \t'\"<>=!&|;$") != std::string::npos;
        s += (s.empty() ? "" : " ") + (quote ? "'" + a + "'" : a);
    }
    return s;
}

inline double since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Where children's stdout and stderr go (set by main), and how many there were.
inline fs::path g_scratch;
inline long g_spawned = 0;

// A child process, and once waited for, what it did.
struct Run {
    pid_t pid = 0;
    Clock::time_point start;
    Argv argv;
    fs::path dir, out_file, err_file;
    int status = 0;  // exit code, or 128 + signal
    double wall = 0;
    std::string out, err;
    bool ok() const { return status == 0; }
    std::string why() const {
        std::string msg = err.empty() ? out.substr(0, 600) : err.substr(0, 600);
        if (status == 127 && msg.empty()) msg = "(cannot run it)";
        return "`" + join(argv) + "` in " + dir.string() + " exited " + std::to_string(status) + ":\n" + msg;
    }
};

// Starts `argv` in `dir` with the environment this program has, stdin from
// /dev/null, SIGPIPE as by default; `own_group` puts it in a process group of
// its own (so that stopping it stops what it forks).
inline Run spawn(const Argv& argv, const fs::path& dir, bool own_group = false) {
    const std::string name = (g_scratch / ("p" + std::to_string(++g_spawned))).string();
    Run c{0, Clock::now(), argv, dir, name + ".out", name + ".err", 0, 0, {}, {}};
    c.pid = fork();
    if (c.pid == 0) {
        if (own_group) setpgid(0, 0);
        int o = open(c.out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int e = open(c.err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY);
        if (o < 0 || e < 0 || in < 0 || chdir(dir.c_str()) != 0) _exit(126);
        signal(SIGPIPE, SIG_DFL);  // an exec keeps an ignored signal ignored
        dup2(in, 0);
        dup2(o, 1);
        dup2(e, 2);
        std::vector<char*> args;
        for (auto& a : c.argv) args.push_back(a.data());
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    if (c.pid < 0) fail("cannot fork for `" + join(argv) + "`");
    return c;
}

inline Run wait(Run c) {
    int status = 0;
    waitpid(c.pid, &status, 0);
    c.wall = since(c.start);
    c.status = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    c.out = read_text(c.out_file);
    c.err = read_text(c.err_file);
    fs::remove(c.out_file);
    fs::remove(c.err_file);
    return c;
}

inline Run run(const Argv& argv, const fs::path& dir) { return wait(spawn(argv, dir)); }

inline Run must(const Argv& argv, const fs::path& dir) {
    Run r = run(argv, dir);
    if (!r.ok()) fail(r.why());
    return r;
}

inline std::string line_of(const Argv& argv, const fs::path& dir) { return first_line(must(argv, dir).out); }

// The options every benchmark takes (--bin PATH, --dir DIR, --keep, -h) and
// its own numeric ones (name, where it goes). nullopt to go on; otherwise the
// exit code (0 after --help, 2 after a mistake, with `usage` printed).
inline std::optional<int> parse_options(int argc, char** argv, const char* program, const char* usage, std::string& bin,
                                        fs::path& dir, bool& keep,
                                        const std::vector<std::pair<std::string, int*>>& numbers) {
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool more = i + 1 < argc;
        auto number = std::find_if(numbers.begin(), numbers.end(), [&](const auto& n) { return n.first == a; });
        if (a == "--bin" && more)
            bin = argv[++i];
        else if (a == "--dir" && more)
            dir = argv[++i];
        else if (number != numbers.end() && more)
            *number->second = std::atoi(argv[++i]);
        else if (a == "--keep")
            keep = true;
        else if (a == "-h" || a == "--help") {
            std::cout << usage;
            return 0;
        } else {
            std::cerr << program << ": unknown argument '" << a << "'\n" << usage;
            return 2;
        }
    }
    return std::nullopt;
}

}  // namespace bench
