// incident-serve-bench: `incident serve` taking a burst of Alertmanager
// webhooks, against `incident open --no-commit` run once per alert as the
// baseline; one markdown table. REQUESTS webhooks of DISTINCT alert groups
// (each group sent REQUESTS / DISTINCT times, in an order shuffled with a fixed
// seed) are posted by CLIENTS threads at once, each on its own keep-alive
// connection; then SIGTERM, which must end the server with 0. The same runs
// again with `serve --no-commit`, and the same alerts go through `incident open
// --no-commit --dedup-key` one process after another. Each run starts from a
// repository holding INCIDENTS earlier incidents (resolved or closed, dedup
// keys of their own), committed. Checked after each run: every request
// answered 2xx, one new incident per group (DISTINCT in all), every repeat on
// file as an `alert` event, nothing lost, the earlier incidents untouched, and
// with commits a clean work tree (so every alert answered is in HEAD) and
// between 1 commit and one per request (the server commits the requests that
// arrive during a write together). A failure ends the run with exit 1.
//
//   incident-serve-bench [--bin PATH] [--dir DIR] [--requests 1000] [--distinct 100] [--clients 8]
//                        [--incidents 0] [--keep]
#include <httplib.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "process.hpp"

using namespace bench;
using json = nlohmann::json;

namespace {

constexpr unsigned kSeed = 20261122;  // the order the webhooks go out in
const std::string kWho = "serve-bench@example.com";
const std::string kToken = "serve-bench-token";
const std::string kRoute = "/v1/alerts/alertmanager";

void progress(const std::string& line) { std::cerr << "incident-serve-bench: " << line << std::endl; }

// ---- Processes. Every child gets the environment set up in main (a fixed
// git identity and actor, no user or system config, the server's token); its
// stdout and stderr go to scratch files, read back when it ends.

pid_t g_server = 0;  // the running `incident serve`, stopped if this program is

void stop_server_and_exit(int sig) {
    if (g_server > 0) kill(g_server, SIGTERM);  // kill and waitpid are async-signal-safe
    if (g_server > 0) waitpid(g_server, nullptr, 0);
    _exit(128 + sig);
}

// ---- The alerts.

struct Settings {
    std::string bin = "build/incident";
    fs::path dir;  // default: a new directory under /tmp
    int requests = 1000, distinct = 100, clients = 8;
    int incidents = 0;  // on file before each run
    bool keep = false;
};

// The group each request sends: group i % distinct for request i, shuffled
// with a fixed seed (each group's first request opens its incident).
std::vector<int> send_order(const Settings& s) {
    std::vector<int> order;
    for (int i = 0; i < s.requests; ++i) order.push_back(i % s.distinct);
    std::shuffle(order.begin(), order.end(), std::mt19937(kSeed));
    return order;
}

std::string group_name(int group) { return "BenchAlert" + std::to_string(group); }

// Alertmanager's groupKey for a group (route group_by: [alertname]): the dedup key.
std::string group_key(int group) { return "{}/{severity=\"critical\"}:{alertname=\"" + group_name(group) + "\"}"; }

// Group `group` as Alertmanager posts it (webhook version 4): two instances
// of one critical alert firing, grouped by alertname.
std::string webhook(int group) {
    const std::string name = group_name(group), service = "svc" + std::to_string(group % 10);
    const json common = {
        {"alertname", name}, {"job", service + "-api"}, {"service", service}, {"severity", "critical"}};
    const std::string summary = name + ": " + service + " p99 latency above 2s";
    json alerts = json::array();
    for (int n = 1; n <= 2; ++n) {
        json labels = common;
        labels["instance"] = service + "-" + std::to_string(n) + ":8080";
        char fingerprint[17];
        std::snprintf(fingerprint, sizeof fingerprint, "%08x%08x", 0x5ef77f1fu + group, 0x8a3ecd13u + n);
        alerts.push_back({{"status", "firing"},
                          {"labels", labels},
                          {"annotations",
                           {{"summary", summary},
                            {"description", "p99 is 3.4s on instance " + labels["instance"].get<std::string>()}}},
                          {"startsAt", "2026-11-22T02:58:30.123Z"},
                          {"endsAt", "0001-01-01T00:00:00Z"},
                          {"generatorURL", "http://prometheus.example.com:9090/graph?g0.expr=histogram_quantile"},
                          {"fingerprint", fingerprint}});
    }
    return json{{"version", "4"},
                {"groupKey", group_key(group)},
                {"truncatedAlerts", 0},
                {"status", "firing"},
                {"receiver", "incident"},
                {"groupLabels", {{"alertname", name}}},
                {"commonLabels", common},
                {"commonAnnotations", {{"summary", summary}}},
                {"externalURL", "http://alertmanager.example.com:9093"},
                {"alerts", alerts}}
        .dump();
}

// ---- What a run measured.

struct Figure {
    std::string what;
    double seconds = 0;      // from the first request sent to the last answered
    std::vector<double> ms;  // each request's (or process's) latency
    int commits = 0;         // made during the run
};

double percentile(std::vector<double> v, double q) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(v.size())));  // nearest rank
    return v[std::clamp<std::size_t>(rank, 1, v.size()) - 1];
}

// ---- The repository and what it must hold.

std::string fixed(double v, int decimals) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    return buf;
}

std::string rfc3339(long t) {
    const std::time_t tt = t;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Earlier incident INC-n (--incidents) as the tool writes one: low priority,
// resolved (n odd) or closed (n even), its dedup key sent by no webhook.
// Written here rather than by `incident open` so that 10 000 take seconds.
std::string earlier_incident(int n) {
    const long opened = 1704067200L + 300L * n;  // from 2024-01-01, five minutes apart
    const bool closed = n % 2 == 0;
    const std::string at = rfc3339(opened), fixed_at = rfc3339(opened + 1800);
    const std::string closed_at = closed ? rfc3339(opened + 86400) : "null", who = kWho;
    const std::string closing =
        closed ? "  - {at: " + closed_at + ", by: " + who + ", type: closed, confirmed_by: " + who + ", text: done}\n"
               : "";
    char y[2048];
    std::snprintf(y, sizeof y,
                  "id: INC-%d\nuid: 5e7be7c4-0000-4000-8000-%012d\ntitle: Earlier incident %d\nstatus: %s\n"
                  "drill: false\ncategory: null\nsubcategory: null\nservice: svc%d\nimpact: low\nurgency: low\n"
                  "priority: P5\npriority_reason: \"matrix: impact=low x urgency=low -> P5\"\nreporter: %s\n"
                  "assignee: null\nteam: service-desk\ntier: L1\nroles: {}\ntags: []\nrelated: []\nproblem: null\n"
                  "dedup_key: earlier-%d\nstarted_at: null\ndetected_at: null\nopened_at: %s\nacknowledged_at: null\n"
                  "mitigated_at: %s\nresolved_at: %s\nclosed_at: %s\ndescription: null\n"
                  "resolution: {code: fixed, summary: restarted, by: %s}\nactions: []\ntimeline:\n"
                  "  - {at: %s, by: %s, type: opened, priority: P5, text: Earlier incident %d}\n"
                  "  - {at: %s, by: %s, type: resolved, from: open, to: resolved, code: fixed, text: restarted}\n",
                  n, n, n, closed ? "closed" : "resolved", n % 10, kWho.c_str(), n, at.c_str(), fixed_at.c_str(),
                  fixed_at.c_str(), closed_at.c_str(), kWho.c_str(), at.c_str(), kWho.c_str(), n, fixed_at.c_str(),
                  kWho.c_str());
    return y + closing;
}

// Whether a path names one of the earlier incidents (INC-1 .. INC-<incidents>).
bool is_earlier(const Settings& s, const fs::path& path) {
    const std::string stem = path.stem().string();
    const int n = stem.rfind("INC-", 0) == 0 ? std::atoi(stem.c_str() + 4) : 0;
    return n >= 1 && n <= s.incidents && stem == "INC-" + std::to_string(n);
}

int commit_count(const fs::path& repo) {
    return std::atoi(line_of({"git", "rev-list", "--count", "HEAD"}, repo).c_str());
}

// A repository where a run starts, and its history before the run.
struct Repo {
    fs::path dir;
    std::string base;  // HEAD
    int commits = 0;   // in HEAD's history
};

// `incident init` and `incident layout sharded` (a directory per thousand
// numbers, what a repository of thousands uses), then the earlier
// incidents, committed in one commit and packed, as in a repository in use.
Repo new_repo(const Settings& s, const std::string& name) {
    const fs::path dir = s.dir / name;
    must({s.bin, "init", dir.string()}, s.dir);
    must({s.bin, "layout", "sharded"}, dir);
    if (s.incidents > 0) {
        const auto start = Clock::now();
        for (int n = 1; n <= s.incidents; ++n) {
            const fs::path shard = dir / "incidents" / std::to_string(n / 1000);
            fs::create_directories(shard);
            std::ofstream(shard / ("INC-" + std::to_string(n) + ".yaml")) << earlier_incident(n);
        }
        must({"git", "add", "-A"}, dir);
        must({"git", "-c", "gc.auto=0", "commit", "-qm", std::to_string(s.incidents) + " earlier incidents",
              "--no-verify"},
             dir);
        must({"git", "gc", "-q"}, dir);  // packed now: no automatic gc of 10 000 loose objects during the run
        progress(name + ": " + std::to_string(s.incidents) + " earlier incidents written and committed in " +
                 fixed(since(start), 1) + " s");
    }
    return {dir, line_of({"git", "rev-parse", "HEAD"}, dir), commit_count(dir)};
}

// How many times each group is sent.
std::vector<int> sends(const std::vector<int>& order, int distinct) {
    std::vector<int> n(static_cast<std::size_t>(distinct));
    for (int g : order) ++n[static_cast<std::size_t>(g)];
    return n;
}

// Besides the earlier incidents, one incident per group, its dedup key
// `key_of(group)`, with one `opened` event and one `alert` event per repeat,
// as the work tree has them. The alert events counted.
int check_incidents(const Settings& s, const fs::path& repo, const std::vector<int>& order,
                    const std::function<std::string(int)>& key_of) {
    const std::vector<int> n = sends(order, s.distinct);
    std::map<std::string, int> expected;  // dedup key -> alert events
    for (int g = 0; g < s.distinct; ++g) expected[key_of(g)] = n[static_cast<std::size_t>(g)] - 1;
    int files = 0, alerts = 0;
    for (const auto& e : fs::recursive_directory_iterator(repo / "incidents")) {
        if (e.path().extension() != ".yaml" || is_earlier(s, e.path())) continue;
        ++files;
        const json inc = json::parse(must({s.bin, "show", e.path().stem().string(), "--json"}, repo).out);
        int opened = 0, repeats = 0;
        for (const auto& ev : inc.at("timeline")) {
            opened += ev.value("type", "") == "opened";
            repeats += ev.value("type", "") == "alert";
        }
        const std::string key = inc.value("dedup_key", ""), id = inc.value("id", "");
        auto want = expected.find(key);
        if (want == expected.end())
            fail(id + " has the dedup key '" + key + "', of no group sent (or of two incidents)");
        if (opened != 1 || repeats != want->second)
            fail(id + " (" + key + ") has " + std::to_string(opened) + " opened and " + std::to_string(repeats) +
                 " alert events; expected 1 and " + std::to_string(want->second));
        alerts += repeats;
        expected.erase(want);
    }
    if (files != s.distinct || !expected.empty())
        fail(std::to_string(files) + " new incidents in " + repo.string() + "; expected " + std::to_string(s.distinct));
    return alerts;
}

// The earlier incidents as committed before the run; with `committed`, a
// clean work tree (so every file check_incidents read is HEAD's: every alert
// answered is committed) and between 1 new commit and one per request,
// else none. The commits made.
int check_git(const Settings& s, const Repo& repo, bool committed) {
    std::istringstream changed(must({"git", "diff", "--name-only", repo.base}, repo.dir).out);
    for (std::string path; std::getline(changed, path);)
        if (is_earlier(s, path)) fail(path + " changed in " + repo.dir.string() + ", an earlier incident");
    const int made = commit_count(repo.dir) - repo.commits;
    if (committed) {
        if (auto dirty = must({"git", "status", "--porcelain"}, repo.dir).out; !dirty.empty())
            fail("not everything is committed in " + repo.dir.string() + ":\n" + dirty.substr(0, 600));
    }
    if (committed ? made < 1 || made > s.requests : made != 0)
        fail(std::to_string(made) + " new commits in " + repo.dir.string() + "; expected " +
             (committed ? "1 to " + std::to_string(s.requests) : "none"));
    return made;
}

// Every check above, and `incident validate` passes. The commits made.
int check_repo(const Settings& s, const Repo& repo, const std::vector<int>& order,
               const std::function<std::string(int)>& key_of, bool committed) {
    const int alerts = check_incidents(s, repo.dir, order, key_of);
    if (Run v = wait(spawn({s.bin, "validate"}, repo.dir)); !v.ok()) fail(v.why());
    const int made = check_git(s, repo, committed);
    progress("  verified: " + std::to_string(s.distinct) + " new incidents, " + std::to_string(alerts) +
             " alert events, the " + std::to_string(s.incidents) + " earlier ones untouched" +
             (committed ? ", work tree clean, " + std::to_string(made) + " commits" : "") +
             ", incident validate passes");
    return made;
}

// ---- Run A and C: `incident serve`.

struct Server {
    Run proc;
    int port = 0;
};

// `incident serve` on a free port of 127.0.0.1 in `repo`, once it says where.
Server start_server(const Settings& s, const fs::path& repo, const Argv& extra) {
    Argv argv = {s.bin, "serve", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Server sv{spawn(argv, repo), 0};
    g_server = sv.proc.pid;
    const std::string said = "listening on http://127.0.0.1:";
    for (int i = 0; i < 200; ++i) {
        const std::string err = read_text(sv.proc.err_file);
        if (auto at = err.find(said); at != std::string::npos && err.find('\n', at) != std::string::npos) {
            sv.port = std::atoi(err.c_str() + at + said.size());
            return sv;
        }
        if (waitpid(sv.proc.pid, nullptr, WNOHANG) == sv.proc.pid) {
            g_server = 0;
            fail("`" + join(argv) + "` exited: " + first_line(err));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    fail("`" + join(argv) + "` did not say where it listens within 10 s");
}

// SIGTERM: it must answer what it accepted and exit 0. Its log, kept beside the repository.
Run stop_server(const Server& sv, const fs::path& log) {
    kill(sv.proc.pid, SIGTERM);
    Run r = wait(sv.proc);
    g_server = 0;
    std::ofstream(log) << r.err;
    if (!r.ok()) fail("after SIGTERM, " + r.why());
    if (r.err.find("incident serve: stopped") == std::string::npos)
        fail("`incident serve` exited without its stop line; its log: " + log.string());
    return r;
}

// An answer: the HTTP status (-1: none, `body` says why), its body, how long
// it took, when it came (seconds after the first request went).
struct Answer {
    int status = 0;
    double ms = 0, at = 0;
    std::string body;
};

// Every request, taken in turn from one shared index by `clients` threads,
// each with its own keep-alive connection. `wall`: first sent to last answered.
std::vector<Answer> post_all(const Settings& s, int port, const std::vector<std::string>& bodies,
                             const std::vector<int>& order, double& wall) {
    std::vector<Answer> answers(order.size());
    std::atomic<std::size_t> next{0}, done{0};
    const auto first = Clock::now();
    auto client = [&] {
        httplib::Client cli("127.0.0.1", port);
        cli.set_keep_alive(true);
        cli.set_tcp_nodelay(true);  // as Alertmanager's Go client: no 40 ms Nagle wait between headers and body
        cli.set_connection_timeout(10);
        cli.set_read_timeout(120);
        cli.set_write_timeout(120);
        const httplib::Headers auth = {{"Authorization", "Bearer " + kToken}};
        for (std::size_t i = next++; i < order.size(); i = next++) {
            const auto start = Clock::now();
            auto res = cli.Post(kRoute, auth, bodies[static_cast<std::size_t>(order[i])], "application/json");
            Answer& a = answers[i];
            a.ms = since(start) * 1000;
            a.at = since(first);
            a.status = res ? res->status : -1;
            a.body = res ? res->body : httplib::to_string(res.error());
            ++done;
        }
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < s.clients; ++c) threads.emplace_back(client);
    for (auto shown = first; done < order.size(); std::this_thread::sleep_for(std::chrono::milliseconds(50)))
        if (since(shown) >= 10) {
            shown = Clock::now();
            progress("  " + std::to_string(done) + " of " + std::to_string(order.size()) + " answered");
        }
    for (auto& t : threads) t.join();
    wall = std::max_element(answers.begin(), answers.end(), [](auto& a, auto& b) { return a.at < b.at; })->at;
    return answers;
}

// Every answer 2xx naming one incident; the same incident for every request
// of a group, another for each group; each group's counts 1..N, each once:
// every repeat recorded, none lost or taken twice.
void check_answers(const std::vector<Answer>& answers, const std::vector<int>& order, int distinct) {
    std::map<int, std::string> id_of;
    std::map<int, std::multiset<int>> counts;
    std::string bad;
    int failed = 0, opened = 0;
    for (std::size_t i = 0; i < answers.size(); ++i) {
        const Answer& a = answers[i];
        const json body = json::parse(a.body, nullptr, false);
        const json& inc = body.is_object() && body.contains("incidents") && body["incidents"].size() == 1
                              ? body["incidents"][0]
                              : json::object();
        if (a.status < 200 || a.status > 299 || !inc.contains("id") || !inc["id"].is_string()) {
            if (++failed <= 5)
                bad += "\n  request " + std::to_string(i) + ": " + std::to_string(a.status) + " " + first_line(a.body);
            continue;
        }
        const int g = order[i];
        const std::string id = inc["id"];
        if (id_of.emplace(g, id).first->second != id)
            fail("group " + std::to_string(g) + " was answered with " + id_of[g] + " and " + id);
        counts[g].insert(inc.value("count", 0));
        opened += inc.value("outcome", "") == "opened";
    }
    if (failed)
        fail(std::to_string(failed) + " of " + std::to_string(answers.size()) + " requests not answered 2xx:" + bad);
    std::set<std::string> ids;
    for (const auto& [g, id] : id_of) ids.insert(id);
    if (ids.size() != static_cast<std::size_t>(distinct) || opened != distinct)
        fail(std::to_string(ids.size()) + " incidents named and " + std::to_string(opened) + " opened; expected " +
             std::to_string(distinct));
    for (const auto& [g, seen] : counts) {
        std::multiset<int> want;
        for (int c = 1; c <= static_cast<int>(seen.size()); ++c) want.insert(c);
        if (seen != want)
            fail("group " + std::to_string(g) + ": the answers' counts are not 1.." + std::to_string(seen.size()));
    }
}

// Run A (`commit`) or C: a fresh repository, the server, the burst, SIGTERM, the checks.
Figure serve_run(const Settings& s, const std::vector<int>& order, const std::vector<std::string>& bodies,
                 bool commit) {
    const std::string name = commit ? "serve" : "serve-no-commit";
    Figure f{commit ? "`incident serve` (group commit)" : "`incident serve --no-commit`", 0, {}};
    const Repo repo = new_repo(s, name);
    Server sv = start_server(s, repo.dir, commit ? Argv{} : Argv{"--no-commit"});
    progress(name + ": " + std::to_string(order.size()) + " webhooks from " + std::to_string(s.clients) +
             " clients to http://127.0.0.1:" + std::to_string(sv.port) + kRoute);
    const std::vector<Answer> answers = post_all(s, sv.port, bodies, order, f.seconds);
    const Run stopped = stop_server(sv, s.dir / (name + ".log"));
    progress("  " + std::to_string(order.size()) + " answered in " + std::to_string(f.seconds) +
             " s; SIGTERM: exit 0 after " + std::to_string(stopped.wall - f.seconds) + " s more");
    check_answers(answers, order, s.distinct);
    const std::string logged = " POST " + kRoute + " 200 ";
    std::size_t lines = 0;
    for (auto at = stopped.err.find(logged); at != std::string::npos; at = stopped.err.find(logged, at + 1)) ++lines;
    if (lines != order.size())
        fail(std::to_string(lines) + " requests logged as 200 by the server; expected " + std::to_string(order.size()));
    f.commits = check_repo(s, repo, order, group_key, commit);
    for (const Answer& a : answers) f.ms.push_back(a.ms);
    return f;
}

// ---- Run B, the baseline: one `incident open --no-commit --dedup-key` per alert.

Figure open_run(const Settings& s, const std::vector<int>& order) {
    Figure f{"`incident open --no-commit` ×" + std::to_string(order.size()) + " (baseline)", 0, {}};
    const Repo repo = new_repo(s, "open");
    progress("open: " + std::to_string(order.size()) + " runs of `incident open --no-commit --dedup-key`, in turn");
    std::map<int, std::string> id_of;
    const auto start = Clock::now();
    for (std::size_t i = 0; i < order.size(); ++i) {
        const std::string g = std::to_string(order[i]);
        Run r = must({s.bin, "open", "--no-commit", "Alert " + g, "--dedup-key", "key" + g, "--service",
                      "svc" + std::to_string(order[i] % 10), "--impact", "high", "--urgency", "high"},
                     repo.dir);
        f.ms.push_back(r.wall * 1000);
        const std::string id = first_line(r.out);
        if (id_of.emplace(order[i], id).first->second != id)
            fail("`incident open --dedup-key key" + g + "` printed " + id_of[order[i]] + ", then " + id);
        if ((i + 1) % 200 == 0)
            progress("  " + std::to_string(i + 1) + " of " + std::to_string(order.size()) + " runs");
    }
    f.seconds = since(start);
    f.commits = check_repo(
        s, repo, order, [](int g) { return "key" + std::to_string(g); }, false);
    return f;
}

// ---- The table.

void row(const Figure& f, const Figure& base) {
    const double rate = static_cast<double>(f.ms.size()) / f.seconds;
    const double base_rate = static_cast<double>(base.ms.size()) / base.seconds;
    std::cout << "| " << f.what << " | " << f.ms.size() << " | " << f.commits << " | " << fixed(f.seconds, 2) << " | "
              << fixed(rate, 1) << " | " << fixed(percentile(f.ms, 0.50), 1) << " | "
              << fixed(percentile(f.ms, 0.99), 1) << " | " << fixed(rate / base_rate, 2) << "× |\n";
}

void notes(const Settings& s) {
    std::cout << "\n- alerts: each webhook carries one alert group (two firing instances of one alertname) and "
                 "each baseline process takes one; alerts/s is groups taken a second.\n"
                 "- serve: each request's latency as its client saw it (sent to answered, on keep-alive "
                 "connections); total: first request sent to last answered. The server applies the requests that "
                 "arrive while a write is under way together, in one batch: a commit holds every request that "
                 "arrived while the one before was being written, and each is answered once its commit exists.\n"
                 "- baseline: one process per alert, in turn (the same groups in the same order, `--dedup-key` "
                 "making a repeat an `alert` event); latency: fork to exit.\n"
                 "- Each run starts from "
              << (s.incidents ? "a repository of " + std::to_string(s.incidents) +
                                    " earlier incidents (resolved or closed, dedup keys no webhook sends), committed"
                              : std::string("a new repository (`incident init`)"))
              << ". Checked after each run: every answer 2xx, one new incident per group and " << s.distinct
              << " in all, one `alert` event per repeat, every request logged, the earlier incidents untouched, "
                 "`incident validate` passes; with commits a clean work tree (every alert answered is in HEAD) and "
                 "between 1 commit and one per request; SIGTERM ends the server with 0.\n";
}

void measure(const Settings& s, const std::string& versions) {
    const std::vector<int> order = send_order(s);
    std::vector<std::string> bodies;
    for (int g = 0; g < s.distinct; ++g) bodies.push_back(webhook(g));
    const Figure serve = serve_run(s, order, bodies, true);
    const Figure serve_no_commit = serve_run(s, order, bodies, false);
    const Figure open = open_run(s, order);
    std::cout << "incident-serve-bench: " << versions << ", " << std::thread::hardware_concurrency() << " cores; "
              << s.requests << " Alertmanager webhooks of " << s.distinct << " alert groups from " << s.clients
              << " clients on 127.0.0.1; " << s.incidents << " earlier incidents on file\n";
    std::cout << "\n| run | alerts | commits | total s | alerts/s | p50 ms | p99 ms | alerts/s vs baseline |\n"
                 "|---|---:|---:|---:|---:|---:|---:|---:|\n";
    row(serve, open);
    row(serve_no_commit, open);
    row(open, open);
    notes(s);
}

const char* kUsage =
    "usage: incident-serve-bench [--bin PATH] [--dir DIR] [--requests N] [--distinct N] [--clients N]\n"
    "                            [--incidents N] [--keep]\n"
    "  --bin PATH      the incident binary (default build/incident)\n"
    "  --dir DIR       work directory, emptied first (default a new /tmp/incident-serve-bench.XXXXXX; kept after a "
    "failure)\n"
    "  --requests N    webhooks posted, one alert group each: the alerts of alerts/s (default 1000)\n"
    "  --distinct N    distinct alert groups among them (100)\n"
    "  --clients N     concurrent clients (8)\n"
    "  --incidents N   earlier incidents (resolved or closed) committed before each run (0)\n"
    "  --keep          keep the work directory\n";

// The settings, or the exit code when there is nothing to run.
std::optional<int> parse(int argc, char** argv, Settings& s) {
    if (auto done = parse_options(argc, argv, "incident-serve-bench", kUsage, s.bin, s.dir, s.keep,
                                  {{"--requests", &s.requests},
                                   {"--distinct", &s.distinct},
                                   {"--clients", &s.clients},
                                   {"--incidents", &s.incidents}}))
        return done;
    if (s.distinct < 1 || s.requests < s.distinct || s.clients < 1 || s.incidents < 0) {
        std::cerr << "incident-serve-bench: needs --distinct >= 1, --requests >= --distinct, --clients >= 1, "
                     "--incidents >= 0\n"
                  << kUsage;
        return 2;
    }
    s.bin = fs::absolute(s.bin).string();
    if (!s.dir.empty()) s.dir = fs::absolute(s.dir);
    return std::nullopt;
}

// Nothing from the user's environment: git identity and config, incident's
// config; the actor and the server's token fixed.
void isolate(const Settings& s) {
    for (const char* who : {"GIT_AUTHOR_NAME", "GIT_COMMITTER_NAME"}) setenv(who, "serve-bench", 1);
    for (const char* who : {"GIT_AUTHOR_EMAIL", "GIT_COMMITTER_EMAIL", "INCIDENT_USER"}) setenv(who, kWho.c_str(), 1);
    for (auto [k, v] : {std::pair{"GIT_CONFIG_GLOBAL", "/dev/null"},
                        {"GIT_CONFIG_NOSYSTEM", "1"},
                        {"GIT_TERMINAL_PROMPT", "0"},
                        {"LC_ALL", "C"}})
        setenv(k, v, 1);
    setenv("INCIDENT_SERVE_TOKEN", kToken.c_str(), 1);
    setenv("XDG_CONFIG_HOME", (s.dir / "xdg").c_str(), 1);
    for (const char* v : {"INCIDENT_ID_PREFIX", "INCIDENT_AUTO_COMMIT", "INCIDENT_AUTO_SYNC", "INCIDENT_LOCK_TIMEOUT",
                          "GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"})
        unsetenv(v);
}

// The work directory: --dir emptied when it is an earlier run's (or empty),
// else a new one under /tmp. False when --dir names something else.
bool make_work_dir(Settings& s) {
    if (s.dir.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "incident-serve-bench.XXXXXX").string();
        if (!mkdtemp(tmpl.data())) fail("cannot make a directory under " + fs::temp_directory_path().string());
        s.dir = tmpl;
    }
    const fs::path marker = s.dir / ".incident-serve-bench";
    if (fs::exists(s.dir) && !fs::is_empty(s.dir) && !fs::exists(marker)) {
        std::cerr << "incident-serve-bench: " << s.dir.string() << " is not empty and not an earlier run's\n";
        return false;
    }
    fs::remove_all(s.dir);
    g_scratch = s.dir / "scratch";
    fs::create_directories(g_scratch);
    std::ofstream(marker) << "work directory of incident-serve-bench\n";
    return true;
}

}  // namespace

int main(int argc, char** argv) {
    Settings s;
    if (auto code = parse(argc, argv, s)) return *code;
    if (!make_work_dir(s)) return 2;
    isolate(s);
    signal(SIGINT, stop_server_and_exit);
    signal(SIGTERM, stop_server_and_exit);
    signal(SIGPIPE, SIG_IGN);  // a connection the server closed is the client's error to report, not a signal

    const auto start = Clock::now();
    try {
        const std::string versions = first_line(must({s.bin, "--version"}, s.dir).out) + ", " +
                                     first_line(must({"git", "--version"}, s.dir).out) + ", cpp-httplib " +
                                     CPPHTTPLIB_VERSION;
        measure(s, versions);
    } catch (const std::exception& e) {
        if (g_server > 0) {
            kill(g_server, SIGKILL);
            waitpid(g_server, nullptr, 0);
        }
        std::cerr << "incident-serve-bench: failed: " << e.what() << "\n"
                  << "incident-serve-bench: the work directory is kept: " << s.dir.string() << "\n";
        return 1;
    }
    progress("done in " + fixed(since(start), 1) + " s" + (s.keep ? "" : "; removing " + s.dir.string()));
    if (!s.keep) fs::remove_all(s.dir);
    return 0;
}
