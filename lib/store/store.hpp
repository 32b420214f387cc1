// Incident files on disk: id checks (no path tricks), load, atomic save,
// listing and id allocation. Single-incident operations touch one file only.
#pragma once

#include <dirent.h>
#include <sys/stat.h>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/config.hpp"
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

// Where `id`'s file lies below incidents/: "INC-12345.yaml" or "12/INC-12345.yaml".
std::string incident_file(const std::string& id, Layout layout);
// The id a path below incidents/ names, with the layout it is in: "INC-7.yaml"
// or "0/INC-7.yaml" -> "INC-7"; empty for anything else, including a file in
// a shard other than its number's.
std::pair<std::string, Layout> id_of_incident_file(std::string_view below);
// A shard directory's name: the thousands of a number, in plain digits ("0", "12").
bool is_shard_name(std::string_view name);
// Why a file named `name` ("INC-2147483647.yaml", "INC-007.yaml") is never
// read although it looks like an incident file: PREFIX-DIGITS.yaml whose
// PREFIX-DIGITS is no valid id. Empty for a valid id and for other names.
std::string unreadable_incident_name(std::string_view name);

// Calls fn(dir_fd, entry, id, layout) for every incident file name in
// `incidents` and its shard directories (real directories only, never a
// link), without reading or stat-ing the files (the entry's d_type says
// what the directory knows of the file's type, DT_UNKNOWN when nothing).
// `skipped`, when given, is called with the path below incidents/ and the
// reason for each name that looks like an incident file's but is not read
// (unreadable_incident_name, or a file in a shard other than its number's).
void for_each_incident_name(const fs::path& incidents,
                            const std::function<void(int, const dirent*, std::string_view, Layout)>& fn,
                            const std::function<void(const std::string&, const std::string&)>& skipped = {});

class Store {
public:
    explicit Store(Repository repo, Layout layout = Layout::flat);

    const Repository& repository() const { return repo_; }
    Layout layout() const { return layout_; }
    // Where `id`'s file is: in the configured layout, or in the other when
    // only that one holds it; where a new one goes when neither does.
    fs::path path_of(const std::string& id) const;
    // Where `id`'s file is in `layout`, whether or not it is there.
    fs::path path_in(const std::string& id, Layout layout) const;
    bool exists(const std::string& id) const;

    // Throws NotFound or InvalidData (also when the file's id differs from
    // its name, and when it is not a regular file: a FIFO is never opened).
    Incident load(const std::string& id) const;
    // The file a listing found (for_each_incident_name: no link on its way),
    // read without looking for it again; `read`, when given, receives the
    // stat of the file that was read.
    Incident load_listed(const std::string& id, Layout where, struct stat* read = nullptr) const;
    // Writes atomically. The caller holds the repository lock.
    void save(const Incident& inc) const;
    // What save writes, checked: the incident's YAML keeping the lines of
    // `previous` a person wrote by hand (of the file as it is, when null).
    // Throws InvalidData for an incident that would not read back.
    std::string render(const Incident& inc, const std::string* previous = nullptr) const;
    // Writes `text` (from render) as incident `id`'s file, atomically.
    void write(const std::string& id, const std::string& text) const;
    // Each incident's text (by id) written as write() does, their directories synced once each.
    void write_all(const std::map<std::string, std::string>& texts) const;

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
    std::optional<Incident> load_plain(const std::string& id, Layout where, struct stat* read = nullptr) const;
    Incident load_checked(const std::string& id, const fs::path& p) const;
    Repository repo_;
    Layout layout_ = Layout::flat;
    // incidents/ is a plain directory of the (canonical) root: a plain file
    // in it cannot lead outside, and is read without resolving its path.
    bool plain_dir_ = true;
    std::string display_dir_;  // incidents/ as relative() shows it, with a final '/'
    std::string dir_;          // incidents/ as a path, with a final '/'
};

}  // namespace incident
