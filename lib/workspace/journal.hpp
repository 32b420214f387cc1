// The journal of a change (.git/incident/pending-commit.json): what a
// change writes and how it is to be committed, written before the first file
// and removed after the commit, so the next command completes a change a
// kill interrupted. Internal to the workspace.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "workspace/workspace.hpp"

namespace incident {

struct Journal {
    std::string message, actor;
    std::vector<std::string> paths;
};

void write_journal(const Workspace& ws, const Journal& j);
void clear_journal(const Workspace& ws);
// The journal left on disk, if any. One that cannot be read is removed with
// a warning.
std::optional<Journal> read_journal(const Workspace& ws, std::vector<std::string>& warnings);
// The paths (relative to the root) to commit: those that exist, and those
// git tracks that are gone (a removal). A change killed before its first
// write has nothing to commit.
std::vector<std::string> existing(const Workspace& ws, const std::vector<std::string>& paths);
std::string path_list(const std::vector<std::string>& paths);

// The steps of every change (workspace.cpp), shared with ChangeBatch.
//
// The commit message of one change, from the config's template.
std::string commit_message(const Config& cfg, const Incident& inc, const Event& e, const std::string& actor);
// Before the lock: refuses a change git is in no state to commit (a rebase
// under way, a repository git does not trust).
void refuse_mid_operation(const Workspace& ws, const ChangeOptions& opts);
// Under the lock, before a change: completes what a killed run left.
void begin_change(const Workspace& ws, const ChangeOptions& opts, std::vector<std::string>& warnings);
// Writes and commits `journal.paths`, filling in `r`'s flags and warnings.
// The journal is written before the first file and removed once the commit
// is made. `first` checks before it writes (nothing is written when it
// throws); `then` writes the rest.
void write_and_commit(const Workspace& ws, ChangeResult& r, const ChangeOptions& opts, Journal journal,
                      const std::function<void()>& first, const std::function<void()>& then);
// The hooks of a change (workspace/hooks.cpp): those of the before phase
// run at once on the incident as it is to be saved, and may refuse the change
// (TransitionRefused, nothing written; a run that asks to be recorded is
// added to r.incident); those of the after phase are returned, to be queued
// once the change is written. `before` is the incident as it was (null: new).
struct AfterHooks {
    std::vector<const Hook*> hooks;
    std::vector<std::string> events;
};
AfterHooks run_before_hooks(const Workspace& ws, ChangeResult& r, const Incident* before);
void queue_after_hooks(const Workspace& ws, const AfterHooks& after, const ChangeResult& r);

// Writes each file (its directories made), or removes it when its content is
// empty; refuses any path outside the repository's own files.
void write_files(const Workspace& ws, const std::vector<FileChange>& files);
// Refuses a path outside the repository's files (.git, or not under the root).
void check_file_changes(const Workspace& ws, const std::vector<FileChange>& files);

// After the commit, with the lock released: pushes through sync when
// auto-sync is on and any of `changes` was committed. A failure (offline)
// is a warning: the change is committed here and goes out with the next
// sync. An incident the sync renumbered is given its new id and content.
void auto_sync(const Workspace& ws, const ChangeOptions& opts, std::vector<ChangeResult*> changes,
               std::vector<std::string>& warnings);

}  // namespace incident
