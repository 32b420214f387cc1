// Reading a whole file without surprises: regular files only (a FIFO or a
// device is refused at once, never waited on) and never more than a limit.
// The model's YAML loader and the store's readers share it.
#pragma once

#include <sys/stat.h>

#include <cstddef>
#include <limits>
#include <optional>
#include <string>

namespace incident {

struct FileText {
    enum class Status { ok, unreadable, not_regular, too_large } status = Status::unreadable;
    std::string text;      // the bytes, when ok
    std::size_t size = 0;  // the file's size, when regular
    int error = 0;         // errno, when unreadable
    struct stat st {};     // the open file's fstat, when it was opened
};

// `follow_links` false: a symbolic link is not opened (unreadable, ELOOP).
FileText read_file_text(const std::string& path, std::size_t max_bytes = std::numeric_limits<std::size_t>::max(),
                        bool follow_links = true);

// The text of `path`, or nullopt when there is no such file. Anything else
// that stops the read is an error named with `display`: IoError when it
// cannot be read, InvalidData when it is not a regular file or too large.
std::optional<std::string> read_text_file(const std::string& path, const std::string& display, std::size_t max_bytes);

}  // namespace incident
