// The summaries of every incident in the repository, for list and report.
// Parsing 100 000 YAML files takes a while, so summaries are cached in
// .git/incident/index, keyed by each file's size, modification time, change
// time and inode. Files whose key differs are parsed again (on all cores);
// a cache that cannot be read, or was made under other SLA settings or by
// another version, is ignored and rewritten, on a thread of its own while
// the caller goes on (a later load in the same process waits for it). A
// file changed within the last two seconds is never cached: its time stamp
// might not yet tell a later change apart.
#pragma once

#include <memory>
#include <thread>
#include <vector>

#include "index/summary.hpp"
#include "model/errors.hpp"
#include "store/store.hpp"

namespace incident {

struct IndexStats {
    std::size_t files = 0;   // incident files found
    std::size_t parsed = 0;  // of which read from YAML
    bool cache_read = false;
    bool cache_written = false;  // a new cache is being written
};

// Waits for a thread to finish before it goes.
struct JoinThread {
    void operator()(std::thread* t) const {
        t->join();
        delete t;
    }
};

struct Index {
    std::vector<Summary> incidents;  // in id order; their text lives in `text`
    // Files that cannot be read, in id order, then the names not read at all
    // (not a regular file, no valid id, a copy in the other layout).
    std::vector<InvalidData> errors;
    IndexStats stats;
    std::shared_ptr<const void> text;  // the cache's bytes and the pool of parsed files
    // The cache being rewritten from `incidents` while the caller uses
    // them (read only): the index waits for it before it goes. Last, so
    // that it goes first.
    std::unique_ptr<std::thread, JoinThread> writing;
};

// `use_cache` false: parse every file and neither read nor write the cache.
Index load_index(const Store& store, const Config& config, Timestamp now, bool use_cache = true);

// Where the cache lives.
fs::path index_cache_path(const Repository& repo);

// The cache file's bytes, for its fuzz target and tests: how many summaries a
// cache holds (0 when it would be ignored), and the frame (header, checksum)
// around a body of `count` entries made under the settings `fingerprint`.
std::size_t index_cache_entries(std::string bytes, std::uint64_t fingerprint);
std::string frame_index_cache(std::string_view body, std::uint64_t fingerprint, std::size_t count);

}  // namespace incident
