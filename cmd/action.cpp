// incident action add|edit|done|list: postmortem action items, kept in the incident file.
#include "commands.hpp"
#include "model/fields.hpp"
#include "output.hpp"

namespace incident::cli {

struct ActionOptions {
    std::string id, title;
    int number = 0;
    Action fields;
    ActionEdit edit;
    bool overdue = false;
    std::string owner;
    QueryFlags query;
    CommonFlags flags;
};

namespace {

void run_list(const ActionOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Timestamp now = resolve_time(ctx, o.flags.at);  // may look ahead: overdue by then
    std::string today = format_date(now);
    std::vector<Incident> incidents;
    std::vector<InvalidData> errors;
    if (!o.id.empty()) {
        incidents.push_back(ws.store.load(resolve_id(ctx, ws, o.id)));
    } else {
        // The index picks the incidents with action items; only those files are read.
        auto sel = select_incidents(ws, o.query, now, [](const Summary& s) { return !s.actions.empty(); });
        errors = sel.index.errors;
        incidents = load_selected(ws, sel, errors);
    }
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    std::vector<std::vector<std::string>> rows;
    for (const auto& inc : incidents)
        for (const auto& a : inc.actions) {
            bool overdue = a.status != "done" && !a.due.empty() && a.due < today;
            if (o.overdue && !overdue) continue;
            if (!o.owner.empty() && a.owner != o.owner) continue;
            nlohmann::ordered_json j = {{"incident", inc.id}};
            j.update(action_to_json(a));
            j["overdue"] = overdue;
            arr.push_back(j);
            rows.push_back({inc.id, std::to_string(a.id),
                            a.status == "done" ? paint(ctx.io, "32", "done")
                            : overdue          ? paint(ctx.io, "31", "overdue")
                                               : "open",
                            a.owner.empty() ? "-" : a.owner, a.due.empty() ? "-" : a.due, a.type.empty() ? "-" : a.type,
                            truncate(a.title, 50)});
        }
    if (o.flags.json)
        print_json(ctx.io, arr);
    else if (rows.empty())
        ctx.io.out << "no action items\n";
    else
        print_table(ctx.io, {"INCIDENT", "#", "STATUS", "OWNER", "DUE", "TYPE", "ACTION"}, rows);
    fail_on_unreadable(ctx.io, errors);
}

}  // namespace

void register_action(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ActionOptions>();
    auto* cmd = app.add_subcommand("action", "Postmortem action items: add, edit, done, list");
    cmd->require_subcommand(1);
    auto* add = cmd->add_subcommand("add", "Add an action item to an incident");
    add->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    add->add_option("title", opts->fields.title, "What will be done")->required();
    add->add_option("--owner", opts->fields.owner, "Who owns it")->type_name("USER");
    add->add_option("--due", opts->fields.due, "Due date, YYYY-MM-DD")->type_name("DATE");
    add->add_option("--type", opts->fields.type, "mitigate, prevent or process")->check(CLI::IsMember(action_types()));
    add->add_option("--tracker", opts->fields.tracker, "Link to the ticket")->type_name("URL");
    add_change_flags(add, opts->flags);
    add->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id,
                   [&](Incident& inc, const Actor& a, const Workspace&) { return add_action(inc, a, opts->fields); });
    });
    auto* done = cmd->add_subcommand("done", "Mark action item N of an incident done");
    done->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    done->add_option("n", opts->number, "Action item number")->required()->check(CLI::PositiveNumber);
    add_change_flags(done, opts->flags);
    done->callback([opts, &ctx] {
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace&) {
            return complete_action(inc, a, opts->number);
        });
    });
    auto* edit =
        cmd->add_subcommand("edit", "Change action item N of an incident: owner, due date, title, type, tracker");
    edit->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    edit->add_option("n", opts->number, "Action item number")->required()->check(CLI::PositiveNumber);
    edit->add_option("--title", opts->edit.title, "What will be done");
    edit->add_option("--owner", opts->edit.owner, "Who owns it (\"\" for nobody)")->type_name("USER");
    edit->add_option("--due", opts->edit.due, "Due date, YYYY-MM-DD (\"\" for none)")->type_name("DATE");
    edit->add_option("--type", opts->edit.type, "mitigate, prevent or process")->type_name("TYPE");
    edit->add_option("--tracker", opts->edit.tracker, "Link to the ticket")->type_name("URL");
    add_change_flags(edit, opts->flags);
    edit->callback([opts, &ctx] {
        if (!opts->edit.title && !opts->edit.owner && !opts->edit.due && !opts->edit.type && !opts->edit.tracker)
            throw UsageError("action edit: say what changes", "--owner, --due, --title, --type or --tracker");
        run_change(ctx, opts->flags, opts->id, [&](Incident& inc, const Actor& a, const Workspace&) {
            return edit_action(inc, a, opts->number, opts->edit);
        });
    });
    auto* list = cmd->add_subcommand("list", "List action items of one incident or of all");
    list->add_option("id", opts->id, "Only this incident");
    list->add_flag("--overdue", opts->overdue, "Only open items past their due date");
    list->add_option("--owner", opts->owner, "Only items of this owner")->type_name("USER");
    list->add_option("--at", opts->flags.at, "Judge 'overdue' at this time instead of now")->type_name("TIME");
    add_query_flags(list, opts->query);
    list->add_flag("--json", opts->flags.json, "Print a JSON array of action items");
    list->callback([opts, &ctx] { run_list(*opts, ctx); });
}

}  // namespace incident::cli
