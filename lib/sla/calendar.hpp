// Working time: which seconds count toward a business-hours SLA target
// (weekdays, daily window, holidays, in the configured time zone).
#pragma once

#include <set>
#include <string>

#include "model/config.hpp"
#include "model/time.hpp"

namespace date {
class time_zone;
}

namespace incident {

class WorkCalendar {
public:
    // Throws InvalidData when the time zone is unknown.
    explicit WorkCalendar(const BusinessHours& hours);

    // Working seconds in [from, to).
    Seconds working_time(Timestamp from, Timestamp to) const;
    // The instant at which `amount` working seconds have passed after `from`.
    Timestamp add_working_time(Timestamp from, Seconds amount) const;
    // The end (the local midnight after it) of the `days`-th working day
    // after the local day of `from`: "within four business days".
    Timestamp end_of_working_days(Timestamp from, int days) const;

private:
    const BusinessHours& hours_;
    const date::time_zone* zone_;
    std::set<std::string> holidays_;
};

}  // namespace incident
