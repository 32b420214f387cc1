// Reading an untrusted bundle: its listing first (tar or zipinfo, in the C
// locale), then the unpacking itself. zip's listing states each entry's size
// but unzip writes whatever the data inflates to, so for a zip the unpacked
// size is measured (unzip -p, cut off past the limit) before anything is written.
#include "export/unpack.hpp"

#include <stdlib.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "git/process.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

[[noreturn]] void refuse(const fs::path& bundle, const std::string& why) {
    throw Error(ExitCode::check, bundle.string() + ": " + why + "; nothing was unpacked",
                "an export bundle holds only its files and directories; `tar -tvzf FILE` or `unzip -Z FILE` "
                "lists what this one holds");
}

// `line` split into `n` fields separated by spaces and the rest after the one space that follows them.
std::optional<std::pair<std::vector<std::string>, std::string>> fields_and_rest(const std::string& line, int n) {
    std::vector<std::string> fields;
    std::size_t at = 0;
    for (int i = 0; i < n; ++i) {
        at = line.find_first_not_of(' ', at);
        std::size_t end = at == std::string::npos ? at : line.find(' ', at);
        if (end == std::string::npos) return std::nullopt;
        fields.push_back(line.substr(at, end - at));
        at = end;
    }
    return std::make_pair(std::move(fields), line.substr(at + 1));
}

std::string too_big(const UnpackLimits& limits) {
    return "unpacks to more than " + std::to_string(limits.bytes >> 20) + " MiB (at most 64 MiB, or 50 times its size)";
}

// Runs a listing or unpacking tool in the C locale; IoError when it is not installed.
ProcessResult run_tool(std::vector<std::string> argv, const fs::path& cwd) {
    const std::string tool = argv[0];
    argv.insert(argv.begin(), {"env", "LC_ALL=C"});  // replaces an inherited LC_ALL
    ProcessResult r = run_process(argv, cwd.string());
    if (r.status == 127 || r.status == -1)
        throw IoError(tool + " could not run: " + first_line(r.err), "is " + tool + " installed?");
    return r;
}

void check_listing(const fs::path& bundle, const std::string& listing, bool zip, const UnpackLimits& limits) {
    std::size_t entries = 0;
    std::uintmax_t bytes = 0;
    for (const auto& line : split(listing, '\n')) {
        if (line.empty()) continue;
        auto e = parse_listing_line(line, zip);
        if (!e) refuse(bundle, "cannot read this line of its listing: " + line);
        if (auto why = refusal(*e); !why.empty()) refuse(bundle, e->name + " " + why);
        if (++entries > limits.entries)
            refuse(bundle, "holds more than " + std::to_string(limits.entries) + " files and directories");
        bytes += e->size;
        if (bytes > limits.bytes) refuse(bundle, too_big(limits));
    }
}

// What the zip's files inflate to, counted up to one byte past the limit.
void check_unzipped_size(const fs::path& bundle, const std::string& file, const UnpackLimits& limits,
                         const fs::path& cwd) {
    ProcessResult r = run_tool(
        {"sh", "-c", "unzip -p \"$1\" | head -c \"$2\" | wc -c", "sh", file, std::to_string(limits.bytes + 1)}, cwd);
    const std::string n = first_line(r.out);
    const std::size_t digits = n.find_first_not_of(' ');
    if (r.status != 0 || digits == std::string::npos || !all_digits(n.substr(digits)))
        refuse(bundle, "cannot be read as a zip: " + first_line(r.err));
    if (std::stoull(n.substr(digits)) > limits.bytes) refuse(bundle, too_big(limits) + ", more than its listing says");
}

// What an entry of another type than a file or a directory is, or empty.
std::string kind(char type) {
    switch (type) {
        case '-':
        case 'd':
            return {};
        case 'l':
            return "a symbolic link";
        case 'h':
            return "a hard link";
        case 'p':
            return "a FIFO";
        case 'c':
        case 'b':
            return "a device";
        default:
            return "of type " + std::string(1, type);
    }
}

void open_up(const fs::path& dir) {
    std::error_code ec;
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::add, ec);
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec)) open_up(it->path());
}

}  // namespace

ScratchDir::ScratchDir(const fs::path& parent, const std::string& prefix) {
    std::string pattern = (parent / (prefix + "XXXXXX")).string();
    if (!::mkdtemp(pattern.data()))
        throw IoError("cannot create a scratch directory in " + parent.string() + ": " + std::strerror(errno));
    dir_ = pattern;
}

ScratchDir::~ScratchDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
    if (!ec) return;
    open_up(dir_);  // an unpacked directory without write permission keeps what it holds
    fs::remove_all(dir_, ec);
}

UnpackLimits unpack_limits(std::uintmax_t bundle_bytes) {
    const std::uintmax_t floor = std::uintmax_t{64} << 20;
    return {std::max(floor, bundle_bytes * 50), 200000};
}

std::optional<ArchiveEntry> parse_listing_line(const std::string& line, bool zip) {
    // tar: "-rw-r--r-- 0/0  12 2026-11-22 03:00 ./name"
    // zip: "-rw-r--r--  3.0 unx  12 tx defN 26-Nov-22 03:00 name"
    auto parsed = fields_and_rest(line, zip ? 8 : 5);
    if (!parsed) return std::nullopt;
    const auto& [fields, rest] = *parsed;
    ArchiveEntry e;
    e.type = fields[0][0] == '?' && zip ? '-' : fields[0][0];  // a zip entry without a file type unzips as a file
    const std::string& size = fields[zip ? 3 : 2];
    if (all_digits(size) && size.size() < 20) e.size = std::stoull(size);
    e.name = rest.starts_with("./") ? rest.substr(2) : rest;
    if (e.type == 'd' && e.name.ends_with('/')) e.name.pop_back();
    return e;
}

std::string refusal(const ArchiveEntry& e) {
    if (std::string k = kind(e.type); !k.empty()) {
        k.insert(0, "is ");
        k.append(" (a bundle holds only files and directories)");
        return k;
    }
    if (e.name.starts_with('/')) return "has an absolute name (a bundle's names are relative to its top)";
    std::size_t start = 0;
    for (std::size_t end; start <= e.name.size(); start = end + 1) {
        end = std::min(e.name.find_first_of("/\\", start), e.name.size());
        if (e.name.compare(start, end - start, "..") == 0) return "climbs out of the bundle (..)";
    }
    return {};
}

void unpack_bundle(const fs::path& bundle, const fs::path& into, const UnpackLimits& limits) {
    const bool zip = bundle.string().ends_with(".zip");
    const std::string file = fs::absolute(bundle).string();
    ProcessResult listed = zip ? run_tool({"unzip", "-Z", "--h-t", file}, into)
                               : run_tool({"tar", "--list", "--verbose", "--numeric-owner", "-zf", file}, into);
    check_listing(bundle, listed.out, zip, limits);
    if (listed.status != 0)
        refuse(bundle, std::string("cannot be read as a ") + (zip ? "zip" : "tar.gz") + ": " + first_line(listed.err));
    if (zip) check_unzipped_size(bundle, file, limits, into);
    ProcessResult r = zip ? run_tool({"unzip", "-q", "-n", file}, into)
                          : run_tool({"tar", "--no-same-owner", "--no-same-permissions", "-xzf", file}, into);
    if (r.status != 0)
        throw Error(ExitCode::check, bundle.string() + ": cannot be unpacked: " + first_line(r.err),
                    "the bundle is damaged; ask for it again");
}

}  // namespace incident
