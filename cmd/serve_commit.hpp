// Group commit for incident serve: the alert requests that arrive while a
// write is under way wait for it, then are applied together, in arrival
// order, in one batch under the write mutex and the repository lock, and
// committed in one commit (as a database's log does); each is answered only
// once that commit exists, so a 2xx still means the alert is committed.
// Whoever arrives when no write is under way leads the next batch: no
// thread of its own. Before it takes the waiting, the leader lets the
// requests arriving right behind it join (a "commit delay", as databases
// have): it waits while they keep coming, a `quiet` gap at most between
// two, for `gather` in all at most. Clients answered together send again
// together; without the delay the first of them would commit alone and the
// rest wait for it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace incident::cli {

template <class Job>
class GroupCommit {
public:
    // `run` takes every job waiting, in arrival order, and answers each.
    using Clock = std::chrono::steady_clock;
    GroupCommit(std::function<void(const std::vector<Job*>&)> run, Clock::duration quiet, Clock::duration gather)
        : run_(std::move(run)), quiet_(quiet), gather_(gather) {}

    // Returns once `job` has been run, by this thread or another.
    void submit(Job& job) {
        std::unique_lock lock(mutex_);
        const std::size_t ticket = next_ticket_++;  // the queue holds tickets run_up_to_ .. next_ticket_ - 1
        queue_.push_back(&job);
        arrived_.notify_all();
        done_.wait(lock, [&] { return run_up_to_ > ticket || !running_; });
        if (run_up_to_ > ticket) return;
        running_ = true;  // this thread leads: it takes everything waiting, its own job among them
        const auto until = Clock::now() + gather_;
        for (std::size_t seen = 0; queue_.size() != seen && Clock::now() < until;) {
            seen = queue_.size();
            arrived_.wait_until(lock, std::min(until, Clock::now() + quiet_));
        }
        std::vector<Job*> jobs;
        jobs.swap(queue_);
        const std::size_t last = next_ticket_;
        lock.unlock();
        struct Done {  // however run_ ends, the next batch may start and the waiting learn it
            GroupCommit& g;
            std::size_t last;
            ~Done() {
                std::lock_guard relock(g.mutex_);
                g.run_up_to_ = last;
                g.running_ = false;
                g.done_.notify_all();
            }
        } done{*this, last};
        run_(jobs);
    }

private:
    std::function<void(const std::vector<Job*>&)> run_;
    std::mutex mutex_;
    const Clock::duration quiet_, gather_;
    std::condition_variable done_, arrived_;
    std::vector<Job*> queue_;
    std::size_t next_ticket_ = 0;
    std::size_t run_up_to_ = 0;  // every ticket below this has been run
    bool running_ = false;
};

}  // namespace incident::cli
