// A schedule's final shifts as an RFC 5545 calendar that calendar clients
// subscribe to: one VEVENT per shift, times in UTC (no VTIMEZONE needed),
// a UID that stays the same while the shift does (whatever range is asked), text escaped (§3.3.11)
// and lines folded at 75 octets without splitting a UTF-8 character (§3.1).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "oncall/schedule.hpp"

namespace incident {

// `stamp` is DTSTAMP (when the calendar was made); `range_from` where the
// shifts were cut.
std::string shifts_ical(const Schedule& s, const People& people, const std::vector<Shift>& shifts, Timestamp stamp,
                        Timestamp range_from);

// What `oncall ical` and serve's /v1/oncall/NAME.ics give: the calendar of
// schedule `key` (with `who`, one person's shifts) from `from` to `to`
// (times as parse_oncall_time reads them, in the schedule's zone); empty,
// from two weeks before `now` to half a year after it. A time that does not
// read is a UsageError naming it.
struct CalendarRequest {
    std::string key, who, from, to;
    Timestamp now{};
};
inline constexpr Seconds kCalendarBefore{14 * 86400}, kCalendarSpan{194 * 86400};
std::string oncall_calendar(const Repository& repo, const CalendarRequest& req);

// RFC 5545 TEXT escaping and line folding, exposed for tests.
std::string ical_text(std::string_view text);
std::string ical_fold(std::string_view line);

}  // namespace incident
