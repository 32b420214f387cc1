// The import checks itself: where the export holds the source's own final
// schedule for a window, the imported schedule's shifts over that window
// are compared with it, instant by instant, and every stretch where they
// disagree is a difference.
#include <algorithm>
#include <set>

#include "import/plan_files.hpp"

namespace incident {

namespace {

struct Stretch {
    Timestamp from{}, to{};
    std::string person;
};

// Who `list` says is on call at `t`, sorted.
std::vector<std::string> on_call_at(const std::vector<Stretch>& list, Timestamp t) {
    std::vector<std::string> out;
    for (const auto& s : list)
        if (s.from <= t && t < s.to) out.push_back(s.person);
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

}  // namespace

void check_schedules(ImportContext& c) {
    for (const auto& s : c.set.schedules) {
        auto key = c.schedule_key.find(s.id);
        if (!s.window || key == c.schedule_key.end()) continue;
        const auto [from, to] = *s.window;
        SelfCheck check{key->second, from, to, {}};
        std::vector<Stretch> theirs, ours;
        for (const auto& r : s.rendered) {
            auto k = c.user_key.find(r.user);
            theirs.push_back(Stretch{r.from, r.to, k == c.user_key.end() ? r.user : k->second});
        }
        for (const auto& sh : final_shifts(c.schedules.at(key->second), from, to))
            ours.push_back(Stretch{sh.from, sh.until, sh.person});
        std::set<Timestamp> edges{from, to};
        for (const auto* list : {&theirs, &ours})
            for (const auto& st : *list) {
                if (st.from > from && st.from < to) edges.insert(st.from);
                if (st.to > from && st.to < to) edges.insert(st.to);
            }
        for (auto it = edges.begin(); std::next(it) != edges.end(); ++it) {
            const Timestamp a = *it, b = *std::next(it);
            auto source = on_call_at(theirs, a), here = on_call_at(ours, a);
            if (source == here) continue;
            auto& diffs = check.differences;
            if (!diffs.empty() && diffs.back().to == a && diffs.back().source == source && diffs.back().here == here)
                diffs.back().to = b;
            else
                diffs.push_back(ScheduleDifference{key->second, a, b, std::move(source), std::move(here)});
        }
        c.plan.checks.push_back(std::move(check));
    }
}

}  // namespace incident
