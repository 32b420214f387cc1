// The two halves of the Opsgenie reader: opsgenie.cpp reads the people,
// schedules, escalations and services, opsgenie_history.cpp the alerts and
// incidents. Internal to lib/import.
#pragma once

#include <map>
#include <string>

#include "import/reader.hpp"

namespace incident::opsgenie {

// Usernames (emails) to user ids: the logs name people by username.
using Usernames = std::map<std::string, std::string>;

// An alert (alerts.json) with its logs and notes; `services` maps a
// service's name in lower case to its id.
SourceIncident alert_of(const ExportDir& dir, const Json& a, const Usernames& users,
                        const std::map<std::string, std::string>& services);
// An incident of the Incident API (incidents.json) with its logs.
SourceIncident incident_of(const ExportDir& dir, const Json& i, const Usernames& users);

}  // namespace incident::opsgenie
