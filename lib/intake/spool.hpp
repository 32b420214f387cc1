// The spool of a standby receiver: alert requests `serve` took while another
// receiver held the pager lease (page/lease.hpp). Each is checked as the
// holder checks it (a bad body gets the same 400), then kept whole under
// .git/incident/spool/ and answered 202; nothing is opened. When this
// receiver takes the lease it replays them, oldest first, at the time each
// came, and drops each once taken — so a kill loses none and takes none
// twice. Alerts are posted to every receiver: what the holder already took
// is skipped by its key.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "intake/receive.hpp"

namespace incident {

// At most this many requests wait in the spool; beyond, 503 (the sender retries).
inline constexpr std::size_t kMaxSpooled = 10000;

// Checks the body as receive_alerts does and keeps it; 202 {"spooled": N
// alerts} (PagerDuty's route: its 202 shape). 400/404/500 as receive_alerts,
// 503 when the spool is full or cannot be written.
AlertReply spool_alerts(const Workspace& ws, const std::string& path, const AlertRoute& route, std::string_view body,
                        Timestamp now);

// How many requests wait.
std::size_t spooled_count(const Workspace& ws);

// Drops the requests that came before `before` (the holder has long taken them).
std::size_t prune_spool(const Workspace& ws, Timestamp before);

struct Replay {
    std::size_t requests = 0;           // requests taken from the spool
    std::size_t skipped = 0;            // alerts the holder had already taken
    std::vector<IntakeOutcome> taken;   // what the others did
    std::vector<std::string> problems;  // requests that could not be read (dropped) or taken (kept)
};

// Takes every spooled request, oldest first, as receive_alerts would have at
// the time it came, but for alerts some incident with their key recorded no
// earlier than `window` before that time: opened by it, or an alert event of
// its status (a resolve is not the trigger before it).
// Stops at the first request whose change fails (it stays for the next try).
Replay replay_spool(const Workspace& ws, const std::string& actor, Seconds window, const ChangeOptions& opts);

}  // namespace incident
