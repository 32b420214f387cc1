#include "page/lease.hpp"

#include <algorithm>

#include "git/git.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "sync/sync.hpp"

namespace incident {

namespace {

constexpr std::string_view kTitle = "incident pager lease";
// Where a lease commit fetched to be read is kept in this clone.
constexpr const char* kSeenRef = "refs/incident/pager-lease-seen";

// Git's message for a failure: its first line.
std::string git_says(const ProcessResult& r) { return first_line(r.err.empty() ? r.out : r.err); }

}  // namespace

std::string lease_message(const LeaseRecord& r) {
    return std::string(kTitle) + "\n\nholder: " + r.holder + "\nserial: " + std::to_string(r.serial) + "\n";
}

std::optional<LeaseRecord> parse_lease_message(const std::string& text) {
    auto lines = split(text, '\n');
    if (lines.empty() || lines.front() != kTitle) return std::nullopt;
    LeaseRecord r;
    bool holder = false;
    for (const auto& line : lines) {
        auto colon = line.find(": ");
        if (colon == std::string::npos) continue;
        const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
        if (key == "holder") {
            if (value.size() > 200 || std::any_of(value.begin(), value.end(), [](char c) {
                    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
                }))
                return std::nullopt;
            r.holder = value;
            holder = true;
        } else if (key == "serial") {
            r.serial = std::atoll(value.c_str());
        }
    }
    if (!holder) return std::nullopt;
    return r;
}

PagerLease::PagerLease(const Workspace& ws, std::string holder, Seconds ttl)
    : dir_(ws.repo.root.string()), remote_(upstream_remote(ws)), holder_(std::move(holder)), ttl_(ttl) {}

std::optional<LeaseTime> PagerLease::held_until() const {
    if (!held_since_) return std::nullopt;
    return *held_since_ + ttl_ - every();
}

bool PagerLease::holds(LeaseTime now) const {
    auto until = held_until();
    return until && now < *until;
}

bool PagerLease::push(const std::string& expected, const LeaseRecord& r) {
    const std::vector<std::string> who = {"GIT_AUTHOR_NAME=incident serve", "GIT_AUTHOR_EMAIL=incident@localhost",
                                          "GIT_COMMITTER_NAME=incident serve",
                                          "GIT_COMMITTER_EMAIL=incident@localhost"};
    auto tree = git::run(dir_, {"hash-object", "-w", "-t", "tree", "/dev/null"});  // the empty tree
    if (tree.status != 0) return false;
    auto commit = git::run(dir_, {"commit-tree", first_line(tree.out), "-m", lease_message(r)}, who);
    if (commit.status != 0) return false;
    const std::string oid = first_line(commit.out);
    auto p =
        git::run(dir_, {"push", "--porcelain", "--force-with-lease=" + std::string(kPagerLeaseRef) + ":" + expected,
                        remote_, oid + ":" + kPagerLeaseRef});
    if (p.status != 0) return false;
    seen_ = oid;
    return true;
}

LeaseRound PagerLease::round(LeaseTime now) {
    LeaseRound r;
    auto finish = [&] {
        r.held = holds(now);
        r.changed = r.held != held_before_;
        held_before_ = r.held;
        if (r.held) r.holder = holder_;
        return r;
    };
    auto ls = git::run(dir_, {"ls-remote", remote_, kPagerLeaseRef});
    if (ls.status != 0) {
        r.problem = "cannot read the pager lease from " + remote_ + ": " + git_says(ls);
        return finish();
    }
    std::string oid;
    for (const auto& line : split(ls.out, '\n'))
        if (auto tab = line.find('\t'); tab != std::string::npos && line.substr(tab + 1) == kPagerLeaseRef)
            oid = line.substr(0, tab);
    if (oid != seen_) {
        seen_ = oid;
        seen_at_ = now;
    }
    std::optional<LeaseRecord> rec;
    if (!oid.empty()) {
        // Not here yet: fetched (by then the ref may have moved on: read what came).
        if (git::run(dir_, {"cat-file", "-e", oid + "^{commit}"}).status != 0 &&
            git::run(dir_, {"fetch", "-q", "--no-tags", remote_, std::string("+") + kPagerLeaseRef + ":" + kSeenRef})
                    .status == 0) {
            if (auto f = git::run(dir_, {"rev-parse", "-q", "--verify", std::string(kSeenRef) + "^{commit}"});
                f.status == 0 && first_line(f.out) != oid) {
                oid = first_line(f.out);
                seen_ = oid;
                seen_at_ = now;
            }
        }
        auto c = git::run(dir_, {"cat-file", "commit", oid});
        if (auto blank = c.out.find("\n\n"); c.status == 0 && blank != std::string::npos)
            rec = parse_lease_message(c.out.substr(blank + 2));
    }
    const bool ours = rec && rec->holder == holder_;
    // Free: no ref, a released lease, or one nobody renewed for ttl (as we
    // have seen it: a ref we cannot read expires the same way).
    const bool free = oid.empty() || (rec && rec->holder.empty()) || now - seen_at_ >= ttl_;
    if (!ours && !free) {
        held_since_.reset();
        r.holder = rec ? rec->holder : "an unreadable lease";
        return finish();
    }
    if (push(oid, LeaseRecord{holder_, ++serial_})) {
        held_since_ = now;
        seen_at_ = now;
    } else {
        // Refused (another took it first) or the remote is out of reach: as
        // the one who last held it, we hold it still until its time is up.
        if (!ours) held_since_.reset();
        r.problem = "cannot write the pager lease to " + remote_;
    }
    return finish();
}

void PagerLease::release() {
    if (!held_since_) return;
    held_since_.reset();
    held_before_ = false;
    push(seen_, LeaseRecord{"", ++serial_});
}

}  // namespace incident
