// One writer at a time per repository: an exclusive flock on
// <state>/lock, held for the whole read-modify-write-commit of a change.
// The kernel releases it when a process dies, so a crash never leaves it stuck.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>

namespace incident {

class RepositoryLock {
public:
    // Waits up to `timeout`; throws IoError when another command keeps it longer.
    RepositoryLock(const std::filesystem::path& path, std::chrono::milliseconds timeout);
    ~RepositoryLock();
    RepositoryLock(const RepositoryLock&) = delete;
    RepositoryLock& operator=(const RepositoryLock&) = delete;

    // Every taking of the lock is counted in the lock file: this one's
    // number, so that a holder can tell whether anyone took the lock since
    // it last did (0: unknown).
    std::uint64_t generation() const { return generation_; }

private:
    int fd_ = -1;
    std::uint64_t generation_ = 0;
};

}  // namespace incident
