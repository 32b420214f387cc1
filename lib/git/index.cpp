// update_index (git/index.hpp): git's index format, versions 2 and 3
// (Documentation/gitformat-index.txt): a header ("DIRC", version, entry
// count), the entries sorted by name then stage, each 62 bytes of stat
// data, object id and flags (64 with version 3's extended flags), its name
// and 1 to 8 NULs to a multiple of 8; then the extensions (a signature,
// a length, the data; an upper-case first letter marks one a reader may
// ignore); then the SHA-1 of everything before it.
#include "git/index.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <string_view>
#include <utility>

#include "git/lock.hpp"
#include "model/errors.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

using Digest = std::array<unsigned char, 20>;

std::uint32_t be32(const char* p) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return std::uint32_t(u[0]) << 24 | std::uint32_t(u[1]) << 16 | std::uint32_t(u[2]) << 8 | u[3];
}

std::uint16_t be16(const char* p) {
    const auto* u = reinterpret_cast<const unsigned char*>(p);
    return static_cast<std::uint16_t>(u[0] << 8 | u[1]);
}

void put32(std::string& out, std::uint64_t v) {
    for (int shift : {24, 16, 8, 0}) out += static_cast<char>((v >> shift) & 0xff);
}

Digest sha1(std::string_view data) {
    Digest d{};
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), d.data(), &n, EVP_sha1(), nullptr);
    return d;
}

// The paths to update, found by a name's view too.
using Updates = std::map<std::string, const IndexUpdate*, std::less<>>;

struct Entry {
    std::string_view name, bytes;
    int stage = 0;
    bool extended = false;
};

struct Index {
    std::uint32_t version = 0;
    std::vector<Entry> entries;
    std::vector<std::string_view> kept;  // extensions copied as they are
};

constexpr std::size_t kFixed = 62;  // stat data (40), object id (20), flags (2)

// The index in `data`, or nullopt where it is not one this writes.
std::optional<Index> parse(std::string_view data) {
    if (data.size() < 12 + 20 || data.substr(0, 4) != "DIRC") return std::nullopt;
    const std::string_view body = data.substr(0, data.size() - 20);
    if (std::memcmp(sha1(body).data(), data.data() + body.size(), 20) != 0) return std::nullopt;
    Index index;
    index.version = be32(data.data() + 4);
    if (index.version != 2 && index.version != 3) return std::nullopt;
    const std::uint32_t count = be32(data.data() + 8);
    std::size_t at = 12;
    for (std::uint32_t i = 0; i < count; ++i) {
        if (at + kFixed > body.size()) return std::nullopt;
        const std::uint16_t flags = be16(data.data() + at + 60);
        Entry e;
        e.extended = flags & 0x4000;
        if (e.extended && index.version < 3) return std::nullopt;
        const std::size_t name_at = at + kFixed + (e.extended ? 2 : 0);
        std::size_t length = flags & 0xfff;
        if (length == 0xfff) {  // a long name: up to its NUL
            const auto nul = body.find('\0', name_at);
            if (nul == std::string_view::npos) return std::nullopt;
            length = nul - name_at;
        }
        const std::size_t size = (name_at - at + length + 8) & ~std::size_t(7);
        if (at + size > body.size()) return std::nullopt;
        e.name = body.substr(name_at, length);
        e.bytes = body.substr(at, size);
        e.stage = (flags >> 12) & 3;
        index.entries.push_back(e);
        at += size;
    }
    while (at < body.size()) {
        if (at + 8 > body.size()) return std::nullopt;
        const std::string_view signature = body.substr(at, 4);
        const std::size_t size = 8 + std::size_t(be32(data.data() + at + 4));
        if (at + size > body.size()) return std::nullopt;
        if (signature == "REUC")
            index.kept.push_back(body.substr(at, size));
        else if (signature[0] < 'A' || signature[0] > 'Z')
            return std::nullopt;  // one git requires: link (split), sdir (sparse), or unknown
        at += size;               // TREE, UNTR, FSMN, EOIE, IEOT and others git may ignore: left out
    }
    return index;
}

// An entry for `u`, as git writes one (fill_stat_data, create_ce_mode).
std::string entry_bytes(const IndexUpdate& u) {
    std::string out;
    const struct stat& st = u.st;
    for (std::uint64_t v :
         {std::uint64_t(st.st_ctim.tv_sec), std::uint64_t(st.st_ctim.tv_nsec), std::uint64_t(st.st_mtim.tv_sec),
          std::uint64_t(st.st_mtim.tv_nsec), std::uint64_t(st.st_dev), std::uint64_t(st.st_ino), std::uint64_t(u.mode),
          std::uint64_t(st.st_uid), std::uint64_t(st.st_gid), std::uint64_t(st.st_size)})
        put32(out, v);
    out.append(reinterpret_cast<const char*>(u.oid.data()), u.oid.size());
    const std::size_t length = std::min<std::size_t>(u.path.size(), 0xfff);
    out += static_cast<char>(length >> 8);
    out += static_cast<char>(length & 0xff);
    out += u.path;
    out.append(((kFixed + u.path.size() + 8) & ~std::size_t(7)) - kFixed - u.path.size(), '\0');
    return out;
}

// Whether git would write these entries otherwise: a path in conflict or
// with version 3's flags, a mode the work tree does not have, a file where
// a directory of another path is.
bool plain(const Index& index, const Updates& updates) {
    auto named = [&](std::string_view name) {
        return std::lower_bound(index.entries.begin(), index.entries.end(), name,
                                [](const Entry& e, std::string_view n) { return e.name < n; });
    };
    for (const auto& [path, u] : updates) {
        for (auto it = named(path); it != index.entries.end() && it->name == path; ++it)
            if (it->stage != 0 || it->extended) return false;
        if (u->removed) continue;
        if (((u->st.st_mode & S_IXUSR) != 0) != (u->mode == 0100755)) return false;
        for (auto slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1))
            if (auto it = named(std::string_view(path).substr(0, slash));
                it != index.entries.end() && it->name == std::string_view(path).substr(0, slash))
                return false;
        const std::string below = path + "/";
        if (auto it = named(below); it != index.entries.end() && it->name.substr(0, below.size()) == below)
            return false;
    }
    return true;
}

// Whether the entry's file has other content than its blob while its stat
// data says the same (git's ce_smudge_racily_clean_entry): a file not
// there, of another type (a FIFO is never opened), or whose size or
// modification time differ, git sees changed anyway.
bool changed_unseen(const std::string& work_tree, const Entry& e) {
    struct stat st {};
    const std::string path = work_tree + "/" + std::string(e.name);
    if (::lstat(path.c_str(), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISLNK(st.st_mode))) return false;
    if (std::uint32_t(st.st_size) != be32(e.bytes.data() + 36) ||
        std::uint32_t(st.st_mtim.tv_sec) != be32(e.bytes.data() + 8))
        return false;
    std::string content(static_cast<std::size_t>(st.st_size), '\0');
    if (S_ISLNK(st.st_mode)) {
        if (::readlink(path.c_str(), content.data(), content.size()) != st.st_size) return true;
    } else {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) return true;
        const ssize_t n = ::read(fd, content.data(), content.size());
        ::close(fd);
        if (n != st.st_size) return true;  // changing as we read: smudged, compared again later
    }
    const std::string object = "blob " + std::to_string(content.size()) + '\0' + content;
    return std::memcmp(sha1(object).data(), e.bytes.data() + 40, 20) != 0;
}

// The new index: the entries of `index` but those of `updates`, each racily
// clean one whose file changed smudged (its size 0: git compares its
// content again), and the new entries, in git's order; the kept
// extensions; the checksum.
std::string rewritten(const std::string& work_tree, const Index& index, const Updates& updates,
                      const struct stat& old) {
    std::vector<std::pair<std::string_view, std::string>> added;
    for (const auto& [path, u] : updates)
        if (!u->removed) added.emplace_back(path, entry_bytes(*u));
    std::string out = "DIRC";
    out.reserve(12 + index.entries.size() * 80 + added.size() * 128);
    put32(out, index.version);
    std::size_t count = added.size();
    for (const auto& e : index.entries) count += !updates.contains(e.name);
    put32(out, count);
    auto next = added.begin();
    for (const auto& e : index.entries) {
        for (; next != added.end() && next->first < e.name; ++next) out += next->second;
        if (updates.contains(e.name)) continue;
        const std::size_t at = out.size();
        out += e.bytes;
        const long long mtime = be32(e.bytes.data() + 8);
        const unsigned mode = be32(e.bytes.data() + 24);
        if (old.st_mtim.tv_sec <= mtime && (mode & 0170000) != 0160000 && changed_unseen(work_tree, e))
            std::fill(out.begin() + static_cast<long>(at) + 36, out.begin() + static_cast<long>(at) + 40, '\0');
    }
    for (; next != added.end(); ++next) out += next->second;
    for (const auto& extension : index.kept) out += extension;
    const Digest d = sha1(out);
    out.append(reinterpret_cast<const char*>(d.data()), d.size());
    return out;
}

// The file at `path` and its stat data, read through one descriptor.
std::optional<std::pair<std::string, struct stat>> read_index(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    std::pair<std::string, struct stat> out;
    bool ok = ::fstat(fd, &out.second) == 0 && S_ISREG(out.second.st_mode);
    if (ok) {
        out.first.resize(static_cast<std::size_t>(out.second.st_size));
        std::size_t done = 0;
        while (ok && done < out.first.size()) {
            const ssize_t n = ::read(fd, out.first.data() + done, out.first.size() - done);
            if (n < 0 && errno == EINTR) continue;
            ok = n > 0;
            done += ok ? static_cast<std::size_t>(n) : 0;
        }
    }
    ::close(fd);
    return ok ? std::optional(std::move(out)) : std::nullopt;
}

}  // namespace

bool update_index(const std::string& work_tree, const std::string& index_path,
                  const std::vector<IndexUpdate>& updates) {
    Updates by_path;
    for (const auto& u : updates) by_path[u.path] = &u;
    // Taken before reading: no one else writes it meanwhile.
    FileLock::Refused why{};
    auto lock = FileLock::take(index_path, fs::path(index_path).parent_path() / "incident", "index", why);
    if (!lock && why == FileLock::Refused::held)
        throw IoError("git add failed: Unable to create '" + index_path + ".lock': File exists.",
                      "another git process seems to be running in this repository");
    if (!lock) return false;  // git's way
    const auto file = read_index(index_path);
    if (!file) return false;
    const auto index = parse(file->first);
    if (!index || !plain(*index, by_path)) return false;
    lock->write(rewritten(work_tree, *index, by_path, file->second));
    lock->commit_to(index_path);
    return true;
}

}  // namespace incident::git
