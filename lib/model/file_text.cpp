#include "model/file_text.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace incident {

FileText read_file_text(const std::string& path, std::size_t max_bytes) {
    FileText out;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        out.error = errno;
        return out;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        out.status = FileText::Status::not_regular;
    } else if (out.size = static_cast<std::size_t>(st.st_size); out.size > max_bytes) {
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

}  // namespace incident
