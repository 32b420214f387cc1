// Links out of the repository among the files the tool reads beside the
// incidents (validate/links.hpp).
#include "validate/links.hpp"

namespace incident {

std::vector<Finding> links_out_of(const Repository& repo) {
    std::vector<Finding> out;
    constexpr std::size_t kMaxEntries = 100'000;  // bounds the walk of a hostile tree
    std::size_t seen = 0;
    std::error_code ec;
    for (const fs::path& top : {repo.root / ".incident", repo.postmortems_dir(), repo.root / "attachments"}) {
        if (fs::is_symlink(top, ec) && repo.leads_outside(top)) {
            out.push_back(
                {Location{repo.relative(top)}, "error", "a symbolic link leads out of the repository: it is not read"});
            continue;
        }
        // Links to directories are not followed: each is reported, not walked.
        for (fs::recursive_directory_iterator it(top, ec), end; !ec && it != end && seen < kMaxEntries;
             it.increment(ec), ++seen)
            if (it->is_symlink(ec) && repo.leads_outside(it->path()))
                out.push_back({Location{repo.relative(it->path())}, "error",
                               "a symbolic link leads out of the repository: it is not read"});
    }
    std::sort(out.begin(), out.end(), [](const Finding& a, const Finding& b) { return a.where.file < b.where.file; });
    return out;
}

}  // namespace incident
