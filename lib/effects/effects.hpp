// What follows a saved change, in one place: the pages its incident now owes
// by escalation policy (lib/page) and the notifications its event makes
// (lib/notify), in that order — waking someone comes first — then the
// status page republished (lib/status) where it is configured to follow,
// then the after-change hooks (lib/hooks, effects/hooks.hpp). Each is queued
// in the outbox under .git/incident/ before it is sent, and a failure is a
// warning: the change itself has already happened.
#pragma once

#include <chrono>

#include "effects/hooks.hpp"
#include "notify/notify.hpp"
#include "page/pager.hpp"
#include "workspace/workspace.hpp"

namespace incident {

struct EffectOptions {
    Timestamp now{};
    ChangeOptions change;  // for the pages' own change (their `paged` events)
    bool notify = true;    // false: --no-notify
    bool dry_run = false;  // notifications are previewed; nothing pages
};

struct Effects {
    PageReport pages;
    NotifyReport notes;
    std::vector<std::string> published;  // warnings of the status page's republishing
    HookReport hooks;                    // the after-change hooks run (this change's and any left queued)
};

Effects after_change(const Workspace& ws, const ChangeResult& result, const EffectOptions& opts, const Env& env,
                     const Sleeper& sleep);

}  // namespace incident
