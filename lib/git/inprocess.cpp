#include "git/inprocess.hpp"

#include <git2.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

#include "model/errors.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

// libgit2's state, set up once for the process.
void start_libgit2() {
    static const int started = git_libgit2_init();
    (void)started;
}

[[noreturn]] void failed(const std::string& what) {
    const git_error* e = git_error_last();
    throw IoError("git commit failed: " + what + (e && e->message ? std::string(": ") + e->message : std::string()),
                  "the change is saved in the work tree; commit it by hand");
}

std::string hex(const git_oid& oid) {
    char out[GIT_OID_HEXSZ + 1];
    git_oid_tostr(out, sizeof out, &oid);
    return out;
}

git_oid oid_of(const std::string& text) {
    git_oid oid;
    if (git_oid_fromstr(&oid, text.c_str()) != 0) failed("not an object id: " + text);
    return oid;
}

// Frees what libgit2 handed out, however the scope ends.
template <class T, void (*Free)(T*)>
struct Owned {
    T* p = nullptr;
    ~Owned() {
        if (p) Free(p);
    }
    T** out() { return &p; }
};
using Tree = Owned<git_tree, git_tree_free>;
using Entry = Owned<git_tree_entry, git_tree_entry_free>;
using Commit = Owned<git_commit, git_commit_free>;
using Signature = Owned<git_signature, git_signature_free>;

std::string with_slash(std::string path) {
    if (!path.empty() && path.back() != '/') path += '/';
    return path;
}

std::string read_all(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Whether any attributes file that counts for `paths` (the .gitattributes
// on their way, info/attributes, the user's and the system's) names an
// attribute that changes what `git add` stores: a filter, a working-tree
// encoding, ident. None can be set without its name in one of them (a
// macro is defined in one too), so where none names them no lookup is
// needed, and the lookup (which reads the whole index) is made only where
// one does.
bool attributes_may_convert(git_repository* repo, const std::string& top, const std::vector<std::string>& paths) {
    std::vector<fs::path> files = {fs::path(git_repository_commondir(repo)) / "info" / "attributes"};
    for (const auto& p : paths)
        for (auto slash = p.find('/');; slash = p.find('/', slash + 1)) {
            files.push_back(fs::path(top) / p.substr(0, slash == std::string::npos ? 0 : slash + 1) / ".gitattributes");
            if (slash == std::string::npos) break;
        }
    if (!std::getenv("GIT_ATTR_NOSYSTEM")) files.emplace_back("/etc/gitattributes");
    git_config* config = nullptr;
    git_buf user = GIT_BUF_INIT;
    if (git_repository_config_snapshot(&config, repo) == 0 &&
        git_config_get_path(&user, config, "core.attributesFile") == 0)
        files.emplace_back(user.ptr);
    else if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
        files.push_back(fs::path(xdg) / "git" / "attributes");
    else if (const char* home = std::getenv("HOME"))
        files.push_back(fs::path(home) / ".config" / "git" / "attributes");
    git_buf_dispose(&user);
    git_config_free(config);
    for (const auto& f : files) {
        std::istringstream words(read_all(f));
        for (std::string w; words >> w;) {  // "-name", "!name", "name=value", or a pattern (taken alike)
            w = w.substr(w.find_first_not_of("-!") == std::string::npos ? 0 : w.find_first_not_of("-!"));
            w = w.substr(0, w.find('='));
            if (w == "filter" || w == "working-tree-encoding" || w == "ident") return true;
        }
    }
    return false;
}

// Whether git would store the file at `path` as its bytes: no filter
// driver, no working-tree encoding, no $Id$ to collapse, no CR for text
// conversion.
bool stored_as_is(git_repository* repo, const std::string& path, const std::string& content, bool look_up) {
    if (content.find('\r') != std::string::npos) return false;
    if (!look_up) return true;
    const char* names[] = {"filter", "working-tree-encoding", "ident"};
    const char* values[3] = {};
    if (git_attr_get_many(values, repo, GIT_ATTR_CHECK_FILE_THEN_INDEX, path.c_str(), 3, names) != 0) return false;
    for (int i = 0; i < 2; ++i)
        if (git_attr_value(values[i]) != GIT_ATTR_VALUE_UNSPECIFIED &&
            git_attr_value(values[i]) != GIT_ATTR_VALUE_FALSE)
            return false;
    return !(git_attr_value(values[2]) == GIT_ATTR_VALUE_TRUE && content.find("$Id") != std::string::npos);
}

// core.repositoryformatversion of the repository `dir` is in, read without
// opening it; -1 when there is none. libgit2 1.5 leaks about 140 KB at each
// open of a repository of version 1 (a regex match of each configuration
// key against "extensions."), so those are left to git.
int format_version(const std::string& dir) {
    git_buf found = GIT_BUF_INIT;
    const char* ceilings = std::getenv("GIT_CEILING_DIRECTORIES");
    if (git_repository_discover(&found, dir.c_str(), 0, ceilings) != 0) return -1;
    fs::path common = found.ptr;
    git_buf_dispose(&found);
    if (const std::string link = read_all(common / "commondir"); !link.empty())  // a linked work tree
        common = (common / link.substr(0, link.find('\n'))).lexically_normal();
    git_config* config = nullptr;
    int version = -1;
    if (git_config_open_ondisk(&config, (common / "config").c_str()) == 0 &&
        git_config_get_int32(&version, config, "core.repositoryformatversion") != 0)
        version = 0;
    git_config_free(config);
    return version;
}

}  // namespace

std::unique_ptr<InProcess> InProcess::open(const std::string& dir) {
    for (const char* name : {"GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_NAMESPACE"})
        if (std::getenv(name)) return nullptr;
    start_libgit2();
    if (format_version(dir) != 0) return nullptr;
    std::unique_ptr<InProcess> p(new InProcess);
    if (git_repository_open_ext(&p->repo_, dir.c_str(), GIT_REPOSITORY_OPEN_FROM_ENV, nullptr) != 0) return nullptr;
    const char* workdir = git_repository_workdir(p->repo_);
    if (!workdir) return nullptr;
    std::error_code ec;
    const std::string top = with_slash(fs::canonical(workdir, ec).string());
    const std::string here = with_slash(fs::canonical(dir, ec).string());
    if (ec || here.compare(0, top.size(), top) != 0) return nullptr;
    p->prefix_ = here.substr(top.size());
    std::string git_dir = fs::absolute(git_repository_path(p->repo_), ec).lexically_normal().string();
    while (git_dir.size() > 1 && git_dir.back() == '/') git_dir.pop_back();
    p->git_dir_ = git_dir;
    const char* objects = std::getenv("GIT_OBJECT_DIRECTORY");
    p->objects_ = objects ? std::string(objects) : with_slash(git_repository_commondir(p->repo_)) + "objects";
    git_oid head;
    if (const int r = git_reference_name_to_id(&head, p->repo_, "HEAD"); r == GIT_ENOTFOUND) {
        return p;  // before the first commit
    } else if (r != 0) {
        return nullptr;  // git says what is wrong
    }
    Commit commit;
    if (git_commit_lookup(commit.out(), p->repo_, &head) != 0) return nullptr;
    p->head_ = hex(head);
    p->head_tree_ = hex(*git_commit_tree_id(commit.p));
    return p;
}

InProcess::~InProcess() {
    if (repo_) git_repository_free(repo_);
}

std::string InProcess::work_tree() const {
    std::string top = git_repository_workdir(repo_);
    if (top.size() > 1 && top.back() == '/') top.pop_back();
    return top;
}

std::optional<std::string> InProcess::tree_with_paths(const std::string& dir, const std::vector<std::string>& paths) {
    if (head_tree_.empty()) return std::nullopt;  // the first commit: git's way
    Tree base;
    const git_oid base_id = oid_of(head_tree_);
    if (git_tree_lookup(base.out(), repo_, &base_id) != 0) failed("cannot read HEAD's tree");
    std::vector<std::string> full;  // the paths from the top, kept alive for the updates
    full.reserve(paths.size());
    for (const auto& p : paths) full.push_back(prefix_ + p);
    const bool look_up = attributes_may_convert(repo_, git_repository_workdir(repo_), full);
    std::vector<git_tree_update> updates;
    staged_.clear();
    for (std::size_t i = 0; i < paths.size(); ++i) {
        const std::string &p = paths[i], &path = full[i];
        // HEAD's side: a directory on each step of the way (or nothing), a file at the end (or nothing).
        for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
            Entry e;
            if (git_tree_entry_bypath(e.out(), base.p, path.substr(0, slash).c_str()) == 0 &&
                git_tree_entry_type(e.p) != GIT_OBJECT_TREE)
                return std::nullopt;
        }
        Entry was;
        git_filemode_t mode = GIT_FILEMODE_BLOB;
        if (git_tree_entry_bypath(was.out(), base.p, path.c_str()) == 0) {
            mode = git_tree_entry_filemode(was.p);
            if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE) return std::nullopt;
        }
        // The work tree's side: a plain file, or gone.
        struct stat st {};
        const fs::path file = fs::path(dir) / p;
        if (::lstat(file.c_str(), &st) != 0) {
            if (errno != ENOENT && errno != ENOTDIR) return std::nullopt;  // unreadable: git says why
            if (was.p) updates.push_back({GIT_TREE_UPDATE_REMOVE, {}, GIT_FILEMODE_BLOB, path.c_str()});
            staged_.push_back({path, true, 0, {}, {}});
            continue;
        }
        if (!S_ISREG(st.st_mode)) return std::nullopt;
        if (!was.p && (st.st_mode & S_IXUSR)) mode = GIT_FILEMODE_BLOB_EXECUTABLE;
        std::ifstream in(file, std::ios::binary);
        const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
        if (!in.good() && !in.eof()) return std::nullopt;
        if (!stored_as_is(repo_, path, content, look_up)) return std::nullopt;
        git_tree_update u{GIT_TREE_UPDATE_UPSERT, {}, mode, path.c_str()};
        if (git_blob_create_from_buffer(&u.id, repo_, content.data(), content.size()) != 0)
            failed("cannot write " + path);
        updates.push_back(u);
        IndexUpdate staged{path, false, mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0100755u : 0100644u, {}, st};
        std::copy(std::begin(u.id.id), std::begin(u.id.id) + staged.oid.size(), staged.oid.begin());
        staged_.push_back(staged);
    }
    if (updates.empty()) return head_tree_;
    git_oid tree;
    if (git_tree_create_updated(&tree, repo_, base.p, updates.size(), updates.data()) != 0)
        failed("cannot write the tree");
    return hex(tree);
}

std::string InProcess::commit(const std::string& tree, const Ident& author, const Ident& committer,
                              const std::string& message) {
    Tree t;
    const git_oid tree_id = oid_of(tree);
    if (git_tree_lookup(t.out(), repo_, &tree_id) != 0) failed("cannot read the new tree");
    Commit parent;
    if (!head_.empty()) {
        const git_oid head = oid_of(head_);
        if (git_commit_lookup(parent.out(), repo_, &head) != 0) failed("cannot read HEAD");
    }
    Signature a, c;
    if (git_signature_new(a.out(), author.name.c_str(), author.email.c_str(), author.time, author.offset) != 0 ||
        git_signature_new(c.out(), committer.name.c_str(), committer.email.c_str(), committer.time, committer.offset) !=
            0)
        failed("invalid identity");
    const git_commit* parents[] = {parent.p};
    git_oid made;
    if (git_commit_create(&made, repo_, nullptr, a.p, c.p, nullptr, message.c_str(), t.p, parent.p ? 1 : 0, parents) !=
        0)
        failed("cannot write the commit");
    return hex(made);
}

}  // namespace incident::git
