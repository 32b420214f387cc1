// The static status page built from the public view of the repository:
// index.html, a page per public incident, history.atom and Statuspage's
// api/v2/summary.json and status.json. Plain files, the same bytes for the
// same repository and time: a commit of the site shows only what changed.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "page/maintenance.hpp"
#include "status/public.hpp"
#include "status/settings.hpp"
#include "workspace/workspace.hpp"

namespace incident {

// The site's templates (index.html, incident.html, history.atom,
// style.css): the built-in ones, each replaced by the file of the same name
// in .incident/templates/status/ where the repository has one.
using SiteTemplates = std::map<std::string, std::string>;
const SiteTemplates& builtin_site_templates();

struct SiteInput {
    StatusPageSettings settings;
    std::vector<PublicIncident> incidents;       // open ones and those resolved within the history
    std::vector<MaintenanceWindow> maintenance;  // every window; those without public text stay out
    Timestamp now{};
    SiteTemplates templates = builtin_site_templates();
};

// Relative path -> content. Throws InvalidData for a template that does not render.
std::map<std::string, std::string> render_site(const SiteInput& in);

// Each component's state at `in.now`, in the settings' order: the worst an
// open public incident puts it in, else under maintenance in a public
// window, else operational.
using ComponentStates = std::vector<std::pair<const Component*, ComponentState>>;
ComponentStates component_states(const SiteInput& in);

// Everything render_site needs, read from the repository: the settings, the
// public incidents of the last history_days (through the index: only those
// with a public event, open or resolved since, are read) and the maintenance windows. Throws
// InvalidData for settings, a window or a template that does not read.
SiteInput load_site_input(const Workspace& ws, Timestamp now);

}  // namespace incident
