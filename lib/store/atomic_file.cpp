#include "store/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/errors.hpp"
#include "model/file_text.hpp"

namespace incident {

namespace {

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& p) {
    throw IoError(what + " " + p.string() + ": " + std::strerror(errno));
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
    std::string pattern = (target_.parent_path() / ("." + target_.filename().string() + ".tmp.XXXXXX")).string();
    fd_ = mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0) io_fail("cannot create a temporary file beside", target_);
    temp_ = pattern;
    fchmod(fd_, 0644);
}

AtomicFile::~AtomicFile() {
    if (fd_ >= 0) close(fd_);
    if (!committed_ && !temp_.empty()) unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd_, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            io_fail("cannot write", temp_);
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
}

void AtomicFile::commit() {
    if (fsync(fd_) != 0) io_fail("cannot flush", temp_);
    if (close(fd_) != 0) {
        fd_ = -1;
        io_fail("cannot close", temp_);
    }
    fd_ = -1;
    if (rename(temp_.c_str(), target_.c_str()) != 0) io_fail("cannot replace", target_);
    committed_ = true;
    int dir = open(target_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        fsync(dir);  // make the rename itself durable
        close(dir);
    }
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
    FileText file = read_file_text(path.string());
    if (file.status != FileText::Status::ok) return std::nullopt;
    return std::move(file.text);
}

void write_file_atomically(const std::filesystem::path& target, std::string_view data) {
    AtomicFile f(target);
    f.write(data);
    f.commit();
}

}  // namespace incident
