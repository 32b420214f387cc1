#include "sla/calendar.hpp"

#include <date/tz.h>

#include <algorithm>

#include "model/errors.hpp"

namespace incident {

namespace {

constexpr int kMaxDays = 3 * 366;  // bounds every walk over the calendar

// "2026-11-23", as holidays are written; without a string stream per day.
std::string day_text(date::local_days day) {
    date::year_month_day ymd{day};
    int y = static_cast<int>(ymd.year());
    if (y < 0 || y > 9999) return date::format("%Y-%m-%d", day);
    std::string text = "0000-00-00";
    auto put = [&](std::size_t at, unsigned value, std::size_t digits) {
        for (std::size_t i = digits; i-- > 0; value /= 10) text[at + i] = static_cast<char>('0' + value % 10);
    };
    put(0, static_cast<unsigned>(y), 4);
    put(5, static_cast<unsigned>(ymd.month()), 2);
    put(8, static_cast<unsigned>(ymd.day()), 2);
    return text;
}

}  // namespace

WorkCalendar::WorkCalendar(const BusinessHours& hours) : hours_(hours), zone_(nullptr) {
    try {
        if (!is_utc_zone(hours.timezone)) zone_ = date::locate_zone(hours.timezone);
    } catch (const std::exception&) {
        // Configuration files are checked as they are read (config.cpp); this
        // is a configuration made in code.
        throw InvalidData(Location{"configuration"},
                          "business_hours.timezone: unknown time zone '" + hours.timezone + "'");
    }
    holidays_.insert(hours.holidays.begin(), hours.holidays.end());
}

// Calls fn(window_start, window_end) for each working window of each local
// day from the day holding `from`, until fn returns false.
template <typename Fn>
static void for_each_window(const date::time_zone* zone, const BusinessHours& h, const std::set<std::string>& holidays,
                            Timestamp from, Fn fn) {
    // No zone: UTC, where local time is the system time.
    auto to_sys = [zone](date::local_seconds t) {
        return zone ? zone->to_sys(t, date::choose::earliest) : date::sys_seconds{t.time_since_epoch()};
    };
    auto local = zone ? zone->to_local(from) : date::local_seconds{from.time_since_epoch()};
    auto day = date::floor<date::days>(local);
    for (int i = 0; i < kMaxDays; ++i, day += date::days{1}) {
        unsigned wd = date::weekday{day}.iso_encoding();
        if (std::find(h.days.begin(), h.days.end(), wd) == h.days.end()) continue;
        if (!holidays.empty() && holidays.count(day_text(day))) continue;
        auto start = to_sys(day + h.start);
        auto end = to_sys(day + h.end);
        if (!fn(Timestamp{date::floor<Seconds>(start)}, Timestamp{date::floor<Seconds>(end)})) return;
    }
}

Seconds WorkCalendar::working_time(Timestamp from, Timestamp to) const {
    Seconds total{0};
    if (to <= from) return total;
    for_each_window(zone_, hours_, holidays_, from, [&](Timestamp s, Timestamp e) {
        if (s >= to) return false;
        auto a = std::max(s, from), b = std::min(e, to);
        if (b > a) total += b - a;
        return true;
    });
    return total;
}

Timestamp WorkCalendar::add_working_time(Timestamp from, Seconds amount) const {
    Timestamp result = from;
    Seconds left = amount;
    if (left <= Seconds{0}) return from;
    for_each_window(zone_, hours_, holidays_, from, [&](Timestamp s, Timestamp e) {
        auto a = std::max(s, from);
        if (e <= a) return true;
        if (e - a >= left) {
            result = a + left;
            left = Seconds{0};
            return false;
        }
        left -= e - a;
        result = e;
        return true;
    });
    return result;
}

Timestamp WorkCalendar::end_of_working_days(Timestamp from, int days) const {
    auto local = zone_ ? zone_->to_local(from) : date::local_seconds{from.time_since_epoch()};
    auto day = date::floor<date::days>(local);
    auto working = [&](date::local_days d) {
        const unsigned iso = date::weekday{d}.iso_encoding();
        return std::find(hours_.days.begin(), hours_.days.end(), iso) != hours_.days.end() &&
               !holidays_.count(day_text(d));
    };
    for (int counted = 0, walked = 0; counted < days && walked < kMaxDays; ++walked) {
        day += date::days{1};
        if (working(day)) ++counted;
    }
    const date::local_seconds end{(day + date::days{1}).time_since_epoch()};
    if (!zone_) return Timestamp{end.time_since_epoch()};
    return date::floor<Seconds>(zone_->to_sys(end, date::choose::earliest));
}

}  // namespace incident
