#include "import/reader.hpp"

#include <date/tz.h>

#include <algorithm>
#include <set>

#include "model/errors.hpp"

namespace incident {

Zone zone_of(const Json& at) {
    const std::string name = at.str();
    if (is_utc_zone(name)) return Zone{};
    try {
        return Zone{date::locate_zone(name)};
    } catch (const std::exception&) {
        at.fail("'" + name + "' is not an IANA time zone");
    }
}

std::string person_zone(const std::string& name, Mapping& map) {
    if (name.empty() || is_utc_zone(name)) return name;
    try {
        date::locate_zone(name);
        return name;
    } catch (const std::exception&) {
        map.approximate("time zone '" + name + "' is not an IANA time zone: left out");
        return {};
    }
}

void add_week_span(unsigned day, long long start, long long duration, std::vector<Window>& out) {
    duration = std::min(duration, kWeek);
    for (; duration > 0; duration -= kDay, day = (day + 1) % 7) {
        const long long to = duration >= kDay ? start : (start + duration) % kDay;
        const Seconds from_s{start - start % 60}, to_s{to / 60 * 60};
        auto same =
            std::find_if(out.begin(), out.end(), [&](const Window& w) { return w.from == from_s && w.to == to_s; });
        if (same != out.end())
            same->days |= 1u << day;
        else
            out.push_back(Window{1u << day, from_s, to_s});
    }
}

std::vector<ExportFile> list_pages(const ExportDir& dir, const std::string& name, ImportSet& set,
                                   const std::string& left_out) {
    auto pages = dir.pages(name);
    if (pages.empty()) set.notes.push_back(name + ".json is missing: " + left_out);
    return pages;
}

void check_tool(const ExportDir& dir, const std::string& tool) {
    for (const char* name : {"users", "schedules"}) {
        const auto f = dir.file(name);
        if (!f) continue;
        const auto& doc = f->doc;
        const char* looks = doc.contains("results") ? "grafana-oncall"
                            : doc.contains("data")  ? "opsgenie"
                            : doc.contains(name)    ? "pagerduty"
                                                    : nullptr;
        if (looks && looks != tool)
            throw UsageError("--from " + dir.dir().string() + ": " + f->name + " is shaped as a " + looks +
                                 " export, not a " + tool + " one",
                             std::string("incident import ") + looks + " --from " + dir.dir().string());
        return;
    }
}

namespace {

template <typename T>
void drop_repeats(std::vector<T>& list) {
    std::set<std::string> seen;
    std::erase_if(list, [&](const T& x) { return !seen.insert(x.id).second; });
}

}  // namespace

void drop_repeats(ImportSet& set) {
    drop_repeats(set.people);
    drop_repeats(set.schedules);
    drop_repeats(set.policies);
    drop_repeats(set.services);
    drop_repeats(set.incidents);
}

void set_window_from_rendered(SourceSchedule& s) {
    if (s.rendered.empty()) return;
    Timestamp from = s.rendered.front().from, to = s.rendered.front().to;
    for (const auto& r : s.rendered) from = std::min(from, r.from), to = std::max(to, r.to);
    s.window = std::make_pair(from, to);
}

void phone_to_do(Mapping& map, const std::string& kind, const std::string& number, const std::string& label) {
    map.approximate("to do: " + kind + " " + number + (label.empty() ? "" : " (" + label + ")") + ": add {" + kind +
                    ": \"" + number + "\", target: NAME} once paging_providers has a " + kind + " target");
}

}  // namespace incident
