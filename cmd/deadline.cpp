// incident deadline done | list: regulatory deadlines (lib/deadlines): a
// submission recorded with the authority's reference, and the sets known.
#include "commands.hpp"
#include "deadlines/deadlines.hpp"
#include "output.hpp"

namespace incident::cli {

struct DeadlineOptions {
    std::string id, what, ref;
    CommonFlags flags;
};

namespace {

constexpr const char* kFooter = R"(
A deadline set is a list of stages, each due a time after its start: a
moment recorded on the incident (update --aware-at, --classified-at,
--determined-at, --discovered-at; a past time backfills) or an earlier
stage's submission. Shipped sets:
  gdpr     authority: 72h from aware
  nis2     early-warning: 24h from aware; notification: 72h from aware;
           final-report: one month from the notification's submission
  dora     initial: 4h from classified, and no later than 24h from aware;
           intermediate: 72h from initial; final: one month from intermediate
  sec-8k   form-8k: 4 business days from determined (business_hours: days
           and holidays; due at the end of the fourth)
  hipaa    individuals, hhs: 60 days from discovered
Attach a set by hand (update ID --deadline gdpr) or by rules (then:
{deadlines: [gdpr]}); add or replace sets under deadlines: in the config:
  deadlines:
    pci: {description: PCI DSS, stages: [{name: acquirer, within: 24h, from: aware}]}
within is a duration (72h, 60d), months (1mo) or business days (4bd).
incident sla shows each stage (waiting, ok, at-risk, breached, met, missed
and by how long); sla --check exits 6 on an overdue one; escalate --auto and
page tick remind at the at-risk fraction and when overdue; report counts
them met and missed.
Exit codes: 2 an unknown set or stage, no --ref; 3 no such incident.)";

void run_done(const DeadlineOptions& o, const Context& ctx) {
    run_change(ctx, o.flags, o.id, [&](Incident& inc, const Actor& a, const Workspace& ws) {
        return record_submission(inc, a, o.what, o.ref, deadline_sets(ws.config, ".incident/config.yaml"));
    });
}

void run_list(const DeadlineOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    auto sets = deadline_sets(ws.config, ".incident/config.yaml");
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& set : sets) {
        nlohmann::ordered_json stages = nlohmann::ordered_json::array();
        for (const auto& s : set.stages) {
            const std::string& within = s.within_text;
            std::string backstop = s.backstop_from.empty()
                                       ? ""
                                       : ", no later than " + format_duration(s.backstop) + " from " + s.backstop_from;
            stages.push_back(
                {{"name", s.name},
                 {"within", within},
                 {"from", s.from},
                 {"backstop", s.backstop_from.empty() ? nlohmann::ordered_json(nullptr)
                                                      : nlohmann::ordered_json(format_duration(s.backstop))},
                 {"backstop_from", json_or_null(s.backstop_from)}});
            rows.push_back({set.name + "." + s.name, within + " from " + s.from + backstop});
        }
        list.push_back({{"name", set.name}, {"description", set.description}, {"stages", stages}});
    }
    if (o.flags.json)
        print_json(ctx.io, list);
    else
        print_table(ctx.io, {"DEADLINE", "DUE"}, rows);
}

}  // namespace

void register_deadline(CLI::App& app, Context& ctx) {
    auto o = std::make_shared<DeadlineOptions>();
    auto* cmd = app.add_subcommand("deadline", "Regulatory deadlines: record a submission, list the sets");
    cmd->require_subcommand(1);
    cmd->footer(kFooter);
    auto* done = cmd->add_subcommand("done", "Record a submission to the authority, with its reference");
    done->add_option("id", o->id, "Incident id (INC-42 or 42)")->required();
    done->add_option("deadline", o->what, "The set and stage: gdpr, nis2.early-warning, ...")
        ->type_name("SET[.STAGE]")
        ->required();
    done->add_option("--ref", o->ref, "The reference the authority gave (case number)")->type_name("REF")->required();
    add_change_flags(done, o->flags);
    done->callback([o, &ctx] { run_done(*o, ctx); });
    auto* list = cmd->add_subcommand("list", "The deadline sets: shipped, and deadlines: in the config");
    add_read_flags(list, o->flags);
    list->callback([o, &ctx] { run_list(*o, ctx); });
}

}  // namespace incident::cli
