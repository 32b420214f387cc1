#include "store/store.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <random>

#include "model/errors.hpp"
#include "model/file_text.hpp"
#include "model/roundtrip.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace {

// Calls fn(name) for every entry of the open directory `d`, then closes it.
template <class Fn>
void each_name(DIR* d, Fn fn) {
    if (!d) return;
    while (const dirent* e = ::readdir(d)) fn(e);
    ::closedir(d);
}

// True when `e` names a shard directory (a link is not one).
bool is_shard_entry(const dirent* e) {
    return is_shard_name(e->d_name) && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN);
}

// The shard `name` of the directory `fd` opened for listing: null when it is
// not a real directory (a link is never followed).
DIR* open_shard(int fd, const char* name) {
    int sub = ::openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) return nullptr;
    DIR* d = ::fdopendir(sub);
    if (!d) ::close(sub);
    return d;
}

// The shard of a valid id: its number without the last three digits ("12"
// for INC-12345, "0" for INC-7), as a view into `id`.
std::string_view shard_of(std::string_view id) {
    auto digits = id.substr(id.rfind('-') + 1);
    return digits.size() > 3 ? digits.substr(0, digits.size() - 3) : std::string_view("0");
}

// "INC-7.yaml" -> "INC-7"; empty for a name that is not an incident file's.
std::string_view id_of_name(std::string_view name) {
    if (name.size() <= 5 || name.substr(name.size() - 5) != ".yaml") return {};
    auto id = name.substr(0, name.size() - 5);
    return is_valid_id(id) ? id : std::string_view{};
}

}  // namespace

bool is_valid_id(std::string_view id) {
    auto dash = id.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || dash > 16) return false;
    auto prefix = id.substr(0, dash), number = id.substr(dash + 1);
    if (!std::isalpha(static_cast<unsigned char>(prefix[0]))) return false;
    for (char c : prefix)
        if (!std::isalnum(static_cast<unsigned char>(c))) return false;
    if (number.empty() || number.size() > 9 || number[0] == '0') return false;
    for (char c : number)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

std::string normalise_id(std::string_view text, const std::string& prefix) {
    std::string id(text);
    bool digits = !id.empty() && std::all_of(id.begin(), id.end(), [](unsigned char c) { return std::isdigit(c); });
    if (digits) id = prefix + "-" + id;
    // Case-insensitive prefix: "inc-42" means "INC-42" in a repository using INC.
    if (id.size() > prefix.size() && id[prefix.size()] == '-') {
        bool same = true;
        for (size_t i = 0; i < prefix.size(); ++i)
            if (std::toupper(static_cast<unsigned char>(id[i])) != std::toupper(static_cast<unsigned char>(prefix[i])))
                same = false;
        if (same) id.replace(0, prefix.size(), prefix);
    }
    if (!is_valid_id(id)) {
        std::string shown(text.substr(0, 80));
        for (auto& c : shown)
            if (static_cast<unsigned char>(c) < 0x20) c = '?';
        throw UsageError("'" + shown + "' is not an incident id", "ids look like " + prefix + "-42 (or just 42)");
    }
    return id;
}

bool looks_like_uid(std::string_view text) {
    if (text.size() != 36) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
    }
    return true;
}

std::string new_uid() {
    unsigned char b[16];
    bool ok = false;
    if (FILE* f = std::fopen("/dev/urandom", "rb")) {
        ok = std::fread(b, 1, sizeof b, f) == sizeof b;
        std::fclose(f);
    }
    if (!ok) {
        std::random_device rd;
        for (auto& x : b) x = static_cast<unsigned char>(rd());
    }
    b[6] = static_cast<unsigned char>((b[6] & 0x0F) | 0x40);
    b[8] = static_cast<unsigned char>((b[8] & 0x3F) | 0x80);
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
        out += hex[b[i] >> 4];
        out += hex[b[i] & 0x0F];
    }
    return out;
}

bool is_shard_name(std::string_view name) {
    if (name.empty() || name.size() > 6 || (name[0] == '0' && name.size() > 1)) return false;
    return std::all_of(name.begin(), name.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string incident_file(const std::string& id, Layout layout) {
    return layout == Layout::flat ? id + ".yaml" : std::string(shard_of(id)) + "/" + id + ".yaml";
}

std::pair<std::string, Layout> id_of_incident_file(std::string_view below) {
    auto slash = below.find('/');
    std::string id(id_of_name(below.substr(slash == std::string_view::npos ? 0 : slash + 1)));
    if (id.empty() || slash == std::string_view::npos) return {id, Layout::flat};
    // In its own shard only: "12/INC-12345.yaml", not "3/INC-12345.yaml".
    if (below.substr(0, slash) != shard_of(id)) id.clear();
    return {id, Layout::sharded};
}

std::string unreadable_incident_name(std::string_view name) {
    if (name.size() <= 5 || !name.ends_with(".yaml")) return {};
    const auto stem = name.substr(0, name.size() - 5);
    const auto dash = stem.rfind('-');
    if (dash == std::string_view::npos || dash == 0 || is_valid_id(stem)) return {};
    const auto prefix = stem.substr(0, dash);
    if (!std::isalpha(static_cast<unsigned char>(prefix[0])) || !all_digits(stem.substr(dash + 1)) ||
        !std::all_of(prefix.begin(), prefix.end(), [](unsigned char c) { return std::isalnum(c); }))
        return {};
    return "'" + std::string(stem) +
           "' cannot be an incident id (PREFIX-N: up to 16 letters and digits, then N from 1 to 999999999 "
           "without leading zeros), so no command reads this file: rename it or move it out of incidents/";
}

void for_each_incident_name(const fs::path& incidents,
                            const std::function<void(int, const dirent*, std::string_view, Layout)>& fn,
                            const std::function<void(const std::string&, const std::string&)>& skipped) {
    auto odd = [&](const std::string& dir, std::string_view name) {
        if (!skipped) return;
        if (std::string why = unreadable_incident_name(name); !why.empty()) skipped(dir + std::string(name), why);
    };
    DIR* top = ::opendir(incidents.c_str());
    each_name(top, [&](const dirent* e) {
        DIR* shard = is_shard_entry(e) ? open_shard(::dirfd(top), e->d_name) : nullptr;
        if (shard) {
            const std::string_view want = e->d_name;
            const std::string dir = std::string(want) + "/";
            each_name(shard, [&](const dirent* f) {
                auto id = id_of_name(f->d_name);
                if (id.empty())
                    odd(dir, f->d_name);
                else if (shard_of(id) == want)
                    fn(::dirfd(shard), f, id, Layout::sharded);
                else if (skipped)
                    skipped(dir + f->d_name, "in the wrong shard: the tool reads " + std::string(id) +
                                                 " from incidents/" + incident_file(std::string(id), Layout::sharded) +
                                                 " only");
            });
        } else if (auto id = id_of_name(e->d_name); !id.empty()) {
            fn(::dirfd(top), e, id, Layout::flat);
        } else {
            odd("", e->d_name);
        }
    });
}

fs::path Store::path_in(const std::string& id, Layout layout) const {
    if (!is_valid_id(id)) throw UsageError("'" + id + "' is not an incident id");
    return repo_.incidents_dir() / incident_file(id, layout);
}

fs::path Store::path_of(const std::string& id) const {
    fs::path p = path_in(id, layout_);
    std::error_code ec;
    if (fs::exists(fs::symlink_status(p, ec))) return p;
    fs::path other = path_in(id, layout_ == Layout::flat ? Layout::sharded : Layout::flat);
    return fs::exists(fs::symlink_status(other, ec)) ? other : p;
}

namespace {

Incident checked_id(Incident inc, const std::string& id, const std::string& display) {
    if (inc.id != id)
        throw InvalidData(Location{display, 1, 1}, "id: the file says '" + inc.id + "' but its name says '" + id + "'");
    return inc;
}

}  // namespace

bool Store::exists(const std::string& id) const {
    std::error_code ec;
    return fs::is_regular_file(path_of(id), ec);
}

void Store::refuse_outside(const fs::path& p) const {
    if (repo_.leads_outside(p))
        throw InvalidData(Location{repo_.relative(p)},
                          "a symbolic link leads out of the repository: incident files are read and written only "
                          "inside it (replace the link with the file itself)");
}

Store::Store(Repository repo, Layout layout) : repo_(std::move(repo)), layout_(layout) {
    std::error_code ec;
    plain_dir_ = !fs::is_symlink(repo_.incidents_dir(), ec);
    display_dir_ = repo_.relative(repo_.incidents_dir()) + "/";
    dir_ = repo_.incidents_dir().string() + "/";
}

// The common case in one open and no path resolution: a regular file, not a
// link, in incidents/ (a plain directory) or a shard a listing found to be a
// real directory. Anything else is left to load_checked.
std::optional<Incident> Store::load_plain(const std::string& id, Layout where, struct stat* read) const {
    if (!plain_dir_) return std::nullopt;
    if (!is_valid_id(id)) throw UsageError("'" + id + "' is not an incident id");
    const std::string name = incident_file(id, where);
    FileText file = read_file_text(dir_ + name, YamlLimits{}.max_bytes, false);
    if (file.status != FileText::Status::ok) return std::nullopt;
    if (read) *read = file.st;
    std::string display = display_dir_ + name;
    return checked_id(incident_from_yaml(load_yaml(file.text, display), display), id, display);
}

// The careful way: a link on the way that leads out of the repository is refused.
Incident Store::load_checked(const std::string& id, const fs::path& p) const {
    std::error_code ec;
    auto status = fs::symlink_status(p, ec);
    const bool in_shard = p.parent_path() != repo_.incidents_dir();
    if (fs::exists(status) && (!plain_dir_ || in_shard || fs::is_symlink(status))) refuse_outside(p);
    std::string display = repo_.relative(p);
    if (!fs::exists(status))
        throw NotFound("no incident " + id + " (looked for " + display + ")",
                       "'incident list' shows the incidents there are");
    // Only the type is looked at (never an open: a FIFO would wait for a writer).
    const auto target = fs::is_symlink(status) ? fs::status(p, ec) : status;
    if (!fs::exists(target)) throw InvalidData(Location{display}, "a symbolic link that leads nowhere: it is not read");
    if (!fs::is_regular_file(target))
        throw InvalidData(Location{display}, "not a regular file: it is not read (an incident is a plain YAML file)");
    return checked_id(incident_from_yaml(load_yaml_file(p.string(), display), display), id, display);
}

Incident Store::load(const std::string& id) const {
    fs::path p = path_of(id);
    std::error_code ec;
    // Only a regular file is opened here; load_checked names anything else.
    if (p.parent_path() == repo_.incidents_dir() && fs::is_regular_file(fs::symlink_status(p, ec)))
        if (auto inc = load_plain(id, Layout::flat)) return std::move(*inc);
    return load_checked(id, p);
}

Incident Store::load_listed(const std::string& id, Layout where, struct stat* read) const {
    if (auto inc = load_plain(id, where, read)) return std::move(*inc);
    fs::path p = path_in(id, where);
    if (read && ::stat(p.c_str(), read) != 0) *read = {};
    return load_checked(id, p);
}

std::string Store::render(const Incident& inc, const std::string* previous) const {
    fs::path p = path_of(inc.id);
    refuse_outside(p);
    std::string display = repo_.relative(p);
    if (previous) return verified_incident_yaml(inc, display, *previous);
    // The current text, so the lines a person wrote by hand are kept.
    std::optional<std::string> current;
    try {
        current = read_text_file(p.string(), display, YamlLimits{}.max_bytes);
    } catch (const Error&) {
        // unreadable or not a regular file: written whole, as before
    }
    return verified_incident_yaml(inc, display, current.value_or(""));
}

void Store::write(const std::string& id, const std::string& text) const { write_all({{id, text}}); }

void Store::write_all(const std::map<std::string, std::string>& texts) const {
    std::vector<std::pair<fs::path, std::string>> files;
    for (const auto& [id, text] : texts) {
        fs::path p = path_of(id);
        refuse_outside(p);
        std::error_code ec;
        fs::create_directories(p.parent_path(), ec);
        if (ec) throw IoError("cannot create " + p.parent_path().string() + ": " + ec.message());
        files.emplace_back(std::move(p), text);
    }
    write_files_atomically(files);
}

void Store::save(const Incident& inc) const { write(inc.id, render(inc)); }

std::string Store::find_uid(const std::string& uid) const {
    for (const auto& id : unsorted_ids()) {
        auto text = read_file(path_of(id));
        if (!text || text->find(uid) == std::string::npos) continue;
        try {
            if (load(id).uid == uid) return id;
        } catch (const Error&) {
        }
    }
    return {};
}

std::vector<std::string> Store::unsorted_ids() const {
    std::vector<std::string> ids;
    for_each_incident_name(repo_.incidents_dir(),
                           [&](int, const dirent*, std::string_view id, Layout) { ids.emplace_back(id); });
    return ids;
}

std::vector<std::string> Store::list_ids() const {
    auto ids = unsorted_ids();
    std::vector<std::pair<std::pair<std::string, long>, std::string>> keyed;
    keyed.reserve(ids.size());
    for (auto& id : ids) keyed.emplace_back(id_order(id), std::move(id));
    std::sort(keyed.begin(), keyed.end());
    ids.clear();
    for (auto& k : keyed) ids.push_back(std::move(k.second));
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());  // a file in both layouts
    return ids;
}

std::vector<Incident> Store::load_all(std::vector<InvalidData>* errors) const {
    std::vector<Incident> all;
    for (const auto& id : list_ids()) {
        try {
            all.push_back(load(id));
        } catch (const InvalidData& e) {
            if (!errors) throw;
            errors->push_back(e);
        }
    }
    return all;
}

std::pair<std::string, long> id_order(const std::string& id) {
    auto dash = id.rfind('-');
    return {id.substr(0, dash), std::stol(id.substr(dash + 1))};
}

bool id_less(const std::string& a, const std::string& b) { return id_order(a) < id_order(b); }

std::string Store::next_id(const std::string& prefix) const {
    // Names only, no allocation per file: this runs on every open. Of the
    // shards only the highest holding the prefix is read.
    long max = 0;
    const std::string head = prefix + "-";
    auto take = [&](const dirent* e) {
        std::string_view name = e->d_name;
        if (name.compare(0, head.size(), head) != 0 || id_of_name(name).empty()) return false;
        long n = 0;
        std::from_chars(name.data() + head.size(), name.data() + name.size() - 5, n);
        max = std::max(max, n);
        return true;
    };
    std::vector<std::pair<long, std::string>> shards;
    DIR* top = ::opendir(repo_.incidents_dir().c_str());
    int top_fd = top ? ::dup(::dirfd(top)) : -1;
    each_name(top, [&](const dirent* e) {
        if (is_shard_entry(e))
            shards.emplace_back(std::stol(e->d_name), e->d_name);
        else
            take(e);
    });
    std::sort(shards.rbegin(), shards.rend());
    bool found = false;
    for (std::size_t i = 0; i < shards.size() && !found; ++i)
        each_name(open_shard(top_fd, shards[i].second.c_str()), [&](const dirent* e) { found = take(e) || found; });
    if (top_fd >= 0) ::close(top_fd);
    return prefix + "-" + std::to_string(max + 1);
}

}  // namespace incident
