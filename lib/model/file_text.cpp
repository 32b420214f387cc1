#include "model/file_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/errors.hpp"

namespace incident {

FileText read_file_text(const std::string& path, std::size_t max_bytes, bool follow_links) {
    FileText out;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | (follow_links ? 0 : O_NOFOLLOW));
    if (fd < 0) {
        out.error = errno;
        return out;
    }
    if (::fstat(fd, &out.st) != 0 || !S_ISREG(out.st.st_mode)) {
        out.status = FileText::Status::not_regular;
    } else if (out.size = static_cast<std::size_t>(out.st.st_size); out.size > max_bytes) {
        out.status = FileText::Status::too_large;
    } else {
        out.text.resize(out.size);
        std::size_t got = 0;
        while (got < out.text.size()) {
            ssize_t n = ::read(fd, out.text.data() + got, out.text.size() - got);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            got += static_cast<std::size_t>(n);
        }
        out.text.resize(got);
        out.status = FileText::Status::ok;
    }
    ::close(fd);
    return out;
}

std::optional<std::string> read_text_file(const std::string& path, const std::string& display, std::size_t max_bytes) {
    FileText file = read_file_text(path, max_bytes);
    switch (file.status) {
        case FileText::Status::ok:
            return std::move(file.text);
        case FileText::Status::unreadable:
            if (file.error == ENOENT) return std::nullopt;
            throw IoError("cannot read " + display + ": " + std::strerror(file.error));
        case FileText::Status::not_regular:
            throw InvalidData(Location{display}, "not a regular file");
        case FileText::Status::too_large:
            break;
    }
    throw InvalidData(Location{display}, "file too large: " + std::to_string(file.size) + " bytes (the limit is " +
                                             std::to_string(max_bytes) + ")");
}

}  // namespace incident
