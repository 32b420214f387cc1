#include "index/cache.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <initializer_list>
#include <unordered_map>

#include "index/index.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace {

constexpr char kMagic[8] = {'I', 'N', 'C', 'I', 'D', 'X', '\0', '\0'};
// 3: the SLA policy and the mitigation marks; 4: location; 5: dedup key; 6: pages;
// 7: stakeholder update times and the deadlines mark; 8: the published mark
constexpr std::uint32_t kVersion = 9;

// A tiny binary format: little-endian integers; every text once, in a
// table at the start, referred to by its number.
class Writer {
public:
    void u8(std::uint8_t v) { buf_.push_back(static_cast<char>(v)); }
    void u32(std::uint32_t v) { raw(&v, sizeof v); }
    void i64(std::int64_t v) { raw(&v, sizeof v); }
    // Summaries' strings are interned (one copy of each text in the pool, or
    // in the cache read), so one table entry per address is one per text;
    // an equal text at another address only costs a second entry.
    void str(std::string_view s) {
        auto [it, added] = table_.try_emplace({s.data(), s.size()}, static_cast<std::uint32_t>(strings_.size()));
        if (added) strings_.push_back(s);
        u32(it->second);
    }
    void time(const std::optional<Timestamp>& t) {
        u8(t ? 1 : 0);
        if (t) i64(t->time_since_epoch().count());
    }
    // The string table; the entries follow it in the file (framed() adds the header).
    std::string table() const {
        std::string out;
        auto put32 = [&](std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), 4); };
        put32(static_cast<std::uint32_t>(strings_.size()));
        for (auto s : strings_) {
            put32(static_cast<std::uint32_t>(s.size()));
            out += s;
        }
        return out;
    }
    const std::string& entries() const { return buf_; }

private:
    void raw(const void* p, std::size_t n) { buf_.append(static_cast<const char*>(p), n); }
    std::string buf_;
    std::vector<std::string_view> strings_;
    struct ByAddress {
        std::size_t operator()(const std::pair<const char*, std::size_t>& s) const {
            return std::hash<const char*>{}(s.first) ^ (s.second * 0x9E3779B97F4A7C15ULL);
        }
    };
    std::unordered_map<std::pair<const char*, std::size_t>, std::uint32_t, ByAddress> table_;
};

struct Corrupt {};

class Reader {
public:
    Reader(const char* p, const char* end) : p_(p), end_(end) {}
    std::uint8_t u8() { return static_cast<std::uint8_t>(*take(1)); }
    std::uint32_t u32() { return get<std::uint32_t>(); }
    std::int64_t i64() { return get<std::int64_t>(); }
    // The string table: views into the buffer being read.
    void read_table() {
        table_.resize(count());
        for (auto& s : table_) {
            auto n = u32();
            s = std::string_view(take(n), n);
        }
    }
    std::string_view str() {
        auto k = u32();
        if (k >= table_.size()) throw Corrupt{};
        return table_[k];
    }
    std::optional<Timestamp> time() {
        if (!u8()) return std::nullopt;
        return Timestamp{Seconds{i64()}};
    }
    // An element count, refused when it could not fit in what is left.
    std::size_t count() {
        auto n = u32();
        if (n > static_cast<std::size_t>(end_ - p_)) throw Corrupt{};
        return n;
    }
    bool done() const { return p_ == end_; }

private:
    template <class T>
    T get() {
        T v;
        std::memcpy(&v, take(sizeof v), sizeof v);
        return v;
    }
    const char* take(std::size_t n) {
        if (n > static_cast<std::size_t>(end_ - p_)) throw Corrupt{};
        const char* at = p_;
        p_ += n;
        return at;
    }
    const char* p_;
    const char* end_;
    std::vector<std::string_view> table_;
};

// A checksum of text given in pieces; the same whatever the pieces' sizes.
class Checksum {
public:
    void add(std::string_view data) {
        while (!data.empty() && pending_ > 0 && pending_ < 8) {
            tail_[pending_++] = data.front();
            data.remove_prefix(1);
            if (pending_ == 8) {
                word(tail_);
                pending_ = 0;
            }
        }
        std::size_t i = 0;
        if (pending_ == 0)
            for (; i + 8 <= data.size(); i += 8) word(data.data() + i);
        for (; i < data.size(); ++i) tail_[pending_++] = data[i];
    }
    std::uint64_t value() const {
        std::uint64_t h = h_;
        for (std::size_t i = 0; i < pending_; ++i) h = (h ^ static_cast<unsigned char>(tail_[i])) * 0x100000001b3ull;
        return h;
    }

private:
    void word(const char* p) {
        std::uint64_t w;
        std::memcpy(&w, p, 8);
        h_ = (h_ ^ w) * 0xff51afd7ed558ccdull;
        h_ ^= h_ >> 29;
    }
    std::uint64_t h_ = 0x9E3779B97F4A7C15ull;
    char tail_[8]{};
    std::size_t pending_ = 0;
};

std::uint64_t checksum(std::string_view data) {
    Checksum c;
    c.add(data);
    return c.value();
}

void write_clock(Writer& w, const ClockSummary& c) {
    w.u8(static_cast<std::uint8_t>(c.state));
    w.u8(c.running ? 1 : 0);
    w.time(c.at_risk_at);
    w.time(c.due);
}

ClockSummary read_clock(Reader& r) {
    ClockSummary c;
    auto state = r.u8();
    if (state > static_cast<std::uint8_t>(ClockState::missed)) throw Corrupt{};
    c.state = static_cast<ClockState>(state);
    c.running = r.u8() != 0;
    c.at_risk_at = r.time();
    c.due = r.time();
    return c;
}

void write_summary(Writer& w, const Summary& s) {
    for (const auto& t : summary_texts()) w.str(s.*t.member);
    w.u8(static_cast<std::uint8_t>(s.status));
    w.u8(s.drill ? 1 : 0);
    w.u32(static_cast<std::uint32_t>(s.tags.size()));
    for (auto t : s.tags) w.str(t);
    for (const auto* t : {&s.times.started, &s.times.detected, &s.times.opened, &s.times.acknowledged,
                          &s.times.mitigated, &s.times.resolved, &s.times.closed})
        w.time(*t);
    w.u32(static_cast<std::uint32_t>(s.escalations_functional));
    w.u32(static_cast<std::uint32_t>(s.escalations_hierarchical));
    w.u32(static_cast<std::uint32_t>(s.reopens));
    write_clock(w, s.respond);
    write_clock(w, s.resolve);
    w.u32(static_cast<std::uint32_t>(s.mitigation.size()));
    for (const auto& m : s.mitigation) {
        w.i64(m.at.time_since_epoch().count());
        w.i64(m.reached.time_since_epoch().count());
        w.u8(static_cast<std::uint8_t>((m.enters ? 1 : 0) | (m.leaves ? 2 : 0)));
    }
    w.u32(static_cast<std::uint32_t>(s.activity.size()));
    for (const auto& a : s.activity) {
        w.str(a.who);
        w.u32(static_cast<std::uint32_t>(a.events));
        w.i64(a.first.time_since_epoch().count());
        w.i64(a.last.time_since_epoch().count());
    }
    w.u32(static_cast<std::uint32_t>(s.pages.size()));
    for (const auto& p : s.pages) {
        w.str(p.person);
        w.i64(p.at.time_since_epoch().count());
        w.u32(static_cast<std::uint32_t>(p.step));
    }
    w.u32(static_cast<std::uint32_t>(s.actions.size()));
    for (const auto& a : s.actions) {
        w.u32(static_cast<std::uint32_t>(a.id));
        for (auto f : {a.title, a.owner, a.due, a.status}) w.str(f);
    }
    w.u32(static_cast<std::uint32_t>(s.updates.size()));
    for (auto t : s.updates) w.i64(t.time_since_epoch().count());
    w.u8(static_cast<std::uint8_t>((s.deadlines ? 1 : 0) | (s.published ? 2 : 0)));
}

Summary read_summary(Reader& r) {
    Summary s;
    for (const auto& t : summary_texts()) s.*t.member = r.str();
    auto status = r.u8();
    if (status > static_cast<std::uint8_t>(Status::closed)) throw Corrupt{};
    s.status = static_cast<Status>(status);
    s.drill = r.u8() != 0;
    s.tags.resize(r.count());
    for (auto& t : s.tags) t = r.str();
    for (auto* t : {&s.times.started, &s.times.detected, &s.times.opened, &s.times.acknowledged, &s.times.mitigated,
                    &s.times.resolved, &s.times.closed})
        *t = r.time();
    s.escalations_functional = static_cast<int>(r.u32());
    s.escalations_hierarchical = static_cast<int>(r.u32());
    s.reopens = static_cast<int>(r.u32());
    s.respond = read_clock(r);
    s.resolve = read_clock(r);
    s.mitigation.resize(r.count());
    for (auto& m : s.mitigation) {
        m.at = Timestamp{Seconds{r.i64()}};
        m.reached = Timestamp{Seconds{r.i64()}};
        auto flags = r.u8();
        if (flags > 3) throw Corrupt{};
        m.enters = (flags & 1) != 0;
        m.leaves = (flags & 2) != 0;
    }
    s.activity.resize(r.count());
    for (auto& a : s.activity) {
        a.who = r.str();
        a.events = static_cast<int>(r.u32());
        a.first = Timestamp{Seconds{r.i64()}};
        a.last = Timestamp{Seconds{r.i64()}};
    }
    s.pages.resize(r.count());
    for (auto& p : s.pages) {
        p.person = r.str();
        p.at = Timestamp{Seconds{r.i64()}};
        p.step = static_cast<int>(r.u32());
    }
    s.actions.resize(r.count());
    for (auto& a : s.actions) {
        a.id = static_cast<int>(r.u32());
        for (auto* f : {&a.title, &a.owner, &a.due, &a.status}) *f = r.str();
    }
    s.updates.resize(r.count());
    for (auto& t : s.updates) t = Timestamp{Seconds{r.i64()}};
    auto marks = r.u8();
    if (marks > 3) throw Corrupt{};
    s.deadlines = (marks & 1) != 0;
    s.published = (marks & 2) != 0;
    return s;
}

constexpr std::size_t kHeaderSize = sizeof kMagic + 4 + 8 + 8;  // magic, version, fingerprint, count

// `room`: the number of summaries the array should have room for (the files
// found), so that it can become the index's without growing.
CacheContent decode_cache(std::string data, std::uint64_t fingerprint, std::size_t room = 0) {
    CacheContent out;
    if (data.size() < kHeaderSize + 8 || std::memcmp(data.data(), kMagic, sizeof kMagic) != 0) return out;
    out.bytes = std::make_shared<std::string>(std::move(data));
    std::string_view body(out.bytes->data(), out.bytes->size() - 8);
    std::uint64_t sum;
    std::memcpy(&sum, body.data() + body.size(), 8);
    if (sum != checksum(body)) return {};
    try {
        Reader r(body.data() + sizeof kMagic, body.data() + body.size());
        if (r.u32() != kVersion || static_cast<std::uint64_t>(r.i64()) != fingerprint) return {};
        auto n = static_cast<std::size_t>(r.i64());
        r.read_table();
        out.keys.reserve(std::min<std::size_t>(n, body.size() / 32));
        out.summaries.reserve(std::max(out.keys.capacity(), room));
        for (std::size_t i = 0; i < n; ++i) {
            FileKey key;
            key.size = r.i64();
            key.mtime = r.i64();
            key.ctime = r.i64();
            key.ino = static_cast<std::uint64_t>(r.i64());
            out.keys.push_back(key);
            out.summaries.push_back(read_summary(r));
        }
        if (!r.done()) throw Corrupt{};
    } catch (const Corrupt&) {
        return {};
    }
    return out;
}

// The cache file's header: magic, version, settings fingerprint, entry count.
std::string cache_header(std::uint64_t fingerprint, std::size_t count) {
    std::string out(kMagic, sizeof kMagic);
    auto put = [&](const void* p, std::size_t n) { out.append(static_cast<const char*>(p), n); };
    std::uint32_t version = kVersion;
    auto fp = static_cast<std::int64_t>(fingerprint), n = static_cast<std::int64_t>(count);
    put(&version, 4);
    put(&fp, 8);
    put(&n, 8);
    return out;
}

// The header, the pieces of the body, then the checksum of all that.
template <typename Sink>
void frame(Sink&& sink, std::uint64_t fingerprint, std::size_t count, std::initializer_list<std::string_view> body) {
    Checksum sum;
    std::string header = cache_header(fingerprint, count);
    sum.add(header);
    sink(std::string_view(header));
    for (auto piece : body) {
        sum.add(piece);
        sink(piece);
    }
    std::uint64_t value = sum.value();
    sink(std::string_view(reinterpret_cast<const char*>(&value), 8));
}

}  // namespace

CacheContent read_cache(const fs::path& path, std::uint64_t fingerprint, std::size_t room) {
    auto data = read_file(path);
    return data ? decode_cache(std::move(*data), fingerprint, room) : CacheContent{};
}

// Best effort: a cache that cannot be written is simply not there next time.
// Written in pieces, never copied whole: at 100 000 incidents it is ~30 MB.
bool write_cache(const fs::path& path, std::uint64_t fingerprint, const std::vector<const Summary*>& summaries,
                 const std::vector<FileKey>& keys) {
    Writer w;
    for (std::size_t i = 0; i < summaries.size(); ++i) {
        w.i64(keys[i].size);
        w.i64(keys[i].mtime);
        w.i64(keys[i].ctime);
        w.i64(static_cast<std::int64_t>(keys[i].ino));
        write_summary(w, *summaries[i]);
    }
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    // A private temporary, renamed over the cache: readers see the old or the new one.
    auto temp = path;
    temp += ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        frame([&](std::string_view piece) { out.write(piece.data(), static_cast<std::streamsize>(piece.size())); },
              fingerprint, summaries.size(), {w.table(), w.entries()});
        if (!out) {
            fs::remove(temp, ec);
            return false;
        }
    }
    fs::rename(temp, path, ec);
    if (ec) fs::remove(temp, ec);
    return !ec;
}

std::size_t index_cache_entries(std::string bytes, std::uint64_t fingerprint) {
    return decode_cache(std::move(bytes), fingerprint).summaries.size();
}

std::string frame_index_cache(std::string_view body, std::uint64_t fingerprint, std::size_t count) {
    std::string data;
    frame([&](std::string_view piece) { data += piece; }, fingerprint, count, {body});
    return data;
}

}  // namespace incident
