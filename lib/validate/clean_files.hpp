// The cache of validate (.git/incident/validated).
#pragma once

#include <sys/stat.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/config.hpp"
#include "rules/rules.hpp"
#include "store/repository.hpp"

namespace incident {

// Incident files found without errors, by name with their size, time and
// inode, and their warnings: an unchanged file is not read again, only its
// references are checked again. Kept in .git/incident/validated, for one
// configuration and one version of the checks (the fingerprint).
class CleanFiles {
public:
    struct Entry {
        std::int64_t size = 0, mtime = 0, inode = 0;
        std::vector<std::string> related;
        std::vector<Finding> warnings;  // located in the file itself
    };

    CleanFiles(const Repository& repo, const Config& cfg);

    // The file's key now, when it is a regular file (not a link).
    static std::optional<Entry> key_of(const fs::path& p);
    // The key of a file that was opened and read, from its fstat.
    static Entry key_of(const struct stat& st);

    std::size_t size() const { return entries_.size(); }
    bool knows(const std::string& name) const { return entries_.count(name) != 0; }

    // The entry for `name` when the file is unchanged since it was found clean.
    const Entry* unchanged(const std::string& name, const std::optional<Entry>& now) const {
        auto it = entries_.find(name);
        if (!now || it == entries_.end()) return nullptr;
        const Entry& was = it->second;
        return was.size == now->size && was.mtime == now->mtime && was.inode == now->inode ? &was : nullptr;
    }

    // Writes what is known clean now; files changed in the last two seconds
    // are left out (a change within the clock's resolution would go unseen).
    void save(const std::vector<std::pair<std::string, Entry>>& clean, std::int64_t started) const;

private:
    fs::path path_;
    std::string fingerprint_;
    std::unordered_map<std::string, Entry> entries_;
};

}  // namespace incident
