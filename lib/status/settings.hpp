// The status page's settings (status_page: in .incident/config.yaml): the
// page's name and address, its components and the services each stands
// for, and the state an open public incident puts its components in.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/config.hpp"

namespace incident {

// A component's state, in Statuspage's words, from best to worst.
enum class ComponentState { operational, under_maintenance, degraded_performance, partial_outage, major_outage };
std::string_view to_string(ComponentState s);
std::optional<ComponentState> parse_component_state(std::string_view text);
// "operational, degraded_performance, ..." for messages and --help.
std::string component_state_names();

// A name as an id: "Web site (EU)" -> "web-site-eu".
std::string slug(std::string_view name);

struct Component {
    std::string id;  // from the name: lower case, letters, digits and '-'
    std::string name, description, group;
    std::vector<std::string> services;  // as incidents name them (service:)
};

struct StatusPageSettings {
    std::string name = "Status";
    std::string url;  // where the page is served; empty: links stay relative
    std::vector<Component> components;
    // While a public incident is open: the state its components take by its
    // priority, and while it is mitigated.
    std::map<std::string, ComponentState> by_priority;
    ComponentState unprioritised = ComponentState::degraded_performance;
    ComponentState mitigated = ComponentState::degraded_performance;
    int history_days = 90;
    std::string branch = "status-page";  // status publish's branch
    // Every change to a public incident republishes the branch; unset:
    // where changes are synced (git.auto_sync), as the page should follow them.
    std::optional<bool> publish_on_change;

    // The component called `name` (its name or its id, case-insensitive); null when none.
    const Component* component(std::string_view name) const;
};

// The settings of `config` (the defaults when it has no status_page:).
// Throws InvalidData located in `file`.
StatusPageSettings status_page_settings(const Config& config, const std::string& file);

}  // namespace incident
