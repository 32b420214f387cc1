#include "store/repo_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "model/file_text.hpp"

namespace incident {

namespace {

void refuse_outside(const Repository& repo, const fs::path& p) {
    if (repo.leads_outside(p))
        throw InvalidData(Location{repo.relative(p)}, "a symbolic link leads out of the repository: it is not read");
}

}  // namespace

std::optional<std::string> read_repository_file(const Repository& repo, const fs::path& p, std::size_t max_bytes) {
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(p, ec);
    if (!fs::exists(status)) return std::nullopt;  // nothing there (nothing is read where nothing is)
    const std::string display = repo.relative(p);
    if (fs::is_symlink(status) && !fs::exists(p, ec))
        throw InvalidData(Location{display}, "a symbolic link that leads nowhere: it is not read");
    refuse_outside(repo, p);
    // The path is resolved inside the repository: read what it names now,
    // refusing what is not a regular file (a FIFO is never waited on).
    FileText file = read_file_text(fs::weakly_canonical(p, ec).string(), max_bytes, false);
    switch (file.status) {
        case FileText::Status::ok:
            return std::move(file.text);
        case FileText::Status::not_regular:
            throw InvalidData(Location{display}, "not a regular file: it is not read");
        case FileText::Status::too_large:
            throw InvalidData(Location{display}, "file too large: " + std::to_string(file.size) + " bytes (at most " +
                                                     std::to_string(max_bytes) + ")");
        case FileText::Status::unreadable:
            if (file.error == ENOENT) return std::nullopt;  // removed meanwhile
            break;
    }
    throw IoError("cannot read " + display + ": " + std::strerror(file.error));
}

std::optional<YamlNode> load_repository_yaml(const Repository& repo, const fs::path& p) {
    auto text = read_repository_file(repo, p);
    if (!text) return std::nullopt;
    return load_yaml(*text, repo.relative(p));
}

std::vector<std::string> repository_yaml_names(const Repository& repo, const fs::path& dir) {
    std::vector<std::string> names;
    std::error_code ec;
    if (!fs::exists(dir, ec)) return names;
    refuse_outside(repo, dir);
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 5 && name[0] != '.' && name.ends_with(".yaml") && !it->is_directory(ec))
            names.push_back(name.substr(0, name.size() - 5));
    }
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace incident
