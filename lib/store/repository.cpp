#include "store/repository.hpp"

#include <fstream>

#include "model/errors.hpp"

namespace incident {

namespace {

// The git directory for a work tree containing `dir`, or empty.
fs::path find_git_dir(fs::path dir) {
    std::error_code ec;
    for (;;) {
        fs::path dotgit = dir / ".git";
        if (fs::is_directory(dotgit, ec)) return dotgit;
        if (fs::is_regular_file(dotgit, ec)) {  // worktree or submodule: "gitdir: PATH"
            std::ifstream in(dotgit);
            std::string line;
            std::getline(in, line);
            if (line.rfind("gitdir: ", 0) == 0) {
                fs::path p = line.substr(8);
                return p.is_absolute() ? p : dir / p;
            }
        }
        if (!dir.has_parent_path() || dir.parent_path() == dir) return {};
        dir = dir.parent_path();
    }
}

// `p` relative to `root` when it lies below it (as written: no links resolved), else empty.
fs::path below(const fs::path& p, const fs::path& root) {
    auto rel = p.lexically_relative(root);
    return rel.empty() || *rel.begin() == ".." ? fs::path{} : rel;
}

}  // namespace

std::string Repository::relative(const fs::path& p) const {
    // Lexical: a symbolic link is shown by its own name, never by where it
    // leads. First the common case without building paths: an absolute,
    // normal path below the root.
    const std::string& path = p.native();
    const std::string& top = root.native();
    if (path.size() > top.size() + 1 && path.compare(0, top.size(), top) == 0 && path[top.size()] == '/') {
        std::string_view rest = std::string_view(path).substr(top.size() + 1);
        bool normal = true;
        for (std::size_t at = 0; normal && at <= rest.size();) {
            std::size_t end = std::min(rest.find('/', at), rest.size());
            std::string_view part = rest.substr(at, end - at);
            normal = !part.empty() && part != "." && part != "..";
            at = end + 1;
        }
        if (normal) return std::string(rest);
    }
    std::error_code ec;
    auto rel = below(fs::absolute(p, ec).lexically_normal(), root);
    return ec || rel.empty() ? p.string() : rel.string();
}

bool Repository::contains(const fs::path& p) const {
    std::error_code ec;
    return !below(fs::absolute(p, ec).lexically_normal(), root).empty() && !ec;
}

bool Repository::leads_outside(const fs::path& p) const {
    std::error_code ec;
    fs::path real = fs::weakly_canonical(p, ec);
    return ec || below(real, root).empty();
}

Repository repository_at(const fs::path& root) {
    Repository repo;
    std::error_code ec;
    repo.root = fs::weakly_canonical(fs::absolute(root), ec);
    if (ec) repo.root = fs::absolute(root);
    fs::path git_dir = find_git_dir(repo.root);
    repo.in_git = !git_dir.empty();
    repo.state_dir = repo.in_git ? git_dir / "incident" : repo.root / ".incident" / ".local";
    return repo;
}

Repository find_repository(const fs::path& start) {
    std::error_code ec;
    fs::path dir = fs::weakly_canonical(fs::absolute(start), ec);
    if (ec || !fs::is_directory(dir, ec))
        throw IoError("cannot use directory '" + start.string() + "'", "check the -C/--repo path");
    for (fs::path d = dir;; d = d.parent_path()) {
        if (fs::is_directory(d / ".incident", ec)) return repository_at(d);
        if (!d.has_parent_path() || d.parent_path() == d) break;
    }
    throw IoError("not an incident repository (or any parent up to /): " + dir.string(),
                  "run 'incident init' here, or pass -C DIR");
}

}  // namespace incident
