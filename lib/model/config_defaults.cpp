// The built-in defaults: the commented text `init` writes, which is also
// what every Config starts from (read once, as the first layer).
#include <string_view>

#include "model/config.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

Config::Config() {
    // Read once; every Config starts as a copy of it.
    static const Config defaults = [] {
        Config c(Blank{});
        apply_config_layer(c, load_yaml(default_config_text(), "built-in defaults"), "built-in defaults");
        return c;
    }();
    *this = defaults;
}

namespace {

// The teams block of the default text (no final newline); a preset gives its own.
constexpr std::string_view kDefaultTeams =
    "teams:\n"
    "  service-desk: {managers: [desk-lead@example.com]}\n"
    "  sre: {managers: [sre-manager@example.com, head-of-ops@example.com]}\n"
    "default_team: service-desk";

// The settings before the teams, and after them.
const char* kBeforeTeams = R"(# incident project settings. Every key is optional; shown here are the defaults.
# Precedence: flags > environment > this file > ~/.config/incident/config.yaml > defaults.
id_prefix: INC
# Incident files: flat (incidents/INC-12345.yaml) or sharded
# (incidents/12/INC-12345.yaml, for repositories of many thousands;
# 'incident layout sharded' moves them).
layout: flat

# Ordered scales, most severe first.
scales:
  impact: [high, medium, low]
  urgency: [high, medium, low]
priorities: [P1, P2, P3, P4, P5]

# impact -> urgency -> priority: the default prioritisation rule.
matrix:
  high:   {high: P1, medium: P2, low: P3}
  medium: {high: P2, medium: P3, low: P4}
  low:    {high: P3, medium: P4, low: P5}
unknown_errs_high: true   # a missing impact or urgency counts as the most severe (false: the least)

# Targets per priority: respond = acknowledge, resolve = service restored.
sla:
  P1: {respond: 15m, resolve: 4h}
  P2: {respond: 30m, resolve: 8h}
  P3: {respond: 4h, resolve: 3d}
  P4: {respond: 1d, resolve: 5d}
  P5: {respond: 3d, resolve: 20d}

resolution_codes: [fixed, workaround, rollback, duplicate, false-positive, cancelled]

# SLA clocks: at_risk is the fraction of a target after which escalate --auto
# escalates functionally; a breach escalates hierarchically.
sla_clock:
  at_risk: 0.75
  pause_when_mitigated: false
# Targets with business_hours: true only count these hours ("1d" = one working day).
business_hours:
  timezone: UTC
  days: [mon, tue, wed, thu, fri]
  start: "09:00"
  end: "17:00"
  holidays: []

# Functional escalation walks the tiers; hierarchical escalation walks a team's managers.
tiers: [L1, L2, L3]
)";

const char* kAfterTeams = R"(

postmortem:
  required_for: [P1, P2]       # major incidents get a postmortem
  required_to_close: [P1]      # close refuses until the postmortem passes --check
  template: google-sre         # or pagerduty, atlassian, or .incident/templates/NAME.md.mustache
  meeting_within: 5d           # review meeting deadline, business days after resolution

close:
  require_confirmation: true   # --confirmed-by, or enough contact attempts
  contact_attempts: 3
  problem_required_for: []     # e.g. [P1]: close needs a problem record link
  tasks_required_for: []       # e.g. [P1, P2]: close needs every task done (incident task)

# Alert intake (incident open --from-alert, incident serve): one incident per
# Alertmanager group, or per alert; a resolved alert marks its incident
# mitigated; the alert's severity gives impact and urgency. Generic JSON
# sources are mapped under generic: (see man incident-config). incident serve
# takes only requests with the bearer token held in the variable token_env names.
intake:
  group_by: group
  auto_mitigate: true
  service_labels: [service, app, job]
  severity:
    critical: {impact: high, urgency: high}
    error: {impact: high, urgency: medium}
    warning: {impact: medium, urgency: medium}
    info: {impact: low, urgency: low}
  token_env: INCIDENT_SERVE_TOKEN

git:
  auto_commit: true
  commit_message: "{id}: {event}: {title}"
  # true: push every change right after its commit (incident sync); offline,
  # it stays committed here and goes out with the next sync
  auto_sync: false
  # after sync gave this clone's INC-7 the id INC-8 (upstream had taken 7),
  # "INC-7" here is refused while another incident holds it; true: it names INC-8
  follow_renumber: false

# incident attach: evidence files go to attachments/ID/ with their SHA-256;
# a larger file is refused (keep big media in Git LFS, see the README)
attachments:
  max_bytes: 26214400
)";

}  // namespace

std::string default_config_text(const std::string& teams) {
    return kBeforeTeams + (teams.empty() ? std::string(kDefaultTeams) : teams) + kAfterTeams;
}

std::string starter_rule_tests_text() {
    return "# Rule test cases: each gives an incident's fields and what the rules and\n"
           "# the impact x urgency matrix must make of it. Run them with\n"
           "# `incident rules test` (in CI too); see man incident-rules.\n"
           "cases:\n"
           "  - name: high impact and high urgency is P1 by the matrix\n"
           "    incident: {impact: high, urgency: high}\n"
           "    expect: {priority: P1}\n";
}

}  // namespace incident
