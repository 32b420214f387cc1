// Hooks: commands that run on an incident's events, as git runs its hooks.
// They are declared in .incident/hooks.yaml (chosen by event and by the
// rules' conditions), run without a shell, bounded in time, with the
// incident as JSON on stdin. A clone runs them only once it has trusted
// that file's exact content (incident hooks trust): a hooks file pulled
// from someone else never runs unasked.
//
// Before-phase hooks run inside the change (lib/workspace) and may refuse
// it; after-phase hooks are queued under .git/incident/hooks/ with the
// change and run once it is saved (lib/effects), so a kill loses none and
// none runs twice.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "rules/rules.hpp"
#include "store/repository.hpp"

namespace incident {

struct Hook {
    std::string name;
    std::vector<std::string> on;  // event names (hook_events())
    std::optional<Condition> when;
    std::vector<std::string> run;  // argv; argv[0] found in PATH, or relative to the repository
    std::chrono::seconds timeout{30};
    bool before = false;  // phase: before (runs in the change and may refuse it)
    bool record = false;  // a `hook` event on the timeline for every run (failures are recorded anyway)
    Location where;
};

struct HookFile {
    std::vector<Hook> hooks;
    std::string sha256;      // of the file's bytes; empty when there is none
    bool trusted = false;    // this clone trusts exactly these bytes
    std::string unreadable;  // why the file does not read (located); its hooks do not run
    int depth = 0;           // how many hooks deep this command runs (INCIDENT_HOOK_DEPTH)

    bool present() const { return !sha256.empty(); }
    // Hooks may run: a file that reads, trusted here, not too deep in hooks.
    bool active() const { return present() && trusted && unreadable.empty() && depth < kMaxDepth; }
    // Why hooks do not run although the file is there; empty when they do.
    std::string inactive_reason() const;

    static constexpr int kMaxDepth = 3;
};

// Every event name `on:` accepts: the timeline's event types and the
// derived ones (priority_changed, status_changed, deadline_due, update_due).
const std::vector<std::string>& hook_events();

inline constexpr std::chrono::seconds kMaxHookTimeout{3600};
inline constexpr std::size_t kHookOutputHead = 400;  // bytes of output a `hook` event keeps

fs::path hooks_path(const Repository& repo);

// Parses hooks text; throws InvalidData located in `file`.
std::vector<Hook> parse_hooks(std::string_view text, const std::string& file);

// .incident/hooks.yaml through the repository's one opener, with its hash,
// whether it is trusted here, and INCIDENT_HOOK_DEPTH from `env`.
HookFile load_hooks(const Repository& repo, const EnvLookup& env);

// Records that this clone trusts `sha256` (incident hooks trust).
void trust_hooks(const Repository& repo, const std::string& sha256);

// The names of what a change is, for `on:`: the event's type, and
// priority_changed / status_changed where `before` (null for a new
// incident) differs from `after` in them; a reminder is also deadline_due
// (a regulatory deadline at risk or overdue) or update_due (the cadence).
std::vector<std::string> change_events(const Incident* before, const Incident& after, const Event& event);

// The hooks of `phase` that run for a change: `on:` names one of `events`
// and `when:` matches the incident. Empty when the file is not active.
std::vector<const Hook*> hooks_for(const HookFile& file, const std::vector<std::string>& events, const Incident& inc,
                                   const Config& config, bool before);

// What a hook gets: {"hook", "phase", "events", "event", "incident"} as JSON.
std::string hook_payload(const std::string& hook, bool before, const std::vector<std::string>& events,
                         const Incident& inc, const Event& event);
// NAME=VALUE lines for the child: INCIDENT_ID, INCIDENT_EVENT, ... and
// INCIDENT_HOOK_DEPTH one deeper than this command's.
std::vector<std::string> hook_environment(const std::string& hook, bool before, const std::vector<std::string>& events,
                                          const Incident& inc, const Event& event, const Repository& repo, int depth);

struct HookRun {
    int status = -1;  // exit status; -1 when it could not run or was killed
    bool timed_out = false;
    std::string output;  // stdout and stderr as they came, at most 64 KiB
    std::chrono::milliseconds took{0};

    bool ok() const { return status == 0 && !timed_out; }
    // The first lines of the output (kHookOutputHead bytes at most) as one
    // line of valid UTF-8, " | " between them, " ..." where it was cut.
    std::string head() const;
    // "exit 3", "timed out after 30s", "could not run".
    std::string outcome(std::chrono::seconds timeout) const;
};

// Which of `events` made `hook` run: the first its `on:` names.
std::string matched_event(const Hook& hook, const std::vector<std::string>& events);

// The `hook` event that records a run: hook, on (the event's type), phase,
// outcome ("exit 0", "timed out after 30s"), and the output's head as text.
Event hook_event(const Hook& hook, const std::string& on, const HookRun& run, Timestamp at);

// Runs argv in `cwd` in a process group of its own, `input` on its stdin;
// past `timeout` the whole group is sent SIGTERM, then SIGKILL half a second
// later. Returns within the timeout and a second.
HookRun run_hook_process(const std::vector<std::string>& argv, const std::string& input,
                         const std::vector<std::string>& env, const fs::path& cwd, std::chrono::milliseconds timeout);

}  // namespace incident
