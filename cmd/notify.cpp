// incident notify list|flush|test: the outbox of undelivered messages, and a
// test message to one target.
#include <thread>

#include "commands.hpp"
#include "output.hpp"
#include "store/lock.hpp"

namespace incident::cli {

struct NotifyOptions {
    std::string target;
    std::string budget = "1m";
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

const char* outcome_word(FlushEntry::Outcome o) {
    switch (o) {
        case FlushEntry::Outcome::delivered:
            return "delivered";
        case FlushEntry::Outcome::failed:
            return "still failing";
        case FlushEntry::Outcome::not_due:
            return "not due";
        case FlushEntry::Outcome::out_of_budget:
            return "not tried";
    }
    return "";
}

nlohmann::ordered_json entry_json(const FlushEntry& e) {
    auto text_or_null = [](const std::string& s) {
        return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s);
    };
    return {{"id", e.id},
            {"target", e.target},
            {"delivered", e.outcome == FlushEntry::Outcome::delivered},
            {"outcome", outcome_word(e.outcome)},
            {"error", text_or_null(e.error)},
            {"not_before", text_or_null(e.not_before)}};
}

void run_flush(const NotifyOptions& o, const Context& ctx) {
    auto budget = parse_duration(o.budget);
    if (!budget || *budget <= Seconds{0})
        throw UsageError("--budget: '" + o.budget + "' is not a duration", "use seconds or minutes, such as 30s or 2m");
    Workspace ws = open_workspace(ctx);
    // One flusher at a time, so nothing is delivered twice.
    RepositoryLock lock(ws.repo.state_dir / "outbox.lock", std::chrono::milliseconds(30000));
    FlushReport report = flush_outbox(Outbox(ws.outbox_dir()), ws.notify.delivery,
                                      std::chrono::duration_cast<std::chrono::milliseconds>(*budget), o.target,
                                      ctx.io.env, ctx.now, real_sleep);
    const std::size_t delivered = report.delivered(), left = report.entries.size() - delivered;
    if (o.flags.json) {
        nlohmann::ordered_json arr = nlohmann::ordered_json::array();
        for (const auto& e : report.entries) arr.push_back(entry_json(e));
        print_json(ctx.io, {{"delivered", delivered}, {"remaining", left}, {"results", arr}});
    } else {
        for (const auto& e : report.entries)
            ctx.io.out << outcome_word(e.outcome) << " " << e.id << " to " << e.target
                       << (e.error.empty() ? "" : ": " + e.error) << "\n";
        if (report.entries.empty() && report.damaged.empty()) ctx.io.out << "the outbox is empty\n";
    }
    fail_on_damaged(ctx, report.damaged);
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
    Delivery d = build_test_delivery(*target, resolve_actor(ctx, o.flags, ws.repo.root), ctx.now);
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
        "flush sends the messages oldest first within --budget. A receiver's Retry-After longer than\n"
        "notify_delivery.max_retry_after (or than the budget leaves) is not waited for: the message stays,\n"
        "not due until then (not_before in notify list --json), and so do the others to that target; a\n"
        "flush passes by what is not due.\n"
        "An outbox entry that cannot be read (not JSON, a field of the wrong type) is skipped and named on\n"
        "stderr; list and flush handle the others and exit 4.");
    auto* list = cmd->add_subcommand("list", "Show the messages waiting in the outbox (.git/incident/outbox/)");
    list->add_flag("--json", opts->flags.json, "Print the outbox as JSON");
    list->callback([opts, &ctx] { run_list(*opts, ctx); });
    auto* flush = cmd->add_subcommand(
        "flush",
        "Retry the messages in the outbox that are due, within a budget; delivered ones are removed (exit 1 if any "
        "remain)");
    flush->add_option("--target", opts->target, "Only this target");
    flush->add_option("--budget", opts->budget, "Time for the whole flush (default 1m); what it does not reach stays")
        ->type_name("DURATION");
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
