// The paging figures of a report, from the pages each summary keeps.
#include <algorithm>

#include "report/report.hpp"
#include "sla/calendar.hpp"

namespace incident {

namespace {

// The step of the last page at or before `ack`; nullopt when none was by then.
std::optional<int> step_at(const std::vector<PageMark>& pages, Timestamp ack) {
    const PageMark* last = nullptr;
    for (const auto& p : pages)
        if (p.at <= ack && (!last || p.at >= last->at)) last = &p;
    if (!last) return std::nullopt;
    return last->step;
}

void count_people(std::map<std::string, PersonPages>& people, const std::vector<PageMark>& pages,
                  const WorkCalendar& calendar) {
    for (const auto& p : pages) {
        auto& who = people[std::string(p.person)];
        who.person = p.person;
        ++who.pages;
        if (calendar.working_time(p.at, p.at + Seconds{1}) == Seconds{0}) ++who.out_of_hours;
    }
}

}  // namespace

std::optional<double> Paging::pages_mean() const {
    if (incidents == 0) return std::nullopt;
    return static_cast<double>(pages) / incidents;
}

std::optional<Paging> paging_of(const std::vector<const Summary*>& incidents, const Config& config) {
    Paging out;
    const WorkCalendar calendar(config.business_hours);
    std::vector<double> first;
    std::map<std::string, PersonPages> people;
    for (const Summary* s : incidents) {
        if (s->pages.empty()) continue;
        ++out.incidents;
        out.pages += static_cast<int>(s->pages.size());
        out.most_pages = std::max(out.most_pages, static_cast<int>(s->pages.size()));
        auto earliest = std::min_element(s->pages.begin(), s->pages.end(),
                                         [](const PageMark& a, const PageMark& b) { return a.at < b.at; });
        if (s->times.opened) first.push_back(static_cast<double>((earliest->at - *s->times.opened).count()));
        if (s->times.acknowledged) {
            if (auto step = step_at(s->pages, *s->times.acknowledged))
                ++out.acknowledged_at_step[*step];
            else
                ++out.acknowledged_before_page;
        }
        count_people(people, s->pages, calendar);
    }
    if (out.incidents == 0) return std::nullopt;
    out.first_page = stat_of(std::move(first));
    for (auto& [key, p] : people) out.people.push_back(std::move(p));
    std::stable_sort(out.people.begin(), out.people.end(),
                     [](const PersonPages& a, const PersonPages& b) { return a.pages > b.pages; });
    return out;
}

}  // namespace incident
