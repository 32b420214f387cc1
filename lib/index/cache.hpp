// The index cache's file (.git/incident/index), for index.cpp: a header
// (magic, version, settings fingerprint, count), a table of every distinct
// text, each file's key and summary referring to it, and a checksum. Read
// with one read; written in pieces to a temporary renamed over the old file.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "index/summary.hpp"
#include "store/repository.hpp"

namespace incident {

// What identifies one version of a file without reading it.
struct FileKey {
    std::int64_t size = 0, mtime = 0, ctime = 0;
    std::uint64_t ino = 0;
    bool operator==(const FileKey&) const = default;
};

// What the cache holds, in the order written (id order); empty when it is
// missing, corrupt or stale. The summaries' text points into `bytes`.
struct CacheContent {
    std::shared_ptr<std::string> bytes;
    std::vector<FileKey> keys;
    std::vector<Summary> summaries;  // one per key
};

// `room`: the number of summaries the array should have room for (the files
// found), so that it can become the index's without growing.
CacheContent read_cache(const fs::path& path, std::uint64_t fingerprint, std::size_t room);

// Best effort: false when it could not be written (it is simply not there next time).
bool write_cache(const fs::path& path, std::uint64_t fingerprint, const std::vector<const Summary*>& summaries,
                 const std::vector<FileKey>& keys);

}  // namespace incident
