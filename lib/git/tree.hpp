// The tree a commit of a few paths needs, built from HEAD's trees alone
// (internal to git.cpp). Changing one incident file in a repository of
// 100 000 rewrites three trees (the root, incidents/, its shard), however
// many files there are: no index of 100 000 entries is read or written.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace incident::git {

// The tree of `head_tree` (empty: none yet) with `paths` (relative to `dir`,
// which is `prefix` in the work tree: "" at its top, else "sub/dir/") as
// they are in the work tree, written to the object store with git's
// plumbing: `git ls-tree` of the trees on the paths' way, `git hash-object
// -w` of the files (through their filters, as `git add`) and of each new
// tree (all in one run when `sha1`, the repository's object format: the
// tool computes the trees' ids, git must agree). nullopt when a path is not a plain file, or HEAD has
// something else than a file or a directory on its way (a symbolic link, a
// submodule): the caller builds the tree through an index instead.
std::optional<std::string> tree_with_paths(const std::string& dir, const std::string& prefix,
                                           const std::string& head_tree, const std::vector<std::string>& paths,
                                           const std::string& scratch, bool sha1);

// The object id git gives an object of `type` ("blob", "tree") holding
// `content`, in a SHA-1 repository.
std::string sha1_object_id(const std::string& type, const std::string& content);

// Before the user's index is updated: an index of more than a few
// megabytes is split once (`git update-index --split-index`, unless
// core.splitIndex is false), so that each later update writes a small file
// beside the shared one, not the whole index.
void split_large_index(const std::string& dir, const std::string& git_dir);

}  // namespace incident::git
