// Group commit for incident serve: the alert requests that arrive while a
// write is under way wait for it, then are applied together, in arrival
// order, in one batch under the write mutex and the repository lock, and
// committed in one commit (as a database's log does); each is answered only
// once that commit exists, so a 2xx still means the alert is committed.
// Whoever arrives when no write is under way leads the next batch: no
// thread of its own.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace incident::cli {

template <class Job>
class GroupCommit {
public:
    // `run` takes every job waiting, in arrival order, and answers each.
    explicit GroupCommit(std::function<void(const std::vector<Job*>&)> run) : run_(std::move(run)) {}

    // Returns once `job` has been run, by this thread or another.
    void submit(Job& job) {
        std::unique_lock lock(mutex_);
        const std::size_t ticket = next_ticket_++;  // the queue holds tickets run_up_to_ .. next_ticket_ - 1
        queue_.push_back(&job);
        done_.wait(lock, [&] { return run_up_to_ > ticket || !running_; });
        if (run_up_to_ > ticket) return;
        running_ = true;  // this thread leads: it takes everything waiting, its own job among them
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
    std::condition_variable done_;
    std::vector<Job*> queue_;
    std::size_t next_ticket_ = 0;
    std::size_t run_up_to_ = 0;  // every ticket below this has been run
    bool running_ = false;
};

}  // namespace incident::cli
