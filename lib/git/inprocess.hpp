// The commit's hot path in this process, through libgit2 (internal to
// lib/git): reading HEAD, writing blobs, trees and the commit, with no git
// process (HEAD's branch is moved by git/ref.hpp). Measured in serve, where
// a batch's commit ran eleven git processes one after the other
// (docs/performance.md). Only what libgit2 does exactly as git does is done
// here; for anything else `open` or a method says no, and commit_paths takes
// the git binary's way.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "git/index.hpp"

struct git_repository;

namespace incident::git {

// Who and when, as a commit records it.
struct Ident {
    std::string name, email;
    long long time = 0;  // seconds since the epoch
    int offset = 0;      // minutes east of UTC
};

class InProcess {
public:
    // The repository `dir` is in, as git would find it (GIT_DIR and the
    // object directories of the environment honoured); nullptr when libgit2
    // cannot open it as git does: another object format, an extension
    // libgit2 lacks, GIT_WORK_TREE, GIT_COMMON_DIR or GIT_NAMESPACE set, a
    // bare repository.
    static std::unique_ptr<InProcess> open(const std::string& dir);
    ~InProcess();
    InProcess(const InProcess&) = delete;
    InProcess& operator=(const InProcess&) = delete;

    const std::string& git_dir() const { return git_dir_; }      // absolute, no trailing slash
    const std::string& objects_dir() const { return objects_; }  // the common one, for gc's count
    const std::string& prefix() const { return prefix_; }        // `dir` in the work tree: "" or "sub/"
    const std::string& head_commit() const { return head_; }     // "" before the first commit
    const std::string& head_tree() const { return head_tree_; }  // "" before the first commit

    // The tree of HEAD with `paths` (relative to `dir`) as the work tree
    // has them, written to the object store; nullopt when git could store
    // a file otherwise than as its bytes (a clean filter, ident, an
    // encoding, text conversion of a CR), a path is not a plain file, or
    // HEAD holds something else than a file or a directory on its way.
    // With it, `staged` holds what the user's index is to hold for each path.
    std::optional<std::string> tree_with_paths(const std::string& dir, const std::vector<std::string>& paths);
    const std::vector<IndexUpdate>& staged() const { return staged_; }
    std::string work_tree() const;  // its top, no trailing slash

    // A commit of `tree` on HEAD (no parent before the first commit).
    std::string commit(const std::string& tree, const Ident& author, const Ident& committer,
                       const std::string& message);

private:
    InProcess() = default;
    git_repository* repo_ = nullptr;
    std::string git_dir_, objects_, prefix_, head_, head_tree_;
    std::vector<IndexUpdate> staged_;
};

}  // namespace incident::git
