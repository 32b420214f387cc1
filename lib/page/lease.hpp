// The pager lease: which of several `serve` receivers on clones of one
// remote opens incidents and pages. It is the ref refs/incident/pager-lease
// on the shared remote, a small commit that names its holder; no server but
// git's own.
//
//   take or renew   push a new lease commit with --force-with-lease naming
//                   the commit last seen there (none: the ref must not
//                   exist), so of two receivers pushing at once one wins and
//                   the other's push is refused
//   hold            every ttl/4 the holder pushes a new commit; it counts
//                   itself the holder until ttl after the start of its last
//                   renewal, less ttl/4
//   expire          the others see the ref's commit change; one unchanged
//                   for ttl by their own clock is a dead holder's, and they
//                   may take it. No clock is compared with another's: only
//                   elapsed times, each on its own clock
//   release         a holder that stops pushes a released lease, which the
//                   next may take at once
//
// Time is an input: every call takes `now`, to the millisecond (a lease of
// a few seconds cannot be judged in whole ones), on a clock of the caller's
// that only has to keep its rate (serve gives its steady clock): no time
// is written in the ref or compared with another receiver's.
#pragma once

#include <optional>
#include <string>

#include "model/time.hpp"
#include "workspace/workspace.hpp"

namespace incident {

using LeaseTime = std::chrono::sys_time<std::chrono::milliseconds>;

inline constexpr const char* kPagerLeaseRef = "refs/incident/pager-lease";

// What a lease commit says (its message).
struct LeaseRecord {
    std::string holder;    // "" once released
    long long serial = 0;  // renewals by this holder: each commit differs
};

// The message of a lease commit, and back (nullopt for anything else: the
// ref is written by whoever can push, so it is read as untrusted text).
std::string lease_message(const LeaseRecord& r);
std::optional<LeaseRecord> parse_lease_message(const std::string& text);

struct LeaseRound {
    bool held = false;     // this receiver holds the lease
    bool changed = false;  // held differs from the round before
    std::string holder;    // who holds it ("" when nobody or released)
    std::string problem;   // the remote could not be read or written
};

class PagerLease {
public:
    // `holder` names this receiver (unique among them); `ttl` at least 2s.
    // Throws IoError when the clone has no remote to sync with.
    PagerLease(const Workspace& ws, std::string holder, Seconds ttl);

    // Reads the remote's lease; takes it when it is free, released or
    // expired, renews it when it is ours. One network round trip to read,
    // one to write; never throws for the network (the problem is returned,
    // and a holder that cannot renew stops holding when its time is up).
    LeaseRound round(LeaseTime now);

    // True while the lease taken or renewed last is ours and not within the
    // margin of its end.
    bool holds(LeaseTime now) const;
    // Until when that is (nullopt when not held).
    std::optional<LeaseTime> held_until() const;

    // Gives the lease up (when held), so another may take it at once.
    void release();

    const std::string& holder() const { return holder_; }
    Seconds ttl() const { return ttl_; }
    // How often to call round(): ttl/4.
    std::chrono::milliseconds every() const { return std::chrono::duration_cast<std::chrono::milliseconds>(ttl_) / 4; }

private:
    bool push(const std::string& expected, const LeaseRecord& r);

    std::string dir_, remote_, holder_;
    Seconds ttl_;
    long long serial_ = 0;
    std::optional<LeaseTime> held_since_;  // the start of our last successful renewal
    std::string seen_;                     // the ref's commit when last read
    LeaseTime seen_at_{};                  // when it was first seen as that commit
    bool held_before_ = false;
};

}  // namespace incident
