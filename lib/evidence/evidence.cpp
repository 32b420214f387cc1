#include "evidence/evidence.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

#include "model/errors.hpp"
#include "model/file_text.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

constexpr std::size_t kMaxName = 120;

// SHA-256 fed in pieces.
class Sha256 {
public:
    Sha256() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
        if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr) != 1)
            throw IoError("SHA-256 is not available from OpenSSL");
    }
    void add(const void* data, std::size_t n) { EVP_DigestUpdate(ctx_.get(), data, n); }
    std::string hex() {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx_.get(), digest, &n);
        static const char* const digits = "0123456789abcdef";
        std::string out;
        for (unsigned int i = 0; i < n; ++i) {
            out += digits[digest[i] >> 4];
            out += digits[digest[i] & 0xF];
        }
        return out;
    }

private:
    std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx_;
};

bool starts(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Bytes [at, at + n) of `s`, or fewer (none) where it is shorter.
std::string_view bytes(std::string_view s, std::size_t at, std::size_t n) {
    return at < s.size() ? s.substr(at, n) : std::string_view();
}

// A plain directory (not a link), or absent.
bool plain_or_absent(const fs::path& p) {
    struct stat st {};
    if (::lstat(p.c_str(), &st) != 0) return errno == ENOENT;
    return S_ISDIR(st.st_mode);
}

}  // namespace

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.add(data.data(), data.size());
    return h.hex();
}

std::string sha256_of_file(const fs::path& p) {
    int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) return {};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return {};
    }
    Sha256 h;
    std::array<char, 1 << 16> buf;
    ssize_t n;
    while ((n = ::read(fd, buf.data(), buf.size())) != 0) {
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            return {};
        }
        h.add(buf.data(), static_cast<std::size_t>(n));
    }
    ::close(fd);
    return h.hex();
}

std::string attachment_name(std::string_view wanted) {
    if (wanted.empty()) throw UsageError("an attachment needs a name");
    if (wanted.find_first_of("/\\") != std::string_view::npos || wanted == "." || wanted == "..")
        throw UsageError(
            "'" + std::string(wanted) + "' is not a file name: attachments are kept flat in attachments/ID/",
            "give a plain name with --name NAME");
    std::string name;
    for (char c : wanted) {
        bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '_' || c == '-' || c == '+';
        name += keep ? c : '_';
    }
    name.erase(0, std::min(name.find_first_not_of(".-"), name.size()));
    if (name.size() > kMaxName) {
        std::size_t dot = name.rfind('.');
        std::string ext = dot != std::string::npos && name.size() - dot <= 16 ? name.substr(dot) : "";
        name = name.substr(0, kMaxName - ext.size()) + ext;
    }
    return name.empty() ? "attachment" : name;
}

std::string media_type(std::string_view name, std::string_view content) {
    static const std::vector<std::pair<std::string_view, std::string_view>> magic = {
        {"\x89PNG\r\n\x1a\n", "image/png"},
        {"\xFF\xD8\xFF", "image/jpeg"},
        {"GIF87a", "image/gif"},
        {"GIF89a", "image/gif"},
        {"%PDF-", "application/pdf"},
        {"PK\x03\x04", "application/zip"},
        {"\x1F\x8B", "application/gzip"},
        {"RIFF", "application/octet-stream"},  // WAV, AVI, WebP: told apart below
    };
    for (const auto& [prefix, type] : magic) {
        if (!starts(content, prefix)) continue;
        if (prefix != "RIFF") return std::string(type);
        std::string_view kind = bytes(content, 8, 4);
        if (kind == "WAVE") return "audio/wav";
        if (kind == "WEBP") return "image/webp";
        if (kind == "AVI ") return "video/x-msvideo";
    }
    if (bytes(content, 4, 4) == "ftyp") return bytes(content, 8, 2) == "qt" ? "video/quicktime" : "video/mp4";
    static const std::vector<std::pair<std::string_view, std::string_view>> by_extension = {
        {"txt", "text/plain"},       {"log", "text/plain"},        {"md", "text/markdown"},
        {"csv", "text/csv"},         {"json", "application/json"}, {"yaml", "application/yaml"},
        {"yml", "application/yaml"}, {"html", "text/html"},        {"htm", "text/html"},
        {"xml", "application/xml"},  {"eml", "message/rfc822"},    {"pcap", "application/vnd.tcpdump.pcap"},
        {"mp3", "audio/mpeg"},       {"svg", "image/svg+xml"},     {"heic", "image/heic"},
        {"tif", "image/tiff"},       {"tiff", "image/tiff"},       {"docx", "application/zip"},
    };
    std::size_t dot = name.rfind('.');
    if (dot != std::string_view::npos) {
        std::string ext = ascii_lower(name.substr(dot + 1));
        for (const auto& [e, type] : by_extension)
            if (ext == e) return std::string(type);
    }
    bool text = content.find('\0') == std::string_view::npos && find_invalid_utf8(content) == std::string_view::npos;
    return text ? "text/plain" : "application/octet-stream";
}

fs::path attachments_dir(const Repository& repo, const std::string& id) { return repo.root / "attachments" / id; }

NewEvidence read_evidence(const std::string& path, const std::string& name, const std::string& note,
                          long long max_bytes) {
    FileText file = read_file_text(path, static_cast<std::size_t>(max_bytes));
    switch (file.status) {
        case FileText::Status::ok:
            break;
        case FileText::Status::unreadable:
            if (file.error == ENOENT) throw NotFound("no such file: " + path);
            throw IoError("cannot read " + path + ": " + std::strerror(file.error));
        case FileText::Status::not_regular:
            throw UsageError(path + " is not a regular file: only files are attached");
        case FileText::Status::too_large:
            throw TransitionRefused(path + " is " + std::to_string(file.size) +
                                        " bytes, more than attachments.max_bytes (" + std::to_string(max_bytes) + ")",
                                    "keep large media in Git LFS (see the README), or raise attachments.max_bytes");
    }
    NewEvidence e;
    std::string wanted = name.empty() ? fs::path(path).filename().string() : name;
    e.record.name = attachment_name(wanted);
    e.record.sha256 = sha256_hex(file.text);
    e.record.size = static_cast<long long>(file.text.size());
    e.record.type = media_type(e.record.name, file.text);
    e.record.note = note;
    e.content = std::move(file.text);
    return e;
}

Event attach_evidence(Incident& inc, const Actor& actor, const std::vector<NewEvidence>& files) {
    if (files.empty()) throw UsageError("attach needs at least one FILE");
    std::vector<std::string> names;
    for (const auto& a : inc.attachments) names.push_back(a.name);
    Event last;
    for (const auto& f : files) {
        if (std::find(names.begin(), names.end(), f.record.name) != names.end())
            throw TransitionRefused(
                inc.id + " already has an attachment named " + f.record.name + ": evidence is never replaced",
                "attach it under another name with --name NAME");
        names.push_back(f.record.name);
        Attachment a = f.record;
        a.by = actor.who;
        a.at = actor.at;
        Event e = make_event(actor, "attached", f.record.note);
        e.set("name", a.name);
        e.set("sha256", a.sha256);
        e.set("size", a.size);
        inc.attachments.push_back(std::move(a));
        last = add_event(inc, std::move(e));
    }
    return last;
}

std::vector<std::pair<fs::path, std::string>> evidence_files(const Repository& repo, const std::string& id,
                                                             const std::vector<NewEvidence>& files) {
    const fs::path top = repo.root / "attachments", dir = attachments_dir(repo, id);
    for (const auto& d : {top, dir})
        if (!plain_or_absent(d))
            throw TransitionRefused(repo.relative(d) +
                                        " is not a plain directory (a link, or a file): nothing is "
                                        "written through it",
                                    "replace it with a directory");
    std::vector<std::pair<fs::path, std::string>> out;
    for (const auto& f : files) {
        fs::path p = dir / f.record.name;
        struct stat st {};
        if (::lstat(p.c_str(), &st) == 0)
            throw TransitionRefused(repo.relative(p) + " is already there, not recorded as evidence of " + id,
                                    "move it away, or attach under another name with --name NAME");
        out.emplace_back(p, f.content);
    }
    return out;
}

std::string_view to_string(EvidenceCheck::State s) {
    switch (s) {
        case EvidenceCheck::State::ok:
            return "ok";
        case EvidenceCheck::State::changed:
            return "changed";
        case EvidenceCheck::State::missing:
            return "missing";
        case EvidenceCheck::State::unrecorded:
            return "unrecorded";
        case EvidenceCheck::State::not_a_file:
            return "a link or not a regular file: not read";
    }
    return "ok";
}

std::vector<EvidenceCheck> verify_evidence(const Repository& repo, const Incident& inc) {
    const fs::path dir = attachments_dir(repo, inc.id);
    std::vector<EvidenceCheck> out;
    std::vector<std::string> recorded;
    const bool plain = plain_or_absent(repo.root / "attachments") && plain_or_absent(dir);
    for (const auto& a : inc.attachments) {
        EvidenceCheck c;
        c.attachment = &a;
        c.name = a.name;
        recorded.push_back(a.name);
        const fs::path p = dir / a.name;
        struct stat st {};
        const bool there = ::lstat(p.c_str(), &st) == 0;
        bool regular = plain && there && S_ISREG(st.st_mode);
        if (regular) {
            c.found_size = st.st_size;
            c.found_sha256 = sha256_of_file(p);
        }
        c.state = !regular && (there || !plain)                          ? EvidenceCheck::State::not_a_file
                  : !regular                                             ? EvidenceCheck::State::missing
                  : c.found_sha256 == a.sha256 && c.found_size == a.size ? EvidenceCheck::State::ok
                                                                         : EvidenceCheck::State::changed;
        out.push_back(std::move(c));
    }
    std::vector<std::string> extra;
    if (DIR* d = plain ? ::opendir(dir.c_str()) : nullptr) {
        while (const dirent* e = ::readdir(d)) {
            std::string name = e->d_name;
            if (name != "." && name != ".." && std::find(recorded.begin(), recorded.end(), name) == recorded.end())
                extra.push_back(name);
        }
        ::closedir(d);
    }
    std::sort(extra.begin(), extra.end());
    for (auto& name : extra) {
        EvidenceCheck c;
        c.name = std::move(name);
        c.state = EvidenceCheck::State::unrecorded;
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace incident
