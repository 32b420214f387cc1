// incident notify list|flush|test: the outbox of undelivered messages, and a
// test message to one target.
#include <thread>

#include "commands.hpp"
#include "output.hpp"
#include "store/lock.hpp"

namespace incident::cli {

struct NotifyOptions {
    std::string target;
    CommonFlags flags;
};

namespace {

void real_sleep(std::chrono::milliseconds d) { std::this_thread::sleep_for(d); }

// Names the damaged entries on stderr; the command then ends with exit 4.
void fail_on_damaged(const Context& ctx, const std::vector<std::string>& damaged) {
    if (damaged.empty()) return;
    print_warnings(ctx.io, damaged);
    throw InvalidData(
        Location{".git/incident/outbox"},
        std::to_string(damaged.size()) + " entry(ies) could not be read and were skipped; fix or remove them");
}

void run_list(const NotifyOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    std::vector<std::string> damaged;
    auto entries = Outbox(ws.outbox_dir()).list(&damaged);
    if (o.flags.json) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& d : entries) {
            arr.push_back(delivery_json(d));
            arr.back().erase("body");
        }
        print_json(ctx.io, arr);
        fail_on_damaged(ctx, damaged);
        return;
    }
    if (entries.empty() && damaged.empty()) {
        ctx.io.out << "the outbox is empty\n";
        return;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& d : entries)
        rows.push_back({d.id, d.target, d.incident, d.event, d.created_at, std::to_string(d.attempts), d.last_error});
    if (!rows.empty())
        print_table(ctx.io, {"ID", "TARGET", "INCIDENT", "EVENT", "QUEUED", "ATTEMPTS", "LAST ERROR"}, rows);
    fail_on_damaged(ctx, damaged);
}

void run_flush(const NotifyOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    // One flusher at a time, so nothing is delivered twice.
    RepositoryLock lock(ws.repo.state_dir / "outbox.lock", std::chrono::milliseconds(30000));
    Outbox outbox(ws.outbox_dir());
    int delivered = 0, left = 0;
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    std::vector<std::string> damaged;
    for (auto d : outbox.list(&damaged)) {
        if (!o.target.empty() && d.target != o.target) continue;
        OutboxClaim claim = outbox.claim(d.id);
        if (!claim) continue;  // a command is delivering it right now, or it is gone
        SendResult r = send_delivery(d, ws.notify.delivery, ctx.io.env, ctx.now, real_sleep);
        if (r.delivered) {
            outbox.remove(d.id);
            ++delivered;
        } else {
            d.last_error = r.error;
            outbox.put(d);
            ++left;
        }
        arr.push_back({{"id", d.id},
                       {"target", d.target},
                       {"delivered", r.delivered},
                       {"error", r.delivered ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.error)}});
        if (!o.flags.json)
            ctx.io.out << (r.delivered ? "delivered " : "still failing ") << d.id << " to " << d.target
                       << (r.delivered ? "" : ": " + r.error) << "\n";
    }
    if (o.flags.json)
        print_json(ctx.io, {{"delivered", delivered}, {"remaining", left}, {"results", arr}});
    else if (delivered + left == 0 && damaged.empty())
        ctx.io.out << "the outbox is empty\n";
    fail_on_damaged(ctx, damaged);
    if (left > 0) throw IoError(std::to_string(left) + " message(s) still undelivered; they stay in the outbox");
}

void run_test(const NotifyOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    const NotifyTarget* target = nullptr;
    for (const auto& t : ws.notify.targets)
        if (t.name == o.target) target = &t;
    if (!target)
        throw UsageError("no notification target named '" + o.target + "'",
                         "targets are listed under notify: in .incident/config.yaml");
    Incident inc;
    inc.id = ws.config.id_prefix + "-0";
    inc.title = "Test message from incident";
    inc.priority = ws.config.priorities.front();
    inc.opened_at = ctx.now;
    Event e{
        ctx.now, resolve_actor(ctx, o.flags, ws.repo.root), "opened", "This is a test; no incident was opened.", {}};
    Delivery d = build_delivery(*target, "opened", inc, e, ws.notify.link(inc.id), "", ctx.now);
    if (o.flags.dry_run) {
        ctx.io.out << nlohmann::json::parse(d.body).dump(2) << "\n";
        return;
    }
    SendResult r = send_delivery(d, ws.notify.delivery, ctx.io.env, ctx.now, real_sleep);
    if (o.flags.json)
        print_json(ctx.io,
                   {{"target", target->name},
                    {"delivered", r.delivered},
                    {"status", r.status},
                    {"error", r.delivered ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.error)}});
    else if (r.delivered)
        ctx.io.out << "delivered a test message to " << target->name << "\n";
    if (!r.delivered) throw IoError("test message to " + target->name + " failed: " + r.error);
}

}  // namespace

void register_notify(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<NotifyOptions>();
    auto* cmd = app.add_subcommand("notify", "Notification outbox and tests: list, flush, test");
    cmd->require_subcommand(1);
    cmd->footer(
        "An outbox entry that cannot be read (not JSON, a field of the wrong type) is skipped and named on\n"
        "stderr; list and flush handle the others and exit 4.");
    auto* list = cmd->add_subcommand("list", "Show the messages waiting in the outbox (.git/incident/outbox/)");
    list->add_flag("--json", opts->flags.json, "Print the outbox as JSON");
    list->callback([opts, &ctx] { run_list(*opts, ctx); });
    auto* flush = cmd->add_subcommand(
        "flush", "Retry every message in the outbox; delivered ones are removed (exit 1 if any remain)");
    flush->add_option("--target", opts->target, "Only this target");
    flush->add_flag("--json", opts->flags.json, "Print the results as JSON");
    flush->callback([opts, &ctx] { run_flush(*opts, ctx); });
    auto* test = cmd->add_subcommand("test", "Send a test message to one target (exit 1 if it fails)");
    test->add_option("target", opts->target, "Target name from the config")->required();
    test->add_flag("-n,--dry-run", opts->flags.dry_run, "Print the payload instead of sending it");
    test->add_option("--by", opts->flags.by, "Who sends the test")->type_name("USER");
    test->add_flag("--json", opts->flags.json, "Print the result as JSON");
    test->callback([opts, &ctx] { run_test(*opts, ctx); });
}

}  // namespace incident::cli
