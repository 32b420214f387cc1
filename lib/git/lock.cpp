#include "git/lock.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "model/errors.hpp"

namespace incident::git {

namespace fs = std::filesystem;

std::optional<FileLock> FileLock::take(const std::string& file, const fs::path& state, const std::string& label,
                                       Refused& why) {
    FileLock lock;
    lock.path_ = file + ".lock";
    lock.mine_ = (state / (label + ".lock." + std::to_string(::getpid()))).string();
    std::error_code ec;
    fs::create_directories(state, ec);
    lock.clear_killed_runs(state, label);
    lock.fd_ = ::open(lock.mine_.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (lock.fd_ < 0) {
        lock.path_.clear(), lock.mine_.clear();  // neither is this process's
        why = Refused::unsupported;
        return std::nullopt;
    }
    if (::link(lock.mine_.c_str(), lock.path_.c_str()) == 0) return lock;
    why = errno == EEXIST ? Refused::held : Refused::unsupported;
    lock.path_.clear();  // not ours
    return std::nullopt;
}

FileLock::FileLock(FileLock&& other) noexcept
    : path_(std::exchange(other.path_, {})), mine_(std::exchange(other.mine_, {})), fd_(std::exchange(other.fd_, -1)) {}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);
    if (!path_.empty()) ::unlink(path_.c_str());
    if (!mine_.empty()) ::unlink(mine_.c_str());
}

void FileLock::write(const std::string& data) {
    for (std::size_t done = 0; done < data.size();) {
        const ssize_t n = ::write(fd_, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) throw IoError("cannot write " + path_ + ": " + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
}

void FileLock::commit_to(const std::string& file) {
    const int closed = ::close(fd_);
    fd_ = -1;
    if (closed != 0 || ::rename(path_.c_str(), file.c_str()) != 0)
        throw IoError("cannot write " + file + ": " + std::strerror(errno));
    path_.clear();
}

void FileLock::clear_killed_runs(const fs::path& state, const std::string& label) const {
    struct stat lock {};
    const bool locked = ::stat(path_.c_str(), &lock) == 0;
    const std::string prefix = label + ".lock.";
    std::error_code ec;
    for (fs::directory_iterator it(state, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const std::string digits = name.substr(prefix.size());
        if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos || digits.size() > 9)
            continue;
        // This process's own name is an earlier one's with the same pid: it has not made it yet.
        const auto pid = static_cast<pid_t>(std::stol(digits));
        if (pid != ::getpid() && (::kill(pid, 0) == 0 || errno != ESRCH)) continue;
        struct stat st {};
        if (locked && ::stat(it->path().c_str(), &st) == 0 && st.st_dev == lock.st_dev && st.st_ino == lock.st_ino)
            ::unlink(path_.c_str());
        ::unlink(it->path().c_str());
    }
}

}  // namespace incident::git
