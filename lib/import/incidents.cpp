// Incident history: each of the source's incidents as an incident file with
// its timeline (opened, acknowledged, escalated, notes, resolved), so MTTA
// and MTTR go on across the move; and the commit that writes the plan.
#include <algorithm>

#include "evidence/evidence.hpp"
#include "import/plan_files.hpp"
#include "model/errors.hpp"
#include "model/roundtrip.hpp"
#include "workspace/batch.hpp"

namespace incident {

namespace {

bool on_scale(const std::vector<std::string>& scale, const std::string& v) {
    return std::find(scale.begin(), scale.end(), v) != scale.end();
}

// Who did it, as the timeline names people: their email, else how the source names them.
std::string by_of(const ImportContext& c, const SourceEvent& e) {
    if (!e.user.empty())
        if (auto k = c.user_key.find(e.user); k != c.user_key.end()) return person_email_or(c.people, k->second);
    return e.user.empty() ? c.set.tool : e.user;  // a service, an integration: the tool itself
}

// Applies one source event to the incident, as the lifecycle would have.
void apply_event(const ImportContext& c, Incident& inc, const SourceEvent& se) {
    Event e;
    e.at = se.at;
    e.by = by_of(c, se);
    e.type = se.type;
    e.text = se.text;
    const std::string from(to_string(inc.status));
    if (se.type == "acknowledged") {
        if (inc.acknowledged_at) {
            e.type = "note";
            e.text = "acknowledged again in " + c.set.name + (se.text.empty() ? "" : ": " + se.text);
        } else {
            inc.acknowledged_at = se.at;
            if (inc.assignee.empty()) inc.assignee = e.by;
            if (inc.status == Status::open) {
                inc.status = Status::investigating;
                e.set("from", from);
                e.set("to", "investigating");
            }
        }
    } else if (se.type == "escalated") {
        e.set("kind", "policy");
    } else if (se.type == "resolved") {
        if (inc.status == Status::resolved) return;
        inc.status = Status::resolved;
        inc.resolved_at = se.at;
        e.set("from", from);
        e.set("to", "resolved");
        const std::string code = on_scale(c.ws.config.resolution_codes, "fixed") ? "fixed"
                                 : c.ws.config.resolution_codes.empty()          ? "fixed"
                                                                                 : c.ws.config.resolution_codes.front();
        inc.resolution = Resolution{code, se.text.empty() ? "resolved in " + c.set.name : se.text, e.by};
    } else if (se.type == "opened" && e.text.empty()) {
        e.text = inc.title;
    }
    if (!se.id.empty()) e.set("source", c.source(se.id));
    inc.timeline.push_back(std::move(e));
}

Incident incident_from(const ImportContext& c, const SourceIncident& si, Mapping& map) {
    Incident inc;
    inc.title = si.title;
    inc.description = si.description;
    inc.source = c.source(si.id);
    inc.source_number = si.number;
    inc.opened_at = si.created;
    inc.reporter = c.set.tool;
    if (auto s = c.service_key.find(si.service); s != c.service_key.end()) inc.service = s->second;
    if (on_scale(c.ws.config.urgency_scale, si.urgency))
        inc.urgency = si.urgency;
    else if (!si.urgency.empty())
        map.approximate("urgency " + si.urgency + " is not on this repository's urgency scale");
    if (on_scale(c.ws.config.priorities, si.priority)) {
        inc.priority = si.priority;
        inc.priority_reason = "imported from " + c.set.name;
    } else if (!si.priority.empty()) {
        map.approximate("priority " + si.priority + " is not on this repository's priority scale");
    }
    bool opened = false;
    for (const auto& e : si.events) {
        if (e.type == "opened" && opened) continue;
        if (e.type != "opened" && !opened)
            apply_event(c, inc, SourceEvent{si.created, si.id + "-opened", "opened", "", ""});
        opened = true;
        apply_event(c, inc, e);
    }
    if (!opened) apply_event(c, inc, SourceEvent{si.created, si.id + "-opened", "opened", "", ""});
    // What the status says and the log does not.
    const Timestamp at = std::max(si.status_at.value_or(si.created), inc.timeline.back().at);
    if (si.status == "resolved" && inc.status != Status::resolved) {
        map.approximate("no resolve entry in its log: resolved at " + format_rfc3339(at) + ", its status's time");
        apply_event(c, inc, SourceEvent{at, si.id + "-resolved", "resolved", "", ""});
    } else if (si.status == "acknowledged" && !inc.acknowledged_at) {
        map.approximate("no acknowledge entry in its log: acknowledged at " + format_rfc3339(at) +
                        ", its status's time");
        apply_event(c, inc, SourceEvent{at, si.id + "-acknowledged", "acknowledged", "", ""});
    }
    return inc;
}

// What marks an incident as the import wrote it: on its opened event, a
// digest of the incident without its id, its uid and the mark itself.
constexpr const char* kMark = "imported";

std::string digest_of(Incident inc) {
    inc.id.clear();
    inc.uid.clear();
    if (!inc.timeline.empty())
        std::erase_if(inc.timeline.front().attrs, [](const auto& a) { return a.first == kMark; });
    return sha256_hex(incident_to_yaml(inc)).substr(0, 16);
}

// Changed here since it was imported: an event of its own (it names no
// source), or a field edited by hand (its mark no longer matches).
bool changed_here(const Incident& inc) {
    if (std::any_of(inc.timeline.begin(), inc.timeline.end(), [](const Event& e) { return e.get("source").empty(); }))
        return true;
    const std::string mark = inc.timeline.empty() ? std::string() : inc.timeline.front().get(kMark);
    return !mark.empty() && mark != digest_of(inc);
}

}  // namespace

void plan_incidents(ImportContext& c) {
    std::map<std::string, Incident> here;  // by source
    const std::string prefix = c.set.tool + "/";
    for (auto& inc : c.ws.store.load_all())
        if (inc.source.rfind(prefix, 0) == 0) here.emplace(inc.source, std::move(inc));
    std::vector<const SourceIncident*> order;
    for (const auto& si : c.set.incidents) order.push_back(&si);
    std::stable_sort(order.begin(), order.end(),
                     [](const SourceIncident* a, const SourceIncident* b) { return a->created < b->created; });
    for (const SourceIncident* si : order) {
        Mapping map = si->map;
        Incident inc = incident_from(c, *si, map);
        inc.timeline.front().set(kMark, digest_of(inc));
        auto it = here.find(inc.source);
        PlanItem& item = c.item("incident", it == here.end() ? "" : it->second.id, si->id, map);
        item.notes.insert(item.notes.begin(), si->number.empty() ? si->title : "#" + si->number + " " + si->title);
        if (it == here.end()) {
            item.action = "add";
            c.plan.incidents.push_back(std::move(inc));
            continue;
        }
        const Incident& old = it->second;
        inc.id = old.id;
        inc.uid = old.uid;
        if (differences(old, inc).empty()) {
            item.action = "unchanged";
        } else if (changed_here(old)) {
            item.action = "kept";
            item.notes.push_back("changed here since it was imported: left as it is");
        } else {
            item.action = "update";
            c.plan.incidents.push_back(std::move(inc));
        }
    }
}

ImportResult apply_import(const Workspace& ws, ImportPlan& plan, const ChangeOptions& opts) {
    ImportResult out;
    if (!plan.changes()) return out;
    ChangeOptions options = opts;
    options.hooks = false;  // history: no hook sees it, and nothing pages for it
    ChangeBatch batch(ws, options);
    batch.put_files(plan.files);
    std::vector<std::size_t> steps;
    for (const auto& inc : plan.incidents) {
        if (inc.id.empty()) {
            steps.push_back(batch.change_or_create([] { return std::string(); }, nullptr,
                                                   [&inc](const std::string& id) {
                                                       Incident made = inc;
                                                       made.id = id;
                                                       return made;
                                                   }));
        } else {
            steps.push_back(batch.change_or_create([&inc] { return inc.id; },
                                                   [&inc](Incident& x) {
                                                       x = inc;
                                                       return x.timeline.back();
                                                   },
                                                   nullptr));
        }
    }
    batch.set_message("import " + plan.tool + ": " + plan.summary());
    batch.commit();
    for (auto s : steps) out.ids.push_back(batch.result(s).incident.id);
    auto made = out.ids.begin();
    for (auto& item : plan.items) {
        if (item.kind != "incident" || item.action != "add") continue;
        while (made != out.ids.end() && !plan.incidents[static_cast<std::size_t>(made - out.ids.begin())].id.empty())
            ++made;
        if (made == out.ids.end()) break;
        item.name = *made++;
    }
    out.committed = batch.committed();
    out.warnings = batch.warnings;
    return out;
}

}  // namespace incident
