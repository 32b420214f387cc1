// Finding what a killed run left running: every child of run_process carries
// kRunPidVariable; a process whose run is gone and whose working directory is
// in the repository is an orphan of a killed run.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "git/process.hpp"

namespace incident {
namespace {

namespace fs = std::filesystem;

// Running: a zombie (dead, not yet reaped) is not.
bool alive(pid_t pid) {
    if (kill(pid, 0) != 0 && errno != EPERM) return false;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(stat, line);
    auto close = line.rfind(')');
    return close == std::string::npos || close + 2 >= line.size() || line[close + 2] != 'Z';
}

// The run that started `pid`, from its environment; 0 when none.
pid_t run_of(const std::string& proc) {
    std::ifstream in(proc + "/environ", std::ios::binary);
    std::string env((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string mark = std::string(kRunPidVariable) + "=";
    for (std::size_t at = 0; at < env.size();) {
        std::size_t end = env.find('\0', at);
        if (end == std::string::npos) end = env.size();
        if (env.compare(at, mark.size(), mark) == 0) {
            try {
                return static_cast<pid_t>(std::stol(env.substr(at + mark.size(), end - at - mark.size())));
            } catch (const std::exception&) {
                return 0;
            }
        }
        at = end + 1;
    }
    return 0;
}

bool works_in(const std::string& proc, const fs::path& root) {
    std::error_code ec;
    fs::path cwd = fs::read_symlink(proc + "/cwd", ec);
    if (ec) return false;
    auto rel = cwd.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
}

std::vector<pid_t> orphans(const fs::path& root) {
    std::vector<pid_t> out;
    const pid_t self = getpid();
    DIR* d = opendir("/proc");
    if (!d) return out;
    while (const dirent* e = readdir(d)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end || pid == self) continue;
        const std::string proc = std::string("/proc/") + e->d_name;
        pid_t run = run_of(proc);
        if (run > 0 && run != self && !alive(run) && works_in(proc, root)) out.push_back(static_cast<pid_t>(pid));
    }
    closedir(d);
    return out;
}

}  // namespace

int wait_for_orphans(const std::string& root, int limit_ms) {
    std::error_code ec;
    const fs::path dir = fs::weakly_canonical(root, ec);
    auto left = orphans(dir);
    const int found = static_cast<int>(left.size());
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(limit_ms);
    while (!left.empty()) {
        if (std::chrono::steady_clock::now() >= deadline)
            for (pid_t p : left) kill(p, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::vector<pid_t> still;
        for (pid_t p : left)
            if (alive(p)) still.push_back(p);
        left = std::move(still);
    }
    return found;
}

}  // namespace incident
