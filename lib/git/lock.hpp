// git's lock on a file (FILE.lock), taken in this process so that a run
// killed while it holds it can be told from any other holder (internal to
// lib/git): the lock is first made as GIT_DIR/incident/LABEL.lock.PID, then
// linked as FILE.lock (which fails if the lock is held), and keeps both
// names until it is renamed over FILE (or removed). A lock whose second
// name names a process that is gone is a killed run's, and the next run
// removes it, where a git process killed meanwhile would have finished;
// any other lock is left alone. Second names of killed runs are removed as
// they are met. Used for the user's index and for HEAD's branch.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace incident::git {

class FileLock {
public:
    enum class Refused { held, unsupported };
    // FILE.lock, with its second name under `state`; nullopt, with why,
    // when another holds it or no such file can be made (no hard links
    // here).
    static std::optional<FileLock> take(const std::string& file, const std::filesystem::path& state,
                                        const std::string& label, Refused& why);
    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&&) = delete;
    ~FileLock();

    const std::string& path() const { return path_; }
    // Writes `data` into the lock (more than once appends).
    void write(const std::string& data);
    // Renames the lock over `file`: the new content is in place.
    void commit_to(const std::string& file);

private:
    FileLock() = default;
    void clear_killed_runs(const std::filesystem::path& state, const std::string& label) const;

    std::string path_, mine_;
    int fd_ = -1;
};

}  // namespace incident::git
