// Replaces a file all at once: write a temporary beside it, fsync, rename,
// fsync the directory; the file keeps its mode. Without commit() the target is untouched and the
// temporary is removed, so a crash leaves the old file or the new one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incident {

class AtomicFile {
public:
    explicit AtomicFile(std::filesystem::path target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view data);
    // Throws IoError. Without `sync_dir` the rename is durable only
    // once the caller has synced the directory (sync_directory below).
    void commit(bool sync_dir = true);

private:
    std::filesystem::path target_;
    std::filesystem::path temp_;
    int fd_ = -1;
    bool committed_ = false;
};

// Convenience: the whole content in one go.
void write_file_atomically(const std::filesystem::path& target, std::string_view data);

// Each file replaced as above, in turn, and each directory they are in
// synced once at the end, not once a file: a batch of files in one
// directory costs one directory sync. All are durable when it returns.
void write_files_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files);

// Makes the renames in `dir` durable (fsync of the directory; best effort).
void sync_directory(const std::filesystem::path& dir);

// The whole content of a regular file; nullopt when it cannot be opened or is
// not a regular file (a FIFO is not waited on).
std::optional<std::string> read_file(const std::filesystem::path& path);

}  // namespace incident
