#include "merge/merge.hpp"

#include <algorithm>
#include <optional>
#include <unordered_set>

#include "model/errors.hpp"
#include "model/fields.hpp"
#include "model/roundtrip.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

std::string key_of(const std::string& s) { return s; }
std::string key_of(const Event& e) { return event_to_json(e).dump(); }
std::string key_of(const Action& a) { return action_to_json(a).dump(); }
std::string key_of(const Attachment& a) { return attachment_to_json(a).dump(); }

template <typename T>
std::unordered_set<std::string> keys_of(const std::vector<T>& items) {
    std::unordered_set<std::string> out;
    for (const auto& x : items) out.insert(key_of(x));
    return out;
}

// Kept: what the common version had and neither side removed, in its
// order; then what either side added, in the order of their content, so
// that both clones merge alike.
template <typename T>
std::vector<T> merge_set(const std::vector<T>& base, const std::vector<T>& ours, const std::vector<T>& theirs) {
    auto in_base = keys_of(base), in_ours = keys_of(ours), in_theirs = keys_of(theirs);
    std::vector<T> out;
    for (const auto& x : base)
        if (std::string k = key_of(x); in_ours.count(k) && in_theirs.count(k)) out.push_back(x);
    std::vector<std::pair<std::string, const T*>> added;
    std::unordered_set<std::string> taken;
    for (const auto* side : {&ours, &theirs})
        for (const auto& x : *side)
            if (std::string k = key_of(x); !in_base.count(k) && taken.insert(k).second) added.emplace_back(k, &x);
    std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [_, x] : added) out.push_back(*x);
    return out;
}

// When the newest event a side has and the other lacks happened; nullopt
// when it has none of its own.
std::optional<Timestamp> newest_own_event(const Incident& side, const Incident& other) {
    auto theirs = keys_of(other.timeline);
    std::optional<Timestamp> newest;
    for (const auto& e : side.timeline)
        if (!theirs.count(key_of(e)) && (!newest || e.at > *newest)) newest = e.at;
    return newest;
}

// The fields one side changed since the common version.
using Changed = std::unordered_set<std::string>;
Changed changed(const Incident& base, const Incident& side) {
    auto d = differences(base, side);
    return {d.begin(), d.end()};
}

// The side whose changes win where both changed a value: the one with the
// later event of its own; on a tie, a fixed order of the two documents.
const Incident& winner(const Incident& ours, const Incident& theirs) {
    auto a = newest_own_event(ours, theirs), b = newest_own_event(theirs, ours);
    if (a != b) return a > b ? ours : theirs;
    return incident_to_json(ours).dump() >= incident_to_json(theirs).dump() ? ours : theirs;
}

std::vector<Action> merge_actions(const Incident& base, const Incident& ours, const Incident& theirs,
                                  const Incident& win) {
    std::vector<Action> merged = merge_set(base.actions, ours.actions, theirs.actions), out;
    int next = 0;
    for (const auto& a : merged) next = std::max(next, a.id);
    auto has_id = [](const std::vector<Action>& list, int id) {
        return std::any_of(list.begin(), list.end(), [&](const Action& a) { return a.id == id; });
    };
    for (auto a : merged) {
        if (!has_id(out, a.id)) {
            out.push_back(a);
            continue;
        }
        if (has_id(base.actions, a.id)) {  // one item changed on both sides: the winner's stays
            auto same =
                std::find_if(win.actions.begin(), win.actions.end(), [&](const Action& w) { return w.id == a.id; });
            auto kept = std::find_if(out.begin(), out.end(), [&](const Action& o) { return o.id == a.id; });
            if (same != win.actions.end()) *kept = *same;
            continue;
        }
        a.id = ++next;  // two new items under one number: both stay
        out.push_back(a);
    }
    return out;
}

const Task* find_task(const std::vector<Task>& tasks, const std::string& id) {
    auto it = std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == id; });
    return it == tasks.end() ? nullptr : &*it;
}

// Tasks as a set by id: what the common version had and neither side
// removed, in its order, then what either side added, by id. A task either
// side ticked off is done (the earlier tick when both did); its title as
// the winner has it.
std::vector<Task> merge_tasks(const Incident& base, const Incident& ours, const Incident& theirs, const Incident& win) {
    std::vector<std::string> ids, added;
    for (const auto& t : base.tasks)
        if (find_task(ours.tasks, t.id) && find_task(theirs.tasks, t.id)) ids.push_back(t.id);
    for (const auto* side : {&ours.tasks, &theirs.tasks})
        for (const auto& t : *side)
            if (!find_task(base.tasks, t.id) && std::find(added.begin(), added.end(), t.id) == added.end())
                added.push_back(t.id);
    std::sort(added.begin(), added.end());
    ids.insert(ids.end(), added.begin(), added.end());
    std::vector<Task> out;
    for (const auto& id : ids) {
        const Task *o = find_task(ours.tasks, id), *t = find_task(theirs.tasks, id), *w = find_task(win.tasks, id);
        Task merged = w ? *w : o ? *o : *t;
        const Task* done = nullptr;
        for (const Task* side : {o, t})
            if (side && side->done_at && (!done || *side->done_at < *done->done_at)) done = side;
        merged.done_at = done ? done->done_at : std::nullopt;
        merged.done_by = done ? done->done_by : std::string();
        out.push_back(std::move(merged));
    }
    return out;
}

using Keyed = std::vector<std::pair<std::string, std::string>>;

std::string value_of(const Keyed& k, const std::string& key) {
    auto it = std::find_if(k.begin(), k.end(), [&](const auto& e) { return e.first == key; });
    return it == k.end() ? std::string() : it->second;
}

// Keyed values (roles, keys the tool does not know), key by key as scalars;
// an empty value is no key. The common version's keys in its order, then
// the added ones by name, so that both clones merge alike.
Keyed merge_keyed(const Keyed& base, const Keyed& ours, const Keyed& theirs, const Keyed& win) {
    std::vector<std::string> names, added;
    for (const auto& [name, _] : base) names.push_back(name);
    for (const auto* side : {&ours, &theirs})
        for (const auto& [name, _] : *side)
            if (std::find(names.begin(), names.end(), name) == names.end() &&
                std::find(added.begin(), added.end(), name) == added.end())
                added.push_back(name);
    std::sort(added.begin(), added.end());
    names.insert(names.end(), added.begin(), added.end());
    Keyed out;
    for (const auto& name : names) {
        std::string b = value_of(base, name), o = value_of(ours, name), t = value_of(theirs, name);
        std::string v = o == t ? o : o == b ? t : t == b ? o : value_of(win, name);
        if (!v.empty()) out.emplace_back(name, v);
    }
    return out;
}

Keyed extra_values(const Incident& inc) {
    Keyed out;
    for (const auto& x : inc.extra) out.emplace_back(x.key, yaml_to_json(x.value).dump());
    return out;
}

// The unknown keys, merged by their values; each kept where its side had it.
std::vector<ExtraKey> merge_extra(const Incident& base, const Incident& ours, const Incident& theirs,
                                  const Incident& win) {
    std::vector<ExtraKey> out;
    for (const auto& kv : merge_keyed(extra_values(base), extra_values(ours), extra_values(theirs), extra_values(win)))
        for (const auto* side : {&ours, &theirs}) {
            auto it = std::find_if(side->extra.begin(), side->extra.end(), [&](const ExtraKey& x) {
                return x.key == kv.first && yaml_to_json(x.value).dump() == kv.second;
            });
            if (it != side->extra.end()) {
                out.push_back(*it);
                break;
            }
        }
    return out;
}

void copy_field(Incident& to, const Incident& from, const IncidentField& f) {
    if (f.text) to.*f.text = from.*f.text;
    if (f.time) to.*f.time = from.*f.time;
    if (f.list) to.*f.list = from.*f.list;
    if (f.flag) to.*f.flag = from.*f.flag;
    if (f.type == FieldType::status) to.status = from.status;
    if (f.type == FieldType::resolution) to.resolution = from.resolution;
}

// The fields that move together through the lifecycle.
bool is_lifecycle(const IncidentField& f) {
    static const std::unordered_set<std::string_view> keys = {
        "status", "resolution", "opened_at", "acknowledged_at", "mitigated_at", "resolved_at", "closed_at"};
    return keys.count(f.key) > 0;
}

// The side whose lifecycle the merge takes: the closed one, else the one
// that moved it, else the one further along, else the winner.
const Incident& lifecycle_side(const Incident& ours, const Incident& theirs, const Incident& win,
                               const Changed& by_ours, const Changed& by_theirs) {
    bool ours_closed = ours.status == Status::closed, theirs_closed = theirs.status == Status::closed;
    if (ours_closed != theirs_closed) return ours_closed ? ours : theirs;
    bool moved_ours = false, moved_theirs = false;
    for (const auto& f : incident_fields()) {
        if (!is_lifecycle(f)) continue;
        moved_ours = moved_ours || by_ours.count(std::string(f.key));
        moved_theirs = moved_theirs || by_theirs.count(std::string(f.key));
    }
    if (moved_ours != moved_theirs) return moved_ours ? ours : theirs;
    if (ours.status != theirs.status) return ours.status > theirs.status ? ours : theirs;
    return win;
}

}  // namespace

Incident merge_incidents(const Incident& base, const Incident& ours, const Incident& theirs) {
    auto by_ours = changed(base, ours), by_theirs = changed(base, theirs);
    const Incident& win = winner(ours, theirs);
    const Incident& lifecycle = lifecycle_side(ours, theirs, win, by_ours, by_theirs);
    Incident out = ours;  // the id
    out.extra = merge_extra(base, ours, theirs, win);
    for (const auto& f : incident_fields()) {
        std::string key(f.key);
        if (is_lifecycle(f)) {
            copy_field(out, lifecycle, f);
            // An acknowledgement the other side made stays, whichever side moved further.
            if (f.time == &Incident::acknowledged_at && !out.acknowledged_at)
                out.acknowledged_at = (&lifecycle == &ours ? theirs : ours).acknowledged_at;
        } else if (f.type == FieldType::list) {
            out.*f.list = merge_set(base.*f.list, ours.*f.list, theirs.*f.list);
        } else if (f.type == FieldType::timeline) {
            out.timeline = merge_set(base.timeline, ours.timeline, theirs.timeline);
            std::stable_sort(out.timeline.begin(), out.timeline.end(),
                             [](const Event& a, const Event& b) { return a.at < b.at; });
        } else if (f.type == FieldType::actions) {
            out.actions = merge_actions(base, ours, theirs, win);
        } else if (f.type == FieldType::attachments) {  // each side's attachments stay
            out.attachments = merge_set(base.attachments, ours.attachments, theirs.attachments);
        } else if (f.type == FieldType::tasks) {
            out.tasks = merge_tasks(base, ours, theirs, win);
        } else if (f.type == FieldType::roles) {
            out.roles = merge_keyed(base.roles, ours.roles, theirs.roles, win.roles);
        } else {
            bool changed_ours = by_ours.count(key), changed_theirs = by_theirs.count(key);
            copy_field(out, changed_ours && changed_theirs ? win : changed_theirs ? theirs : ours, f);
        }
    }
    return out;
}

MergeOutcome merge_incident_files(std::string_view base, std::string_view ours, std::string_view theirs,
                                  const std::string& display) {
    std::string problem;
    auto parse = [&](std::string_view text, const char* side) -> std::optional<Incident> {
        try {
            return incident_from_yaml(load_yaml(text, display), display);
        } catch (const InvalidData& e) {
            if (problem.empty()) problem = std::string(side) + " side does not read: " + e.what();
            return std::nullopt;
        }
    };
    std::optional<Incident> b = base.empty() ? std::optional<Incident>(Incident{}) : parse(base, "the common");
    std::optional<Incident> o = parse(ours, "our"), t = parse(theirs, "their");
    if (!b || !o || !t) return {"", problem};
    if (o->uid != t->uid || (base.empty() && o->uid.empty()))
        return {"", base.empty() ? "two different incidents took the id " + o->id +
                                       "; give the one not yet pushed the next free number (its file name and id)"
                                 : "the two sides have different uids (" + o->uid + ", " + t->uid + ")"};
    try {
        Incident merged = merge_incidents(*b, *o, *t);
        // Two records of one name would name one file: git's conflict on that file is the one to settle.
        for (size_t i = 0; i < merged.attachments.size(); ++i)
            for (size_t j = 0; j < i; ++j)
                if (merged.attachments[i].name == merged.attachments[j].name)
                    return {"", "both sides attached a different file named '" + merged.attachments[i].name +
                                    "': keep one (git shows both), and attach the other under another name"};
        return {verified_incident_yaml(merged, display, ours), ""};
    } catch (const InvalidData& e) {
        return {"", std::string("the merge does not read back: ") + e.what()};
    }
}

}  // namespace incident
