#include "oncall/ical.hpp"

#include "evidence/evidence.hpp"
#include "model/errors.hpp"

namespace incident {

namespace {

std::string ical_time(Timestamp t) {
    std::string s = format_rfc3339(t);  // 2026-11-22T03:04:05Z
    std::string out;
    for (char c : s)
        if (c != '-' && c != ':') out += c;
    return out;  // 20261122T030405Z
}

}  // namespace

std::string ical_text(std::string_view text) {
    std::string out;
    for (char c : text) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case ';':
                out += "\\;";
                break;
            case ',':
                out += "\\,";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                break;
            default:
                // Other control characters are not allowed in TEXT.
                if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
                    out += ' ';
                else
                    out += c;
        }
    }
    return out;
}

std::string ical_fold(std::string_view line) {
    std::string out;
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size();) {
        // The whole UTF-8 sequence that starts here.
        std::size_t n = 1;
        while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
        if (width + n > 75) {
            out += "\r\n ";
            width = 1;
        }
        out.append(line.substr(i, n));
        width += n;
        i += n;
    }
    return out + "\r\n";
}

std::string shifts_ical(const Schedule& s, const People& people, const std::vector<Shift>& shifts, Timestamp stamp,
                        Timestamp range_from) {
    // A shift cut at the range's start is named by when it really began, so
    // its UID stays the same as the range moves on (a client replaces the
    // event instead of adding another).
    const auto at_start = on_call(s, range_from);
    auto began = [&](const Shift& x) {
        if (x.from != range_from) return x.from;
        for (const auto& c : at_start)
            if (c.person == x.person && c.source == x.source && c.override_id == x.override_id && c.from)
                return *c.from;
        return x.from;
    };
    std::string out;
    auto line = [&](const std::string& l) { out += ical_fold(l); };
    line("BEGIN:VCALENDAR");
    line("VERSION:2.0");
    line("PRODID:-//incident//on call//EN");
    line("CALSCALE:GREGORIAN");
    line("METHOD:PUBLISH");
    line("X-WR-CALNAME:" + ical_text("On call: " + s.name));
    for (const auto& shift : shifts) {
        const Person* p = people.find(shift.person);
        const std::string who = p && !p->name.empty() ? p->name : shift.person;
        line("BEGIN:VEVENT");
        // The same shift gives the same UID in every calendar built from any clone.
        line("UID:" +
             sha256_hex(s.key + "\n" + shift.person + "\n" + format_rfc3339(began(shift)) + "\n" + shift.source + "\n" +
                        shift.override_id)
                 .substr(0, 32) +
             "@incident.oncall");
        line("DTSTAMP:" + ical_time(stamp));
        line("DTSTART:" + ical_time(shift.from));
        line("DTEND:" + ical_time(shift.until));
        line("SUMMARY:" + ical_text(s.name + ": " + who + " on call"));
        line("DESCRIPTION:" + ical_text("Schedule " + s.key + ", " + shift.source + "."));
        line("X-INCIDENT-PERSON:" + ical_text(shift.person));
        line("X-INCIDENT-SOURCE:" + ical_text(shift.source));
        line("TRANSP:TRANSPARENT");
        line("END:VEVENT");
    }
    line("END:VCALENDAR");
    return out;
}

std::string oncall_calendar(const Repository& repo, const CalendarRequest& req) {
    const People people = load_people(repo);
    const Schedule s = load_schedule(repo, people, req.key);
    auto time = [&](const std::string& text, const char* name, Timestamp fallback) {
        if (text.empty()) return fallback;
        if (auto t = parse_oncall_time(text, req.now, &s.zone)) return *t;
        throw UsageError(std::string(name) + ": cannot read '" + text + "' as a time",
                         "RFC 3339, now, +7d, or a local time in the schedule's zone (2026-11-22T09:00)");
    };
    const Timestamp from = time(req.from, "from", req.now - kCalendarBefore);
    const Timestamp to = time(req.to, "to", from + kCalendarSpan);
    if (to <= from) throw UsageError("the calendar's end is not after its start");
    const auto shifts = shifts_of_person(final_shifts(s, from, to), people, req.who);
    return shifts_ical(s, people, shifts, req.now, from);
}

}  // namespace incident
