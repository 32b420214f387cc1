// What of an incident may leave the repository: the public updates
// (`update --public`), the public title, and the states of the status
// page's components. Everything else — the internal title, notes, people,
// alert labels, attachments — never does: the public view is built from
// these events alone.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "lifecycle/lifecycle.hpp"
#include "model/incident.hpp"
#include "status/settings.hpp"

namespace incident {

// Statuspage's incident statuses, in order.
const std::vector<std::string>& public_statuses();

// What one command publishes about an incident.
struct PublicChange {
    std::string title;    // the public title (empty: unchanged)
    std::string message;  // a public update's text (empty: none)
    std::string status;   // investigating | identified | monitoring | resolved; empty: from the incident's status
    std::vector<std::pair<std::string, std::string>> components;  // name -> state, or "auto" to follow the incident
    bool empty() const { return title.empty() && message.empty() && components.empty(); }
};

// Appends `change` to the timeline: an `update` event marked public (with
// public_title and public_status) when it has a title or a message, and a
// `component` event per component. Throws UsageError for an unknown
// component, state or status, or a closed incident.
void add_public_events(Incident& inc, const Actor& actor, const PublicChange& change,
                       const StatusPageSettings& settings);

// True for an event that changes what the status page shows.
bool is_public_event(const Event& e);

struct PublicUpdate {
    std::string id;  // "inc-42-3": the incident's and the update's number
    Timestamp at{};
    std::string status, body;
};

struct PublicIncident {
    std::string id;  // "inc-42": the incident id in lower case
    std::string name, status;
    std::string impact;  // none | minor | major | critical
    Timestamp created{}, updated{};
    std::optional<Timestamp> resolved, monitoring;
    // The components it touches (their ids), with the state it puts each in
    // (operational once resolved), in the order of the settings.
    std::vector<std::pair<std::string, ComponentState>> components;
    std::vector<PublicUpdate> updates;  // oldest first
};

// The public view of `inc`; nullopt when nothing of it is public.
std::optional<PublicIncident> public_view(const Incident& inc, const StatusPageSettings& settings);

// Statuspage's impact for the worst state an incident puts a component in.
std::string impact_of(ComponentState worst);

}  // namespace incident
