#include "git/ref.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "git/lock.hpp"
#include "model/errors.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

std::optional<std::string> read_small(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    if (out.str().size() > 4096) return std::nullopt;
    return out.str();
}

// A branch name git would take (check-ref-format's rules, the ones a path needs most).
bool plain_branch(const std::string& name) {
    if (name.empty() || name.front() == '/' || name.back() == '/' || name.back() == '.') return false;
    if (name.find("..") != std::string::npos || name.find("//") != std::string::npos ||
        name.find("/.") != std::string::npos || name.front() == '.' || name.find("@{") != std::string::npos)
        return false;
    return std::none_of(name.begin(), name.end(), [](unsigned char c) {
        return c < 0x20 || c == 0x7f || c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' ||
               c == '[' || c == '\\';
    });
}

// git's copy_reflog_msg: leading white space dropped, every run of it one
// space, none at the end (white space as git's own ctype has it: no form feed).
std::string reflog_message(const std::string& why) {
    std::string out;
    bool space = true;
    for (char c : why) {
        const bool is_space = c == ' ' || c == '\t' || c == '\n' || c == '\r';  // git's isspace
        if (space && is_space) continue;
        space = is_space;
        out += is_space ? ' ' : c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

std::string zone(int minutes) {
    const char sign = minutes < 0 ? '-' : '+';
    const int m = std::abs(minutes);
    std::string out(1, sign);
    for (int v : {m / 60 / 10, m / 60 % 10, m % 60 / 10, m % 60 % 10}) out += static_cast<char>('0' + v);
    return out;
}

bool append(const fs::path& log, const std::string& line) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
    if (fd < 0) return false;
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        done += static_cast<std::size_t>(n);
    }
    return ::close(fd) == 0 && done == line.size();
}

}  // namespace

bool move_branch(const std::string& git_dir, const std::string& old, const std::string& made, const std::string& why,
                 const Ident& committer) {
    const fs::path dir(git_dir);
    std::error_code ec;
    if (old.empty() || fs::exists(dir / "commondir", ec)) return false;  // a first commit, a linked work tree
    const auto head = read_small(dir / "HEAD");
    constexpr std::string_view kRef = "ref: refs/heads/";
    if (!head || head->rfind(kRef, 0) != 0 || head->back() != '\n') return false;
    const std::string name = head->substr(kRef.size(), head->size() - kRef.size() - 1);
    if (!plain_branch(name)) return false;
    const fs::path branch = dir / "refs" / "heads" / name;
    const fs::path branch_log = dir / "logs" / "refs" / "heads" / name, head_log = dir / "logs" / "HEAD";
    if (!fs::is_regular_file(branch_log, ec) || !fs::is_regular_file(head_log, ec)) return false;
    if (!fs::is_regular_file(branch, ec)) return false;  // packed: git moves it
    std::string label = "branch-" + name;
    std::replace(label.begin(), label.end(), '/', '%');
    FileLock::Refused refused{};
    auto lock = FileLock::take(branch.string(), dir / "incident", label, refused);
    if (!lock) return false;  // git says why
    // Under the lock: the branch still holds what HEAD was read as.
    if (read_small(branch) != old + "\n") return false;
    lock->write(made + "\n");
    const std::string line = old + " " + made + " " + committer.name + " <" + committer.email + "> " +
                             std::to_string(committer.time) + " " + zone(committer.offset) + "\t" +
                             reflog_message(why) + "\n";
    if (!append(branch_log, line) || !append(head_log, line))
        throw IoError("git commit failed: cannot append to the reflog of refs/heads/" + name);
    lock->commit_to(branch.string());
    return true;
}

}  // namespace incident::git
