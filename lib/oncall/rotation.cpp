// Who is on call when: a layer's turn at an instant is counted from its
// start (daily and weekly turns step by local calendar days, hourly ones by
// hours), restrictions mask it, the last layer with someone wins, overrides
// apply on top. Shifts are the spans between the instants where any of that
// can change.
#include <algorithm>

#include "model/errors.hpp"
#include "oncall/schedule.hpp"

namespace incident {

LocalTime Zone::local(Timestamp t) const {
    if (!tz) return LocalTime{t.time_since_epoch()};
    return LocalTime{t.time_since_epoch() + tz->get_info(t).offset};
}

Timestamp Zone::instant(LocalTime t) const {
    if (!tz) return Timestamp{t.time_since_epoch()};
    const date::local_info info = tz->get_info(t);
    // In a gap, the first instant after it: where the earlier offset ends.
    if (info.result == date::local_info::nonexistent) return info.first.end;
    // Unique, or ambiguous: its first occurrence, in the earlier offset.
    return Timestamp{t.time_since_epoch() - info.first.offset};
}

const char* rotation_name(Rotation r) {
    return r == Rotation::hourly ? "hourly" : r == Rotation::daily ? "daily" : "weekly";
}

namespace {

using Days = date::days;

constexpr Seconds kDay{86400};

// The instant of hand-off `k` (k = 0 is the layer's start).
Timestamp handoff(const Zone& z, const Layer& l, long long k) {
    if (l.rotation == Rotation::hourly) return z.instant(l.start) + std::chrono::hours(k * l.shift);
    const long long days = k * l.shift * (l.rotation == Rotation::weekly ? 7 : 1);
    return z.instant(l.start + Days(days));
}

long long floor_div(long long a, long long b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The turn in force at `t` (t at or after the start).
long long turn_at(const Zone& z, const Layer& l, Timestamp t) {
    long long k;
    if (l.rotation == Rotation::hourly) {
        k = floor_div((t - z.instant(l.start)).count(), 3600LL * l.shift);
    } else {
        const long long period = 86400LL * l.shift * (l.rotation == Rotation::weekly ? 7 : 1);
        k = floor_div((z.local(t) - l.start).count(), period);
    }
    // The estimate in local time is off by one at most around a gap.
    while (handoff(z, l, k + 1) <= t) ++k;
    while (k > 0 && handoff(z, l, k) > t) --k;
    return k;
}

// The window occurrences that could hold `t`, or begin or end near it: for
// each local day from two before to eight after, each window on that day.
template <typename Fn>
void for_each_window(const Zone& z, const Layer& l, Timestamp t, Fn&& fn) {
    const auto today = date::floor<Days>(z.local(t));
    for (int d = -2; d <= 8; ++d) {
        const auto day = today + Days(d);
        const unsigned weekday = date::weekday(day).iso_encoding() - 1;  // Monday 0
        for (const auto& w : l.restrict) {
            if (!(w.days & (1u << weekday))) continue;
            const LocalTime from = LocalTime(day) + w.from;
            const LocalTime to = LocalTime(day) + w.to + (w.to <= w.from ? kDay : Seconds{0});
            if (!fn(z.instant(from), z.instant(to))) return;
        }
    }
}

bool restricted_in(const Zone& z, const Layer& l, Timestamp t) {
    if (l.restrict.empty()) return true;
    bool in = false;
    for_each_window(z, l, t, [&](Timestamp from, Timestamp to) {
        in = from <= t && t < to;
        return !in;
    });
    return in;
}

// When a layer has someone on call at the earliest: its start, or on_call_from.
Timestamp layer_begins(const Zone& z, const Layer& l) { return z.instant(l.on_call_from.value_or(l.start)); }

bool layer_started(const Zone& z, const Layer& l, Timestamp t) {
    return t >= layer_begins(z, l) && !(l.end && t >= z.instant(*l.end));
}

// The people a layer has on call at `t` (empty when none).
const std::vector<std::string>* layer_at(const Zone& z, const Layer& l, Timestamp t) {
    if (l.turns.empty() || !layer_started(z, l, t) || !restricted_in(z, l, t)) return nullptr;
    const long long k = turn_at(z, l, t);
    return &l.turns[static_cast<std::size_t>(k % static_cast<long long>(l.turns.size()))];
}

// The first instant after `t` at which the layer's answer may change.
Timestamp layer_next_change(const Zone& z, const Layer& l, Timestamp t) {
    const Timestamp start = layer_begins(z, l);
    if (t < start) return start;
    Timestamp next = handoff(z, l, turn_at(z, l, t) + 1);
    if (l.end) {
        const Timestamp end = z.instant(*l.end);
        if (t >= end) return Timestamp::max();
        next = std::min(next, end);
    }
    for_each_window(z, l, t, [&](Timestamp from, Timestamp to) {
        if (from > t) next = std::min(next, from);
        if (to > t) next = std::min(next, to);
        return true;
    });
    return next;
}

struct Member {
    std::string person, source, override_id;
    bool operator==(const Member&) const = default;
};

// Everyone on call at `t`, in order, without repeats.
std::vector<Member> members_at(const Schedule& s, Timestamp t) {
    std::vector<Member> set;
    for (auto l = s.layers.rbegin(); l != s.layers.rend() && (set.empty() || s.every_layer); ++l)
        if (const auto* turn = layer_at(s.zone, *l, t))
            for (const auto& p : *turn) set.push_back({p, "layer " + l->name, ""});
    for (const auto& o : s.overrides) {
        if (!(o.from <= t && t < o.to)) continue;
        const Member taker{o.who, "override", o.id};
        if (o.instead_of.empty()) {
            set = {taker};
            continue;
        }
        for (auto& m : set)
            if (m.person == o.instead_of) m = taker;
    }
    std::vector<Member> unique;
    for (auto& m : set)
        if (std::none_of(unique.begin(), unique.end(), [&](const Member& u) { return u.person == m.person; }))
            unique.push_back(std::move(m));
    return unique;
}

Timestamp next_change(const Schedule& s, Timestamp t) {
    Timestamp next = Timestamp::max();
    for (const auto& l : s.layers) next = std::min(next, layer_next_change(s.zone, l, t));
    for (const auto& o : s.overrides) {
        if (o.from > t) next = std::min(next, o.from);
        if (o.to > t) next = std::min(next, o.to);
    }
    return next;
}

bool holds(const std::vector<Member>& set, const Member& m) {
    return std::find(set.begin(), set.end(), m) != set.end();
}

}  // namespace

std::vector<Shift> final_shifts(const Schedule& s, Timestamp from, Timestamp to) {
    std::vector<Shift> done;
    std::vector<Shift> open;  // shifts still running at t
    std::size_t changes = 0;
    for (Timestamp t = from; t < to;) {
        if (++changes > kMaxShifts)
            throw UsageError("the range holds more than " + std::to_string(kMaxShifts) + " changes of who is on call",
                             "ask for a shorter range");
        const auto set = members_at(s, t);
        const Timestamp next = std::min(next_change(s, t), to);
        // Close what stopped; extend what goes on; open what began.
        for (auto it = open.begin(); it != open.end();) {
            if (holds(set, {it->person, it->source, it->override_id})) {
                it->until = next;
                ++it;
            } else {
                done.push_back(std::move(*it));
                it = open.erase(it);
            }
        }
        for (const auto& m : set)
            if (std::none_of(open.begin(), open.end(), [&](const Shift& x) {
                    return x.person == m.person && x.source == m.source && x.override_id == m.override_id;
                }))
                open.push_back({m.person, t, next, m.source, m.override_id});
        t = next;
    }
    done.insert(done.end(), std::make_move_iterator(open.begin()), std::make_move_iterator(open.end()));
    std::stable_sort(done.begin(), done.end(), [](const Shift& a, const Shift& b) {
        return a.from != b.from ? a.from < b.from : a.person < b.person;
    });
    return done;
}

std::vector<Shift> shifts_of_person(std::vector<Shift> shifts, const People& people, const std::string& who) {
    if (who.empty()) return shifts;
    const Person* p = people.find(who);
    if (!p) throw UsageError("'" + who + "' is not in .incident/people.yaml (a key or an email)");
    std::erase_if(shifts, [&](const Shift& x) { return x.person != p->key; });
    return shifts;
}

std::vector<OnCall> on_call(const Schedule& s, Timestamp t) {
    std::vector<OnCall> out;
    for (const auto& m : members_at(s, t)) {
        OnCall c{m.person, std::nullopt, std::nullopt, m.source, m.override_id};
        // Forward: change points until the member leaves.
        for (Timestamp at = t; at < t + kShiftHorizon;) {
            const Timestamp next = next_change(s, at);
            if (next == Timestamp::max() || next >= t + kShiftHorizon) break;
            if (!holds(members_at(s, next), m)) {
                c.until = next;
                break;
            }
            at = next;
        }
        // Backward: the shift began at the latest change point before which
        // the member was not there. Change points are found forwards, from
        // a day back, then a week, and so on.
        for (Seconds back = kDay;; back *= 4) {
            const Seconds look = std::min(back, kShiftHorizon);
            Timestamp began = t - look;
            bool found = !holds(members_at(s, began), m);
            for (Timestamp at = began; at < t;) {
                const Timestamp next = next_change(s, at);
                if (next > t) break;
                if (holds(members_at(s, next), m) && !holds(members_at(s, at), m)) began = next, found = true;
                at = next;
            }
            if (found) {
                c.from = began;
                break;
            }
            if (look == kShiftHorizon) break;
        }
        out.push_back(std::move(c));
    }
    return out;
}

}  // namespace incident
