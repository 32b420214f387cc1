#include "model/config.hpp"

#include <date/tz.h>

#include <algorithm>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

namespace {

const std::vector<std::string> kKnownKeys = {"id_prefix",
                                             "scales",
                                             "priorities",
                                             "matrix",
                                             "unknown_errs_high",
                                             "sla",
                                             "resolution_codes",
                                             "tiers",
                                             "teams",
                                             "default_team",
                                             "postmortem",
                                             "close",
                                             "git",
                                             "notify",
                                             "rules",
                                             "business_hours",
                                             "sla_policies",
                                             "sla_clock",
                                             "notify_delivery",
                                             "web_url"};

std::vector<std::string> strings(const YamlNode& n, const std::string& file, const std::string& key) {
    if (n.is_null()) return {};
    if (!n.is_sequence()) fail_at(n, file, key + ": expected a list");
    std::vector<std::string> out;
    for (const auto& item : n.items()) out.push_back(scalar_at(item, file, key));
    return out;
}

bool boolean(const YamlNode& n, const std::string& file, const std::string& key) {
    auto v = yaml_bool(n);
    if (!v) fail_at(n, file, key + ": expected true or false");
    return *v;
}

Seconds duration(const YamlNode& n, const std::string& file, const std::string& key, Seconds day = Seconds{86400}) {
    if (n.is_scalar())
        if (auto d = parse_duration(n.scalar(), day)) return *d;
    fail_at(n, file, key + ": expected a duration such as 15m, 4h or 3d");
}

void require_map(const YamlNode& n, const std::string& file, const std::string& key) {
    if (!n.is_map()) fail_at(n, file, key + ": expected a mapping");
}

void apply_teams(Config& c, const YamlNode& n, const std::string& file) {
    require_map(n, file, "teams");
    c.teams.clear();
    for (const auto& kv : n.entries()) {
        Team t;
        t.name = kv.first.scalar();
        const std::string key = "teams." + t.name;
        if (!kv.second.is_null()) {
            require_map(kv.second, file, key);
            for (const auto& f : kv.second.entries()) {
                const std::string& k = f.first.scalar();
                if (k == "managers")
                    t.managers = strings(f.second, file, key + ".managers");
                else if (k == "manager")
                    t.managers = {scalar_at(f.second, file, key + ".manager")};
                else if (k == "members")
                    t.members = strings(f.second, file, key + ".members");
                else
                    fail_at(f.first, file, key + ": unknown key '" + k + "' (known: managers, members)");
            }
        }
        c.teams.push_back(std::move(t));
    }
}

// HH:MM -> seconds since midnight.
Seconds clock_time(const YamlNode& n, const std::string& file, const std::string& key) {
    std::string s = n.is_scalar() ? n.scalar() : "";
    std::size_t colon = s.find(':');
    std::string h = s.substr(0, colon), m = colon == std::string::npos ? "" : s.substr(colon + 1);
    bool ok = h.size() >= 1 && h.size() <= 2 && all_digits(h) && m.size() == 2 && all_digits(m) && std::stoi(h) <= 24 &&
              std::stoi(m) <= 59;
    if (!ok) fail_at(n, file, key + ": expected a time of day such as \"09:00\"");
    return Seconds{std::stoi(h) * 3600 + std::stoi(m) * 60};
}

void apply_business_hours(BusinessHours& b, const YamlNode& n, const std::string& file) {
    static const std::vector<std::string> names = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    require_map(n, file, "business_hours");
    for (const auto& f : n.entries()) {
        const std::string& k = f.first.scalar();
        if (k == "timezone") {
            b.timezone = scalar_at(f.second, file, "business_hours.timezone");
            try {
                date::locate_zone(b.timezone);
            } catch (const std::exception&) {
                fail_at(f.second, file,
                        "business_hours.timezone: unknown time zone '" + b.timezone +
                            "' (a name from the tz database, such as Europe/Paris or UTC)");
            }
        } else if (k == "days") {
            b.days.clear();
            for (const auto& d : strings(f.second, file, "business_hours.days")) {
                auto it = std::find(names.begin(), names.end(), d);
                if (it == names.end())
                    fail_at(f.second, file, "business_hours.days: '" + d + "' is not one of mon..sun");
                b.days.push_back(static_cast<unsigned>(it - names.begin()) + 1);
            }
        } else if (k == "start") {
            b.start = clock_time(f.second, file, "business_hours.start");
        } else if (k == "end") {
            b.end = clock_time(f.second, file, "business_hours.end");
        } else if (k == "holidays") {
            b.holidays = strings(f.second, file, "business_hours.holidays");
            for (const auto& h : b.holidays)
                if (!parse_rfc3339(h + "T00:00:00Z"))
                    fail_at(f.second, file, "business_hours.holidays: '" + h + "' is not a date YYYY-MM-DD");
        } else {
            fail_at(f.first, file,
                    "business_hours: unknown key '" + k + "' (known: timezone, days, start, end, holidays)");
        }
    }
    if (b.end <= b.start) fail_at(n, file, "business_hours: end must be after start");
}

void apply_sla_targets(SlaTargets& targets, const YamlNode& v, const std::string& file, const std::string& key,
                       const BusinessHours& hours) {
    require_map(v, file, key);
    for (const auto& p : v.entries()) {
        const std::string pkey = key + "." + p.first.scalar();
        require_map(p.second, file, pkey);
        SlaTarget t;
        if (auto bh = p.second["business_hours"]) t.business_hours = boolean(bh, file, pkey + ".business_hours");
        // In business time a day is one working day, not 24 hours.
        auto day = t.business_hours ? hours.end - hours.start : Seconds{86400};
        for (const auto& f : p.second.entries()) {
            const std::string& name = f.first.scalar();
            if (name == "respond")
                t.respond = duration(f.second, file, pkey + ".respond", day);
            else if (name == "resolve")
                t.resolve = duration(f.second, file, pkey + ".resolve", day);
            else if (name != "business_hours")
                fail_at(f.first, file, pkey + ": unknown key '" + name + "' (known: respond, resolve, business_hours)");
        }
        targets[p.first.scalar()] = t;
    }
}

void apply_section(Config& c, const std::string& k, const YamlNode& v, const std::string& file) {
    if (k == "id_prefix") {
        c.id_prefix = scalar_at(v, file, k);
        if (!is_alnum_word(c.id_prefix, 16))
            fail_at(v, file, "id_prefix: must be letters and digits, starting with a letter (e.g. INC)");
    } else if (k == "scales") {
        require_map(v, file, k);
        for (const auto& s : v.entries()) {
            const std::string& name = s.first.scalar();
            if (name == "impact")
                c.impact_scale = strings(s.second, file, "scales.impact");
            else if (name == "urgency")
                c.urgency_scale = strings(s.second, file, "scales.urgency");
            else
                fail_at(s.first, file, "scales: unknown scale '" + name + "' (known: impact, urgency)");
        }
    } else if (k == "priorities") {
        c.priorities = strings(v, file, k);
        if (c.priorities.empty()) fail_at(v, file, "priorities: at least one priority is needed");
    } else if (k == "matrix") {
        require_map(v, file, k);
        c.matrix.clear();
        for (const auto& row : v.entries()) {
            require_map(row.second, file, "matrix." + row.first.scalar());
            for (const auto& cell : row.second.entries())
                c.matrix[row.first.scalar()][cell.first.scalar()] =
                    scalar_at(cell.second, file, "matrix." + row.first.scalar() + "." + cell.first.scalar());
        }
    } else if (k == "unknown_errs_high") {
        c.unknown_errs_high = boolean(v, file, k);
    } else if (k == "sla") {
        apply_sla_targets(c.sla, v, file, "sla", c.business_hours);
    } else if (k == "sla_policies") {
        require_map(v, file, k);
        for (const auto& p : v.entries())
            apply_sla_targets(c.sla_policies[p.first.scalar()], p.second, file, "sla_policies." + p.first.scalar(),
                              c.business_hours);
    } else if (k == "sla_clock") {
        require_map(v, file, k);
        for (const auto& f : v.entries()) {
            const std::string& name = f.first.scalar();
            if (name == "at_risk") {
                auto d = yaml_real(f.second);
                if (!d || !(*d > 0 && *d <= 1))
                    fail_at(f.second, file, "sla_clock.at_risk: expected a fraction between 0 and 1, such as 0.75");
                c.sla_at_risk = *d;
            } else if (name == "pause_when_mitigated") {
                c.sla_pause_when_mitigated = boolean(f.second, file, "sla_clock.pause_when_mitigated");
            } else {
                fail_at(f.first, file, "sla_clock: unknown key '" + name + "' (known: at_risk, pause_when_mitigated)");
            }
        }
    } else if (k == "business_hours") {
        apply_business_hours(c.business_hours, v, file);
    } else if (k == "resolution_codes") {
        c.resolution_codes = strings(v, file, k);
    } else if (k == "tiers") {
        c.tiers = strings(v, file, k);
    } else if (k == "teams") {
        apply_teams(c, v, file);
    } else if (k == "default_team") {
        c.default_team = v.is_null() ? "" : scalar_at(v, file, k);
    } else if (k == "postmortem") {
        require_map(v, file, k);
        for (const auto& f : v.entries()) {
            const std::string& name = f.first.scalar();
            if (name == "required_for")
                c.postmortem_required_for = strings(f.second, file, "postmortem.required_for");
            else if (name == "required_to_close")
                c.postmortem_required_to_close = strings(f.second, file, "postmortem.required_to_close");
            else if (name == "template")
                c.postmortem_template = scalar_at(f.second, file, "postmortem.template");
            else if (name == "meeting_within")
                c.postmortem_meeting_within = duration(f.second, file, "postmortem.meeting_within",
                                                       c.business_hours.end - c.business_hours.start);
            else
                fail_at(f.first, file,
                        "postmortem: unknown key '" + name +
                            "' (known: required_for, required_to_close, template, meeting_within)");
        }
    } else if (k == "close") {
        require_map(v, file, k);
        for (const auto& f : v.entries()) {
            const std::string& name = f.first.scalar();
            if (name == "require_confirmation")
                c.close_requires_confirmation = boolean(f.second, file, "close.require_confirmation");
            else if (name == "contact_attempts") {
                auto n = yaml_integer(f.second);
                if (!n || *n < 0 || *n > 1000)
                    fail_at(f.second, file, "close.contact_attempts: expected a whole number");
                c.close_contact_attempts = static_cast<int>(*n);
            } else if (name == "problem_required_for") {
                c.close_problem_required_for = strings(f.second, file, "close.problem_required_for");
            } else
                fail_at(f.first, file,
                        "close: unknown key '" + name +
                            "' (known: require_confirmation, contact_attempts, problem_required_for)");
        }
    } else if (k == "git") {
        require_map(v, file, k);
        for (const auto& f : v.entries()) {
            const std::string& name = f.first.scalar();
            if (name == "auto_commit")
                c.auto_commit = boolean(f.second, file, "git.auto_commit");
            else if (name == "commit_message")
                c.commit_message = scalar_at(f.second, file, "git.commit_message");
            else
                fail_at(f.first, file, "git: unknown key '" + name + "' (known: auto_commit, commit_message)");
        }
    } else {
        c.sections[k] = v;
    }
}

}  // namespace

Config::Config() {
    // Read once; every Config starts as a copy of it.
    static const Config defaults = [] {
        Config c(Blank{});
        apply_config_layer(c, load_yaml(default_config_text(), "built-in defaults"), "built-in defaults");
        return c;
    }();
    *this = defaults;
}

const SlaTarget* Config::sla_target(const std::string& policy, const std::string& priority) const {
    const SlaTargets* targets = &sla;
    if (!policy.empty()) {
        auto it = sla_policies.find(policy);
        if (it != sla_policies.end()) targets = &it->second;
    }
    auto t = targets->find(priority);
    return t == targets->end() ? nullptr : &t->second;
}

const Team* Config::team(const std::string& name) const {
    for (const auto& t : teams)
        if (t.name == name) return &t;
    return nullptr;
}

int Config::rank(const std::vector<std::string>& scale, std::string_view value) {
    auto it = std::find(scale.begin(), scale.end(), value);
    return it == scale.end() ? -1 : static_cast<int>(it - scale.begin());
}

const std::vector<std::string>* Config::scale(std::string_view field) const {
    if (field == "priority") return &priorities;
    if (field == "impact") return &impact_scale;
    if (field == "urgency") return &urgency_scale;
    return nullptr;
}

std::string Config::matrix_priority(const std::string& impact, const std::string& urgency) const {
    auto row = matrix.find(impact);
    if (row == matrix.end()) return {};
    auto cell = row->second.find(urgency);
    return cell == row->second.end() ? std::string{} : cell->second;
}

void apply_config_layer(Config& config, const YamlNode& layer, const std::string& file) {
    if (!layer || layer.is_null()) return;
    if (!layer.is_map()) fail_at(layer, file, "the configuration must be a YAML mapping");
    // Business hours first: they decide what "1d" means in business-time targets.
    if (auto bh = layer["business_hours"]) apply_section(config, "business_hours", bh, file);
    for (const auto& kv : layer.entries()) {
        const std::string& k = kv.first.scalar();
        if (k == "business_hours") continue;
        if (std::find(kKnownKeys.begin(), kKnownKeys.end(), k) == kKnownKeys.end()) {
            std::string known;
            for (const auto& name : kKnownKeys) known += (known.empty() ? "" : ", ") + name;
            fail_at(kv.first, file, "unknown key '" + k + "' (known: " + known + ")");
        }
        apply_section(config, k, kv.second, file);
    }
}

void apply_config_env(Config& config, const EnvLookup& env) {
    if (auto p = env("INCIDENT_ID_PREFIX"); p && !p->empty()) config.id_prefix = *p;
    if (auto a = env("INCIDENT_AUTO_COMMIT"); a && !a->empty())
        config.auto_commit = !(*a == "0" || *a == "false" || *a == "no");
}

void check_config(const Config& c, const std::string& file) {
    auto where = Location{file};
    for (const auto& [impact, row] : c.matrix) {
        if (Config::rank(c.impact_scale, impact) < 0)
            throw InvalidData(where, "matrix: '" + impact + "' is not on the impact scale");
        for (const auto& [urgency, priority] : row) {
            if (Config::rank(c.urgency_scale, urgency) < 0)
                throw InvalidData(where, "matrix." + impact + ": '" + urgency + "' is not on the urgency scale");
            if (Config::rank(c.priorities, priority) < 0)
                throw InvalidData(
                    where, "matrix." + impact + "." + urgency + ": '" + priority + "' is not one of the priorities");
        }
    }
    for (const auto& [p, _] : c.sla)
        if (Config::rank(c.priorities, p) < 0)
            throw InvalidData(where, "sla: '" + p + "' is not one of the priorities");
    for (const auto& [name, targets] : c.sla_policies)
        for (const auto& [p, _] : targets)
            if (Config::rank(c.priorities, p) < 0)
                throw InvalidData(where, "sla_policies." + name + ": '" + p + "' is not one of the priorities");
    if (!c.default_team.empty() && !c.team(c.default_team))
        throw InvalidData(where, "default_team: '" + c.default_team + "' is not a configured team");
    if (c.tiers.empty()) throw InvalidData(where, "tiers: at least one support tier is needed");
}

namespace {

// The teams block of the default text (no final newline); a preset gives its own.
constexpr std::string_view kDefaultTeams =
    "teams:\n"
    "  service-desk: {managers: [desk-lead@example.com]}\n"
    "  sre: {managers: [sre-manager@example.com, head-of-ops@example.com]}\n"
    "default_team: service-desk";

}  // namespace

std::string default_config_text(const std::string& teams) {
    return R"(# incident project settings. Every key is optional; shown here are the defaults.
# Precedence: flags > environment > this file > ~/.config/incident/config.yaml > defaults.
id_prefix: INC

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
unknown_errs_high: true   # a missing impact or urgency counts as the most severe

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
)" + (teams.empty() ? std::string(kDefaultTeams) : teams) +
           R"(

postmortem:
  required_for: [P1, P2]       # major incidents get a postmortem
  required_to_close: [P1]      # close refuses until the postmortem passes --check
  template: google-sre         # or pagerduty, atlassian, or .incident/templates/NAME.md.mustache
  meeting_within: 5d           # review meeting deadline, business days after resolution

close:
  require_confirmation: true   # --confirmed-by, or enough contact attempts
  contact_attempts: 3
  problem_required_for: []     # e.g. [P1]: close needs a problem record link

git:
  auto_commit: true
  commit_message: "{id}: {event}: {title}"
)";
}

}  // namespace incident
