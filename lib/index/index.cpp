#include "index/index.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <unordered_map>

#include "index/cache.hpp"
#include "store/parallel.hpp"

namespace incident {

namespace {

constexpr std::int64_t kRacyNanos = 2'000'000'000;  // younger files are not cached

struct Found {
    std::string id;
    FileKey key;
    Layout where = Layout::flat;
};

std::int64_t nanos(const timespec& t) { return std::int64_t{t.tv_sec} * 1'000'000'000 + t.tv_nsec; }

FileKey key_of(const struct stat& st) { return {st.st_size, nanos(st.st_mtim), nanos(st.st_ctim), st.st_ino}; }

// Why the entry `name` of the directory `fd` is not read: "gone" (removed
// meanwhile), a reason, or empty for a regular file (its stat in `st`). Only
// its type is looked at: a FIFO is never opened.
std::string not_a_file(int fd, const char* name, struct stat& st) {
    if (::fstatat(fd, name, &st, 0) != 0)
        return ::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? "a symbolic link that leads nowhere: it is not read"
                                                                  : "gone";
    return S_ISREG(st.st_mode) ? "" : "not a regular file: it is not read (an incident is a plain YAML file)";
}

// Every incident file, in id order (the prefix, then the number as a number:
// INC-9 before INC-10), in incidents/ and its shards. `with_keys`: one
// fstatat per file for its key; without (no cache to compare them with),
// only for a name the directory does not say is a regular file, and the
// key is left for the read. Each name is split once into an integer sort
// key. A file in both layouts is taken from `preferred` (as Store::path_of
// does); the other copy is named in `problems`, as is every name that is
// not read: not a regular file (never opened), or no valid id. `shown` is
// incidents/ as the repository shows it, with its final '/'.
std::vector<Found> scan(const fs::path& dir, const std::string& shown, Layout preferred, bool with_keys,
                        std::vector<InvalidData>& problems) {
    std::vector<Found> found;
    std::vector<std::uint32_t> numbers;
    std::vector<std::string> prefixes;     // distinct, usually one
    std::vector<std::uint32_t> prefix_of;  // per file, into prefixes
    auto skipped = [&](const std::string& below, const std::string& why) {
        problems.emplace_back(Location{shown + below}, why);
    };
    for_each_incident_name(
        dir,
        [&](int fd, const dirent* e, std::string_view id, Layout where) {
            struct stat st {};
            if (with_keys || e->d_type != DT_REG) {
                std::string why = not_a_file(fd, e->d_name, st);
                if (!why.empty() && why != "gone") skipped(incident_file(std::string(id), where), why);
                if (!why.empty()) return;
            }
            // A valid id is PREFIX-DIGITS with at most 9 digits: the number fits 32 bits.
            auto dash = id.rfind('-');
            std::string_view prefix = id.substr(0, dash), digits = id.substr(dash + 1);
            std::uint32_t number = 0;
            std::from_chars(digits.data(), digits.data() + digits.size(), number);
            auto p = std::find(prefixes.begin(), prefixes.end(), prefix);
            if (p == prefixes.end()) p = prefixes.insert(p, std::string(prefix));
            prefix_of.push_back(static_cast<std::uint32_t>(p - prefixes.begin()));
            numbers.push_back(number);
            found.push_back({std::string(id), with_keys ? key_of(st) : FileKey{}, where});
        },
        skipped);
    // The prefixes' ranks in text order, then one 64-bit key per file: rank, number.
    std::vector<std::uint32_t> rank(prefixes.size());
    {
        std::vector<std::uint32_t> by_text(prefixes.size());
        for (std::uint32_t i = 0; i < by_text.size(); ++i) by_text[i] = i;
        std::sort(by_text.begin(), by_text.end(), [&](auto a, auto b) { return prefixes[a] < prefixes[b]; });
        for (std::uint32_t r = 0; r < by_text.size(); ++r) rank[by_text[r]] = r;
    }
    std::vector<std::pair<std::uint64_t, std::uint32_t>> keys(found.size());
    for (std::uint32_t i = 0; i < keys.size(); ++i) keys[i] = {std::uint64_t{rank[prefix_of[i]]} << 32 | numbers[i], i};
    std::sort(keys.begin(), keys.end());
    std::vector<Found> out;
    out.reserve(found.size());
    for (std::size_t i = 0; i < keys.size(); ++i) {
        Found& f = found[keys[i].second];
        if (i > 0 && keys[i].first == keys[i - 1].first) {
            Found& kept = out.back();
            if (f.where == preferred) std::swap(kept, f);
            problems.emplace_back(Location{shown + incident_file(f.id, f.where)},
                                  f.id + " is also in " + shown + incident_file(kept.id, kept.where) +
                                      ", which is the one read: remove one of them");
            continue;
        }
        out.push_back(std::move(f));
    }
    return out;
}

// Both the cache and the parsed files' text, kept alive by the Index.
struct Storage {
    std::shared_ptr<std::string> cache_bytes;
    StringPool pool;
};

}  // namespace

fs::path index_cache_path(const Repository& repo) { return repo.state_dir / "index"; }

namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// Where each file's summary is in the cache (kNone: not there). The cache
// lists the files in the same order almost always; by id otherwise.
std::vector<std::size_t> match_cache(const std::vector<Found>& found, const std::vector<Summary>& cached) {
    std::vector<std::size_t> at(found.size(), kNone);
    std::unordered_map<std::string_view, std::size_t> by_id;
    std::size_t next = 0;
    for (std::size_t i = 0; i < found.size(); ++i) {
        if (next < cached.size() && cached[next].id == found[i].id) {
            at[i] = next++;
        } else if (!cached.empty()) {
            if (by_id.empty())
                for (std::size_t j = 0; j < cached.size(); ++j) by_id.emplace(cached[j].id, j);
            auto it = by_id.find(found[i].id);
            if (it != by_id.end()) at[i] = it->second;
        }
    }
    return at;
}

// The cached summaries in the files' order, in a vector of one slot per file
// (slots of files not cached are left for the caller). Both lists are in id
// order, so the cached summaries move within their own array: the summaries
// are never held twice (at 100 000 incidents an array is ~60 MB).
std::vector<Summary> take_in_file_order(std::vector<Summary>& from_cache, const std::vector<std::size_t>& in_cache,
                                        const std::vector<bool>& cached) {
    const std::size_t files = in_cache.size();
    bool in_order = true;
    for (std::size_t i = 0, last = 0, seen = 0; i < files && in_order; ++i)
        if (cached[i]) {
            in_order = seen++ == 0 || in_cache[i] > last;
            last = in_cache[i];
        }
    if (!in_order) {  // never written by this version: a copy is fine
        std::vector<Summary> out(files);
        for (std::size_t i = 0; i < files; ++i)
            if (cached[i]) out[i] = std::move(from_cache[in_cache[i]]);
        return out;
    }
    std::vector<Summary> out = std::move(from_cache);
    if (out.size() < files) out.resize(files);
    // Moves towards the front first, front to back, then moves towards the
    // back, back to front: in order, no move overwrites one still to be made.
    for (std::size_t i = 0; i < files; ++i)
        if (cached[i] && in_cache[i] > i) out[i] = std::move(out[in_cache[i]]);
    for (std::size_t i = files; i-- > 0;)
        if (cached[i] && in_cache[i] < i) out[i] = std::move(out[in_cache[i]]);
    out.resize(files);
    return out;
}

}  // namespace

namespace {

// Which of the files found the cache served, and what became of the others.
struct Progress {
    std::vector<bool> cached;                        // per file found
    std::vector<std::size_t> todo;                   // the files to parse
    std::vector<std::optional<InvalidData>> failed;  // per file to parse
};

// Parses the files the cache did not serve into their slots, on all cores;
// each one's key becomes that of the file read.
void parse_rest(Index& index, Progress& p, std::vector<Found>& found, const Store& store, const Config& config,
                Timestamp now, StringPool& pool) {
    p.failed.resize(p.todo.size());
    parallel_for(p.todo.size(), [&](std::size_t k) {
        std::size_t i = p.todo[k];
        try {
            struct stat read {};
            auto inc = store.load_listed(found[i].id, found[i].where, &read);
            found[i].key = key_of(read);
            index.incidents[i] = summarise(std::move(inc), config, now, pool);
        } catch (const InvalidData& e) {
            p.failed[k] = e;
        } catch (const NotFound&) {
            p.failed[k] = InvalidData(Location{store.repository().relative(store.path_of(found[i].id)), 1, 1},
                                      "removed while reading");
        }
    });
}

// Cache writes under way in this process: a load waits for them, so that it
// reads what an earlier load wrote.
struct Writes {
    std::mutex mutex;
    std::condition_variable done;
    int running = 0;
};

Writes& writes() {
    static Writes w;
    return w;
}

void wait_for_writes() {
    Writes& w = writes();
    std::unique_lock<std::mutex> hold(w.mutex);
    w.done.wait(hold, [&] { return w.running == 0; });
}

// Starts rewriting the cache, on a thread index.writing holds, when it would
// now say something different: the files parsed, unless too young to trust
// their time stamps. Called once the slots are closed up (close_up), so the
// summaries it reads stay where they are. True when started.
// `racy_after`: files changed after it (two seconds before the scan) are too young.
bool update_cache(const fs::path& path, std::uint64_t fingerprint, Index& index, const Progress& p,
                  const std::vector<Found>& found, std::size_t cache_entries, std::int64_t racy_after) {
    bool dirty = cache_entries != found.size() - p.todo.size();
    std::vector<const Summary*> keep;
    std::vector<FileKey> keys;
    keep.reserve(index.incidents.size());
    keys.reserve(index.incidents.size());
    for (std::size_t i = 0, k = 0, at = 0; i < found.size(); ++i) {
        if (!p.cached[i] && p.failed[k++]) continue;  // not among index.incidents
        const Summary& s = index.incidents[at++];
        if (!p.cached[i] && found[i].key.mtime >= racy_after) continue;
        dirty = dirty || !p.cached[i];
        keep.push_back(&s);
        keys.push_back(found[i].key);
    }
    if (!dirty) return false;
    Writes& w = writes();
    auto finished = [&w] {
        {
            std::lock_guard<std::mutex> hold(w.mutex);
            --w.running;
        }
        w.done.notify_all();
    };
    {
        std::lock_guard<std::mutex> hold(w.mutex);
        ++w.running;
    }
    try {
        index.writing.reset(new std::thread([=, keep = std::move(keep), keys = std::move(keys)] {
            try {
                write_cache(path, fingerprint, keep, keys);
            } catch (...) {  // best effort, as write_cache itself: the cache is simply not there next time
            }
            finished();
        }));
    } catch (const std::system_error&) {  // no thread to be had: no cache this time
        finished();
        return false;
    }
    return true;
}

// Closes the slots up over the files that could not be read; their errors
// go to index.errors, in id order.
void close_up(Index& index, Progress& p) {
    std::size_t kept = 0;
    for (std::size_t i = 0, k = 0; i < index.incidents.size(); ++i) {
        if (!p.cached[i] && p.failed[k++]) {
            index.errors.push_back(std::move(*p.failed[k - 1]));
            continue;
        }
        if (kept != i) index.incidents[kept] = std::move(index.incidents[i]);
        ++kept;
    }
    index.incidents.resize(kept);
}

}  // namespace

Index load_index(const Store& store, const Config& config, Timestamp now, bool use_cache) {
    const auto& repo = store.repository();
    // The wall clock, not `now` (which may be a backfill): file times are compared with it.
    const std::int64_t racy_after =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count() -
        kRacyNanos;
    if (use_cache) wait_for_writes();
    std::vector<InvalidData> problems;
    std::error_code ec;
    auto found = scan(repo.incidents_dir(), repo.relative(repo.incidents_dir()) + "/", store.layout(),
                      use_cache && fs::exists(index_cache_path(repo), ec), problems);
    std::uint64_t fingerprint = summary_settings_fingerprint(config);
    auto storage = std::make_shared<Storage>();
    CacheContent cache;
    if (use_cache) cache = read_cache(index_cache_path(repo), fingerprint, found.size());
    storage->cache_bytes = cache.bytes;

    Index index;
    index.stats.files = found.size();
    index.stats.cache_read = !cache.summaries.empty();
    // One slot per file, filled from the cache or by parsing, then closed up
    // over the files that could not be read.
    const std::size_t cache_entries = cache.summaries.size();
    auto in_cache = match_cache(found, cache.summaries);
    Progress p;
    p.cached.assign(found.size(), false);
    for (std::size_t i = 0; i < found.size(); ++i) {
        std::size_t c = in_cache[i];
        p.cached[i] = c != kNone && cache.keys[c] == found[i].key;
        if (!p.cached[i]) p.todo.push_back(i);
    }
    index.incidents = take_in_file_order(cache.summaries, in_cache, p.cached);
    cache.summaries = {};
    cache.keys = {};

    parse_rest(index, p, found, store, config, now, storage->pool);
    index.stats.parsed = p.todo.size();
    close_up(index, p);
    if (use_cache)
        index.stats.cache_written =
            update_cache(index_cache_path(repo), fingerprint, index, p, found, cache_entries, racy_after);
    for (auto& d : problems) index.errors.push_back(std::move(d));
    index.text = storage;
    return index;
}

}  // namespace incident
