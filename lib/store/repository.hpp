// Finding the incident repository (walking up like git) and where its files
// and its local, never-committed state live.
#pragma once

#include <filesystem>
#include <string>

namespace incident {

namespace fs = std::filesystem;

struct Repository {
    fs::path root;       // the directory holding .incident/
    fs::path state_dir;  // .git/incident/ (or .incident/.local/ outside git)
    bool in_git = false;

    fs::path config_path() const { return root / ".incident" / "config.yaml"; }
    fs::path rules_path() const { return root / ".incident" / "rules.yaml"; }
    fs::path rule_tests_path() const { return root / ".incident" / "rules-tests.yaml"; }
    fs::path incidents_dir() const { return root / "incidents"; }
    fs::path postmortems_dir() const { return root / "postmortems"; }
    fs::path lock_path() const { return state_dir / "lock"; }
    // "incidents/INC-42.yaml": the path relative to root, as shown to people.
    std::string relative(const fs::path& p) const;
    // True when `p` as written (links not followed) lies below root.
    bool contains(const fs::path& p) const;
    // True when `p`, with every symbolic link on its way resolved, is not
    // inside root: the tool neither reads nor writes through such a link.
    bool leads_outside(const fs::path& p) const;
};

// Walks up from `start` to the first directory holding .incident/.
// Throws NotFound-like IoError with a hint to run `incident init`.
Repository find_repository(const fs::path& start);

// The repository rooted exactly at `root` (for init).
Repository repository_at(const fs::path& root);

}  // namespace incident
