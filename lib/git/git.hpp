// The few git operations the tool needs, run through the git binary.
#pragma once

#include <string>
#include <vector>

#include "git/process.hpp"
#include "model/errors.hpp"

namespace incident::git {

// git refused the repository: another user owns it and no safe.directory
// names it ("detected dubious ownership"). Every git run here throws it
// (none reads it as "no such commit" or "not committed yet"), and it is not
// an IoError, which callers may turn into a warning: the command stops, with
// git's own way out as the hint. Exit 1, like every git failure.
struct RepositoryNotTrusted : Error {
    RepositoryNotTrusted(std::string message, std::string hint)
        : Error(ExitCode::runtime, std::move(message), std::move(hint)) {}
};

// Throws RepositoryNotTrusted when git would refuse the repository at `dir`
// (git directory `git_dir`), so that a change can be refused before it
// writes anything. Costs two stat() calls when we own both (git trusts what
// its user owns); git is asked only otherwise.
void require_trusted(const std::string& dir, const std::string& git_dir);

// `git ARGS` in dir, with `env` (NAME=VALUE) added to its environment.
ProcessResult run(const std::string& dir, std::vector<std::string> args, const std::vector<std::string>& env = {});

// `git init` in dir. Throws IoError.
void init(const std::string& dir);

// What git is in the middle of in the repository whose git directory is
// `git_dir` ("a rebase", "a merge", "a cherry-pick", "a revert"), or empty.
std::string operation_in_progress(const std::string& git_dir);

// `git config --get key`, empty when unset.
std::string config_get(const std::string& dir, const std::string& key);

// The merge driver for incident files (`incident merge-file`), as
// .gitattributes names it (merge=incident): set in the repository's git
// config when it is missing or older, once per clone (remembered in
// `state_dir`, the tool's folder under .git). Best effort: a failure is tried
// again next time. Where git cannot find `incident` (not on PATH) the driver
// falls back to git's line merge, so a conflict still has its markers.
void ensure_merge_driver(const std::string& dir, const std::string& state_dir);
inline constexpr const char* kMergeDriver =
    "incident merge-file %O %A %B %P || { s=$?; [ $s -eq 127 ] || exit $s; "
    "git merge-file -L ours -L base -L theirs %A %O %B; }";

// One commit that changed a file, as `incident log` shows it.
struct FileCommit {
    std::string commit;  // full hash
    std::string author, email, subject;
    long long time = 0;  // author time, seconds since the epoch
};
// The commits on HEAD that changed `path` (relative to dir), oldest first;
// empty outside git or before the first commit. Throws IoError when git fails.
std::vector<FileCommit> file_log(const std::string& dir, const std::string& path);
// `path` as it was at `commit`; empty when it did not exist there.
std::string file_at(const std::string& dir, const std::string& commit, const std::string& path);

// HEAD's commit id in the repository `dir` is in; empty before the first
// commit or outside git. Read in this process where libgit2 can.
std::string head_commit(const std::string& dir);

// True when any of `paths` (relative to dir) differs from HEAD, in the index
// or the work tree, or is new and not yet committed.
bool has_changes(const std::string& dir, const std::vector<std::string>& paths);

// Commits exactly `paths` (files relative to dir: added, modified or
// deleted) as they are in the work tree, with `message`, on HEAD (a branch,
// detached, or none yet). Anything else the user has staged stays staged and
// uncommitted; in the user's index `paths` match the new HEAD afterwards.
// Built from HEAD's trees alone, in this process through libgit2 where it
// does as git would, else with git's plumbing (see commit.cpp): no commit
// hook runs; signed when commit.gpgSign is set; a
// HEAD moved meanwhile makes it fail instead of being overwritten. When git
// has no identity configured, `actor` is used. Paths already matching HEAD
// are not an error (nothing is committed). Callers serialise (the workspace
// lock). Throws IoError.
void commit_paths(const std::string& dir, const std::vector<std::string>& paths, const std::string& message,
                  const std::string& actor);

}  // namespace incident::git
