#include "store/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>

#include "model/errors.hpp"
#include "model/file_text.hpp"

namespace incident {

namespace {

[[noreturn]] void io_fail(const std::string& what, const std::filesystem::path& p) {
    throw IoError(what + " " + p.string() + ": " + std::strerror(errno));
}

// Read from /proc (umask() cannot be read without setting it, which would
// race with other threads creating files).
mode_t current_umask() {
    std::ifstream status("/proc/self/status");
    for (std::string line; std::getline(status, line);)
        if (line.rfind("Umask:", 0) == 0) return static_cast<mode_t>(std::strtoul(line.c_str() + 6, nullptr, 8));
    return 022;
}

// The replacement keeps the mode of the file it replaces (0600 stays 0600,
// read-only stays read-only); a new file gets 0666 less the umask, as any
// editor would make it.
mode_t replacement_mode(const std::filesystem::path& target) {
    struct stat st {};
    if (::stat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return st.st_mode & 07777;
    return 0666 & ~current_umask();
}

}  // namespace

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
    std::string pattern = (target_.parent_path() / ("." + target_.filename().string() + ".tmp.XXXXXX")).string();
    fd_ = mkostemp(pattern.data(), O_CLOEXEC);
    if (fd_ < 0) io_fail("cannot create a temporary file beside", target_);
    temp_ = pattern;
    fchmod(fd_, replacement_mode(target_));
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

void AtomicFile::commit(bool sync_dir) {
    if (fsync(fd_) != 0) io_fail("cannot flush", temp_);
    if (close(fd_) != 0) {
        fd_ = -1;
        io_fail("cannot close", temp_);
    }
    fd_ = -1;
    if (rename(temp_.c_str(), target_.c_str()) != 0) io_fail("cannot replace", target_);
    committed_ = true;
    if (sync_dir) sync_directory(target_.parent_path());
}

void sync_directory(const std::filesystem::path& dir) {
    int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);  // make the renames in it durable
        close(fd);
    }
}

void write_files_atomically(const std::vector<std::pair<std::filesystem::path, std::string>>& files) {
    struct Synced {  // the directories of the files written, synced however the loop ends
        std::set<std::filesystem::path> dirs;
        ~Synced() {
            for (const auto& d : dirs) sync_directory(d);
        }
    } written;
    for (const auto& [path, text] : files) {
        AtomicFile f(path);
        f.write(text);
        f.commit(false);
        written.dirs.insert(path.parent_path());
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
