#include "store/parallel.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace incident {

void parallel_for(std::size_t n, const std::function<void(std::size_t)>& fn) {
    unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    auto workers = static_cast<unsigned>(std::min<std::size_t>({cores, 8, n}));
    if (workers <= 1) {
        for (std::size_t i = 0; i < n; ++i) fn(i);
        return;
    }
    std::atomic<std::size_t> next{0};
    std::vector<std::exception_ptr> failures(workers);
    std::vector<std::thread> pool;
    for (unsigned w = 0; w < workers; ++w)
        pool.emplace_back([&, w] {
            try {
                for (std::size_t i; (i = next++) < n;) fn(i);
            } catch (...) {
                failures[w] = std::current_exception();
                next = n;  // stop the others early
            }
        });
    for (auto& t : pool) t.join();
    for (const auto& f : failures)
        if (f) std::rethrow_exception(f);
}

}  // namespace incident
