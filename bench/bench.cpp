// incident-bench: builds repositories of realistic incidents (fixed seed) and
// times the real binary on them, with the time to read every file's bytes as
// the baseline measured in the same run.
//
//   incident-bench [--bin build/incident] [--dir /tmp/incident-bench] [SIZE...]
//
// Sizes default to 1000 10000 100000. Prints one table; nothing is asserted.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/incident.hpp"
#include "store/atomic_file.hpp"

namespace fs = std::filesystem;
using namespace incident;
using Clock = std::chrono::steady_clock;

namespace {

struct Run {
    double wall = 0, cpu = 0;  // seconds
    long peak_kb = 0;
    int status = 0;
};

// Runs argv in `dir` with stdout/stderr to /dev/null; wall, CPU and peak RSS.
Run run(const std::vector<std::string>& argv, const fs::path& dir) {
    auto start = Clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        if (chdir(dir.c_str()) != 0) _exit(127);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        std::vector<char*> args;
        for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
        args.push_back(nullptr);
        execvp(args[0], args.data());
        _exit(127);
    }
    int status = 0;
    rusage ru{};
    wait4(pid, &status, 0, &ru);
    Run r;
    r.wall = std::chrono::duration<double>(Clock::now() - start).count();
    r.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
            static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    r.peak_kb = ru.ru_maxrss;
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    return r;
}

// The median of `times` runs.
Run median_of(int times, const std::vector<std::string>& argv, const fs::path& dir) {
    std::vector<Run> runs;
    for (int i = 0; i < times; ++i) runs.push_back(run(argv, dir));
    std::sort(runs.begin(), runs.end(), [](const Run& a, const Run& b) { return a.wall < b.wall; });
    Run m = runs[runs.size() / 2];
    for (const auto& r : runs) m.peak_kb = std::max(m.peak_kb, r.peak_kb);
    return m;
}

void must(const Run& r, const std::string& what) {
    if (r.status != 0) {
        std::cerr << "incident-bench: " << what << " failed (exit " << r.status << ")\n";
        std::exit(1);
    }
}

const char* kServices[] = {"checkout",   "payments", "search",  "auth",        "api-gateway", "email",
                           "cdn",        "database", "queue",   "office-wifi", "vpn",         "warehouse-scanners",
                           "mobile-app", "billing",  "reports", "identity",    "storage",     "dns",
                           "logging",    "ci"};
const char* kCategories[] = {"software", "network", "hardware", "security"};
const char* kSubcategories[] = {"outage", "degradation", "intermittent"};
const char* kLevels[] = {"high", "medium", "low"};
const char* kPeople[] = {"alice@example.com", "bob@example.com",   "carol@example.com", "dave@example.com",
                         "erin@example.com",  "frank@example.com", "grace@example.com", "heidi@example.com"};
const char* kTags[] = {"customer-facing", "data-loss", "regression", "third-party", "security"};

// One incident as the tool would have written it after a real lifecycle.
Incident make_incident(int n, std::mt19937& rng, Timestamp end, int total) {
    auto pick = [&](auto& array) { return array[rng() % std::size(array)]; };
    auto minutes = [&](int lo, int hi) {
        return Seconds{60 * (lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1)))};
    };
    Incident inc;
    inc.id = "INC-" + std::to_string(n);
    inc.uid = "00000000-0000-4000-8000-" + std::to_string(100000000000LL + n);
    int s = static_cast<int>(rng() % std::size(kServices));
    inc.service = kServices[s];
    inc.category = kCategories[s % 4];
    inc.subcategory = pick(kSubcategories);
    inc.title = std::string(inc.service) + " " + inc.subcategory + ": errors above threshold";
    inc.impact = pick(kLevels);
    inc.urgency = pick(kLevels);
    int p = std::min(5, 1 +
                            (inc.impact == "high"     ? 0
                             : inc.impact == "medium" ? 1
                                                      : 2) +
                            (inc.urgency == "high"     ? 0
                             : inc.urgency == "medium" ? 1
                                                       : 2));
    inc.priority = "P" + std::to_string(p);
    inc.priority_reason = "matrix: impact " + inc.impact + " x urgency " + inc.urgency;
    inc.reporter = pick(kPeople);
    inc.assignee = pick(kPeople);
    inc.team = s % 4 == 1 ? "network" : "sre";
    inc.tier = "L1";
    inc.drill = n % 50 == 0;
    if (rng() % 3 == 0) inc.tags.push_back(pick(kTags));
    inc.description = "Monitoring and customers reported errors on " + inc.service + ". See the timeline.";
    // Spread over two years before `end`, in id order; the newest stay open.
    Timestamp opened = end - Seconds{int64_t{2} * 365 * 86400} * (total - n) / total;
    inc.started_at = opened - minutes(3, 30);
    inc.detected_at = opened - minutes(1, 3);
    inc.opened_at = opened;
    auto event = [&](Timestamp at, const std::string& by, const std::string& type, const std::string& text) -> Event& {
        Event e;
        e.at = at;
        e.by = by;
        e.type = type;
        e.text = text;
        inc.timeline.push_back(e);
        return inc.timeline.back();
    };
    event(opened, inc.reporter, "opened", inc.title);
    Timestamp t = opened + minutes(1, 5);
    event(t, inc.assignee, "triaged", inc.priority_reason).set("priority", inc.priority);
    inc.status = Status::triaged;
    bool recent = n > total - total / 50;
    if (recent && rng() % 2) return inc;
    t += minutes(2, 40);
    inc.acknowledged_at = t;
    event(t, inc.assignee, "acknowledged", "");
    inc.set_role("commander", inc.assignee);
    event(t + Seconds{60}, inc.assignee, "assigned", "").set("role", "commander");
    inc.status = Status::investigating;
    if (rng() % 4 == 0) {
        t += minutes(10, 60);
        auto& e = event(t, inc.assignee, "escalated", "needs database expertise");
        e.set("kind", "functional");
        e.set("from", "L1");
        e.set("to", "L2");
        inc.tier = "L2";
    }
    for (int k = 0, notes = static_cast<int>(rng() % 6); k < notes; ++k) {
        t += minutes(5, 45);
        event(t, pick(kPeople), "note", "Checked dashboards and recent deploys; narrowing down");
    }
    if (recent) return inc;
    t += minutes(10, 120);
    inc.mitigated_at = t;
    event(t, inc.assignee, "status", "Impact mitigated").set("to", "mitigated");
    t += minutes(10, 600);
    inc.resolved_at = t;
    inc.resolution = Resolution{"fixed", "Root cause addressed; service restored", inc.assignee};
    event(t, inc.assignee, "resolved", "Root cause addressed").set("code", "fixed");
    inc.status = Status::resolved;
    if (p <= 2) {
        Action a;
        a.id = 1;
        a.title = "Alert on " + inc.service + " saturation before customers notice";
        a.owner = inc.assignee;
        a.due = format_date(t + Seconds{14 * 86400});
        a.type = "prevent";
        a.status = rng() % 3 ? "done" : "open";
        inc.actions.push_back(a);
    }
    if (n > total - total / 20) return inc;
    t += minutes(600, 3000);
    inc.closed_at = t;
    event(t, inc.assignee, "closed", "").set("confirmed_by", inc.reporter);
    inc.status = Status::closed;
    return inc;
}

fs::path generate(const fs::path& dir, int count, const std::string& bin) {
    fs::remove_all(dir);
    fs::create_directories(dir);
    must(run({"git", "init", "-q"}, dir), "git init");
    run({"git", "config", "user.email", "bench@example.com"}, dir);
    run({"git", "config", "user.name", "bench"}, dir);
    run({"git", "config", "gc.auto", "0"}, dir);  // no background gc competing with the measurements
    must(run({bin, "init", "--no-commit"}, dir), "incident init");
    fs::create_directories(dir / "incidents");
    std::mt19937 rng(20261122);
    Timestamp end{Seconds{1795000000}};  // 2026-11-18
    for (int n = 1; n <= count; ++n) {
        std::ofstream(dir / "incidents" / ("INC-" + std::to_string(n) + ".yaml"))
            << incident_to_yaml(make_incident(n, rng, end, count));
    }
    must(run({"git", "add", "-A"}, dir), "git add");
    must(run({"git", "commit", "-qm", "bench data", "--no-verify"}, dir), "git commit");
    // As in a repository in use: git's index no longer "racily clean".
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    run({"git", "update-index", "-q", "--refresh"}, dir);
    ::sync();  // no write-back of the new files competing with the measurements
    return dir;
}

// The baseline: open and read every incident file, nothing else.
double read_all_bytes(const fs::path& dir) {
    auto start = Clock::now();
    std::size_t total = 0;
    for (const auto& e : fs::directory_iterator(dir / "incidents")) {
        auto data = read_file(e.path());
        total += data ? data->size() : 0;
    }
    volatile std::size_t sink = total;
    (void)sink;
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string ms(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, s < 10 ? "%.0f ms" : "%.1f s", s < 10 ? s * 1000 : s);
    return buf;
}

}  // namespace

int main(int argc, char** argv) {
    std::string bin = "build/incident";
    fs::path base = fs::temp_directory_path() / "incident-bench";
    std::vector<int> sizes;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--bin" && i + 1 < argc)
            bin = argv[++i];
        else if (a == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (a == "-h" || a == "--help") {
            std::cout << "usage: incident-bench [--bin PATH] [--dir DIR] [SIZE...]\n";
            return 0;
        } else
            sizes.push_back(std::stoi(a));
    }
    if (sizes.empty()) sizes = {1000, 10000, 100000};
    bin = fs::absolute(bin).string();
    std::cout << "incident-bench: " << std::thread::hardware_concurrency() << " cores; times are medians of 3 runs "
              << "(cold list: 1 run); ratios against reading every file's bytes\n\n";
    std::printf("%-9s %-10s %-18s %-16s %-16s %-16s %-6s %-6s %-6s %-12s %-10s\n", "incidents", "read bytes",
                "cold list (cores)", "warm list", "warm report", "report after 1", "show", "note", "open",
                "note+commit", "peak RSS");
    const std::string where = "priority<=P2 and status!=closed and tag:customer-facing";
    for (int n : sizes) {
        fs::path dir = generate(base / std::to_string(n), n, bin);
        read_all_bytes(dir);  // the page cache is warm for everyone
        double bytes = std::min({read_all_bytes(dir), read_all_bytes(dir), read_all_bytes(dir)});
        std::vector<std::string> list = {bin, "list", "--where", where};
        std::vector<std::string> report = {bin, "report", "--since", "2024-11-01", "--by", "service"};
        fs::remove(dir / ".git" / "incident" / "index");
        Run cold = run(list, dir);
        must(cold, "cold list");
        Run warm = median_of(3, list, dir);
        Run rep = median_of(3, report, dir);
        std::string mid = "INC-" + std::to_string(n / 2);
        must(run({bin, "note", mid, "bench: one change", "--by", "bench@example.com"}, dir), "note");
        Run after = run(report, dir);
        Run show = median_of(3, {bin, "show", mid}, dir);
        Run note = median_of(3, {bin, "note", mid, "bench note", "--by", "bench@example.com", "--no-commit"}, dir);
        Run open = median_of(
            3, {bin, "open", "Bench incident", "--service", "checkout", "--by", "bench@example.com", "--no-commit"},
            dir);
        Run note_git = median_of(3, {bin, "note", mid, "bench note", "--by", "bench@example.com"}, dir);
        auto ratio = [&](double s) -> std::string {
            char buf[16];
            std::snprintf(buf, sizeof buf, "%.1fx", s / bytes);
            return buf;
        };
        char cores[16];
        std::snprintf(cores, sizeof cores, "%.1f", cold.cpu / cold.wall);
        std::printf("%-9d %-10s %-18s %-16s %-16s %-16s %-6s %-6s %-6s %-12s %-10s\n", n, ms(bytes).c_str(),
                    (ms(cold.wall) + " (" + cores + ")").c_str(), (ms(warm.wall) + " " + ratio(warm.wall)).c_str(),
                    (ms(rep.wall) + " " + ratio(rep.wall)).c_str(), (ms(after.wall) + " " + ratio(after.wall)).c_str(),
                    ms(show.wall).c_str(), ms(note.wall).c_str(), ms(open.wall).c_str(), ms(note_git.wall).c_str(),
                    (std::to_string(cold.peak_kb / 1024) + "/" +
                     std::to_string(std::max(warm.peak_kb, rep.peak_kb) / 1024) + " MB")
                        .c_str());
        std::fflush(stdout);
    }
    std::cout << "\nnote, open: the tool's own work (--no-commit); note+commit adds git's commit of the file.\n"
                 "peak RSS: cold list / warm list and report. cores: CPU time / wall time of the cold list.\n";
    return 0;
}
