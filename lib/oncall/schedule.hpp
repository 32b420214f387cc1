// On-call schedules (.incident/oncall/NAME.yaml): a time zone, ordered
// layers of rotations, and overrides. Who is on call at any instant is
// computed from the files alone — a rotation's position from its start,
// never stored — so every clone answers the same for any instant, past or
// future. Local times follow the schedule's zone across daylight-saving
// changes: a daily or weekly hand-off keeps its wall-clock time (an hourly
// rotation steps by elapsed hours); a local time that does not exist moves
// to the first instant after the gap; an ambiguous one takes its first
// occurrence.
#pragma once

#include <date/tz.h>

#include <optional>
#include <string>
#include <vector>

#include "model/time.hpp"
#include "oncall/people.hpp"
#include "oncall/problems.hpp"
#include "store/repository.hpp"

namespace incident {

using LocalTime = date::local_seconds;

// A zone: IANA through the tz database, or UTC without it.
struct Zone {
    const date::time_zone* tz = nullptr;  // null: UTC
    LocalTime local(Timestamp t) const;
    // The instant a local time names, by the rules above.
    Timestamp instant(LocalTime t) const;
};

enum class Rotation { hourly, daily, weekly };
const char* rotation_name(Rotation r);

// A weekly window in local time: on the days in `days` (bit 0 Monday ...
// bit 6 Sunday) from `from` to `to`; a `to` at or before `from` ends the
// next day (over midnight), so from == to is a whole day.
struct Window {
    unsigned days = 0x7f;
    Seconds from{0}, to{0};
};

struct Layer {
    std::string name;
    LocalTime start{};                      // the first hand-off
    std::optional<LocalTime> end;           // none after it (a layer retired)
    std::optional<LocalTime> on_call_from;  // none before it; turns still count from `start`
    Rotation rotation = Rotation::weekly;
    int shift = 1;                                // rotation units per turn
    std::vector<std::vector<std::string>> turns;  // person keys, in turn order (a turn may hold two)
    std::vector<Window> restrict;                 // empty: always
};

struct Override {
    std::string id;  // the file's name for one written by `oncall override`, else "NAME#N"
    Timestamp from{}, to{};
    std::string who;         // person key
    std::string instead_of;  // person key; empty: instead of everyone on call
    std::string reason, by;
    std::string file;  // where it is written, as the repository shows it
};

struct Schedule {
    std::string key;  // its file's name without .yaml
    std::string name;
    std::string time_zone;
    std::string source;  // TOOL/ID of one brought in by incident import; empty otherwise
    Zone zone;
    // `combine: all`: everyone every layer has on call is on call at once
    // (Opsgenie's rotations); by default the last layer with someone wins.
    bool every_layer = false;
    std::vector<Layer> layers;
    std::vector<Override> overrides;  // from the schedule file and its override files, by start
};

// Who is on call, and why.
struct Shift {
    std::string person;
    Timestamp from{}, until{};
    std::string source;       // "layer NAME" or "override"
    std::string override_id;  // for an override
};

// How far `on_call` looks back and ahead for the edges of a shift; beyond it
// an edge is unknown (nullopt).
inline constexpr Seconds kShiftHorizon{400LL * 86400};

struct OnCall {
    std::string person;
    std::optional<Timestamp> from, until;
    std::string source, override_id;
};

// Everyone on call at `t`: the last layer with someone on call at `t` (every
// layer's people with `combine: all`), then the overrides in force, each with the edges of their shift.
std::vector<OnCall> on_call(const Schedule& s, Timestamp t);

// The final shifts in [from, to), cut at the bounds, in time order (then by
// person); a person's touching shifts from one source are one shift.
// Throws UsageError when the range holds more than kMaxShifts changes.
inline constexpr std::size_t kMaxShifts = 200'000;
std::vector<Shift> final_shifts(const Schedule& s, Timestamp from, Timestamp to);

// Only the shifts of the person `who` names (a key or an email); everyone's
// when `who` is empty. Throws UsageError when people.yaml has no such person.
std::vector<Shift> shifts_of_person(std::vector<Shift> shifts, const People& people, const std::string& who);

// --- files -----------------------------------------------------------------

fs::path oncall_dir(const Repository& repo);
fs::path schedule_path(const Repository& repo, const std::string& key);
fs::path overrides_dir(const Repository& repo, const std::string& key);
bool is_schedule_key(std::string_view key);  // letters, digits, - and _, not starting with - or .

// Reads a schedule document (people resolve member names); every problem
// goes to `problems`, located in `display`.
Schedule parse_schedule(const YamlNode& root, const std::string& key, const std::string& display, const People& people,
                        Problems& problems);
// Reads one override file's document.
Override parse_override(const YamlNode& root, const std::string& id, const std::string& display, const Zone& zone,
                        const People& people, Problems& problems);

// The schedule's keys (file names), sorted.
std::vector<std::string> schedule_keys(const Repository& repo);
// A schedule with its override files. Throws NotFound (with the known
// names), InvalidData at the first problem.
Schedule load_schedule(const Repository& repo, const People& people, const std::string& key);

// What `incident init --preset sre` writes beside the rules: a starter
// people.yaml and schedule (paths relative to the root, and their text).
std::vector<std::pair<std::string, std::string>> starter_oncall_files();

// Parses "2026-01-05T09:00", "2026-01-05T09:00:30" or "2026-01-05" (midnight).
std::optional<LocalTime> parse_local_time(std::string_view text);
// An override's bound: RFC 3339 with an offset, or a local time in `zone`.
std::optional<Timestamp> parse_schedule_time(std::string_view text, const Zone& zone);
// A time the on-call commands and serve's calendar take: RFC 3339, now,
// relative to `now` (+2d, -1h), a date (midnight UTC), or with a zone a
// local time in it (2026-03-29T09:00).
std::optional<Timestamp> parse_oncall_time(std::string_view text, Timestamp now, const Zone* zone);

}  // namespace incident
