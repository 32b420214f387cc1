// Alerts into incidents: open, repeat, acknowledge, resolve.
#include <algorithm>

#include "git/git.hpp"
#include "index/index.hpp"
#include "intake/intake.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

const char* status_word(AlertAction a) {
    switch (a) {
        case AlertAction::trigger:
            return "firing";
        case AlertAction::acknowledge:
            return "acknowledged";
        case AlertAction::resolve:
            return "resolved";
    }
    return "firing";
}

namespace {

int alerts_with_key(const Incident& inc, const std::string& key) {
    return static_cast<int>(std::count_if(inc.timeline.begin(), inc.timeline.end(),
                                          [&](const Event& e) { return e.type == "alert" && e.get("key") == key; }));
}

// The `alert` event: which key, what it said, the how-many-th it is.
Event alert_event(Incident& inc, const Actor& actor, const Alert& a) {
    Event e;
    e.at = actor.at;
    e.by = actor.who;
    e.type = "alert";
    e.text = one_line(a.title);
    e.set("key", a.key);
    e.set("status", status_word(a.action));
    e.set("count", static_cast<long long>(alerts_with_key(inc, a.key) + 2));  // the one that opened it is the first
    return add_event(inc, std::move(e));
}

}  // namespace

Event record_alert(Incident& inc, const Actor& actor, const Alert& a, const IntakeSettings& s, std::string& outcome) {
    Event e = alert_event(inc, actor, a);
    outcome = "repeated";
    if (a.action == AlertAction::acknowledge && !inc.acknowledged_at) {
        outcome = "acknowledged";
        return acknowledge(inc, actor, "acknowledged by the alert source");
    }
    if (a.action == AlertAction::resolve) {
        outcome = "resolved";
        if (s.auto_mitigate &&
            (inc.status == Status::open || inc.status == Status::triaged || inc.status == Status::investigating))
            return set_status(inc, Status::mitigated, actor, "the alert resolved");
    }
    return e;
}

namespace {

NewIncident new_incident(const Alert& a, const IntakeSettings& s, Timestamp now) {
    NewIncident f;
    f.title = one_line(a.title);  // a NUL or a line break from the source ends no title or commit subject
    f.service = a.service;
    f.category = a.category;
    f.dedup_key = a.key;
    f.description = a.description;
    if (!a.links.empty()) {
        f.description += "\n\nLinks:";
        for (const auto& l : a.links) f.description += "\n  " + l;
    }
    if (auto it = s.severity.find(a.severity); it != s.severity.end()) {
        f.impact = it->second.first;
        f.urgency = it->second.second;
    }
    if (a.started_at) f.detected_at = std::min(*a.started_at, now);
    return f;
}

bool is_open(Status s) { return s != Status::resolved && s != Status::closed; }

}  // namespace

std::string find_open_by_key(const Workspace& ws, const std::string& key, Timestamp now) {
    if (key.empty()) return {};
    Index index = load_index(ws.store, ws.config, now);
    for (const auto& s : index.incidents)
        if (s.dedup_key == key && is_open(s.status)) return std::string(s.id);
    return {};
}

OpenKeys::OpenKeys(ChangeBatch& batch, OpenKeyCache* cache)
    : batch_(batch), cache_(cache), holds_(cache && cache->holds(batch)) {}

std::string OpenKeys::find(const std::string& key, Timestamp now) {
    if (key.empty()) return {};
    // The batch's incidents as they are now, before the files they replace.
    for (const auto& [id, inc] : batch_.changed())
        if (inc.dedup_key == key && is_open(inc.status)) return id;
    if (holds_) return from_cache(key, now);
    if (!index_) {
        index_ = load_index(batch_.workspace().store, batch_.workspace().config, now);
        if (cache_) cache_->fill(*index_);
    }
    for (const auto& s : index_->incidents)
        if (s.dedup_key == key && is_open(s.status) && !batch_.changed().contains(std::string(s.id)))
            return std::string(s.id);
    return {};
}

// The cache's answer, checked against the file it names (read next anyway).
std::string OpenKeys::from_cache(const std::string& key, Timestamp now) {
    const std::string* id = cache_->find(key);
    if (!id || batch_.changed().contains(*id)) return {};
    try {
        const Incident inc = batch_.load(*id);
        if (inc.dedup_key == key && is_open(inc.status)) return *id;
    } catch (const Error&) {  // gone or unreadable: the index says
    }
    cache_->forget();
    holds_ = false;
    return find(key, now);
}

bool OpenKeyCache::holds(const ChangeBatch& batch) {
    ws_ = &batch.workspace();
    used_ = filled_ && batch.lock_generation() != 0 && batch.lock_generation() == generation_ + 1 && head() == head_;
    return used_;
}

void OpenKeyCache::fill(const Index& index) {
    open_.clear();
    for (const auto& s : index.incidents)
        if (!s.dedup_key.empty() && is_open(s.status)) open_.emplace(s.dedup_key, s.id);  // the first, as the index's
    filled_ = used_ = true;
}

const std::string* OpenKeyCache::find(const std::string& key) const {
    auto it = open_.find(key);
    return it == open_.end() ? nullptr : &it->second;
}

void OpenKeyCache::after(const ChangeBatch& batch) {
    if (!used_ || !filled_ || batch.lock_generation() == 0) {  // a dry run wrote nothing
        filled_ = false;
        return;
    }
    for (const auto& [changed, inc] : batch.changed()) {
        const std::string& id = changed;  // clang 14 cannot capture a structured binding
        std::erase_if(open_, [&id](const auto& entry) { return entry.second == id; });
        if (!inc.dedup_key.empty() && is_open(inc.status)) open_.emplace(inc.dedup_key, id);
    }
    generation_ = batch.lock_generation();
    head_ = head();
    used_ = false;
}

std::string OpenKeyCache::head() const { return git::head_commit(ws_->repo.root.string()); }

nlohmann::ordered_json to_json(const IntakeOutcome& o) {
    return {{"id", o.id.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(o.id)},
            {"outcome", o.outcome},
            {"key", o.key},
            {"count", o.count}};
}

std::vector<IntakeOutcome> take_alerts(ChangeBatch& batch, OpenKeys& keys, const std::vector<Alert>& alerts,
                                       const IntakeSettings& settings, const std::string& actor, Timestamp now) {
    std::vector<IntakeOutcome> out;
    const Workspace& ws = batch.workspace();
    const Actor who{actor, now, ws.config};
    for (const auto& a : alerts) {
        IntakeOutcome o;
        o.key = a.key;
        std::string found;
        auto find = [&] { return found = keys.find(a.key, now); };
        auto mutate = [&](Incident& inc) { return record_alert(inc, who, a, settings, o.outcome); };
        std::function<Incident(const std::string&)> build;
        if (a.action == AlertAction::trigger)
            build = [&](const std::string& id) {
                return open_incident(id, new_incident(a, settings, now), ws.rules, who);
            };
        o.step = batch.change_or_create(find, mutate, build);
        const Incident& inc = batch.result(o.step).incident;
        o.id = inc.id;
        if (o.id.empty())
            o.outcome = "ignored";  // resolved or acknowledged: no open incident has its key
        else if (found.empty())
            o.outcome = "opened";
        o.count = o.id.empty() ? 0 : alerts_with_key(inc, a.key) + 1;
        out.push_back(std::move(o));
    }
    return out;
}

void settle_outcomes(std::vector<IntakeOutcome>& outcomes, const ChangeBatch& batch) {
    for (auto& o : outcomes) {
        o.change = batch.result(o.step);
        o.id = o.change.incident.id;  // renumbered by the sync, perhaps
    }
}

std::vector<IntakeOutcome> take_alerts(const Workspace& ws, const std::vector<Alert>& alerts,
                                       const IntakeSettings& settings, const std::string& actor, Timestamp now,
                                       const ChangeOptions& opts) {
    ChangeBatch batch(ws, opts);
    OpenKeys keys(batch);
    auto out = take_alerts(batch, keys, alerts, settings, actor, now);
    batch.commit();
    settle_outcomes(out, batch);
    if (!out.empty())  // what concerns the whole change, said once
        out.front().change.warnings.insert(out.front().change.warnings.begin(), batch.warnings.begin(),
                                           batch.warnings.end());
    return out;
}

}  // namespace incident
