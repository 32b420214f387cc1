// incident-bench: builds repositories of realistic incidents (fixed seed),
// times the real binary on them through its command line only, and prints one
// markdown table: each row is a command, each column a size, and each cell the
// command's time against a baseline measured in the same run on the same
// repository ("43 ms / 86 ms = 0.50×").
//
//   incident-bench [--bin build/incident] [--dir /tmp/incident-bench] [--keep]
//                  [--generate-only] [SIZE...]
//
// Sizes default to 10000 100000. Times are medians of 3 runs; a cold run (its
// cache removed first) is repeated 3 times unless the first took over 10 s.
// A command that fails (non-zero exit, a signal, or a commit that did not
// happen) gets "failed" in its cell and its error under the table, never a
// time. Nothing is asserted: the exit code is 0 once the table is printed.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "model/file_text.hpp"
#include "page_figure.hpp"
#include "store/atomic_file.hpp"
#include "store/store.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// ---- The data: written here, not by the tool's library, so the benchmark
// depends on the command line only and its data stay the same while the
// tool's writer changes. The text is what the tool writes for such an incident.

// A whole file, read as the tool reads one (model/file_text.hpp: open, fstat,
// one buffer of that size, read); nullopt when it cannot be opened or is not a
// regular file.
std::optional<std::string> slurp(const fs::path& path) {
    incident::FileText file = incident::read_file_text(path);
    return file.status == incident::FileText::Status::ok ? std::optional<std::string>(std::move(file.text))
                                                         : std::nullopt;
}

using Time = std::int64_t;  // seconds since the epoch, UTC

std::string rfc3339(Time t) {
    std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::string date(Time t) { return rfc3339(t).substr(0, 10); }

bool looks_like_number(const std::string& s) {
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

// A string as a YAML scalar in flow context: plain when that reads back as
// the same string, else double-quoted.
std::string scalar(const std::string& s) {
    bool quote = s.empty() || s.find(": ") != std::string::npos || s.find(" #") != std::string::npos ||
                 s.find_first_of(",[]{}\"\\") != std::string::npos ||
                 std::string("-?:,[]{}#&*!|>'\"%@` ").find(s.front()) != std::string::npos || s.back() == ' ' ||
                 s.back() == ':' || s == "null" || s == "true" || s == "false" || s == "~" || looks_like_number(s);
    if (!quote) return s;
    std::string q = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') q += '\\';
        q += c;
    }
    return q + "\"";
}

std::string text_or_null(const std::string& s) { return s.empty() ? "null" : scalar(s); }
std::string time_or_null(const std::optional<Time>& t) { return t ? rfc3339(*t) : "null"; }

struct Event {
    Time at = 0;
    std::string by, type, text;
    std::vector<std::pair<std::string, std::string>> attrs;
    Event& set(const std::string& key, const std::string& value) {
        attrs.emplace_back(key, value);
        return *this;
    }
};

struct Action {
    int id = 0;
    std::string title, owner, due, type, status;
};

struct Incident {
    std::string id, uid, status, title, category, subcategory, service, impact, urgency, priority, priority_reason,
        reporter, assignee, team, tier, commander, description;
    bool drill = false;
    std::vector<std::string> tags;
    std::optional<Time> started_at, detected_at, opened_at, acknowledged_at, mitigated_at, resolved_at, closed_at;
    std::string resolution_code, resolution_summary, resolution_by;
    std::vector<Action> actions;
    std::vector<Event> timeline;
};

std::string to_yaml(const Incident& inc) {
    std::string y;
    auto line = [&](const std::string& key, const std::string& value) { y += key + ": " + value + "\n"; };
    line("id", scalar(inc.id));
    line("uid", scalar(inc.uid));
    line("title", scalar(inc.title));
    line("status", inc.status);
    line("drill", inc.drill ? "true" : "false");
    for (const auto& [k, v] : {std::pair{"category", &inc.category},
                               {"subcategory", &inc.subcategory},
                               {"service", &inc.service},
                               {"impact", &inc.impact},
                               {"urgency", &inc.urgency},
                               {"priority", &inc.priority},
                               {"priority_reason", &inc.priority_reason},
                               {"reporter", &inc.reporter},
                               {"assignee", &inc.assignee},
                               {"team", &inc.team},
                               {"tier", &inc.tier}})
        line(k, text_or_null(*v));
    line("roles", inc.commander.empty() ? "{}" : "{commander: " + scalar(inc.commander) + "}");
    std::string tags;
    for (const auto& t : inc.tags) tags += (tags.empty() ? "" : ", ") + scalar(t);
    line("tags", "[" + tags + "]");
    line("related", "[]");
    line("problem", "null");
    line("started_at", time_or_null(inc.started_at));
    line("detected_at", time_or_null(inc.detected_at));
    line("opened_at", time_or_null(inc.opened_at));
    line("acknowledged_at", time_or_null(inc.acknowledged_at));
    line("mitigated_at", time_or_null(inc.mitigated_at));
    line("resolved_at", time_or_null(inc.resolved_at));
    line("closed_at", time_or_null(inc.closed_at));
    line("description", text_or_null(inc.description));
    line("resolution", inc.resolution_code.empty()
                           ? "null"
                           : "{code: " + scalar(inc.resolution_code) + ", summary: " + scalar(inc.resolution_summary) +
                                 ", by: " + scalar(inc.resolution_by) + "}");
    if (inc.actions.empty())
        line("actions", "[]");
    else {
        y += "actions:\n";
        for (const auto& a : inc.actions)
            y += "  - {id: " + std::to_string(a.id) + ", title: " + text_or_null(a.title) +
                 ", owner: " + text_or_null(a.owner) + ", due: " + text_or_null(a.due) +
                 ", type: " + text_or_null(a.type) + ", status: " + text_or_null(a.status) + "}\n";
    }
    if (inc.timeline.empty())
        line("timeline", "[]");
    else {
        y += "timeline:\n";
        for (const auto& e : inc.timeline) {
            y += "  - {at: " + rfc3339(e.at) + ", by: " + text_or_null(e.by) + ", type: " + scalar(e.type);
            for (const auto& [k, v] : e.attrs) y += ", " + k + ": " + scalar(v);
            if (!e.text.empty()) y += ", text: " + scalar(e.text);
            y += "}\n";
        }
    }
    return y;
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
Incident make_incident(int n, std::mt19937& rng, Time end, int total) {
    auto pick = [&](auto& array) { return std::string(array[rng() % std::size(array)]); };
    auto minutes = [&](int lo, int hi) {
        return Time{60 * (lo + static_cast<int>(rng() % static_cast<unsigned>(hi - lo + 1)))};
    };
    auto level = [](const std::string& l) { return l == "high" ? 0 : l == "medium" ? 1 : 2; };
    Incident inc;
    inc.id = "INC-" + std::to_string(n);
    inc.uid = "00000000-0000-4000-8000-" + std::to_string(100000000000LL + n);
    int s = static_cast<int>(rng() % std::size(kServices));
    inc.service = kServices[s];
    inc.category = kCategories[s % 4];
    inc.subcategory = pick(kSubcategories);
    inc.title = inc.service + " " + inc.subcategory + ": errors above threshold";
    inc.impact = pick(kLevels);
    inc.urgency = pick(kLevels);
    int p = std::min(5, 1 + level(inc.impact) + level(inc.urgency));
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
    Time opened = end - Time{2} * 365 * 86400 * (total - n) / total;
    inc.started_at = opened - minutes(3, 30);
    inc.detected_at = opened - minutes(1, 3);
    inc.opened_at = opened;
    auto event = [&](Time at, const std::string& by, const std::string& type, const std::string& text) -> Event& {
        inc.timeline.push_back(Event{at, by, type, text, {}});
        return inc.timeline.back();
    };
    event(opened, inc.reporter, "opened", inc.title);
    Time t = opened + minutes(1, 5);
    event(t, inc.assignee, "triaged", inc.priority_reason).set("priority", inc.priority);
    inc.status = "triaged";
    bool recent = n > total - total / 50;
    if (recent && rng() % 2) return inc;
    t += minutes(2, 40);
    inc.acknowledged_at = t;
    event(t, inc.assignee, "acknowledged", "");
    inc.commander = inc.assignee;
    event(t + 60, inc.assignee, "assigned", "").set("role", "commander");
    inc.status = "investigating";
    if (rng() % 4 == 0) {
        t += minutes(10, 60);
        event(t, inc.assignee, "escalated", "needs database expertise")
            .set("kind", "functional")
            .set("from", "L1")
            .set("to", "L2");
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
    inc.resolution_code = "fixed";
    inc.resolution_summary = "Root cause addressed; service restored";
    inc.resolution_by = inc.assignee;
    event(t, inc.assignee, "resolved", "Root cause addressed").set("code", "fixed");
    inc.status = "resolved";
    if (p <= 2) {
        Action a;
        a.id = 1;
        a.title = "Alert on " + inc.service + " saturation before customers notice";
        a.owner = inc.assignee;
        a.due = date(t + 14 * 86400);
        a.type = "prevent";
        a.status = rng() % 3 ? "done" : "open";
        inc.actions.push_back(a);
    }
    if (n > total - total / 20) return inc;
    t += minutes(600, 3000);
    inc.closed_at = t;
    event(t, inc.assignee, "closed", "").set("confirmed_by", inc.reporter);
    inc.status = "closed";
    return inc;
}

// ---- On call: a people.yaml of kOncallPeople people and one schedule per
// service, written as a team would by hand. Layers mix weekly, daily and
// hourly rotations in four zones; every other schedule has a restricted
// layer over its first (office hours, or a night window over midnight); a few
// have an override in the file or override files.

constexpr int kOncallPeople = 30;
const char* kZones[] = {"Europe/Berlin", "America/New_York", "Australia/Sydney", "UTC"};
// The schedule of the `oncall shifts` row: an hourly layer (6-hour turns) in
// Australia/Sydney under an office-hours layer.
const std::string kShiftsSchedule = "search";
const std::string kOncallAt = "2026-06-15T12:00:00Z";

std::string person_key(int k) { return "p" + std::to_string(100 + k % kOncallPeople + 1).substr(1); }

std::string people_yaml() {
    std::string y = "people:\n";
    for (int k = 0; k < kOncallPeople; ++k) {
        const std::string key = person_key(k);
        y += "  " + key + ":\n    name: Person " + key.substr(1) + "\n    email: " + key + "@example.com\n";
        y += "    time_zone: " + std::string(kZones[k % std::size(kZones)]) + "\n    contact:\n";
        y += "      - {email: " + key + "@example.com}\n";
        if (k % 3 == 0) y += "      - {push: https://ntfy.example.com/oncall-" + key + "}\n";
    }
    return y;
}

// Schedule `i` (0 to 19): its service's name, zone i % 4, rotation i % 3.
std::string schedule_yaml(int i) {
    auto members = [&](int count) {
        std::string m;
        for (int k = 0; k < count; ++k) m += (m.empty() ? "" : ", ") + person_key(i * 3 + k);
        return "[" + m + "]";
    };
    auto layer = [](const std::string& name, const std::string& start, const std::string& rotation, int shift,
                    const std::string& members) {
        return "  - name: " + name + "\n    start: " + start + "\n    rotation: " + rotation +
               "\n    shift: " + std::to_string(shift) + "\n    members: " + members + "\n";
    };
    std::string y =
        "name: " + std::string(kServices[i]) + " on call\ntime_zone: " + kZones[i % std::size(kZones)] + "\nlayers:\n";
    if (i % 3 == 0)
        y += layer("weekly", "2026-01-05T09:00", "weekly", 1, members(4));
    else if (i % 3 == 1)
        y += layer("daily", "2026-01-01T08:00", "daily", 1 + i % 2, members(5));
    else
        y += layer("follow-the-sun", "2026-01-01T00:00", "hourly", 6, members(4));
    if (i % 2 == 0) {
        y += layer(i % 4 == 0 ? "nights" : "office-hours", "2026-01-05T09:00", "daily", 1,
                   "[" + person_key(i * 3 + 5) + ", " + person_key(i * 3 + 6) + "]") +
             "    restrict:\n";
        y += i % 4 == 0 ? "      - {days: [mon, tue, wed, thu, fri, sat, sun], from: \"22:00\", to: \"06:00\"}\n"
                        : "      - {days: [mon, tue, wed, thu, fri], from: \"09:00\", to: \"17:00\"}\n";
    }
    if (i % 5 == 0)
        y += "overrides:\n  - {from: 2026-06-10T18:00, to: 2026-06-20T09:00, who: " + person_key(i * 3 + 7) +
             ", instead_of: " + person_key(i * 3) + ", reason: leave}\n";
    return y;
}

// An override file as `oncall override` writes one (schedule `i`, the `k`th).
std::string override_yaml(int i, int k) {
    return "# An on-call override of schedule " + std::string(kServices[i]) +
           ", written by incident oncall override.\nfrom: 2026-06-" + std::to_string(11 + 2 * k) +
           "T07:00:00Z\nto: 2026-06-" + std::to_string(12 + 2 * k) + "T19:00:00Z\nwho: " + person_key(i * 3 + 8 + k) +
           "\nreason: swap\nby: bench@example.com\ncreated_at: 2026-06-01T10:00:00Z\n";
}

void write_oncall(const fs::path& dir) {
    fs::create_directories(dir / ".incident" / "oncall");
    std::ofstream(dir / ".incident" / "people.yaml") << people_yaml();
    for (int i = 0; i < static_cast<int>(std::size(kServices)); ++i) {
        std::ofstream(dir / ".incident" / "oncall" / (std::string(kServices[i]) + ".yaml")) << schedule_yaml(i);
        if (i % 4 != 1) continue;
        const fs::path overrides = dir / ".incident" / "oncall" / "overrides" / kServices[i];
        fs::create_directories(overrides);
        for (int k = 0; k < 2; ++k)
            std::ofstream(overrides / ("2026061" + std::to_string(1 + 2 * k) + "T0700Z-" + person_key(i * 3 + 8 + k) +
                                       "-bench" + std::to_string(k) + ".yaml"))
                << override_yaml(i, k);
    }
}

using Argv = std::vector<std::string>;

constexpr double kColdRepeatLimit = 10.0;  // seconds: a slower cold run is not repeated
constexpr int kMassWrite = 1000;           // files rewritten before "list after mass write"

// One timed run, or why it failed (then the times mean nothing).
struct Sample {
    double wall = 0, cpu = 0;  // seconds
    std::string error;
};

// A measurement: the median of its samples by wall time.
struct Timing {
    double wall = 0, cpu = 0;
    int runs = 0;
    std::string error;
    bool ok() const { return error.empty() && runs > 0; }
};

Sample plus(const Sample& a, const Sample& b) {
    if (!a.error.empty()) return a;
    if (!b.error.empty()) return b;
    return {a.wall + b.wall, a.cpu + b.cpu, ""};
}

Timing median(std::vector<Sample> samples) {
    Timing t;
    for (const auto& s : samples)
        if (!s.error.empty()) {
            t.error = s.error;
            return t;
        }
    if (samples.empty()) return t;
    std::sort(samples.begin(), samples.end(), [](const Sample& a, const Sample& b) { return a.wall < b.wall; });
    const Sample& m = samples[samples.size() / 2];
    t.wall = m.wall;
    t.cpu = m.cpu;
    t.runs = static_cast<int>(samples.size());
    return t;
}

Timing median_of(int times, const std::function<Sample()>& one) {
    std::vector<Sample> samples;
    for (int i = 0; i < times; ++i) {
        samples.push_back(one());
        if (!samples.back().error.empty()) break;
    }
    return median(samples);
}

// A cold measurement: `prepare` (untimed) removes the cache, `one` is timed;
// three times unless the first run took longer than kColdRepeatLimit.
Timing cold_of(const std::function<void()>& prepare, const std::function<Sample()>& one) {
    std::vector<Sample> samples;
    for (int i = 0; i < 3; ++i) {
        prepare();
        samples.push_back(one());
        if (!samples.back().error.empty() || samples.front().wall > kColdRepeatLimit) break;
    }
    return median(samples);
}

std::string first_line(const std::string& text) {
    std::string line = text.substr(0, text.find('\n'));
    return line.size() > 200 ? line.substr(0, 200) + "…" : line;
}

std::string join(const Argv& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        bool quote = a.empty() || a.find_first_of(" \t'\"<>=!") != std::string::npos;
        s += quote ? "'" + a + "'" : a;
    }
    return s;
}

// Runs commands in one repository: stdout to /dev/null (or a file), stderr
// kept in a scratch file for the error message. Tracks the largest peak RSS
// of the tool's own commands.
class Runner {
public:
    Runner(fs::path dir, std::string bin, fs::path scratch)
        : dir_(std::move(dir)), bin_(std::move(bin)), scratch_(std::move(scratch)) {}

    const fs::path& dir() const { return dir_; }
    const std::string& bin() const { return bin_; }

    // The tool with these arguments (`label` names it for the peak RSS).
    Sample tool(Argv args, const std::string& label) {
        args.insert(args.begin(), bin_);
        return exec(args, label);
    }

    // Any command (git, cat): not counted in the peak RSS.
    Sample exec(const Argv& argv, const std::string& label = "", const fs::path& out = "/dev/null") {
        fs::path err = scratch_ / "stderr";
        auto start = Clock::now();
        pid_t pid = fork();
        if (pid == 0) {
            if (chdir(dir_.c_str()) != 0) _exit(126);
            int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (o < 0 || e < 0) _exit(126);
            dup2(o, 1);
            dup2(e, 2);
            int in = open("/dev/null", O_RDONLY);
            dup2(in, 0);
            Argv copy = argv;
            std::vector<char*> args;
            for (auto& a : copy) args.push_back(a.data());
            args.push_back(nullptr);
            execvp(args[0], args.data());
            _exit(127);
        }
        Sample s;
        if (pid < 0) {
            s.error = "cannot fork for `" + join(argv) + "`";
            return s;
        }
        int status = 0;
        rusage ru{};
        wait4(pid, &status, 0, &ru);
        s.wall = std::chrono::duration<double>(Clock::now() - start).count();
        s.cpu = static_cast<double>(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                static_cast<double>(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
        if (!label.empty() && ru.ru_maxrss > peak_kb) {
            peak_kb = ru.ru_maxrss;
            peak_what = label;
        }
        if (WIFSIGNALED(status))
            s.error = "killed by signal " + std::to_string(WTERMSIG(status));
        else if (WEXITSTATUS(status) != 0)
            s.error = "exit " + std::to_string(WEXITSTATUS(status));
        if (!s.error.empty()) {
            auto text = slurp(err);
            std::string msg = text ? first_line(*text) : "";
            s.error = "`" + join(argv) + "`: " + s.error + ": " + (msg.empty() ? "(nothing on stderr)" : msg);
        }
        return s;
    }

    // stdout of a command that must succeed (git rev-parse, git status).
    std::string output(const Argv& argv, std::string* error = nullptr) {
        fs::path out = scratch_ / "stdout";
        Sample s = exec(argv, "", out);
        if (error) *error = s.error;
        auto text = slurp(out);
        return s.error.empty() && text ? *text : "";
    }

    long peak_kb = 0;
    std::string peak_what;

private:
    fs::path dir_;
    std::string bin_;
    fs::path scratch_;
};

// Setup steps (git init, the data's commit) must work: no table without them.
void must(const Sample& s, const std::string& what) {
    if (!s.error.empty()) {
        std::cerr << "incident-bench: " << what << " failed: " << s.error << "\n";
        std::exit(1);
    }
}

// The layout of the generated repositories (--layout): sharded unless told.
incident::Layout g_layout = incident::Layout::sharded;

std::string incident_path(int n) {
    return "incidents/" + incident::incident_file("INC-" + std::to_string(n), g_layout);
}

// A new git repository at r.dir() with `incident init` run in it.
void init_repository(Runner& r) {
    const fs::path& dir = r.dir();
    fs::remove_all(dir);
    fs::create_directories(dir);
    must(r.exec({"git", "init", "-q"}), "git init");
    r.exec({"git", "config", "user.email", "bench@example.com"});
    r.exec({"git", "config", "user.name", "bench"});
    r.exec({"git", "config", "gc.auto", "0"});  // no background gc competing with the measurements
    must(r.tool({"init", "--no-commit"}, "init"), "incident init");
}

// As in a repository in use: git's index no longer "racily clean".
void settle(Runner& r) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    r.exec({"git", "update-index", "-q", "--refresh"});
    ::sync();  // no write-back of the new files competing with the measurements
}

void generate(Runner& r, int count) {
    const fs::path& dir = r.dir();
    init_repository(r);
    if (g_layout == incident::Layout::sharded) {
        auto config = incident::read_file(dir / ".incident" / "config.yaml").value_or("");
        auto at = config.find("\nlayout: flat\n");
        if (at != std::string::npos) config.replace(at, 14, "\nlayout: sharded\n");
        std::ofstream(dir / ".incident" / "config.yaml") << config;
    }
    write_oncall(dir);
    std::mt19937 rng(20261122);
    Time end = 1795000000;  // 2026-11-18
    for (int n = 1; n <= count; ++n) {
        fs::create_directories((dir / incident_path(n)).parent_path());
        std::ofstream(dir / incident_path(n)) << to_yaml(make_incident(n, rng, end, count));
    }
    must(r.exec({"git", "add", "-A"}), "git add");
    must(r.exec({"git", "commit", "-qm", "bench data", "--no-verify"}), "git commit");
    settle(r);
}

// The baseline: open and read every incident file, nothing else.
Sample read_all_bytes(const fs::path& dir) {
    auto start = Clock::now();
    std::size_t total = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir / "incidents")) {
        if (!e.is_regular_file() || e.path().extension() != ".yaml") continue;
        auto data = slurp(e.path());
        total += data ? data->size() : 0;
    }
    volatile std::size_t sink = total;
    (void)sink;
    double s = std::chrono::duration<double>(Clock::now() - start).count();
    return {s, s, ""};
}

// Removes what `validate` could have cached under .git/incident/: the index
// cache, and any entry named for validate (.git/incident/validated, the files
// it found without errors). The rest there (lock, commit journal and index,
// outbox) is the tool's state, not a cache of reads, and stays.
void remove_validate_caches(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / ".git" / "incident", ec)) {
        std::string name = e.path().filename().string();
        if (name == "index" || name.find("validat") != std::string::npos) fs::remove_all(e.path(), ec);
    }
}

// The next id `open` would take: the largest INC-n on disk plus one.
int next_free_id(const fs::path& dir) {
    int max = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir / "incidents")) {
        std::string name = e.path().filename().string();
        if (name.rfind("INC-", 0) == 0 && name.size() > 9 && name.ends_with(".yaml"))
            max = std::max(max, std::atoi(name.c_str() + 4));
    }
    return max + 1;
}

// After a command that should have committed: HEAD moved and nothing is left
// uncommitted. Otherwise the sample becomes an error (the tool keeps a change
// whose commit failed in the work tree and exits 0).
Sample committed(Runner& r, Sample s, const std::string& head_before) {
    if (!s.error.empty()) return s;
    std::string err;
    std::string head = r.output({"git", "rev-parse", "HEAD"}, &err);
    std::string dirty = r.output({"git", "status", "--porcelain"}, &err);
    if (!err.empty())
        s.error = err;
    else if (head == head_before)
        s.error = "exit 0 but no commit was made";
    else if (!dirty.empty())
        s.error = "exit 0 but left uncommitted: " + first_line(dirty);
    return s;
}

// Rewrites `count` incident files spread over the repository as a pull would
// (a new file renamed over the old one), each with its content plus one line.
void mass_write(const fs::path& dir, int total, int count, int round) {
    int step = std::max(1, total / count);
    for (int n = step, done = 0; n <= total && done < count; n += step, ++done) {
        fs::path file = dir / incident_path(n);
        auto text = slurp(file);
        if (!text) continue;
        fs::path temp = file;
        temp += ".bench-tmp";
        std::ofstream(temp) << *text << "# rewritten by incident-bench, round " << round << "\n";
        fs::rename(temp, file);
    }
    ::sync();
}

std::string ms(double s) {
    char buf[32];
    if (s < 0.01)
        std::snprintf(buf, sizeof buf, "%.1f ms", s * 1000);
    else if (s < 10)
        std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000);
    else
        std::snprintf(buf, sizeof buf, "%.1f s", s);
    return buf;
}

std::string ratio(double a, double b) {
    char buf[32];
    double x = b > 0 ? a / b : 0;
    std::snprintf(buf, sizeof buf, x < 10 ? "%.2f×" : x < 100 ? "%.1f×" : "%.0f×", x);
    return buf;
}

std::string grouped(long n) {
    std::string s = std::to_string(n);
    for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<std::size_t>(i), " ");
    return s;
}

struct Row {
    std::string what, against;
};

// The table's rows, in order; a size's cells are in the same order.
enum RowId {
    kBytes,
    kColdReport,
    kWarmReport,
    kReportAfterOne,
    kWarmList,
    kListAll,
    kListAllJson,
    kSla,
    kStatusBuild,
    kValidateCold,
    kValidateWarm,
    kListAfterMassWrite,
    kListSettled,
    kShow,
    kOncallWho,
    kOncallShifts,
    kNote,
    kOpen,
    kNoteCommit,
    kOpenCommit,
    kPeakRss,
    kRows
};

const std::string kWhere = "priority<=P2 and status!=closed and tag:customer-facing";

std::vector<Row> rows() {
    std::vector<Row> r(kRows);
    r[kBytes] = {"read bytes: every incident file (the baseline)", "—"};
    r[kColdReport] = {"cold report: `report --since 2024-11-01 --by service`, no index cache", "read bytes"};
    r[kWarmReport] = {"warm report", "read bytes"};
    r[kReportAfterOne] = {"report after one change (`note`)", "read bytes"};
    r[kWarmList] = {"warm list: `list --where '" + kWhere + "'`", "read bytes"};
    r[kListAll] = {"`list --all`", "read bytes"};
    r[kListAllJson] = {"`list --all --json`", "`list --all`"};
    r[kSla] = {"`sla`", "`list --all`"};
    r[kStatusBuild] = {"`status build DIR` (reads the incidents open or resolved in the last 90 days)", "warm report"};
    r[kValidateCold] = {"cold `validate` (whole repository, no cache)", "read bytes"};
    r[kValidateWarm] = {"warm `validate`", "read bytes"};
    r[kListAfterMassWrite] = {"list after mass write (" + grouped(kMassWrite) + " files rewritten)", "list settled"};
    r[kListSettled] = {"list settled (the next run)", "read bytes"};
    r[kShow] = {"`show ID`", "`cat` of its file"};
    r[kOncallWho] = {"`oncall who --at " + kOncallAt + "` (" + std::to_string(std::size(kServices)) + " schedules, " +
                         std::to_string(kOncallPeople) + " people)",
                     "`show ID`"};
    r[kOncallShifts] = {"`oncall shifts " + kShiftsSchedule +
                            " --from 2026-01-01 --to 2027-01-01` (an hourly layer under office hours, a year)",
                        "`show ID`"};
    r[kNote] = {"`note` (`--no-commit`)", "`cat` of its file"};
    r[kOpen] = {"`open` (`--no-commit`)", "`cat` of its file"};
    r[kNoteCommit] = {"`note` with its commit", "`git commit -qam` (one-line change)"};
    r[kOpenCommit] = {"`open` with its commit", "`git add NEW && git commit -qm`"};
    r[kPeakRss] = {"peak RSS (largest of every command, and which)", "—"};
    return r;
}

// Failures found while measuring, listed under the table.
std::vector<std::string> g_failures;

std::string cell(const Timing& t, const Timing& base, int size, const std::string& what, bool cores = false) {
    const Timing& bad = !t.error.empty() ? t : base;
    if (!bad.error.empty()) {
        g_failures.push_back(grouped(size) + ", " + what + ": " + bad.error);
        return "**failed** (see [" + std::to_string(g_failures.size()) + "])";
    }
    if (!t.ok()) return "not measured";
    std::string c = ms(t.wall);
    if (base.ok()) c += " / " + ms(base.wall) + " = " + ratio(t.wall, base.wall);
    std::string notes;
    if (cores && t.wall > 0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.1f cores", t.cpu / t.wall);
        notes = buf;
    }
    if (t.runs == 1) notes += std::string(notes.empty() ? "" : ", ") + "1 run";
    return notes.empty() ? c : c + " (" + notes + ")";
}

void progress(int size, const std::string& what, const std::string& value) {
    std::cerr << "  " << grouped(size) << ": " << what << ": " << value << "\n";
}

// Measures every row at one size; the cells in row order.
std::vector<std::string> measure(Runner& r, int n) {
    const fs::path& dir = r.dir();
    std::vector<std::string> cells(kRows, "not measured");
    auto table = rows();
    auto put = [&](RowId id, const Timing& t, const Timing& base, bool cores = false) {
        cells[id] = cell(t, base, n, table[id].what, cores);
        progress(n, table[id].what, cells[id]);
    };
    auto tool = [&](const Argv& args, const std::string& label) {
        return [&r, args, label] { return r.tool(args, label); };
    };
    Timing none;

    read_all_bytes(dir);  // the page cache is warm for everyone
    Timing bytes = median_of(3, [&] { return read_all_bytes(dir); });
    put(kBytes, bytes, none);

    const Argv report = {"report", "--since", "2024-11-01", "--by", "service"};
    const Argv list = {"list", "--where", kWhere};
    put(kColdReport, cold_of([&] { fs::remove(dir / ".git" / "incident" / "index"); }, tool(report, "cold report")),
        bytes, true);
    Timing warm_report = median_of(3, tool(report, "report"));
    put(kWarmReport, warm_report, bytes);
    put(kWarmList, median_of(3, tool(list, "list --where")), bytes);
    Timing list_all = median_of(3, tool({"list", "--all"}, "list --all"));
    put(kListAll, list_all, bytes);
    put(kListAllJson, median_of(3, tool({"list", "--all", "--json"}, "list --all --json")), list_all);
    put(kSla, median_of(3, tool({"sla"}, "sla")), list_all);
    const std::string site = (dir / ".git" / "incident" / "bench-site").string();
    put(kStatusBuild, median_of(3, tool({"status", "build", site}, "status build")), warm_report);

    const int mid = n / 2;
    const std::string mid_id = "INC-" + std::to_string(mid);
    Timing cat = median_of(3, [&] { return r.exec({"cat", incident_path(mid)}); });
    Timing show = median_of(3, tool({"show", mid_id}, "show"));
    put(kShow, show, cat);
    put(kOncallWho, median_of(3, tool({"oncall", "who", "--at", kOncallAt}, "oncall who")), show);
    put(kOncallShifts,
        median_of(3, tool({"oncall", "shifts", kShiftsSchedule, "--from", "2026-01-01", "--to", "2027-01-01"},
                          "oncall shifts")),
        show);

    // Commits while the work tree is clean, each run beside its git baseline.
    std::vector<Sample> note_commit, note_git, open_commit, open_git;
    std::mt19937 rng(7);
    auto head = [&] { return r.output({"git", "rev-parse", "HEAD"}); };
    for (int k = 0; k < 3; ++k) {
        std::string before = head();
        note_commit.push_back(
            committed(r, r.tool({"note", mid_id, "bench: one change", "--by", "bench@example.com"}, "note"), before));
        before = head();
        std::ofstream(dir / incident_path(mid + 1), std::ios::app) << "# bench: one-line change " << k << "\n";
        note_git.push_back(
            committed(r, r.exec({"git", "commit", "-qam", "bench: one-line change", "--no-verify"}), before));

        before = head();
        open_commit.push_back(committed(
            r, r.tool({"open", "Bench incident", "--service", "checkout", "--by", "bench@example.com"}, "open"),
            before));
        before = head();
        int id = next_free_id(dir);
        fs::create_directories((dir / incident_path(id)).parent_path());
        std::ofstream(dir / incident_path(id)) << to_yaml(make_incident(id, rng, 1795000000, id));
        Sample add = r.exec({"git", "add", incident_path(id)});  // then the commit: two statements, in order
        open_git.push_back(
            committed(r, plus(add, r.exec({"git", "commit", "-qm", "bench: new file", "--no-verify"})), before));
    }
    Timing git_note = median(note_git), git_open = median(open_git);
    put(kNoteCommit, median(note_commit), git_note);
    put(kOpenCommit, median(open_commit), git_open);

    put(kNote, median_of(3, tool({"note", mid_id, "bench note", "--by", "bench@example.com", "--no-commit"}, "note")),
        cat);
    put(kOpen,
        median_of(3,
                  tool({"open", "Bench incident", "--service", "checkout", "--by", "bench@example.com", "--no-commit"},
                       "open")),
        cat);
    put(kReportAfterOne,
        median_of(3,
                  [&] {
                      Sample s = r.tool(
                          {"note", mid_id, "bench: one change", "--by", "bench@example.com", "--no-commit"}, "note");
                      return s.error.empty() ? r.tool(report, "report") : s;
                  }),
        bytes);

    put(kValidateCold, cold_of([&] { remove_validate_caches(dir); }, tool({"validate"}, "cold validate")), bytes, true);
    put(kValidateWarm, median_of(3, tool({"validate"}, "validate")), bytes, true);

    // The cache's first use after a pull changed many files. The files are
    // older than the 2 s under which the index never caches a file.
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    r.tool(list, "list --where");
    r.tool(list, "list --where");
    std::vector<Sample> first, second;
    for (int k = 0; k < 3; ++k) {
        mass_write(dir, n, std::min(n, kMassWrite), k);
        std::this_thread::sleep_for(std::chrono::milliseconds(2100));
        first.push_back(r.tool(list, "list after mass write"));
        second.push_back(r.tool(list, "list --where"));
    }
    Timing settled = median(second);
    put(kListAfterMassWrite, median(first), settled);
    if (n < kMassWrite) cells[kListAfterMassWrite] += " (all " + grouped(n) + " files)";
    put(kListSettled, settled, bytes);

    cells[kPeakRss] = std::to_string(r.peak_kb / 1024) + " MB (" + r.peak_what + ")";
    progress(n, table[kPeakRss].what, cells[kPeakRss]);
    return cells;
}

const std::string kPagingWhat = "`page tick --at " + page_figure::kQuietTick + "` (nothing due; " +
                                std::to_string(page_figure::kSchedules) + " schedules, each incident paged once)";

// The paging figure (page_figure.hpp) in a repository of its own: `page
// tick` when nothing is due, against `sla`; the tick must write nothing.
std::string measure_paging(Runner& r) {
    using namespace page_figure;
    init_repository(r);
    write_repository(r.dir(), incident_path);
    must(r.exec({"git", "add", "-A"}), "git add");
    must(r.exec({"git", "commit", "-qm", "bench paging data", "--no-verify"}), "git commit");
    // Step 1 of every incident, committed as one change.
    must(r.tool({"page", "tick", "--at", kFirstTick, "--no-commit", "--by", "bench@example.com"}, "page tick"),
         "the first page tick");
    must(r.exec({"git", "commit", "-qam", "bench: paged once", "--no-verify"}), "git commit");
    settle(r);
    r.tool({"sla"}, "sla");  // the index cache is warm for everyone
    Timing sla = median_of(3, [&] { return r.tool({"sla"}, "sla"); });
    Timing tick = median_of(3, [&] {
        Sample s = r.tool({"page", "tick", "--at", kQuietTick, "--by", "bench@example.com"}, "page tick");
        std::string dirty = r.output({"git", "status", "--porcelain"});
        if (s.error.empty() && !dirty.empty()) s.error = "the tick changed something: " + first_line(dirty);
        return s;
    });
    std::string c = cell(tick, sla, kIncidents, kPagingWhat);
    progress(kIncidents, kPagingWhat, c);
    return c;
}

// The paging figure's repository, measured, as a table with its note.
std::string paging_figure(const fs::path& base, const std::string& bin, const fs::path& scratch, bool keep) {
    Runner r(base / "paging", bin, scratch);
    std::cerr << "incident-bench: generating " << grouped(page_figure::kIncidents) << " open P1 incidents that page in "
              << r.dir().string() << "\n";
    const std::string cell = measure_paging(r);
    if (!keep) fs::remove_all(r.dir());
    return "\n| command | against | " + grouped(page_figure::kIncidents) + " open P1 incidents |\n|---|---|---|\n| " +
           kPagingWhat + " | `sla` | " + cell +
           " |\n\n- paging: a repository of its own; P1 pages a schedule, then another after 30 minutes; every "
           "incident was paged once (step 1) before, so the tick only looks. Nobody has a contact method: nothing "
           "is sent.\n";
}

}  // namespace

int main(int argc, char** argv) {
    std::string bin = "build/incident";
    fs::path base = fs::temp_directory_path() / "incident-bench";
    bool keep = false, generate_only = false;
    std::vector<int> sizes;
    const char* usage =
        "usage: incident-bench [--bin PATH] [--dir DIR] [--layout flat|sharded] [--keep] [--generate-only] "
        "[SIZE...]\n"
        "  --bin PATH       the incident binary (default build/incident)\n"
        "  --dir DIR        where the repositories go, DIR/SIZE (default /tmp/incident-bench)\n"
        "  --layout L       the repositories' layout of incidents/ (default sharded)\n"
        "  --keep           keep the repositories after measuring (default: removed)\n"
        "  --generate-only  make the repositories (committed, as generated) and time nothing\n"
        "  SIZE...          incidents per repository (default 10000 100000)\n";
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--bin" && i + 1 < argc)
            bin = argv[++i];
        else if (a == "--dir" && i + 1 < argc)
            base = argv[++i];
        else if (a == "--layout" && i + 1 < argc &&
                 (std::string(argv[i + 1]) == "flat" || std::string(argv[i + 1]) == "sharded"))
            g_layout = std::string(argv[++i]) == "flat" ? incident::Layout::flat : incident::Layout::sharded;
        else if (a == "--keep")
            keep = true;
        else if (a == "--generate-only")
            generate_only = true;
        else if (a == "-h" || a == "--help") {
            std::cout << usage;
            return 0;
        } else if (!a.empty() && a.find_first_not_of("0123456789") == std::string::npos && std::stoi(a) > 0)
            sizes.push_back(std::stoi(a));
        else {
            std::cerr << "incident-bench: unknown argument '" << a << "'\n" << usage;
            return 2;
        }
    }
    if (sizes.empty()) sizes = {10000, 100000};
    bin = fs::absolute(bin).string();
    base = fs::absolute(base);
    fs::create_directories(base);
    fs::path scratch = base / ".scratch";
    fs::create_directories(scratch);

    std::string version;
    {
        Runner probe(base, bin, scratch);
        std::string err;
        version = first_line(probe.output({bin, "--version"}, &err));
        if (!err.empty()) {
            std::cerr << "incident-bench: " << err << "\n";
            return 1;
        }
    }

    std::vector<std::vector<std::string>> columns;
    for (int n : sizes) {
        Runner r(base / std::to_string(n), bin, scratch);
        std::cerr << "incident-bench: generating " << grouped(n) << " incidents in " << r.dir().string() << "\n";
        generate(r, n);
        if (generate_only) continue;
        columns.push_back(measure(r, n));
        if (!keep) fs::remove_all(r.dir());
    }
    const std::string paging = generate_only ? "" : paging_figure(base, bin, scratch, keep);
    fs::remove_all(scratch);
    if (generate_only) return 0;

    std::cout << "incident-bench: " << version << ", " << std::thread::hardware_concurrency() << " cores, "
              << (g_layout == incident::Layout::flat ? "flat" : "sharded")
              << " layout; medians of 3 runs; cold runs (cache removed before each) 3 times unless the first took "
                 "over "
              << kColdRepeatLimit << " s\n\n";
    std::cout << "| command | against |";
    for (int n : sizes) std::cout << " " << grouped(n) << " |";
    std::cout << "\n|---|---|";
    for (std::size_t i = 0; i < sizes.size(); ++i) std::cout << "---|";
    std::cout << "\n";
    auto table = rows();
    for (int id = 0; id < kRows; ++id) {
        std::cout << "| " << table[id].what << " | " << table[id].against << " |";
        for (const auto& c : columns) std::cout << " " << c[static_cast<std::size_t>(id)] << " |";
        std::cout << "\n";
    }
    std::cout << "\n- read bytes: every incident file read in the benchmark's process, page cache warm.\n"
                 "- cold: `.git/incident/index` removed before each run (for `validate`, also any entry there named "
                 "for validate: `validated`); cores: CPU time / wall time.\n"
                 "- `cat` and git run as the tool does (spawned, output to /dev/null); git's commits with "
                 "--no-verify, as the tool's. With its commit: HEAD moved and nothing was left uncommitted, "
                 "or the row fails.\n"
                 "- list after mass write: the warm list's command, first run after "
              << grouped(kMassWrite)
              << " incident files were rewritten (content plus one line, renamed over) more than 2 s before; "
                 "list settled: the run after it.\n"
                 "- on call: every repository also holds a people.yaml and one schedule per service (weekly, daily "
                 "and hourly layers, some restricted, a few overrides; Europe/Berlin, America/New_York, "
                 "Australia/Sydney, UTC), which whole-repository `validate` checks too.\n";
    std::cout << paging;
    for (std::size_t i = 0; i < g_failures.size(); ++i) std::cout << "\n[" << i + 1 << "] " << g_failures[i];
    if (!g_failures.empty()) std::cout << "\n";
    return 0;
}
