// Many changes under one lock and in one commit: the group commit of
// `incident serve` (the requests that arrive while a write is under way,
// applied together in arrival order) and of an alert body that holds many
// alerts. change_or_create is a batch of one.
#pragma once

#include <map>
#include <optional>

#include "store/lock.hpp"
#include "workspace/journal.hpp"
#include "workspace/workspace.hpp"

namespace incident {

// Construction takes the repository lock and completes what a killed run
// left; each step is applied in memory and sees the steps before it (an
// incident an earlier step changed is read from the batch, not the disk; a
// new one takes the next id after the batch's); commit() writes every
// changed file through the journal, makes one commit, releases the lock and
// syncs once (with auto-sync). A step that throws leaves the batch as it
// was before it. With opts.dry_run nothing is ever written.
class ChangeBatch {
public:
    ChangeBatch(const Workspace& ws, ChangeOptions opts);
    ChangeBatch(const ChangeBatch&) = delete;
    ChangeBatch& operator=(const ChangeBatch&) = delete;

    // As the function of that name (workspace.hpp): `find` names the
    // incident `mutate` changes; when it names none, `build` makes a new one
    // (without `build` nothing is changed: the step's incident has no id).
    // Returns the step's number, for result().
    std::size_t change_or_create(const std::function<std::string()>& find, const Mutation& mutate,
                                 const std::function<Incident(const std::string&)>& build);

    // Files beside the incidents (people, schedules: an import), written and
    // committed with the batch; one without content is removed.
    void put_files(std::vector<FileChange> files);
    // The commit's message, instead of one made from the steps'.
    void set_message(std::string message) { message_ = std::move(message); }

    // Incident `id` as the batch has it so far.
    Incident load(const std::string& id) const;
    // The incidents the steps so far changed or made, by id, as they are now.
    const std::map<std::string, Incident>& changed() const { return incidents_; }

    // Writes and commits what the steps changed; then every result says
    // whether it was written, committed and synced. Once. `under_lock` runs
    // after the commit, before the lock is released (what must see the
    // repository as this batch left it).
    void commit(const std::function<void()>& under_lock = {});

    // The repository lock's generation (RepositoryLock::generation), 0 on a dry run.
    std::uint64_t lock_generation() const { return lock_ ? lock_->generation() : 0; }

    const Workspace& workspace() const { return ws_; }
    const ChangeResult& result(std::size_t step) const { return results_.at(step); }
    bool committed() const { return committed_; }
    std::size_t size() const { return results_.size(); }
    // What concerns the whole batch: an earlier change completed, the commit
    // or the sync that failed (the change is saved).
    std::vector<std::string> warnings;

private:
    const Workspace& ws_;
    ChangeOptions opts_;
    std::optional<RepositoryLock> lock_;
    std::vector<ChangeResult> results_;
    std::vector<std::string> messages_;                            // each step's commit message
    std::map<std::string, Incident> incidents_;                    // changed so far
    std::map<std::string, std::string> texts_;                     // their files' new text
    std::vector<FileChange> files_;                                // beside the incidents
    std::string message_;                                          // set_message's
    std::vector<std::pair<AfterHooks, std::size_t>> after_hooks_;  // to queue once written, with their step
    long last_new_ = 0;                                            // the number of the last id made here
    bool done_ = false;
    bool committed_ = false;
};

}  // namespace incident
