// What every command shares: the streams it writes to, the environment, the
// clock read once at start-up, the global -C, and the common flags
// (--json, --by, --at, --no-commit, --dry-run, --no-notify).
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <memory>
#include <string>

#include "index/index.hpp"
#include "lifecycle/lifecycle.hpp"
#include "model/config.hpp"
#include "model/errors.hpp"
#include "workspace/workspace.hpp"

namespace incident::cli {

struct Io {
    std::ostream& out;
    std::ostream& err;
    bool out_is_tty = false;
    bool err_is_tty = false;
    bool color = false;  // out is a TTY and NO_COLOR is unset
    EnvLookup env;
    bool in_is_tty = false;  // someone could answer an editor
    // stdout's JSON document is written: a failure after it (validate's exit
    // 6, files that could not be read) adds no JSON error object. Shared by
    // the copies of the streams a command makes (report --as-of).
    std::shared_ptr<bool> wrote_json = std::make_shared<bool>(false);
};

struct Context {
    Io io;
    Timestamp now{};
    std::string repo_dir = ".";    // -C / --repo
    bool follow_renumber = false;  // --follow-renumber
};

struct CommonFlags {
    bool json = false;
    std::string by;
    std::string at;
    bool no_commit = false;
    bool dry_run = false;
    bool no_notify = false;
    bool sync = false;
};

// --json and --by: every command.
void add_read_flags(CLI::App* cmd, CommonFlags& flags);
// Plus --at, --no-commit, --dry-run, --no-notify, --sync: commands that change an incident.
void add_change_flags(CLI::App* cmd, CommonFlags& flags);

// --where and --no-cache: commands that look at many incidents.
struct QueryFlags {
    std::string where;
    bool no_cache = false;
};
void add_query_flags(CLI::App* cmd, QueryFlags& q);
// A shortcut filter such as --priority P1,P2: true when `set` is empty or holds `v`.
bool allowed(const std::vector<std::string>& set, std::string_view v);
// The filter language and the fields, for the --help footer (and so the man page).
std::string query_help();

// The incidents a listing command looks at: every summary the filter keeps
// and `also` accepts, in id order. Files that cannot be read are in
// index.errors. Throws UsageError for a bad filter.
struct Selection {
    Index index;
    std::vector<const Summary*> rows;
};
Selection select_incidents(const Workspace& ws, const QueryFlags& q, Timestamp now,
                           const std::function<bool(const Summary&)>& also = {});
// The selected incidents read in full, in order. A file that no longer reads
// (changed since the index was made) joins `errors`.
std::vector<Incident> load_selected(const Workspace& ws, const Selection& sel, std::vector<InvalidData>& errors);

// A command that reads one incident: NAME ID [--json], calling `run`.
struct OneIncident {
    std::string id;
    CommonFlags flags;
};
void register_one_incident(CLI::App& app, Context& ctx, const char* name, const char* help, const char* json_help,
                           void (*run)(const OneIncident&, const Context&));

Workspace open_workspace(const Context& ctx);

// The incident an ID argument names: "INC-42", "42", or its uid. An id that
// sync renumbered in this clone is refused (UsageError naming both
// incidents) while another incident holds it, unless --follow-renumber or
// git.follow_renumber: then it leads to the new id, said on stderr.
// Throws UsageError for anything else, NotFound for an unknown uid.
std::string resolve_id(const Context& ctx, const Workspace& ws, const std::string& arg);

// A person named on the command line (an assignee, a role holder): the
// email of the person people.yaml has under that key, else the text as given.
std::string person_arg(const Workspace& ws, const std::string& who);

// --by, else INCIDENT_USER, else git user.email, else $USER.
std::string resolve_actor(const Context& ctx, const CommonFlags& flags, const fs::path& repo_root);
// --at (RFC 3339, "now", "-15m"), else now. Throws UsageError.
Timestamp resolve_time(const Context& ctx, const std::string& at, const char* flag = "--at");
// The same, for when something happened: refused when later than now plus
// kClockSkew (a sign typo, +1d for -1d, would corrupt MTTA and MTTR).
Timestamp resolve_event_time(const Context& ctx, const std::string& at, const char* flag = "--at");
ChangeOptions change_options(const Context& ctx, const CommonFlags& flags, const std::string& actor);

// What follows a saved change (lib/effects), said on stderr: the pages the
// incident now owes by escalation policy (it opened, or its priority rose
// into a paging one), then the notifications, unless --no-notify; with
// --dry-run the payloads are printed instead and nothing pages. Failures
// are warnings: the change itself has already succeeded.
void after_change_effects(const Context& ctx, const Workspace& ws, const ChangeResult& result,
                          const CommonFlags& flags);

// Applies one lifecycle operation to one incident and prints the outcome:
// the incident as JSON with --json, else one line "ID: what happened".
// Shared by ack, update, note, assign, escalate, resolve, reopen, close, triage.
void run_change(const Context& ctx, const CommonFlags& flags, const std::string& id_arg,
                const std::function<Event(Incident&, const Actor&, const Workspace&)>& apply);

}  // namespace incident::cli
