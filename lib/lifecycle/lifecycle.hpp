// The incident state machine and its policies: what may happen to an incident,
// and when not, why and what to do instead (TransitionRefused). Every change
// appends a timeline event carrying the actor and the time.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "rules/rules.hpp"

namespace incident {

// Who does it, when, under which settings.
struct Actor {
    std::string who;
    Timestamp at;
    const Config& config;
};

// A new incident as it is given (by hand or from an alert): any field of an
// Incident, empty meaning unset. Its status, timeline, the times after
// detection, resolution and actions belong to the lifecycle: open_incident
// starts them afresh whatever the draft holds.
using NewIncident = Incident;

// Builds a new incident with id `id` (status open, `opened` event). The
// rules run at once when impact and urgency are known or a rule fires, so an
// alert arrives prioritised; otherwise priority waits for triage.
Incident open_incident(const std::string& id, const NewIncident& fields, const RuleSet& rules, const Actor& actor);

// Inserts an event at its place in time (backfilled events land in order).
// Throws UsageError for an event before the incident was opened.
Event& add_event(Incident& inc, Event e);

// Classification given by hand at triage time; empty fields are left alone.
struct Classification {
    std::string category, subcategory, service, impact, urgency, priority, team, tier;
};
// Classifies and prioritises through the rules and the impact x urgency
// matrix; fields given by hand win over rules, and a hand-set priority is
// kept and marked manual. Moves an open incident to triaged. `decision`
// receives the trace for --explain.
const Event& triage(Incident& inc, const Classification& c, const RuleSet& rules, const Actor& actor,
                    Decision* decision = nullptr);

const Event& acknowledge(Incident& inc, const Actor& actor, const std::string& text);
const Event& set_status(Incident& inc, Status to, const Actor& actor, const std::string& text);
const Event& stakeholder_update(Incident& inc, const Actor& actor, const std::string& text);
// Adds `ids` (existing incidents, checked by the caller) to `related`, with a
// `related` event naming them; refuses when all are there already.
const Event& add_related(Incident& inc, const Actor& actor, const std::vector<std::string>& ids);
const Event& add_note(Incident& inc, const Actor& actor, const std::string& text, bool contact_attempt);
const Event& assign(Incident& inc, const Actor& actor, const std::string& user, const std::string& role);

// Functional escalation to a tier (default: the next one) and/or a team. A
// move to a lower tier is recorded as `de-escalated`, which reports do not
// count as an escalation.
// `tags` are extra event attributes (automatic escalation marks its events).
const Event& escalate_functional(Incident& inc, const Actor& actor, const std::string& to_tier,
                                 const std::string& to_team, const std::string& reason, const Attributes& tags = {});
// Hierarchical escalation to the next manager of the incident's team.
const Event& escalate_hierarchical(Incident& inc, const Actor& actor, const std::string& reason,
                                   const Attributes& tags = {});

const Event& resolve(Incident& inc, const Actor& actor, const std::string& code, const std::string& summary);
const Event& reopen(Incident& inc, const Actor& actor, const std::string& reason);

struct CloseRequest {
    std::string confirmed_by;  // empty: rely on contact attempts
    bool postmortem_exists = false;
    std::vector<std::string> postmortem_problems;  // what postmortem --check found
    std::string text;
    // The postmortem in the work tree differs from the committed one, where
    // the close is committed: refused, so the close never rests on words
    // the repository does not hold.
    bool postmortem_uncommitted = false;
};
// True when `inc` may only close with a complete postmortem (postmortem.required_to_close; not a drill).
bool postmortem_required_to_close(const Incident& inc, const Config& config);
const Event& close(Incident& inc, const Actor& actor, const CloseRequest& req);

// Tasks (lifecycle/tasks.cpp). Each runbook of `names` not yet attached
// (and read: rules.runbooks) gets a `runbook` event and its checklist as
// tasks; open and triage attach what their rules name.
void attach_runbooks(Incident& inc, const Actor& actor, const std::vector<std::string>& names, const RuleSet& rules);
const Event& add_task(Incident& inc, const Actor& actor, const std::string& title);
// `which`: a task's id, or its number as `task list` shows it (from 1).
const Event& complete_task(Incident& inc, const Actor& actor, const std::string& which);
// Refuses (TransitionRefused) a close that close.tasks_required_for says
// needs every task done, while some are not.
void refuse_open_tasks(const Incident& inc, const Config& config);

// An event by `actor` at its time; add_event puts it on the timeline.
Event make_event(const Actor& actor, std::string type, std::string text = {});

// Action items (lifecycle/actions.cpp): numbered from 1, kept in the incident file.
const Event& add_action(Incident& inc, const Actor& actor, Action action);
const Event& complete_action(Incident& inc, const Actor& actor, int number);
// What `action edit` changes; a value given empty clears it (not the title).
struct ActionEdit {
    std::optional<std::string> title, owner, due, type, tracker;
};
// Changes action item `number`; an `action_edited` event names what changed.
// Refused when nothing would change.
const Event& edit_action(Incident& inc, const Actor& actor, int number, const ActionEdit& edit);

}  // namespace incident
