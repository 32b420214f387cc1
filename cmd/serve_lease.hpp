// incident serve with serve.lease set: receivers on clones of one remote
// share the pager through the lease in refs/incident/pager-lease
// (lib/page/lease.hpp). The one holding it takes alerts into incidents and
// runs the pager's tick; the others keep the alerts they get in their spool
// (lib/intake/spool.hpp). A receiver that takes the lease syncs first, then
// replays its spool, then leads. A thread of its own renews or tries the
// lease every ttl/4.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "page/lease.hpp"
#include "serve.hpp"

namespace incident::cli {

class LeaseKeeper {
public:
    // `write` is the server's write mutex (the replay writes under it); `log`
    // takes lines for serve's log. Without serve.lease in the config it does
    // nothing and every receiver leads. Throws UsageError when the lease is
    // set but changes are not pushed at once (git.auto_sync or --sync), or
    // the clone has no remote.
    LeaseKeeper(const ServeOptions& opts, const Context& ctx, std::string actor, std::mutex& write,
                std::function<void(const std::string&)> log);
    ~LeaseKeeper();  // stops the thread; a holder gives the lease up
    LeaseKeeper(const LeaseKeeper&) = delete;
    LeaseKeeper& operator=(const LeaseKeeper&) = delete;

    // Whether this receiver opens incidents and pages now.
    bool leads() const;
    bool shared() const { return lease_ != nullptr; }

    // Before the holder's tick: a sync, so that what other clones did (an
    // acknowledgement there) stops the steps here. Problems go to rc's err.
    void catch_up(const Context& rc) const;

private:
    void round();
    void take_over(LeaseTime now);
    void run();

    const ServeOptions& opts_;
    const Context& ctx_;
    std::string actor_;
    std::mutex& write_;
    std::function<void(const std::string&)> log_;
    std::unique_ptr<PagerLease> lease_;
    std::atomic<long long> lead_until_{0};  // milliseconds since the epoch; 0: not leading
    bool leading_ = false;
    std::string last_said_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace incident::cli
