// The pager: fires the due steps of an incident's escalation policy until
// someone acknowledges it (or it is mitigated, resolved or closed). Each
// step resolves its targets to people at that instant (a schedule: who is
// on call then) and reaches each person by every contact method they list,
// in order. Every page is a `paged` timeline event (step, round, person,
// method, outcome, delivery), so what fired is in the repository: paging
// again at the same instant fires nothing twice, on this clone or after a
// sync. Time is an input: `now` decides what is due and who is on call.
//
// A page is queued in the outbox (held) before the event that records it is
// saved, released once it is, and only then sent: a kill at any moment
// loses no page (a held page whose event was saved is released by the next
// tick; one whose event was not is dropped, and the step fires again) and
// sends none twice.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "notify/notify.hpp"
#include "oncall/schedule.hpp"
#include "page/contact.hpp"
#include "page/maintenance.hpp"
#include "page/policy.hpp"
#include "workspace/workspace.hpp"

namespace incident {

// What paging reads, once for a tick: the policies, the people, the
// schedules (loaded when first named), the settings that carry pages, the
// maintenance windows (an incident whose paging would begin in one pages nobody).
class Pager {
public:
    // Throws InvalidData when escalation.yaml, people.yaml or the paging
    // settings cannot be read.
    Pager(const Workspace& ws, Env env);

    const EscalationPolicies& policies() const { return policies_; }
    const PagingSettings& settings() const { return paging_; }

    // Whether `inc` may page: active, unacknowledged, with a policy.
    bool may_page(const Incident& inc) const;

    // The steps of `inc` due at `now` and not yet fired, as `paged` events by
    // `actor`, with the deliveries they make (ids in the events). Empty when
    // nothing is due.
    struct Plan {
        std::vector<Event> events;
        std::vector<Delivery> deliveries;
        std::vector<std::string> warnings;  // e.g. no acknowledge link could be made
    };
    Plan plan(const Incident& inc, Timestamp now, const std::string& actor);

private:
    std::vector<std::string> people_for(const PolicyTarget& t, Timestamp now, std::string& why);
    const Schedule* schedule(const std::string& key, std::string& why);
    void page_person(Plan& plan, const Incident& inc, const std::string& who, int index, Timestamp now,
                     const std::string& actor);

    const Workspace& ws_;
    Env env_;
    EscalationPolicies policies_;
    People people_;
    PagingSettings paging_;
    std::map<std::string, Schedule> schedules_;
    std::map<std::string, std::string> unreadable_;  // schedule key -> why
    std::string link_key_;
    std::string link_problem_;                       // why pages carry no acknowledge link; empty when they do
    std::vector<MaintenanceWindow> maintenance_;     // the windows that read
    std::vector<std::string> maintenance_problems_;  // the files that did not: paging goes on
};

struct PageOptions {
    Timestamp now{};
    ChangeOptions change;
    bool dry_run = false;
    std::chrono::milliseconds budget{5000};  // for sending, in all
};

struct PagedIncident {
    std::string id;
    std::vector<Event> events;  // the pages fired
    bool committed = false;
};

struct PageReport {
    std::vector<std::string> opened;  // "INC-9 TITLE": opened for a missed heartbeat (page tick)
    std::vector<PagedIncident> paged;
    std::vector<std::string> sent, queued;  // "INC-7 alice email" / "...: why; kept in the outbox"
    std::vector<std::string> warnings;
};

// Fires every due step of every incident that may page (page tick).
PageReport page_tick(const Workspace& ws, const PageOptions& opts, const Env& env, const Sleeper& sleep);

// The same for incident `id` alone: what a change that opens an incident
// or raises its priority runs afterwards. Nothing when it does not page.
PageReport page_incident(const Workspace& ws, const std::string& id, const PageOptions& opts, const Env& env,
                         const Sleeper& sleep);

// Under the lock: releases each held page whose `paged` event is saved
// (returned, to be sent), and drops each whose event is not (its step fires
// again).
std::vector<Delivery> settle_held_pages(const Workspace& ws, const ChangeOptions& opts,
                                        std::vector<std::string>& warnings);

// settle_held_pages, then what it released sent within the budget: all a
// receiver that does not page does (another holds the pager lease) with the
// pages it recorded before.
PageReport send_settled_pages(const Workspace& ws, const PageOptions& opts, const Env& env, const Sleeper& sleep);

}  // namespace incident
