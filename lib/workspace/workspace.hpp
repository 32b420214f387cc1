// A repository opened for work: its settings resolved through every layer,
// and the one transaction every change goes through — lock, load, apply,
// save atomically, commit — so commands never hand-roll that sequence.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "hooks/hooks.hpp"
#include "model/config.hpp"
#include "model/incident.hpp"
#include "notify/notify.hpp"
#include "rules/rules.hpp"
#include "store/store.hpp"

namespace incident {

struct Workspace {
    Repository repo;
    Config config;
    Store store;
    RuleSet rules;  // .incident/rules.yaml (with its includes); empty when absent
    NotifySettings notify;
    HookFile hooks;  // .incident/hooks.yaml: run by every change (lib/hooks); inactive_reason() says why not
    // What could not be read and is left out meanwhile (a bad rule, a bad
    // config key): the responders' commands go on, with these warnings.
    std::vector<std::string> warnings;

    fs::path outbox_dir() const { return repo.state_dir / "outbox"; }
    fs::path templates_dir() const { return repo.root / ".incident" / "templates"; }
    // The change being written and committed now: left behind only by a run
    // killed between writing its files and committing them.
    fs::path journal_path() const { return repo.state_dir / "pending-commit.json"; }
};

// Finds the repository from `start` and loads config layers
// (defaults < user config < repository config < environment).
Workspace open_workspace(const fs::path& start, const EnvLookup& env);

// $XDG_CONFIG_HOME/incident/config.yaml (or ~/.config/...), empty if no home.
fs::path user_config_path(const EnvLookup& env);

struct ChangeOptions {
    std::string actor;
    bool commit = true;    // git auto-commit (also needs config.auto_commit)
    bool dry_run = false;  // compute and return, write nothing
    bool sync = false;     // after the commit, push through incident sync (also config.auto_sync)
    bool hooks = true;     // false: no hook sees the change (history brought in by incident import)
    std::chrono::milliseconds lock_timeout{30000};
};

struct ChangeResult {
    Incident incident;
    Event event;
    bool written = false;
    bool committed = false;
    bool synced = false;                // pushed by the auto-sync (the incident may have a new id)
    std::vector<std::string> warnings;  // e.g. "not a git repository: not committed"
};

// Under the lock: commits what a run killed between writing and committing
// left behind (the paths its journal names, nothing else the user staged),
// and says so in `warnings`. Every change calls it first.
void complete_interrupted_change(const Workspace& ws, std::vector<std::string>& warnings);
// Under the lock: finishes an `incident layout` that was killed midway (its
// marker under .git/incident/ says which), so that no commit ever holds an
// incident at two paths. complete_interrupted_change calls it first.
void complete_interrupted_layout(const Workspace& ws, std::vector<std::string>& warnings);

using Mutation = std::function<Event(Incident&)>;
// Files written and committed together with the incident (e.g. its
// postmortem), computed from the changed incident: path -> content.
using Companions = std::function<std::vector<std::pair<fs::path, std::string>>(const Incident&)>;

// Applies `mutate` to incident `id` under the repository lock.
ChangeResult change_incident(const Workspace& ws, const std::string& id, const Mutation& mutate,
                             const ChangeOptions& opts, const Companions& companions = {});

// Allocates the next id under the lock and saves what `build` makes of it.
ChangeResult create_incident(const Workspace& ws, const std::function<Incident(const std::string&)>& build,
                             const ChangeOptions& opts);

// Under the lock, `find` names the incident to change (a dedup lookup):
// `mutate` is applied to it; when it names none, `build` makes a new one
// (as create_incident), or, without `build`, nothing is written (the
// result's incident has no id).
ChangeResult change_or_create(const Workspace& ws, const std::function<std::string()>& find, const Mutation& mutate,
                              const std::function<Incident(const std::string&)>& build, const ChangeOptions& opts);

// Replaces incident `id` with `edited` (from `incident edit`), provided the
// file still holds `original_text`; otherwise refuses, since someone else
// changed it meanwhile.
ChangeResult replace_incident(const Workspace& ws, const std::string& id, const std::string& original_text,
                              Incident edited, const Event& event, const ChangeOptions& opts);

// A change to files beside the incidents (an on-call override): each file
// written, or removed when `content` is empty, under the lock, and committed
// as one commit with `message` (through the journal, as every change).
struct FileChange {
    fs::path path;
    std::optional<std::string> content;
};
ChangeResult change_files(const Workspace& ws, const std::vector<FileChange>& files, const std::string& message,
                          const ChangeOptions& opts);

struct LayoutResult {
    std::size_t moved = 0;  // files moved (or, on a dry run, to move)
    bool committed = false;
    std::vector<std::string> warnings;
};

// Under the lock: moves every incident file into `target`, sets `layout:` in
// .incident/config.yaml (its other lines kept) and the merge attributes, and
// commits all that as one commit (git sees renames). Refuses when incidents/
// has uncommitted changes; a run killed midway is completed by running it
// again. Files are read in both layouts meanwhile.
LayoutResult change_layout(const Workspace& ws, Layout target, const ChangeOptions& opts);

// .gitattributes names the merge driver for incident files in both layouts.
void add_merge_attributes(const fs::path& attributes);

struct InitResult {
    fs::path root;
    bool git_initialised = false;
    bool committed = false;
    bool synced = false;               // pushed by the auto-sync (the incident may have a new id)
    std::vector<std::string> created;  // relative paths
    std::vector<std::string> warnings;
};

// Creates .incident/config.yaml, incidents/, postmortems/ (and runs git init
// when `dir` is not in a repository). With a preset (a shipped rule pack's
// name) also rules.yaml including that pack and its rule test cases.
// Refuses if a config already exists.
InitResult init_repository(const fs::path& dir, const std::string& preset, const std::string& actor, bool commit);

}  // namespace incident
