// What the readers of each tool's export (pagerduty.cpp, opsgenie.cpp)
// share: time zones, weekly spans as windows, contact methods that cannot
// come along, and lists read from pages that overlap. Internal to
// lib/import.
#pragma once

#include <string>
#include <vector>

#include "import/export_dir.hpp"
#include "import/import.hpp"

namespace incident {

inline constexpr long long kHour = 3600, kDay = 86400, kWeek = 7 * kDay;

// The zone a value names (UTC, or IANA); fails located otherwise.
Zone zone_of(const Json& at);

// A person's time zone as people.yaml can hold it: kept when the tz
// database knows it, else left out with a note.
std::string person_zone(const std::string& name, Mapping& map);

// A span of `duration` seconds from `start` seconds after midnight on `day`
// (0 Monday ... 6 Sunday), local time, as windows: whole days, then a last
// part day, merged with windows of the same hours. Cut to whole minutes and
// to a week.
void add_week_span(unsigned day, long long start, long long duration, std::vector<Window>& out);

// The window the source rendered `s.rendered` for: from the first shift's
// start to the last one's end (none without shifts).
void set_window_from_rendered(SourceSchedule& s);

// A phone number (voice or sms) cannot page anyone here yet: a to-do.
void phone_to_do(Mapping& map, const std::string& kind, const std::string& number, const std::string& label);

// The pages of the list NAME (NAME.json, NAME.2.json, ...); where there are
// none, `set.notes` says so, and what does not come in for it.
std::vector<ExportFile> list_pages(const ExportDir& dir, const std::string& name, ImportSet& set,
                                   const std::string& left_out);

// Refuses, with the command that reads it, an export that looks like
// another tool's (by how its users.json or schedules.json wraps its list).
void check_tool(const ExportDir& dir, const std::string& tool);

// The same object on two pages (an offset page shifted while the export was
// saved): the first one kept, in every list of `set`.
void drop_repeats(ImportSet& set);

}  // namespace incident
