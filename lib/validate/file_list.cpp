#include "validate/file_list.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <map>

#include "hooks/hooks.hpp"
#include "model/errors.hpp"
#include "store/store.hpp"
#include "validate/oncall_files.hpp"

namespace incident {

namespace {

// The names of `dir`'s *.yaml entries (not hidden) and, with `shards`, of
// its shard directories (real ones, not links) as "NAME/", sorted: the order
// of the full paths they lead to. One readdir, and a stat only where the
// directory does not tell the type. `special` receives the paths of the
// entries that are neither regular files nor links to one (a FIFO is
// reported, never opened).
std::vector<std::string> yaml_names(const std::string& dir, bool shards, std::set<std::string>& special) {
    std::vector<std::string> names;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return names;
    while (const dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        struct stat st {};
        auto is = [&](int flags, mode_t type) {
            return ::fstatat(::dirfd(d), e->d_name, &st, flags) == 0 && (st.st_mode & S_IFMT) == type;
        };
        if (shards && is_shard_name(name) &&
            (e->d_type == DT_DIR || (e->d_type == DT_UNKNOWN && is(AT_SYMLINK_NOFOLLOW, S_IFDIR)))) {
            names.push_back(std::string(name) + "/");
        } else if (name.size() > 5 && name[0] != '.' && name.ends_with(".yaml")) {
            if (e->d_type != DT_REG && !((e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) && is(0, S_IFREG)))
                special.insert(dir + e->d_name);
            names.emplace_back(name);
        }
    }
    ::closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

}  // namespace

std::string not_read(const fs::path& p) {
    std::error_code ec;
    if (fs::is_symlink(fs::symlink_status(p, ec)) && !fs::exists(p, ec))
        return "a symbolic link that leads nowhere: it is not read";
    return "not a regular file: it is not read";
}

std::vector<std::string> files_to_validate(const Repository& repo, const std::vector<std::string>& paths,
                                           std::set<std::string>& special) {
    std::vector<std::string> files;
    std::error_code ec;
    auto add_dir = [&](std::string dir) {
        while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
        if (dir != "/") dir += '/';
        for (const auto& name : yaml_names(dir, true, special)) {
            if (name.back() != '/') {
                files.push_back(dir + name);
                continue;
            }
            for (const auto& file : yaml_names(dir + name, false, special)) files.push_back(dir + name + file);
        }
    };
    if (paths.empty()) {
        for (const auto& p : {repo.config_path(), repo.rules_path(), repo.rule_tests_path(), hooks_path(repo)})
            if (fs::is_regular_file(p, ec)) files.push_back(p.string());
        std::vector<std::string> runbooks;
        for (fs::directory_iterator it(repo.root / ".incident" / "runbooks", ec), end; !ec && it != end;
             it.increment(ec))
            if (it->path().extension() == ".md") runbooks.push_back(it->path().string());
        std::sort(runbooks.begin(), runbooks.end());
        files.insert(files.end(), runbooks.begin(), runbooks.end());
        try {
            for (auto& f : oncall_files(repo)) files.push_back(std::move(f));
        } catch (const InvalidData&) {
            if (!repo.leads_outside(repo.root / ".incident" / "oncall")) throw;  // reported by links_out_of
        }
        add_dir(repo.incidents_dir().string());
        return files;
    }
    for (const auto& text : paths) {
        if (fs::is_directory(text, ec)) {
            add_dir(text);
        } else if (fs::exists(fs::symlink_status(text, ec))) {
            files.push_back(text);
            if (!fs::is_regular_file(text, ec)) special.insert(text);
        } else {
            throw NotFound("no such file or directory: " + text);
        }
    }
    return files;
}

std::vector<char> incident_files(const Repository& repo, const std::vector<std::string>& files) {
    std::error_code ec;
    std::vector<char> incident(files.size());
    std::map<std::string, bool, std::less<>> incident_dir;
    fs::path incidents = fs::weakly_canonical(repo.incidents_dir(), ec);
    if (repo.leads_outside(repo.incidents_dir())) incidents.clear();
    const std::pair<const std::string, bool>* last = nullptr;
    for (std::size_t i = 0; i < files.size(); ++i) {
        const std::string& name = files[i];
        const std::size_t slash = name.rfind('/');
        std::string_view dir(name.data(), std::min(slash, name.size()));
        if (!last || last->first != dir) {
            auto [it, fresh] = incident_dir.emplace(std::string(dir), false);
            if (fresh) {
                const fs::path file_dir = fs::path(name).parent_path();
                auto parent = fs::weakly_canonical(file_dir, ec);
                if (is_shard_name(parent.filename().string()) && !fs::is_symlink(file_dir, ec))
                    parent = parent.parent_path();
                it->second = parent == incidents;
            }
            last = &*it;
        }
        const std::string_view base = std::string_view(name).substr(slash == std::string::npos ? 0 : slash + 1);
        incident[i] = last->second && base.ends_with(".yaml") && base != ".yaml";
    }
    return incident;
}

}  // namespace incident
