#include "validate/clean_files.hpp"

#include <sys/stat.h>

#include <charconv>
#include <functional>
#include <sstream>
#include <string_view>

#include "model/errors.hpp"
#include "store/atomic_file.hpp"
#include "validate/validate.hpp"

namespace incident {

namespace {

// The space-separated words of one line, read in turn.
class Words {
public:
    explicit Words(std::string_view line) : rest_(line) {}
    std::string_view word() {
        rest_.remove_prefix(std::min(rest_.find_first_not_of(' '), rest_.size()));
        auto end = std::min(rest_.find(' '), rest_.size());
        auto w = rest_.substr(0, end);
        rest_.remove_prefix(end);
        return w;
    }
    std::int64_t number() {
        auto w = word();
        std::int64_t n = 0;
        if (w.empty() || std::from_chars(w.data(), w.data() + w.size(), n).ptr != w.data() + w.size()) ok_ = false;
        return n;
    }
    std::string rest() {
        rest_.remove_prefix(std::min(rest_.find_first_not_of(' '), rest_.size()));
        return std::string(rest_);
    }
    bool ok() const { return ok_; }

private:
    std::string_view rest_;
    bool ok_ = true;
};

}  // namespace

std::optional<CleanFiles::Entry> CleanFiles::key_of(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return key_of(st);
}

CleanFiles::Entry CleanFiles::key_of(const struct stat& st) {
    Entry e;
    e.size = st.st_size;
    e.mtime = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
    e.inode = static_cast<std::int64_t>(st.st_ino);
    return e;
}

CleanFiles::CleanFiles(const Repository& repo, const Config& cfg) : path_(repo.state_dir / "validated") {
    std::string id = INCIDENT_VERSION;
    for (const auto* list : {&cfg.impact_scale, &cfg.urgency_scale, &cfg.priorities, &cfg.tiers, &cfg.resolution_codes})
        for (const auto& v : *list) id += "\n" + v;
    for (const auto& t : cfg.teams) id += "\nteam " + t.name;
    id += embedded_schemas().at("incident.schema.json");
    fingerprint_ = std::to_string(std::hash<std::string>{}(id));
    auto text = read_file(path_);
    if (!text) return;
    std::istringstream in(*text);
    std::string line;
    if (!std::getline(in, line) || line != "incident-validated 1 " + fingerprint_) return;
    entries_.reserve(text->size() / 48);
    Entry* last = nullptr;
    while (std::getline(in, line)) {
        Words words(line);
        if (line.rfind("  ", 0) == 0 && last) {  // "  LINE COLUMN message": a warning of the entry above
            Finding f{{}, "warning", {}};
            f.where.line = static_cast<int>(words.number());
            f.where.column = static_cast<int>(words.number());
            f.message = words.rest();
            last->warnings.push_back(std::move(f));
            continue;
        }
        Entry e;
        e.size = words.number();
        e.mtime = words.number();
        e.inode = words.number();
        std::string name(words.word());
        if (!words.ok() || name.empty()) continue;
        for (auto r = words.word(); !r.empty(); r = words.word()) e.related.emplace_back(r);
        last = &entries_.insert_or_assign(std::move(name), std::move(e)).first->second;
    }
}

void CleanFiles::save(const std::vector<std::pair<std::string, Entry>>& clean, std::int64_t started) const {
    std::string text = "incident-validated 1 " + fingerprint_ + "\n";
    for (const auto& [name, e] : clean) {
        if (e.mtime > started - 2'000'000'000) continue;
        text += std::to_string(e.size) + " " + std::to_string(e.mtime) + " " + std::to_string(e.inode) + " " + name;
        for (const auto& r : e.related) text += " " + r;
        text += "\n";
        for (const auto& w : e.warnings)
            text += "  " + std::to_string(w.where.line) + " " + std::to_string(w.where.column) + " " + w.message + "\n";
    }
    try {
        std::error_code ec;
        fs::create_directories(path_.parent_path(), ec);
        write_file_atomically(path_, text);
    } catch (const Error&) {
        // a cache: the next run validates again
    }
}

}  // namespace incident
