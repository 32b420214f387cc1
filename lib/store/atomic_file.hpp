// Replaces a file all at once: write a temporary beside it, fsync, rename,
// fsync the directory; the file keeps its mode. Without commit() the target is untouched and the
// temporary is removed, so a crash leaves the old file or the new one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace incident {

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view data);
    void commit();  // throws IoError

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    int fd_ = -1;
    bool committed_ = false;
};

// Convenience: the whole content in one go.
void write_file_atomically(const std::filesystem::path& target, std::string_view data);

// The whole content of a regular file; nullopt when it cannot be opened or is
// not a regular file (a FIFO is not waited on).
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace incident
