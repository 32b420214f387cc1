// Incident files on disk: id checks (no path tricks), load, atomic save,
// listing and id allocation. Single-incident operations touch one file only.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/errors.hpp"
#include "model/incident.hpp"
#include "store/repository.hpp"

namespace incident {

// True for "<PREFIX>-<n>": letters/digits prefix, a positive number, nothing else.
bool is_valid_id(std::string_view id);

// Accepts "INC-42", "inc-42" and "42" (prefix added); throws UsageError for
// anything else — in particular anything that could name another path.
std::string normalise_id(std::string_view text, const std::string& prefix);

// Numeric order within a prefix: INC-9 before INC-10. id_order gives the
// sort key ("INC-42" -> {"INC", 42}) of a valid id.
std::pair<std::string, long> id_order(const std::string& id);
bool id_less(const std::string& a, const std::string& b);

// A random RFC 4122 version-4 UUID.
std::string new_uid();
// True for text shaped like one: 8-4-4-4-12 hexadecimal digits.
bool looks_like_uid(std::string_view text);

class Store {
public:
    explicit Store(Repository repo);

    const Repository& repository() const { return repo_; }
    fs::path path_of(const std::string& id) const;
    bool exists(const std::string& id) const;

    // Throws NotFound or InvalidData (also when the file's id differs from its name).
    Incident load(const std::string& id) const;
    // Writes atomically. The caller holds the repository lock.
    void save(const Incident& inc) const;

    // Ids of all incident files, in numeric order within a prefix.
    std::vector<std::string> list_ids() const;
    // Every incident; files that cannot be read are skipped and their
    // errors collected in `errors` (rethrown when `errors` is null).
    std::vector<Incident> load_all(std::vector<InvalidData>* errors = nullptr) const;
    // The id of the incident whose uid is `uid`, or empty. Reads every file.
    std::string find_uid(const std::string& uid) const;
    // The next free id for `prefix` (max existing + 1). Call under the lock.
    std::string next_id(const std::string& prefix) const;

private:
    std::vector<std::string> unsorted_ids() const;
    void refuse_outside(const fs::path& p) const;
    Repository repo_;
    // incidents/ is a plain directory of the (canonical) root: a plain file
    // in it cannot lead outside, and is read without resolving its path.
    bool plain_dir_ = true;
    std::string display_dir_;  // incidents/ as relative() shows it, with a final '/'
};

}  // namespace incident
