// Unpacking a bundle for `export --verify` without trusting it. The archive's
// listing is read first, and the bundle refused (exit 6, with the reason)
// when an entry is anything but a regular file or a directory, when a name is
// absolute or climbs out with "..", or when it holds more entries or bytes
// than the limits; only then do tar or unzip unpack it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace incident {

namespace fs = std::filesystem;

// A new directory of its own under `parent` (PREFIX + random letters),
// removed with everything in it when it goes, whatever happened meanwhile.
class ScratchDir {
public:
    ScratchDir(const fs::path& parent, const std::string& prefix);  // throws IoError
    ~ScratchDir();
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    const fs::path& path() const { return dir_; }

private:
    fs::path dir_;
};

struct UnpackLimits {
    std::uintmax_t bytes = 0;  // the unpacked files, in all
    std::size_t entries = 0;   // files and directories
};

// 64 MiB or 50 times the bundle's size, whichever is more (text compresses
// about tenfold, a gzip bomb a thousandfold); 200 000 entries.
UnpackLimits unpack_limits(std::uintmax_t bundle_bytes);

// One line of `tar --list --verbose` or of `unzip -Z` (zipinfo).
struct ArchiveEntry {
    char type = '-';  // as ls shows it: '-' file, 'd' directory, 'l' symbolic link, 'h' hard link, 'p' FIFO, ...
    std::uintmax_t size = 0;
    std::string name;  // "./" dropped
};
std::optional<ArchiveEntry> parse_listing_line(const std::string& line, bool zip);

// Why `e` may not be unpacked ("is a FIFO", "climbs out of the bundle (..)"), or empty.
std::string refusal(const ArchiveEntry& e);

// Checks what `bundle` (.zip, else .tar.gz) holds against the rules above
// and `limits`, then unpacks it into `into`. Throws Error(check) with the
// first reason to refuse, IoError when tar or unzip cannot run.
void unpack_bundle(const fs::path& bundle, const fs::path& into, const UnpackLimits& limits);

}  // namespace incident
