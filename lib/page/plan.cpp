// The pager's planning: which steps are due, whom they reach, and the
// `paged` events and deliveries that say so. Reads nothing but what the
// Pager loaded and the incident; writes nothing.
#include <algorithm>
#include <set>

#include "lifecycle/lifecycle.hpp"
#include "model/text.hpp"
#include "page/link.hpp"
#include "page/pager.hpp"
#include "sla/calendar.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

// The number attribute `key` of `e`; -1 when it is not one.
int number(const Event& e, const std::string& key) {
    const std::string text = e.get(key);
    return !text.empty() && text.size() < 6 && all_digits(text) ? std::stoi(text) : -1;
}

// What the timeline says paging has done: when it began, and the highest
// step fired (0-based over every pass of the steps).
struct Fired {
    std::optional<Timestamp> began;
    int last = -1;
    bool in_maintenance = false;  // paging began in a maintenance window: nothing pages
};

Fired fired(const Incident& inc, std::size_t steps_per_pass) {
    Fired f;
    for (const auto& e : inc.timeline) {
        if (e.type != "paged") continue;
        if (!f.began) f.in_maintenance = !e.get("maintenance").empty();
        if (!f.began) f.began = e.at;
        const int round = number(e, "round"), step = number(e, "step");
        if (round >= 1 && step >= 1)
            f.last = std::max(f.last, (round - 1) * static_cast<int>(steps_per_pass) + step - 1);
    }
    return f;
}

// A person key, an email or a uid as part of a delivery id.
std::string id_part(const std::string& s) {
    std::string out;
    for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_';
    return out.substr(0, 64);
}

bool in_business_hours(const Config& config, Timestamp t) {
    WorkCalendar calendar(config.business_hours);
    return calendar.working_time(t, t + Seconds{1}) > Seconds{0};
}

// Paging would begin inside window `w`: said once, and nobody is paged.
Event in_maintenance(const Actor& actor, const MaintenanceWindow& w, const std::string& policy) {
    Event e = make_event(actor, "paged",
                         "in maintenance window " + w.id + " (" + (w.reason.empty() ? "" : w.reason + ", ") + "until " +
                             format_rfc3339(w.to) + "): nobody paged");
    e.set("policy", policy);
    e.set("maintenance", w.id);
    e.set("outcome", "not paged");
    return e;
}

}  // namespace

Pager::Pager(const Workspace& ws, Env env)
    : ws_(ws),
      env_(std::move(env)),
      policies_(load_escalation(ws.repo, ws.config)),
      people_(load_people(ws.repo)),
      paging_(paging_settings(ws.config, ws.repo.relative(ws.repo.config_path()))) {
    link_key_ = env_(paging_.link_key_env).value_or("");
    if (paging_.public_url.empty())
        link_problem_ = "pages carry no acknowledge link: serve.public_url is not set";
    else if (!link_key_strong_enough(link_key_))
        link_problem_ = "pages carry no acknowledge link: " + paging_.link_key_env +
                        (link_key_.empty() ? " is not set" : " is shorter than 16 bytes (serve refuses such links)");
    Problems problems;
    maintenance_ = load_maintenance(ws.repo, problems);
    for (const auto& f : problems.findings())
        maintenance_problems_.push_back(std::string(InvalidData(f.where, f.message).what()) +
                                        " (the window is ignored: paging goes on)");
}

bool Pager::may_page(const Incident& inc) const {
    const bool active =
        inc.status == Status::open || inc.status == Status::triaged || inc.status == Status::investigating;
    // An imported incident is history: its paging stayed with the tool it came from.
    return active && !inc.acknowledged_at && inc.source.empty() && !policies_.policy_for(inc).empty();
}

const Schedule* Pager::schedule(const std::string& key, std::string& why) {
    if (auto it = schedules_.find(key); it != schedules_.end()) return &it->second;
    if (auto it = unreadable_.find(key); it != unreadable_.end()) {
        why = it->second;
        return nullptr;
    }
    try {
        return &schedules_.emplace(key, load_schedule(ws_.repo, people_, key)).first->second;
    } catch (const Error& e) {
        why = unreadable_[key] = e.what();
        return nullptr;
    }
}

std::vector<std::string> Pager::people_for(const PolicyTarget& t, Timestamp now, std::string& why) {
    std::vector<std::string> out;
    switch (t.kind) {
        case PolicyTarget::Kind::schedule:
            if (const Schedule* s = schedule(t.name, why))
                for (const auto& o : on_call(*s, now)) out.push_back(o.person);
            if (out.empty() && why.empty()) why = "nobody is on call in schedule " + t.name;
            break;
        case PolicyTarget::Kind::person:
            out.push_back(t.name);
            break;
        case PolicyTarget::Kind::managers:
            if (const Team* team = ws_.config.team(t.name)) out = team->managers;
            if (out.empty()) why = "team " + t.name + " has no managers in the config";
            break;
    }
    return out;
}

void Pager::page_person(Plan& plan, const Incident& inc, const std::string& who, int index, Timestamp now,
                        const std::string& actor) {
    const Policy& policy = *policies_.find(policies_.policy_for(inc));
    const int step = index % static_cast<int>(policy.steps.size()) + 1;
    const int round = index / static_cast<int>(policy.steps.size()) + 1;
    Person someone;
    const Person* person = people_.find(who);
    if (!person && who.find('@') != std::string::npos) {  // a manager named by email alone
        someone = Person{who, who, who, "", {ContactMethod{"email", who, ""}}, ""};
        person = &someone;
    }
    auto event = [&](const std::string& method, const std::string& outcome) {
        Event e = make_event(Actor{actor, now, ws_.config}, "paged",
                             "step " + std::to_string(step) + ": " + (person ? person->key : who) +
                                 (method.empty() ? "" : " by " + method) + (outcome == "queued" ? "" : ": " + outcome));
        e.set("policy", policy.name);
        e.set("step", step);
        e.set("round", round);
        e.set("person", person ? person->key : who);
        if (!method.empty()) e.set("method", method);
        e.set("outcome", outcome == "queued" ? outcome : "not paged");
        return e;
    };
    if (!person) {
        plan.events.push_back(event("", "no person '" + who + "' in people.yaml"));
        return;
    }
    std::vector<ContactMethod> methods = person->contact;
    if (methods.empty() && !person->email.empty()) methods.push_back({"email", person->email, ""});
    if (methods.empty()) {
        plan.events.push_back(event("", "no contact method and no email in people.yaml"));
        return;
    }
    const std::string link =
        link_problem_.empty() ? page_link(paging_.public_url, link_key_, inc.uid, person->key, now + paging_.link_ttl)
                              : "";
    for (std::size_t i = 0; i < methods.size(); ++i) {
        Page page{"page-" + id_part(inc.uid) + "-" + std::to_string(index + 1) + "-" + id_part(person->key) + "-" +
                      std::to_string(i + 1),
                  &inc,
                  person,
                  step,
                  round,
                  link};
        std::string why;
        auto d = page_delivery(methods[i], page, paging_, ws_.notify, now, why);
        if (why.rfind(methods[i].kind + ": ", 0) == 0) why.erase(0, methods[i].kind.size() + 2);  // said by the event
        Event e = event(methods[i].kind, d ? "queued" : why);
        if (d) {
            e.set("delivery", d->id);
            plan.deliveries.push_back(std::move(*d));
        }
        plan.events.push_back(std::move(e));
    }
}

Pager::Plan Pager::plan(const Incident& inc, Timestamp now, const std::string& actor) {
    Plan out;
    if (!may_page(inc)) return out;
    const std::string name = policies_.policy_for(inc);
    const Policy* policy = policies_.find(name);
    if (!policy || policy->steps.empty()) {
        out.warnings.push_back(inc.id + ": no escalation policy '" + name + "' in .incident/escalation.yaml");
        return out;
    }
    const Fired f = fired(inc, policy->steps.size());
    if (f.in_maintenance) return out;
    if (!f.began && policies_.business_hours_only(inc) && !in_business_hours(ws_.config, now)) return out;
    if (!f.began) {
        for (const auto& p : maintenance_problems_) out.warnings.push_back(inc.id + ": " + p);
        if (auto w = maintenance_for(maintenance_, inc.service, now)) {
            out.events.push_back(in_maintenance(Actor{actor, now, ws_.config}, *w, name));
            return out;
        }
    }
    const Timestamp began = f.began.value_or(now);
    for (int index = f.last + 1;; ++index) {
        auto offset = policy->offset(static_cast<std::size_t>(index));
        if (!offset || began + *offset > now) break;
        const PolicyStep& step = policy->steps[static_cast<std::size_t>(index) % policy->steps.size()];
        std::vector<std::string> reached;
        bool unreadable = false;  // a schedule file that does not read: fixed, it answers
        for (const auto& target : step.notify) {
            std::string why;
            for (const auto& who : people_for(target, now, why))
                if (std::find(reached.begin(), reached.end(), who) == reached.end()) reached.push_back(who);
            if (!why.empty()) out.warnings.push_back(inc.id + ": " + target.text() + ": " + why);
            unreadable = unreadable || (target.kind == PolicyTarget::Kind::schedule && unreadable_.count(target.name));
        }
        if (reached.empty() && unreadable) {  // not fired: it fires once the schedule reads
            out.warnings.push_back(inc.id + ": step " + std::to_string(index % policy->steps.size() + 1) +
                                   " waits until its schedule reads");
            break;
        }
        const std::size_t before = out.events.size();
        for (const auto& who : reached) page_person(out, inc, who, index, now, actor);
        if (out.events.size() == before) {  // the step reached nobody: said, so that it counts as fired
            const int n = static_cast<int>(policy->steps.size());
            Event e = make_event(Actor{actor, now, ws_.config}, "paged",
                                 "step " + std::to_string(index % n + 1) + ": nobody to page");
            e.set("policy", name);
            e.set("step", index % n + 1);
            e.set("round", index / n + 1);
            e.set("outcome", "not paged");
            out.events.push_back(std::move(e));
        }
    }
    if (!out.deliveries.empty() && !link_problem_.empty()) out.warnings.push_back(link_problem_);
    return out;
}

}  // namespace incident
