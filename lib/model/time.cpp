#include "model/time.hpp"

#include <date/date.h>

#include <cctype>
#include <sstream>

namespace incident {

namespace {

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s)
        if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    return true;
}

int to_int(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

}  // namespace

std::optional<Timestamp> parse_rfc3339(std::string_view text) {
    // YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM); 't' and ' ' accepted as separator.
    if (text.size() < 20) return std::nullopt;
    auto d = text.substr(0, 10);
    if (d[4] != '-' || d[7] != '-') return std::nullopt;
    if (!all_digits(d.substr(0, 4)) || !all_digits(d.substr(5, 2)) || !all_digits(d.substr(8, 2))) return std::nullopt;
    char sep = text[10];
    if (sep != 'T' && sep != 't' && sep != ' ') return std::nullopt;
    auto t = text.substr(11, 8);
    if (t[2] != ':' || t[5] != ':') return std::nullopt;
    if (!all_digits(t.substr(0, 2)) || !all_digits(t.substr(3, 2)) || !all_digits(t.substr(6, 2))) return std::nullopt;
    auto rest = text.substr(19);
    if (!rest.empty() && rest[0] == '.') {
        size_t i = 1;
        while (i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i]))) ++i;
        if (i == 1) return std::nullopt;
        rest = rest.substr(i);
    }
    int offset_minutes = 0;
    if (rest == "Z" || rest == "z") {
    } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
               all_digits(rest.substr(1, 2)) && all_digits(rest.substr(4, 2))) {
        int h = to_int(rest.substr(1, 2)), m = to_int(rest.substr(4, 2));
        if (h > 23 || m > 59) return std::nullopt;
        offset_minutes = (h * 60 + m) * (rest[0] == '+' ? 1 : -1);
    } else {
        return std::nullopt;
    }
    date::year_month_day ymd{date::year{to_int(d.substr(0, 4))},
                             date::month{static_cast<unsigned>(to_int(d.substr(5, 2)))},
                             date::day{static_cast<unsigned>(to_int(d.substr(8, 2)))}};
    if (!ymd.ok()) return std::nullopt;
    int hh = to_int(t.substr(0, 2)), mm = to_int(t.substr(3, 2)), ss = to_int(t.substr(6, 2));
    if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
    if (ss == 60) ss = 59;  // leap second: clamp rather than refuse
    auto days = date::sys_days{ymd};
    return Timestamp{std::chrono::duration_cast<Seconds>(days.time_since_epoch()) + std::chrono::hours{hh} +
                     std::chrono::minutes{mm} + Seconds{ss} - std::chrono::minutes{offset_minutes}};
}

namespace {

void put_digits(char* at, unsigned value, int width) {
    for (int i = width - 1; i >= 0; --i, value /= 10) at[i] = static_cast<char>('0' + value % 10);
}

// "YYYY-MM-DD" into at[0..9]; false for a year that needs more than 4 digits.
bool put_date(char* at, date::sys_days day) {
    date::year_month_day ymd{day};
    int year = static_cast<int>(ymd.year());
    if (year < 0 || year > 9999) return false;
    put_digits(at, static_cast<unsigned>(year), 4);
    at[4] = '-';
    put_digits(at + 5, static_cast<unsigned>(ymd.month()), 2);
    at[7] = '-';
    put_digits(at + 8, static_cast<unsigned>(ymd.day()), 2);
    return true;
}

}  // namespace

// Plain digits rather than date::format, which builds a stream per call:
// list --json formats every timestamp of every incident.
std::string format_rfc3339(Timestamp t) {
    auto day = date::floor<date::days>(t);
    char text[20];
    if (!put_date(text, day)) return date::format("%Y-%m-%dT%H:%M:%SZ", t);
    auto secs = static_cast<unsigned>((t - day).count());
    text[10] = 'T';
    put_digits(text + 11, secs / 3600, 2);
    text[13] = ':';
    put_digits(text + 14, secs / 60 % 60, 2);
    text[16] = ':';
    put_digits(text + 17, secs % 60, 2);
    text[19] = 'Z';
    return std::string(text, sizeof text);
}

std::string format_date(Timestamp t) {
    auto day = date::floor<date::days>(t);
    char text[10];
    if (!put_date(text, day)) return date::format("%Y-%m-%d", day);
    return std::string(text, sizeof text);
}

std::optional<Seconds> parse_duration(std::string_view text, Seconds day) {
    if (text.empty()) return std::nullopt;
    long long total = 0;
    size_t i = 0;
    while (i < text.size()) {
        size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
        if (i == start || i == text.size() || i - start > 9) return std::nullopt;
        long long n = std::stoll(std::string(text.substr(start, i - start)));
        long long unit = 0;
        switch (text[i]) {
            case 's':
                unit = 1;
                break;
            case 'm':
                unit = 60;
                break;
            case 'h':
                unit = 3600;
                break;
            case 'd':
                unit = day.count();
                break;
            case 'w':
                unit = 7 * day.count();
                break;
            default:
                return std::nullopt;
        }
        total += n * unit;  // at most 999 999 999 weeks a term: no overflow before the check
        if (total > kMaxDuration.count()) return std::nullopt;
        ++i;
    }
    return Seconds{total};
}

std::string format_duration(Seconds d) {
    long long s = d.count();
    std::string sign = s < 0 ? "-" : "";
    if (s < 0) s = -s;
    long long days = s / 86400, hours = (s % 86400) / 3600, minutes = (s % 3600) / 60, secs = s % 60;
    std::ostringstream out;
    out << sign;
    if (days > 0) {
        out << days << "d";
        if (hours) out << " " << hours << "h";
    } else if (hours > 0) {
        out << hours << "h";
        if (minutes) out << " " << minutes << "m";
    } else if (minutes > 0) {
        out << minutes << "m";
        if (secs) out << " " << secs << "s";
    } else {
        out << secs << "s";
    }
    return out.str();
}

std::optional<Timestamp> parse_time_spec(std::string_view text, Timestamp now) {
    if (text == "now") return now;
    if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        auto d = parse_duration(text.substr(1));
        if (!d) return std::nullopt;
        return text[0] == '-' ? now - *d : now + *d;
    }
    if (text.size() == 10) return parse_rfc3339(std::string(text) + "T00:00:00Z");
    return parse_rfc3339(text);
}

}  // namespace incident
