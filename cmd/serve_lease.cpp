#include "serve_lease.hpp"

#include <unistd.h>

#include <sstream>

#include "intake/spool.hpp"
#include "page/contact.hpp"
#include "sync/sync.hpp"

namespace incident::cli {

namespace {

// The lease's clock: steady (a wall clock set back or forward moves no lease).
LeaseTime lease_now() {
    return LeaseTime(
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch()));
}

Timestamp wall_now() { return std::chrono::floor<Seconds>(std::chrono::system_clock::now()); }

long long epoch_ms(LeaseTime t) { return t.time_since_epoch().count(); }

// This receiver among the others: host and process.
std::string holder_name() {
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) != 0 || !host[0]) std::snprintf(host, sizeof host, "localhost");
    return std::string(host) + ":" + std::to_string(::getpid());
}

}  // namespace

LeaseKeeper::LeaseKeeper(const ServeOptions& opts, const Context& ctx, std::string actor, std::mutex& write,
                         std::function<void(const std::string&)> log)
    : opts_(opts), ctx_(ctx), actor_(std::move(actor)), write_(write), log_(std::move(log)) {
    Workspace ws = open_workspace(ctx);
    const std::string config = ws.repo.relative(ws.repo.config_path());
    const Seconds ttl = paging_settings(ws.config, config).lease;
    if (ttl == Seconds{0}) return;
    if (!ws.config.auto_sync && !opts.flags.sync && !opts.flags.no_commit)
        throw UsageError("serve.lease shares the pager with receivers on other clones, but changes are not pushed",
                         "set git.auto_sync: true in " + config + " (or run serve --sync), so the others see them");
    if (opts.flags.no_commit)
        throw UsageError("serve.lease and --no-commit do not go together: the others see commits");
    try {
        lease_ = std::make_unique<PagerLease>(ws, holder_name(), ttl);
    } catch (const IoError& e) {
        throw UsageError(std::string("serve.lease: ") + e.what(), e.hint());
    }
    round();  // before the server listens: its log says at once which one leads
    thread_ = std::thread([this] { run(); });
}

LeaseKeeper::~LeaseKeeper() {
    if (!lease_) return;
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    lead_until_ = 0;
    if (leading_) {
        lease_->release();
        log_("incident serve: pager lease given up\n");
    }
}

bool LeaseKeeper::leads() const { return !lease_ || epoch_ms(lease_now()) < lead_until_.load(); }

namespace {

// incident sync, its warnings and failure said on `err`.
void sync_clone(const Context& rc, const std::string& actor, std::ostream& err) {
    try {
        SyncOptions so;
        so.actor = actor;
        for (const auto& w : sync_repository(open_workspace(rc), so).warnings)
            err << "incident serve: sync: " << w << "\n";
    } catch (const Error& e) {
        err << "incident serve: warning: not synced: " << e.what() << "\n";
    }
}

}  // namespace

void LeaseKeeper::catch_up(const Context& rc) const { sync_clone(rc, actor_, rc.io.err); }

void LeaseKeeper::run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, lease_->every(), [this] { return stop_; })) {
        lock.unlock();
        round();
        lock.lock();
    }
}

// Sync, then the spool, under the write mutex: no alert is taken meanwhile
// (those that come are spooled, and replayed here too).
void LeaseKeeper::take_over(LeaseTime now) {
    const Timestamp wall = wall_now();
    std::ostringstream out, err;
    Io io{out, err, false, false, false, ctx_.io.env, false};
    Context rc{io, wall, ctx_.repo_dir};
    std::optional<Workspace> ws;
    Replay replay;
    {
        std::lock_guard lock(write_);
        // Not synced, it leads still (paging comes first), and may make
        // again what the last holder pushed.
        sync_clone(rc, actor_, err);
        try {
            ws.emplace(open_workspace(rc));
            // The same alert reached the last holder about when it reached us:
            // a minute (or ttl) of its answers, commits and pushes apart.
            const Seconds window = std::max(Seconds{60}, lease_->ttl());
            replay = replay_spool(*ws, actor_, window, change_options(rc, opts_.flags, actor_));
        } catch (const Error& e) {
            err << "incident serve: warning: the spool is not replayed: " << e.what() << "\n";
        }
        leading_ = true;
        lead_until_ = epoch_ms(lease_->held_until().value_or(now));
    }
    err << "incident serve: pager lease taken (" << lease_->holder() << "): this receiver opens and pages";
    if (replay.requests + replay.skipped > 0)
        err << "; " << replay.requests << " spooled request(s) replayed, " << replay.skipped
            << " alert(s) already taken by the last holder";
    err << "\n";
    for (const auto& p : replay.problems) err << "incident serve: warning: " << p << "\n";
    for (const auto& o : replay.taken) {
        for (const auto& w : o.change.warnings) err << "incident: warning: " << w << "\n";
        if (!o.id.empty()) after_change_effects(rc, *ws, o.change, opts_.flags);
    }
    log_(err.str());
}

void LeaseKeeper::round() {
    const LeaseTime now = lease_now();
    const LeaseRound r = lease_->round(now);
    std::string said;
    if (r.held && !leading_) {
        take_over(now);
        return;
    }
    if (r.held) {
        lead_until_ = epoch_ms(lease_->held_until().value_or(now));
    } else {
        lead_until_ = 0;
        if (leading_) said = "incident serve: pager lease lost: alerts are spooled here now\n";
        leading_ = false;
        if (!r.holder.empty() && r.problem.empty()) {
            if (last_said_ != r.holder)
                said +=
                    "incident serve: pager lease held by " + r.holder + ": alerts are spooled here until it lapses\n";
            last_said_ = r.holder;
            // Someone else leads, live: what came long ago it has taken.
            try {
                prune_spool(open_workspace(ctx_), wall_now() - std::max(Seconds{600}, lease_->ttl() * 10));
            } catch (const Error&) {
            }
        }
    }
    if (!r.problem.empty() && r.problem != last_said_) said += "incident serve: warning: " + r.problem + "\n";
    if (!r.problem.empty()) last_said_ = r.problem;
    if (!said.empty()) log_(said);
}

}  // namespace incident::cli
