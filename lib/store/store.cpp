#include "store/store.hpp"

#include <dirent.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <random>

#include "model/errors.hpp"
#include "model/file_text.hpp"
#include "model/roundtrip.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace {

// Calls fn with the name of every entry of `dir` (none when it is missing).
template <class Fn>
void for_each_file_name(const fs::path& dir, Fn fn) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return;
    while (const dirent* e = ::readdir(d)) fn(std::string_view(e->d_name));
    ::closedir(d);
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

fs::path Store::path_of(const std::string& id) const {
    if (!is_valid_id(id)) throw UsageError("'" + id + "' is not an incident id");
    return repo_.incidents_dir() / (id + ".yaml");
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

Store::Store(Repository repo) : repo_(std::move(repo)) {
    std::error_code ec;
    plain_dir_ = !fs::is_symlink(repo_.incidents_dir(), ec);
    display_dir_ = repo_.relative(repo_.incidents_dir()) + "/";
}

Incident Store::load(const std::string& id) const {
    fs::path p = path_of(id);
    if (plain_dir_) {
        // The common case in one open and no path resolution: a regular
        // file, not a link. Anything else takes the careful way below.
        FileText file = read_file_text(p.string(), YamlLimits{}.max_bytes, false);
        if (file.status == FileText::Status::ok) {
            std::string display = display_dir_ + id + ".yaml";
            return checked_id(incident_from_yaml(load_yaml(file.text, display), display), id, display);
        }
    }
    std::error_code ec;
    auto status = fs::symlink_status(p, ec);
    if (fs::exists(status) && (!plain_dir_ || fs::is_symlink(status))) refuse_outside(p);
    if (!fs::is_regular_file(fs::is_symlink(status) ? fs::status(p, ec) : status))
        throw NotFound("no incident " + id + " (looked for " + repo_.relative(p) + ")",
                       "'incident list' shows the incidents there are");
    std::string display = repo_.relative(p);
    return checked_id(incident_from_yaml(load_yaml_file(p.string(), display), display), id, display);
}

void Store::save(const Incident& inc) const {
    fs::path p = path_of(inc.id);
    refuse_outside(p);
    std::error_code ec;
    fs::create_directories(repo_.incidents_dir(), ec);
    if (ec) throw IoError("cannot create " + repo_.incidents_dir().string() + ": " + ec.message());
    std::string display = repo_.relative(p);
    // The current text, so the lines a person wrote by hand are kept.
    std::optional<std::string> previous;
    try {
        previous = read_text_file(p.string(), display, YamlLimits{}.max_bytes);
    } catch (const Error&) {
        // unreadable or not a regular file: written whole, as before
    }
    write_file_atomically(p, verified_incident_yaml(inc, display, previous.value_or("")));
}

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
    for_each_file_name(repo_.incidents_dir(), [&](std::string_view name) {
        if (name.size() <= 5 || name.substr(name.size() - 5) != ".yaml") return;
        auto id = name.substr(0, name.size() - 5);
        if (is_valid_id(id)) ids.emplace_back(id);
    });
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
    // Names only, no allocation per file: this runs on every open.
    long max = 0;
    std::string head = prefix + "-";
    for_each_file_name(repo_.incidents_dir(), [&](std::string_view name) {
        if (name.size() <= head.size() + 5 || name.compare(0, head.size(), head) != 0 ||
            name.substr(name.size() - 5) != ".yaml")
            return;
        auto id = name.substr(0, name.size() - 5);
        long n = 0;
        auto digits = id.substr(head.size());
        auto r = std::from_chars(digits.data(), digits.data() + digits.size(), n);
        if (r.ptr == digits.data() + digits.size() && is_valid_id(id)) max = std::max(max, n);
    });
    return prefix + "-" + std::to_string(max + 1);
}

}  // namespace incident
