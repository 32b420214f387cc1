// One entry point per subcommand; cmd/main.cpp lists them in its table.
#pragma once

#include "context.hpp"

namespace incident::cli {

void register_init(CLI::App& app, Context& ctx);
void register_open(CLI::App& app, Context& ctx);
void register_triage(CLI::App& app, Context& ctx);
void register_ack(CLI::App& app, Context& ctx);
void register_update(CLI::App& app, Context& ctx);
void register_note(CLI::App& app, Context& ctx);
void register_assign(CLI::App& app, Context& ctx);
void register_escalate(CLI::App& app, Context& ctx);
void register_resolve(CLI::App& app, Context& ctx);
void register_reopen(CLI::App& app, Context& ctx);
void register_close(CLI::App& app, Context& ctx);
void register_postmortem(CLI::App& app, Context& ctx);
void register_show(CLI::App& app, Context& ctx);
void register_list(CLI::App& app, Context& ctx);
void register_report(CLI::App& app, Context& ctx);
void register_edit(CLI::App& app, Context& ctx);
void register_rules(CLI::App& app, Context& ctx);
void register_sla(CLI::App& app, Context& ctx);
void register_action(CLI::App& app, Context& ctx);
void register_attach(CLI::App& app, Context& ctx);
void register_attachments(CLI::App& app, Context& ctx);
void register_similar(CLI::App& app, Context& ctx);
void register_export(CLI::App& app, Context& ctx);
void register_drill(CLI::App& app, Context& ctx);
void register_notify(CLI::App& app, Context& ctx);
void register_validate(CLI::App& app, Context& ctx);
void register_merge_file(CLI::App& app, Context& ctx);
void register_log(CLI::App& app, Context& ctx);
void register_sync(CLI::App& app, Context& ctx);
void register_serve(CLI::App& app, Context& ctx);
void register_layout(CLI::App& app, Context& ctx);
void register_oncall(CLI::App& app, Context& ctx);
void register_page(CLI::App& app, Context& ctx);
void register_maintenance(CLI::App& app, Context& ctx);
void register_status(CLI::App& app, Context& ctx);
void register_deadline(CLI::App& app, Context& ctx);
void register_heartbeat(CLI::App& app, Context& ctx);
void register_task(CLI::App& app, Context& ctx);
void register_hooks(CLI::App& app, Context& ctx);
void register_import(CLI::App& app, Context& ctx);

}  // namespace incident::cli
