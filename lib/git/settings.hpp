// What a commit reads from git's configuration and the environment
// (internal to lib/git, for commit.cpp): the settings of one `git config`
// run, the author and committer git would record, whether git maintenance
// would have work; and how a failed commit is said.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "git/inprocess.hpp"
#include "git/process.hpp"

namespace incident::git {

[[noreturn]] void commit_failed(const ProcessResult& r);

// What `git commit` reads from the configuration and commit-tree does not,
// and what the identities and `git gc --auto` are made of, in one `git
// config` run (so every configuration file and -c git reads counts).
struct CommitSettings {
    std::map<std::string, std::string> values;  // the last value of each key read
    bool sign = false;                          // commit.gpgSign
    bool maintenance = true;                    // maintenance.auto
    bool other_tasks = false;                   // maintenance.* set otherwise: always ask git
    bool has_email() const { return values.contains("user.email") && !values.at("user.email").empty(); }
    // The committer git update-ref would write in a reflog is the commit's:
    // from the environment or the configuration, not the actor.
    bool committer_set() const;
    // git may fsync a ref it moves (core.fsync and its kin): left to git.
    bool fsync_set() const;
};

CommitSettings commit_settings(const std::string& dir);

// The author and the committer as git would record them now: the
// environment's GIT_AUTHOR_* and GIT_COMMITTER_*, then author.* and
// committer.*, then user.* (user.email and user.name being `actor` when no
// user.email is set, as commit_paths tells git). nullopt where git would
// decide otherwise than by these (a date from the environment, a name from
// the password file, crud to strip): the caller leaves it to git.
std::optional<std::pair<Ident, Ident>> identities(const CommitSettings& s, const std::string& actor);

// Whether `git maintenance run --auto` could have anything to do: with no
// maintenance task configured, only gc's own test (gc.auto loose objects in
// objects/17 times 256, or more than gc.autoPackLimit packs), as git makes it.
bool maintenance_may_run(const CommitSettings& s, const std::string& objects);

}  // namespace incident::git
