// Reading a whole file without surprises: regular files only (a FIFO or a
// device is refused at once, never waited on) and never more than a limit.
// The model's YAML loader and the store's readers share it.
#pragma once

#include <cstddef>
#include <limits>
#include <string>

namespace incident {

struct FileText {
    enum class Status { ok, unreadable, not_regular, too_large } status = Status::unreadable;
    std::string text;      // the bytes, when ok
    std::size_t size = 0;  // the file's size, when regular
    int error = 0;         // errno, when unreadable
};

FileText read_file_text(const std::string& path, std::size_t max_bytes = std::numeric_limits<std::size_t>::max());

}  // namespace incident
