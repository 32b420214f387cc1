#include "model/config.hpp"

#include <date/tz.h>

#include <algorithm>
#include <functional>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"

namespace incident {

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

Seconds duration(const YamlNode& n, const std::string& file, const std::string& key, Seconds day) {
    if (n.is_scalar())
        if (auto d = parse_duration(n.scalar(), day)) return *d;
    fail_at(n, file, key + ": expected a duration such as 15m, 4h or 3d");
}

void require_map(const YamlNode& n, const std::string& file, const std::string& key) {
    if (!n.is_map()) fail_at(n, file, key + ": expected a mapping");
}

// Reads the mapping `n` (the section `section`) key by key; an unknown key
// is refused, naming the known ones.
void read_settings(const YamlNode& n, const std::string& file, const std::string& section,
                   const std::vector<Setting>& settings) {
    require_map(n, file, section);
    for (const auto& [key, value] : n.entries()) {
        const std::string& name = key.scalar();
        auto it = std::find_if(settings.begin(), settings.end(), [&](const Setting& s) { return s.key == name; });
        if (it == settings.end()) {
            std::string known;
            for (const auto& s : settings) known += (known.empty() ? "" : ", ") + std::string(s.key);
            fail_at(key, file, section + ": unknown key '" + name + "' (known: " + known + ")");
        }
        it->read(value, section + "." + name);
    }
}

namespace {

void apply_teams(Config& c, const YamlNode& n, const std::string& file) {
    require_map(n, file, "teams");
    c.teams.clear();
    for (const auto& kv : n.entries()) {
        Team t;
        t.name = kv.first.scalar();
        const std::string key = "teams." + t.name;
        if (!kv.second.is_null()) {
            read_settings(
                kv.second, file, key,
                {{"managers", [&](const YamlNode& v, const std::string& n) { t.managers = strings(v, file, n); }},
                 {"manager", [&](const YamlNode& v, const std::string& n) { t.managers = {scalar_at(v, file, n)}; }},
                 {"members", [&](const YamlNode& v, const std::string& n) { t.members = strings(v, file, n); }}});
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

void read_timezone(BusinessHours& b, const YamlNode& v, const std::string& file, const std::string& name) {
    b.timezone = scalar_at(v, file, name);
    try {
        if (!is_utc_zone(b.timezone)) date::locate_zone(b.timezone);
    } catch (const std::exception&) {
        fail_at(v, file,
                name + ": unknown time zone '" + b.timezone +
                    "' (a name from the tz database, such as Europe/Paris or UTC)");
    }
}

void read_days(BusinessHours& b, const YamlNode& v, const std::string& file, const std::string& name) {
    static const std::vector<std::string> days = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    b.days.clear();
    for (const auto& d : strings(v, file, name)) {
        auto it = std::find(days.begin(), days.end(), d);
        if (it == days.end()) fail_at(v, file, name + ": '" + d + "' is not one of mon..sun");
        b.days.push_back(static_cast<unsigned>(it - days.begin()) + 1);
    }
    if (b.days.empty()) fail_at(v, file, name + ": name at least one working day (mon..sun), or no clock runs");
}

void apply_business_hours(BusinessHours& b, const YamlNode& n, const std::string& file) {
    using V = const YamlNode&;
    using N = const std::string&;
    read_settings(n, file, "business_hours",
                  {{"timezone", [&](V v, N name) { read_timezone(b, v, file, name); }},
                   {"days", [&](V v, N name) { read_days(b, v, file, name); }},
                   {"start", [&](V v, N name) { b.start = clock_time(v, file, name); }},
                   {"end", [&](V v, N name) { b.end = clock_time(v, file, name); }},
                   {"holidays", [&](V v, N name) {
                        b.holidays = strings(v, file, name);
                        for (const auto& h : b.holidays)
                            if (!parse_rfc3339(h + "T00:00:00Z"))
                                fail_at(v, file, name + ": '" + h + "' is not a date YYYY-MM-DD");
                    }}});
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

using V = const YamlNode&;
using N = const std::string&;

void apply_scales(Config& c, V v, N file) {
    read_settings(v, file, "scales",
                  {{"impact", [&](V s, N name) { c.impact_scale = strings(s, file, name); }},
                   {"urgency", [&](V s, N name) { c.urgency_scale = strings(s, file, name); }}});
}

void apply_matrix(Config& c, V v, N file) {
    require_map(v, file, "matrix");
    c.matrix.clear();
    for (const auto& [impact, row] : v.entries()) {
        const std::string name = "matrix." + impact.scalar();
        require_map(row, file, name);
        for (const auto& [urgency, priority] : row.entries())
            c.matrix[impact.scalar()][urgency.scalar()] = scalar_at(priority, file, name + "." + urgency.scalar());
    }
}

void apply_sla_clock(Config& c, V v, N file) {
    read_settings(
        v, file, "sla_clock",
        {{"at_risk",
          [&](V f, N name) {
              auto d = yaml_real(f);
              if (!d || !(*d > 0 && *d <= 1))
                  fail_at(f, file, name + ": expected a fraction between 0 and 1, such as 0.75");
              c.sla_at_risk = *d;
          }},
         {"pause_when_mitigated", [&](V f, N name) { c.sla_pause_when_mitigated = boolean(f, file, name); }}});
}

void apply_postmortem(Config& c, V v, N file) {
    read_settings(v, file, "postmortem",
                  {{"required_for", [&](V f, N name) { c.postmortem_required_for = strings(f, file, name); }},
                   {"required_to_close", [&](V f, N name) { c.postmortem_required_to_close = strings(f, file, name); }},
                   {"template", [&](V f, N name) { c.postmortem_template = scalar_at(f, file, name); }},
                   {"meeting_within", [&](V f, N name) {
                        c.postmortem_meeting_within =
                            duration(f, file, name, c.business_hours.end - c.business_hours.start);
                    }}});
}

void apply_close(Config& c, V v, N file) {
    read_settings(
        v, file, "close",
        {{"require_confirmation", [&](V f, N name) { c.close_requires_confirmation = boolean(f, file, name); }},
         {"contact_attempts",
          [&](V f, N name) {
              auto n = yaml_integer(f);
              if (!n || *n < 0 || *n > 1000) fail_at(f, file, name + ": expected a whole number");
              c.close_contact_attempts = static_cast<int>(*n);
          }},
         {"problem_required_for", [&](V f, N name) { c.close_problem_required_for = strings(f, file, name); }},
         {"tasks_required_for", [&](V f, N name) { c.close_tasks_required_for = strings(f, file, name); }}});
}

void apply_git(Config& c, V v, N file) {
    read_settings(v, file, "git",
                  {{"auto_commit", [&](V f, N name) { c.auto_commit = boolean(f, file, name); }},
                   {"auto_sync", [&](V f, N name) { c.auto_sync = boolean(f, file, name); }},
                   {"follow_renumber", [&](V f, N name) { c.follow_renumber = boolean(f, file, name); }},
                   {"commit_message", [&](V f, N name) { c.commit_message = scalar_at(f, file, name); }}});
}

void apply_attachments(Config& c, V v, N file) {
    read_settings(v, file, "attachments", {{"max_bytes", [&](V f, N name) {
                                                auto n = yaml_integer(f);
                                                if (!n || *n < 1 || *n > Config::kAttachmentLimit)
                                                    fail_at(f, file,
                                                            name + ": expected a whole number of bytes, from 1 to " +
                                                                std::to_string(Config::kAttachmentLimit));
                                                c.attachment_max_bytes = *n;
                                            }}});
}

// Every top-level key: how the engine reads it, or null for a section another
// module reads (notify, rules) and the config only keeps.
using Section = void (*)(Config&, V, N);
const std::vector<std::pair<std::string_view, Section>>& sections() {
    static const std::vector<std::pair<std::string_view, Section>> table = {
        {"id_prefix",
         [](Config& c, V v, N file) {
             c.id_prefix = scalar_at(v, file, "id_prefix");
             if (!is_alnum_word(c.id_prefix, 16))
                 fail_at(v, file, "id_prefix: must be letters and digits, starting with a letter (e.g. INC)");
         }},
        {"layout",
         [](Config& c, V v, N file) {
             const std::string text = scalar_at(v, file, "layout");
             if (text != "flat" && text != "sharded")
                 fail_at(v, file, "layout: must be flat or sharded ('incident layout sharded' moves the files)");
             c.layout = text == "sharded" ? Layout::sharded : Layout::flat;
         }},
        {"scales", apply_scales},
        {"priorities",
         [](Config& c, V v, N file) {
             c.priorities = strings(v, file, "priorities");
             if (c.priorities.empty()) fail_at(v, file, "priorities: at least one priority is needed");
         }},
        {"matrix", apply_matrix},
        {"unknown_errs_high",
         [](Config& c, V v, N file) { c.unknown_errs_high = boolean(v, file, "unknown_errs_high"); }},
        {"sla", [](Config& c, V v, N file) { apply_sla_targets(c.sla, v, file, "sla", c.business_hours); }},
        {"resolution_codes", [](Config& c, V v, N file) { c.resolution_codes = strings(v, file, "resolution_codes"); }},
        {"tiers", [](Config& c, V v, N file) { c.tiers = strings(v, file, "tiers"); }},
        {"teams", apply_teams},
        {"default_team",
         [](Config& c, V v, N file) { c.default_team = v.is_null() ? "" : scalar_at(v, file, "default_team"); }},
        {"postmortem", apply_postmortem},
        {"close", apply_close},
        {"git", apply_git},
        {"attachments", apply_attachments},
        {"notify", nullptr},
        {"intake", nullptr},
        {"rules", nullptr},
        {"business_hours", [](Config& c, V v, N file) { apply_business_hours(c.business_hours, v, file); }},
        {"sla_policies",
         [](Config& c, V v, N file) {
             require_map(v, file, "sla_policies");
             for (const auto& [name, targets] : v.entries())
                 apply_sla_targets(c.sla_policies[name.scalar()], targets, file, "sla_policies." + name.scalar(),
                                   c.business_hours);
         }},
        {"sla_clock", apply_sla_clock},
        {"notify_delivery", nullptr},
        {"web_url", nullptr},
        {"smtp", nullptr},
        {"paging_providers", nullptr},
        {"serve", nullptr},
        {"status_page", nullptr},
        {"communication", nullptr},
        {"deadlines", nullptr},
    };
    return table;
}

void apply_section(Config& c, const YamlNode& key, V v, N file) {
    const std::string& k = key.scalar();
    const auto& table = sections();
    auto it = std::find_if(table.begin(), table.end(), [&](const auto& s) { return s.first == k; });
    if (it == table.end()) {
        std::string known;
        for (const auto& s : table) known += (known.empty() ? "" : ", ") + std::string(s.first);
        fail_at(key, file, "unknown key '" + k + "' (known: " + known + ")");
    }
    if (it->second)
        it->second(c, v, file);
    else
        c.sections[k] = v;
}

}  // namespace

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
    for (const auto& kv : layer.entries())
        if (kv.first.scalar() == "business_hours") apply_section(config, kv.first, kv.second, file);
    for (const auto& kv : layer.entries())
        if (kv.first.scalar() != "business_hours") apply_section(config, kv.first, kv.second, file);
}

void apply_config_layer_tolerant(Config& config, const YamlNode& layer, const std::string& file,
                                 std::vector<InvalidData>& skipped) {
    if (!layer || layer.is_null()) return;
    if (!layer.is_map()) fail_at(layer, file, "the configuration must be a YAML mapping");
    auto apply = [&](const YamlNode::Entry& kv) {
        const std::string& key = kv.first.scalar();
        Config before = config;
        try {
            apply_section(config, kv.first, kv.second, file);
        } catch (const InvalidData& e) {
            if (key == "id_prefix" || key == "layout") throw;
            config = std::move(before);  // nothing of a half-read key
            skipped.push_back(e);
        }
    };
    for (const auto& kv : layer.entries())
        if (kv.first.scalar() == "business_hours") apply(kv);
    for (const auto& kv : layer.entries())
        if (kv.first.scalar() != "business_hours") apply(kv);
}

void apply_config_env(Config& config, const EnvLookup& env) {
    if (auto p = env("INCIDENT_ID_PREFIX"); p && !p->empty()) config.id_prefix = *p;
    auto flag = [](const std::string& v) { return !(v == "0" || v == "false" || v == "no"); };
    if (auto a = env("INCIDENT_AUTO_COMMIT"); a && !a->empty()) config.auto_commit = flag(*a);
    if (auto a = env("INCIDENT_AUTO_SYNC"); a && !a->empty()) config.auto_sync = flag(*a);
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

}  // namespace incident
