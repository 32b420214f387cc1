#include "store/lock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "model/errors.hpp"

namespace incident {

RepositoryLock::RepositoryLock(const std::filesystem::path& path, std::chrono::milliseconds timeout) {
    std::error_code ec;
    std::filesystem::create_directories(path.parent_path(), ec);
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) throw IoError("cannot open lock " + path.string() + ": " + std::strerror(errno));
    auto deadline = std::chrono::steady_clock::now() + timeout;
    auto pause = std::chrono::milliseconds(2);
    while (flock(fd_, LOCK_EX | LOCK_NB) != 0) {
        if (errno != EWOULDBLOCK && errno != EINTR) {
            close(fd_);
            throw IoError("cannot lock " + path.string() + ": " + std::strerror(errno));
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            close(fd_);
            throw IoError("another incident command is still working on this repository",
                          "wait for it to finish and try again (lock: " + path.string() + ")");
        }
        std::this_thread::sleep_for(pause);
        pause = std::min(pause * 2, std::chrono::milliseconds(50));
    }
    std::uint64_t n = 0;
    if (pread(fd_, &n, sizeof n, 0) != static_cast<ssize_t>(sizeof n)) n = 0;
    if (pwrite(fd_, &++n, sizeof n, 0) == static_cast<ssize_t>(sizeof n)) generation_ = n;
}

RepositoryLock::~RepositoryLock() {
    if (fd_ >= 0) close(fd_);  // closing releases the flock
}

}  // namespace incident
