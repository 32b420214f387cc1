// Maintenance windows (.incident/maintenance/ID.yaml, one window a file, so
// two clones adding windows never conflict): while a service is in one, its
// incidents are recorded as usual but page nobody, and the timeline says
// which window and why.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/time.hpp"
#include "oncall/problems.hpp"
#include "store/repository.hpp"

namespace incident {

struct MaintenanceWindow {
    std::string id;  // the file name without .yaml
    std::vector<std::string> services;
    Timestamp from{}, to{};  // in the window: from <= t < to
    std::string reason, by;
    std::string file;         // as the repository shows it
    std::string public_text;  // what the status page says of it; empty: it stays off the page

    bool covers(const std::string& service, Timestamp t) const;
};

fs::path maintenance_dir(const Repository& repo);
fs::path maintenance_path(const Repository& repo, const std::string& id);
// A window's id: letters, digits, '-', '_' and '.', not starting with '-' or '.'.
bool is_maintenance_id(std::string_view id);

// Reads one window file's document; every problem goes to `problems`,
// located in `display`. Times are RFC 3339 with an offset.
MaintenanceWindow parse_maintenance(const YamlNode& root, const std::string& id, const std::string& display,
                                    Problems& problems);

// Every window of the repository, sorted by start, read through the
// repository opener. A file with a problem is left out and its problems go
// to `problems` (the pager pages rather than trust it; a command throws).
std::vector<MaintenanceWindow> load_maintenance(const Repository& repo, Problems& problems);

// The window that covers `service` at `t` (the one that ends last when
// several do); nullopt when none.
std::optional<MaintenanceWindow> maintenance_for(const std::vector<MaintenanceWindow>& windows,
                                                 const std::string& service, Timestamp t);

// "active", "planned" or "past" at `t`.
std::string maintenance_state(const MaintenanceWindow& w, Timestamp t);

// The file `incident maintenance add` writes for `w`.
std::string maintenance_text(const MaintenanceWindow& w, Timestamp created);

}  // namespace incident
