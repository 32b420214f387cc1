// incident sync: fetch, renumber colliding local incidents, rebase onto
// upstream (incident files merged field by field), push; says what came in,
// what went out, and which ids changed.
#include "sync/sync.hpp"

#include "commands.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

struct SyncCliOptions {
    int attempts = 10;
    CommonFlags flags;
};

namespace {

constexpr const char* kSteps = R"(
Steps, under the repository lock, on a clean work tree:
  fetch       the branch's upstream (branch.NAME.remote and .merge)
  renumber    an incident opened here and not pushed yet whose id upstream
              has taken meanwhile (another incident, another uid) gets the
              next number free on both sides; the unpushed commits are
              rewritten so that it always had it: its file, its id, its
              postmortem, every mention in the files and commit messages
              they touch (related, timeline text). Prints "INC-12 is now
              INC-14"; commands given INC-12 in this clone afterwards work
              on INC-14 and say so (the incident that took INC-12 is named
              by its uid here)
  integrate   fast-forward, or rebase of the local commits onto upstream;
              incident files merge field by field (incident merge-file)
  push        to the upstream branch; a push rejected because someone pushed
              first starts again from the fetch, up to --attempts times
Any failure (offline, no upstream, a file that cannot be merged, a remote
that keeps moving) puts the branch, index and work tree back as they were
and exits 1: nothing is lost, the local commits go out with the next sync.
A sync killed in the middle of its rebase is undone by the next one.
With git.auto_sync: true in the config (or --sync on a command) every
change is synced right after its commit; offline, it stays committed here.
)";

nlohmann::ordered_json commits_json(const std::vector<SyncCommit>& commits) {
    auto arr = nlohmann::ordered_json::array();
    for (const auto& c : commits) arr.push_back({{"commit", c.commit}, {"subject", c.subject}});
    return arr;
}

std::string count(std::size_t n, const char* what) { return std::to_string(n) + " " + what + (n == 1 ? "" : "s"); }

}  // namespace

void run_sync(const SyncCliOptions& opts, const Context& ctx) {
    if (opts.attempts < 1) throw UsageError("--attempts must be at least 1");
    Workspace ws = open_workspace(ctx);
    SyncOptions so;
    so.actor = resolve_actor(ctx, opts.flags, ws.repo.root);
    so.attempts = opts.attempts;
    so.lock_timeout = change_options(ctx, opts.flags, so.actor).lock_timeout;
    SyncResult r = sync_repository(ws, so);
    print_warnings(ctx.io, r.warnings);
    if (opts.flags.json) {
        auto renumbered = nlohmann::ordered_json::array();
        for (const auto& m : r.renumbered) renumbered.push_back({{"from", m.from}, {"to", m.to}, {"uid", m.uid}});
        return print_json(ctx.io, {{"remote", r.remote},
                                   {"branch", r.branch},
                                   {"received", commits_json(r.received)},
                                   {"changed", r.changed},
                                   {"sent", commits_json(r.sent)},
                                   {"renumbered", renumbered},
                                   {"attempts", r.attempts}});
    }
    for (const auto& m : r.renumbered) ctx.io.out << describe(m) << "\n";
    const std::string where = r.remote + "/" + r.branch;
    if (r.received.empty() && r.sent.empty()) {
        ctx.io.out << "up to date with " << where << "\n";
        return;
    }
    if (!r.received.empty())
        ctx.io.out << "received " << count(r.received.size(), "commit")
                   << (r.changed.empty() ? "" : " (" + join(r.changed) + ")") << " from " << where << "\n";
    if (!r.sent.empty()) ctx.io.out << "sent " << count(r.sent.size(), "commit") << " to " << where << "\n";
}

void register_sync(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<SyncCliOptions>();
    auto* cmd = app.add_subcommand(
        "sync", "Share this clone's changes: fetch, renumber colliding new incidents, rebase onto upstream, push");
    cmd->add_option("--attempts", opts->attempts, "Pushes rejected in a row (someone pushed first) before giving up")
        ->default_val(10)
        ->type_name("N");
    add_read_flags(cmd, opts->flags);
    cmd->footer(kSteps);
    cmd->callback([opts, &ctx] { run_sync(*opts, ctx); });
}

}  // namespace incident::cli
