// The index cache reader (.git/incident/index). The input is the cache's body
// (count, string table, entries); the target frames it with a valid header and
// checksum so the fuzzer reaches the entry decoder instead of stopping at the
// checksum. A one-byte prefix picks an unframed read, to cover the header checks.
#include <cstring>

#include "fuzz.hpp"
#include "index/index.hpp"

namespace {
void read_cache(const std::string& input) {
    using namespace incident;
    if (input.empty()) return;
    if (input[0] == 'R') {
        (void)index_cache_entries(input.substr(1), 0);
        return;
    }
    std::uint64_t count = 0;
    if (input.size() >= 9) std::memcpy(&count, input.data() + 1, 8);
    (void)index_cache_entries(frame_index_cache(input.substr(std::min<std::size_t>(9, input.size())), 7, count), 7);
}
}  // namespace

INCIDENT_FUZZ_TARGET(read_cache)
