// Project settings (.incident/config.yaml). Layers apply in order — built-in
// defaults, user config, repository config, environment — each overriding
// only the keys it names; flags are applied last by the commands.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/errors.hpp"
#include "model/time.hpp"
#include "model/yaml_node.hpp"

namespace incident {

// Every setting's default lives in one place: the commented text `init`
// writes (default_config_text), which Config() reads as the first layer.
// The members below start empty.

struct SlaTarget {
    Seconds respond{0};
    Seconds resolve{0};
    bool business_hours = false;  // measured in business time; "d" is one business day
};

// priority -> targets
using SlaTargets = std::map<std::string, SlaTarget>;

struct BusinessHours {
    std::string timezone;
    std::vector<unsigned> days;  // ISO weekdays, Monday = 1
    Seconds start{0};
    Seconds end{0};
    std::vector<std::string> holidays;  // YYYY-MM-DD, local dates
};

struct Team {
    std::string name;
    std::vector<std::string> managers;  // hierarchical escalation, first line first
    std::vector<std::string> members;
};

// How incident files lie in incidents/: flat (incidents/INC-12345.yaml) or
// sharded by the thousands of their number (incidents/12/INC-12345.yaml),
// which keeps each git tree a commit rewrites small. Both are always read;
// the configured one is where new files go (`layout:`).
enum class Layout { flat, sharded };
inline const char* layout_name(Layout l) { return l == Layout::flat ? "flat" : "sharded"; }

struct Config {
    std::string id_prefix;
    Layout layout = Layout::flat;
    std::vector<std::string> impact_scale;   // most severe first
    std::vector<std::string> urgency_scale;  // most urgent first
    std::vector<std::string> priorities;
    std::map<std::string, std::map<std::string, std::string>> matrix;  // impact -> urgency -> priority
    bool unknown_errs_high = false;
    SlaTargets sla;                                  // the default policy
    std::map<std::string, SlaTargets> sla_policies;  // named policies rules can pick
    double sla_at_risk = 0;                          // fraction of a target that makes it at risk
    bool sla_pause_when_mitigated = false;           // the resolve clock stops while mitigated
    BusinessHours business_hours;
    std::vector<std::string> resolution_codes;
    std::vector<std::string> tiers;
    std::vector<Team> teams;
    std::string default_team;
    std::vector<std::string> postmortem_required_for;
    std::vector<std::string> postmortem_required_to_close;
    std::string postmortem_template;
    Seconds postmortem_meeting_within{0};                 // business time after resolution
    std::vector<std::string> close_problem_required_for;  // priorities that need a problem link to close
    std::vector<std::string> close_tasks_required_for;    // priorities whose tasks must all be done to close
    bool close_requires_confirmation = false;
    int close_contact_attempts = 0;
    bool auto_commit = false;
    bool auto_sync = false;  // sync (push) after every committed change
    // An id that sync renumbered in this clone names its new id (true), or is
    // refused while another incident holds the old one (false).
    bool follow_renumber = false;
    // attachments.max_bytes: the largest evidence file `attach` takes.
    long long attachment_max_bytes = 25LL * 1024 * 1024;
    // The most max_bytes may say: a file is held in memory (twice) while it is stored.
    static constexpr long long kAttachmentLimit = 256LL << 20;
    std::string commit_message;
    std::map<std::string, YamlNode> sections;  // keys owned by other modules (rules, notify)

    Config();  // the built-in defaults: default_config_text() applied as a layer

    const Team* team(const std::string& name) const;
    // The targets for a priority under a policy (empty: the default); null if none.
    const SlaTarget* sla_target(const std::string& policy, const std::string& priority) const;
    // Position in an ordered scale, or -1.
    static int rank(const std::vector<std::string>& scale, std::string_view value);
    // The ordered scale a field is compared on (priority, impact, urgency); null for other fields.
    const std::vector<std::string>* scale(std::string_view field) const;
    // The priority the matrix gives, or empty when a value is not on its scale.
    std::string matrix_priority(const std::string& impact, const std::string& urgency) const;

private:
    struct Blank {};
    explicit Config(Blank) {}  // empty: what the defaults are read into
};

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;

// Applies one YAML layer on top of `config`. Throws InvalidData located in `file`.
void apply_config_layer(Config& config, const YamlNode& layer, const std::string& file);

// As apply_config_layer, for the repository's file while people respond: a
// key whose value cannot be read keeps what the earlier layers say, and its
// error joins `skipped`. The keys no command can do without (id_prefix: which
// incidents are whose; layout: where files go) still throw, as does a file
// that is not a mapping.
void apply_config_layer_tolerant(Config& config, const YamlNode& layer, const std::string& file,
                                 std::vector<InvalidData>& skipped);

// Applies the environment layer (INCIDENT_ID_PREFIX, INCIDENT_AUTO_COMMIT).
void apply_config_env(Config& config, const EnvLookup& env);

// Checks cross-references (matrix values are priorities, SLA keys, ...).
void check_config(const Config& config, const std::string& file);

// The text `incident init` writes: the defaults, commented. `teams` replaces
// the default teams block (a preset's teams and default_team).
std::string default_config_text(const std::string& teams = "");
// The rule test file a plain `incident init` writes: one case the default
// matrix decides, so `incident rules test` passes from the first commit.
std::string starter_rule_tests_text();

// Reading a config section, for the modules that own one (notify, intake):
// each fails at the value's file:line:col.
std::vector<std::string> strings(const YamlNode& n, const std::string& file, const std::string& key);
bool boolean(const YamlNode& n, const std::string& file, const std::string& key);
Seconds duration(const YamlNode& n, const std::string& file, const std::string& key, Seconds day = Seconds{86400});
void require_map(const YamlNode& n, const std::string& file, const std::string& key);
// One setting of a section: its key and what reads its value (given the
// value and its dotted name, such as "close.contact_attempts").
struct Setting {
    std::string_view key;
    std::function<void(const YamlNode& value, const std::string& name)> read;
};
// Reads the mapping `n` (the section `section`) key by key; an unknown key
// is refused, naming the known ones.
void read_settings(const YamlNode& n, const std::string& file, const std::string& section,
                   const std::vector<Setting>& settings);

}  // namespace incident
