// Timestamps: UTC, second precision, written as RFC 3339 ("2026-11-22T03:04:05Z").
// The current time is always passed in (see Clock) so tests and --at backfills
// are deterministic.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace incident {

using Timestamp = std::chrono::sys_seconds;
using Seconds = std::chrono::seconds;

// Parses RFC 3339 ("2026-11-22T03:04:05Z", "...+01:00", fractional seconds
// dropped). Returns nullopt when the text is not a timestamp.
std::optional<Timestamp> parse_rfc3339(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SSZ".
// How far ahead of this clock a time of something that happened may be
// (another machine's clock): more is a typo such as +1d for -1d, refused by
// the commands and reported by validate.
inline constexpr Seconds kClockSkew{300};

std::string format_rfc3339(Timestamp t);

// Parses a duration: "90s", "15m", "4h", "2d", "1w", or combined "1h30m".
// `day` is the length of "d" (a business day in business-time targets); a
// week is seven days.
std::optional<Seconds> parse_duration(std::string_view text, Seconds day = Seconds{86400});
// The longest duration parse_duration accepts (100 years): longer is a typo,
// and would overflow the arithmetic of SLA due dates and backfilled times.
inline constexpr Seconds kMaxDuration{100LL * 365 * 86400};

// "1h 5m", "3d 2h", "45s": for people.
std::string format_duration(Seconds d);

// Resolves a --at value relative to now: "now", "-15m", "+1h", or RFC 3339.
// A bare date ("2026-11-22") means midnight UTC.
std::optional<Timestamp> parse_time_spec(std::string_view text, Timestamp now);

// Today's date as "YYYY-MM-DD".
std::string format_date(Timestamp t);

// "UTC" or "Etc/UTC": a zone that needs no tz database. Looking any other
// name up reads the whole database (hundreds of files): only done when a
// configuration names another zone.
inline bool is_utc_zone(std::string_view name) { return name == "UTC" || name == "Etc/UTC"; }

}  // namespace incident
