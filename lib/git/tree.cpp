#include "git/tree.hpp"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "git/git.hpp"
#include "git/index.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

struct Entry {
    std::string mode;  // as a tree stores it: 100644, 100755, 40000
    std::string oid;   // hex
    bool tree() const { return mode == "40000"; }
};
using Tree = std::map<std::string, Entry>;  // by name

std::string parent_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? std::string() : path.substr(0, slash);
}
std::size_t depth_of(const std::string& dir) {
    return dir.empty() ? 0 : static_cast<std::size_t>(std::count(dir.begin(), dir.end(), '/')) + 1;
}
std::string name_of(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// git's order of tree entries: by name, a directory's name as if it ended in '/'.
bool git_order(const std::pair<const std::string*, const Entry*>& a,
               const std::pair<const std::string*, const Entry*>& b) {
    const std::string x = *a.first + (a.second->tree() ? "/" : "");
    const std::string y = *b.first + (b.second->tree() ? "/" : "");
    return x < y;
}

// The tree object's content: "MODE NAME\0" and the 20 or 32 raw bytes of each oid.
std::string tree_object(const Tree& t) {
    std::vector<std::pair<const std::string*, const Entry*>> order;
    for (const auto& [name, e] : t) order.emplace_back(&name, &e);
    std::sort(order.begin(), order.end(), git_order);
    std::string out;
    for (const auto& [name, e] : order) {
        out += e->mode + " " + *name + '\0';
        for (std::size_t i = 0; i + 1 < e->oid.size(); i += 2)
            out += static_cast<char>(std::stoi(e->oid.substr(i, 2), nullptr, 16));
    }
    return out;
}

// The directories on the paths' way, "" (the root) among them.
std::set<std::string> directories_of(const std::vector<std::string>& paths) {
    std::set<std::string> dirs = {""};
    for (const auto& p : paths)
        for (std::string d = parent_of(p); !d.empty(); d = parent_of(d)) dirs.insert(d);
    return dirs;
}

// HEAD's trees of `dirs` (a directory HEAD lacks: empty), or nullopt when
// something on the way is not a file or a directory.
std::optional<std::map<std::string, Tree>> read_trees(const std::string& dir, const std::string& head_tree,
                                                      const std::set<std::string>& dirs) {
    std::map<std::string, Tree> trees;
    for (const auto& d : dirs) trees[d];
    if (head_tree.empty()) return trees;
    std::vector<std::string> args = {"--literal-pathspecs", "ls-tree", "-z", "--full-tree", head_tree, "--"};
    for (const auto& d : dirs) args.push_back(d.empty() ? "." : d + "/");
    auto r = run(dir, args);
    if (r.status != 0) throw IoError("git ls-tree failed: " + first_line(r.err));
    for (const auto& line : split(r.out, '\0')) {
        // "MODE TYPE OID\tPATH"
        const auto tab = line.find('\t');
        const auto s1 = line.find(' '), s2 = line.find(' ', s1 + 1);
        if (tab == std::string::npos || s1 == std::string::npos || s2 == std::string::npos) continue;
        const std::string path = line.substr(tab + 1), mode = line.substr(0, s1);
        auto t = trees.find(parent_of(path));
        if (t == trees.end()) continue;
        if (mode != "100644" && mode != "100755" && mode != "040000") return std::nullopt;
        t->second[name_of(path)] = Entry{mode == "040000" ? "40000" : mode, line.substr(s2 + 1, tab - s2 - 1)};
    }
    return trees;
}

// `git hash-object -w [-t TYPE] -- FILES`: their oids, in order.
std::vector<std::string> hash_objects(const std::string& dir, const std::vector<std::string>& files, const char* type) {
    if (files.empty()) return {};
    std::vector<std::string> args = {"hash-object", "-w", "-t", type, "--"};
    args.insert(args.end(), files.begin(), files.end());
    auto r = run(dir, args);
    auto oids = split(r.out, '\n');
    std::erase(oids, std::string());
    if (r.status != 0 || oids.size() != files.size())
        throw IoError("git hash-object failed: " + first_line(r.err.empty() ? r.out : r.err));
    return oids;
}

// Writes the trees of `dirs` (changed below), deepest first, each one's
// oid going into its parent; returns the root's. With SHA-1 the oids are
// computed here and every tree written by one hash-object (which must
// agree); otherwise one hash-object per level gives them. nullopt when a
// directory's name is a file in its parent.
std::optional<std::string> write_trees(const std::string& dir, const std::set<std::string>& dirs,
                                       std::map<std::string, Tree>& trees, const std::string& scratch, bool sha1) {
    fs::create_directories(scratch);
    std::size_t deepest = 0, files = 0;
    for (const auto& d : dirs) deepest = std::max(deepest, depth_of(d));
    std::vector<std::string> written, expected;
    std::string root;
    for (std::size_t depth = deepest + 1; depth-- > 0;) {
        std::vector<std::string> level, level_files, oids;
        for (const auto& d : dirs)
            if (depth_of(d) == depth) level.push_back(d);
        for (const auto& d : level) {
            const std::string content = tree_object(trees[d]), file = scratch + "/tree-" + std::to_string(files++);
            std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
            level_files.push_back(file);
            if (sha1) oids.push_back(sha1_object_id("tree", content));
        }
        if (sha1) {
            written.insert(written.end(), level_files.begin(), level_files.end());
            expected.insert(expected.end(), oids.begin(), oids.end());
        } else {
            oids = hash_objects(dir, level_files, "tree");
        }
        for (std::size_t i = 0; i < level.size(); ++i) {
            const std::string& d = level[i];
            if (d.empty()) {
                root = oids[i];
                continue;
            }
            Tree& parent = trees[parent_of(d)];
            if (auto e = parent.find(name_of(d)); e != parent.end() && !e->second.tree()) return std::nullopt;
            if (trees[d].empty())
                parent.erase(name_of(d));  // git keeps no empty directory
            else
                parent[name_of(d)] = Entry{"40000", oids[i]};
        }
    }
    if (sha1 && hash_objects(dir, written, "tree") != expected)
        throw IoError("git hash-object wrote other trees than the tool computed: the commit is not made");
    return root;
}

}  // namespace

std::string sha1_object_id(const std::string& type, const std::string& content) {
    const std::string object = type + " " + std::to_string(content.size()) + '\0' + content;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(object.data(), object.size(), md, &n, EVP_sha1(), nullptr);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) out += {hex[md[i] >> 4], hex[md[i] & 15]};
    return out;
}

std::optional<std::string> tree_with_paths(const std::string& dir, const std::string& prefix,
                                           const std::string& head_tree, const std::vector<std::string>& paths,
                                           const std::string& scratch, bool sha1) {
    // Each path as it is in the work tree: a plain file (and its mode), or gone.
    std::vector<std::string> files;
    std::map<std::string, std::string> mode;  // of the files, by path
    for (const auto& p : paths) {
        struct stat st {};
        if (::lstat((fs::path(dir) / p).c_str(), &st) != 0) {
            if (errno == ENOENT || errno == ENOTDIR) continue;  // removed
            return std::nullopt;                                // unreadable: the index says why
        }
        if (!S_ISREG(st.st_mode)) return std::nullopt;
        files.push_back(p);
        mode[p] = (st.st_mode & S_IXUSR) ? "100755" : "100644";
    }
    std::vector<std::string> in_tree;  // the paths from the top of the work tree
    for (const auto& p : paths) in_tree.push_back(prefix + p);
    const std::set<std::string> dirs = directories_of(in_tree);
    auto trees = read_trees(dir, head_tree, dirs);
    if (!trees) return std::nullopt;
    const auto blobs = hash_objects(dir, files, "blob");
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string& p = paths[i];
        Tree& t = (*trees)[parent_of(in_tree[i])];
        const auto it = std::find(files.begin(), files.end(), p);
        const auto e = t.find(name_of(p));
        if (e != t.end() && e->second.tree()) return std::nullopt;  // a directory there
        if (it == files.end())
            t.erase(name_of(p));
        else  // a file HEAD has keeps its mode (core.fileMode aside, as the tool never changes one)
            t[name_of(p)] =
                Entry{e != t.end() ? e->second.mode : mode[p], blobs[static_cast<std::size_t>(it - files.begin())]};
    }
    return write_trees(dir, dirs, *trees, scratch, sha1);
}

void split_large_index(const std::string& dir, const std::string& git_dir) {
    std::error_code ec;
    const auto size = fs::file_size(fs::path(git_dir) / "index", ec);
    if (ec || size < kLargeIndex) return;  // none, or small, or already split (the split part is small)
    auto r = run(dir, {"config", "--type=bool", "--get", "core.splitIndex"});
    if (r.status == 0 && first_line(r.out) == "false") return;  // the user said no
    run(dir, {"update-index", "--split-index"});                // best effort: the update after it works either way
}

}  // namespace incident::git
