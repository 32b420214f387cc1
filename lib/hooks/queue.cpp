#include "hooks/queue.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace {

fs::path queue_dir(const Repository& repo) { return hooks_state_dir(repo) / "queue"; }
fs::path running_dir(const Repository& repo) { return hooks_state_dir(repo) / "running"; }

// "<nanoseconds>-<pid>-<n>.json": sorts in the order entries were made
// (they are made under the repository's lock), this process's in turn.
// n in decimal, zero-padded on the left to width digits.
std::string padded(unsigned long long n, std::size_t width) {
    auto digits = std::to_string(n);
    return digits.size() >= width ? digits : std::string(width - digits.size(), '0') + digits;
}

std::string entry_name() {
    static std::atomic<unsigned> counter{0};
    auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
                  .count();
    return padded(static_cast<unsigned long long>(ns), 20) + "-" +
           padded(static_cast<unsigned long long>(getpid()), 8) + "-" + padded(counter++ % 1000000, 6) + ".json";
}

// The pid a claimed entry's name ends with (".../NAME.json.PID").
pid_t claimer(const fs::path& p) {
    std::string ext = p.extension().string();
    return ext.size() > 1 && all_digits(ext.substr(1)) && ext.size() < 12 ? std::stoi(ext.substr(1)) : 0;
}

std::string describe(const nlohmann::json& j) {
    return "hook " + j.value("hook", std::string("?")) + " for " + j.value("id", std::string("?")) + " " +
           j.value("event", std::string("?"));
}

}  // namespace

fs::path hooks_state_dir(const Repository& repo) { return repo.state_dir / "hooks"; }

void enqueue_hooks(const Repository& repo, const std::vector<const Hook*>& hooks,
                   const std::vector<std::string>& events, const Incident& inc, const Event& event, int depth) {
    if (hooks.empty()) return;
    std::error_code ec;
    fs::create_directories(queue_dir(repo), ec);
    for (const Hook* h : hooks) {
        nlohmann::json j;
        j["hook"] = h->name;
        j["run"] = h->run;
        j["timeout"] = h->timeout.count();
        j["record"] = h->record;
        j["id"] = inc.id;
        j["uid"] = inc.uid;
        j["event"] = matched_event(*h, events);
        j["events"] = events;
        j["payload"] = hook_payload(h->name, false, events, inc, event);
        j["env"] = hook_environment(h->name, false, events, inc, event, repo, depth);
        write_file_atomically(queue_dir(repo) / entry_name(), j.dump() + "\n");
    }
}

std::vector<fs::path> queued_hooks(const Repository& repo) {
    std::vector<fs::path> out;
    std::error_code ec;
    for (fs::directory_iterator it(queue_dir(repo), ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".json") out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

std::optional<QueuedHook> claim_hook(const Repository& repo, const fs::path& entry,
                                     std::vector<std::string>& warnings) {
    std::error_code ec;
    fs::create_directories(running_dir(repo), ec);
    fs::path claimed = running_dir(repo) / (entry.filename().string() + "." + std::to_string(getpid()));
    fs::rename(entry, claimed, ec);
    if (ec) return std::nullopt;  // another command took it
    QueuedHook q;
    q.entry = claimed;
    try {
        nlohmann::json j = nlohmann::json::parse(read_file(claimed).value_or(""));
        q.hook = j.at("hook").get<std::string>();
        q.run = j.at("run").get<std::vector<std::string>>();
        q.timeout = std::chrono::seconds{std::clamp<long long>(j.at("timeout").get<long long>(), 1, 3600)};
        q.record = j.at("record").get<bool>();
        q.id = j.at("id").get<std::string>();
        q.uid = j.at("uid").get<std::string>();
        q.event = j.at("event").get<std::string>();
        q.events = j.at("events").get<std::vector<std::string>>();
        q.payload = j.at("payload").get<std::string>();
        q.env = j.at("env").get<std::vector<std::string>>();
        if (q.run.empty()) throw std::runtime_error("no command");
    } catch (const std::exception& e) {
        fs::path aside = hooks_state_dir(repo) / ("unreadable-" + entry.filename().string());
        fs::rename(claimed, aside, ec);
        warnings.push_back("a queued hook does not read (" + std::string(e.what()) + "): not run; it is kept as " +
                           aside.string());
        return std::nullopt;
    }
    return q;
}

void finish_hook(const QueuedHook& q) {
    std::error_code ec;
    fs::remove(q.entry, ec);
}

std::vector<std::string> abandoned_hooks(const Repository& repo) {
    std::vector<std::string> out;
    std::error_code ec;
    for (fs::directory_iterator it(running_dir(repo), ec), end; !ec && it != end; it.increment(ec)) {
        pid_t pid = claimer(it->path());
        if (pid > 0 && (kill(pid, 0) == 0 || errno == EPERM)) continue;  // still running it
        std::string what = "a hook";
        try {
            what = describe(nlohmann::json::parse(read_file(it->path()).value_or("")));
        } catch (const std::exception&) {
        }
        out.push_back(what + " was started by a command that was killed before it finished: it is not run again");
        std::error_code rm;
        fs::remove(it->path(), rm);
    }
    return out;
}

}  // namespace incident
