// The checks a schema cannot express (validate/semantic.hpp).
#include "validate/semantic.hpp"

#include "model/text.hpp"

namespace incident {

namespace {

void add(std::vector<Finding>& out, const Location& where, const std::string& severity, const std::string& msg) {
    out.push_back({where, severity, msg});
}

// Where a top-level key is (the file's start when it is absent).
Location key_at(const YamlNode& root, const char* key, const std::string& display) {
    return root[key] ? locate(root[key], display) : Location{display, 1, 1};
}

// Times in lifecycle order, none in the future (beyond kClockSkew: a typo
// such as +1d for -1d).
void time_checks(std::vector<Finding>& out, const Incident& inc, const YamlNode& root, const std::string& display,
                 Timestamp now) {
    auto at = [&](const char* key) { return key_at(root, key, display); };
    const Timestamp latest = now + kClockSkew;
    auto future = [&](const Timestamp& t) { return t > latest ? " " + format_rfc3339(t) + " is in the future" : ""; };
    std::vector<std::pair<const char*, std::optional<Timestamp>>> times = {
        {"started_at", inc.started_at},           {"detected_at", inc.detected_at}, {"opened_at", inc.opened_at},
        {"acknowledged_at", inc.acknowledged_at}, {"resolved_at", inc.resolved_at}, {"closed_at", inc.closed_at}};
    std::pair<const char*, Timestamp> last{nullptr, {}};
    for (const auto& [key, t] : times) {
        if (!t) continue;
        if (last.first && *t < last.second) add(out, at(key), "error", std::string(key) + " is before " + last.first);
        if (*t > latest) add(out, at(key), "error", key + future(*t));
        last = {key, *t};
    }
    if (inc.mitigated_at && inc.opened_at && *inc.mitigated_at < *inc.opened_at)
        add(out, at("mitigated_at"), "error", "mitigated_at is before opened_at");
    if (inc.mitigated_at && *inc.mitigated_at > latest)
        add(out, at("mitigated_at"), "error", "mitigated_at" + future(*inc.mitigated_at));
}

// The timeline in time order, no event in the future (the first of each found).
void timeline_checks(std::vector<Finding>& out, const Incident& inc, const YamlNode& root, const std::string& display,
                     Timestamp now) {
    auto where = [&](size_t i) { return locate(root["timeline"].at(i), display); };
    for (size_t i = 1; i < inc.timeline.size(); ++i)
        if (inc.timeline[i].at < inc.timeline[i - 1].at) {
            add(out, where(i), "warning", "timeline events are out of time order");
            break;
        }
    for (size_t i = 0; i < inc.timeline.size(); ++i)
        if (inc.timeline[i].at > now + kClockSkew) {
            add(out, where(i), "error",
                "timeline event at " + format_rfc3339(inc.timeline[i].at) + " is in the future");
            break;
        }
}

// Each attachment's name once: two records of one name (a hand-resolved
// merge) name one file, whose digest cannot match both.
void attachment_checks(std::vector<Finding>& out, const Incident& inc, const YamlNode& root,
                       const std::string& display) {
    for (size_t i = 0; i < inc.attachments.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (inc.attachments[i].name == inc.attachments[j].name) {
                add(out, locate(root["attachments"].at(i), display), "error",
                    "attachments: '" + inc.attachments[i].name + "' is named twice (keep one record per file)");
                break;
            }
}

}  // namespace

void semantic_checks(std::vector<Finding>& out, const Incident& inc, const YamlNode& root, const std::string& display,
                     const std::string& file_id, const Config& cfg, const Store& store, Timestamp now) {
    auto at = [&](const char* key) { return key_at(root, key, display); };
    if (inc.id != file_id)
        add(out, at("id"), "error", "id '" + inc.id + "' does not match the file name (" + file_id + ")");
    else if (const std::string dir = "incidents/";
             display.rfind(dir, 0) == 0 && id_of_incident_file(display.substr(dir.size())).first.empty())
        // In a shard, only its own (the thousands of its number) is read.
        add(out, Location{display, 1, 1}, "error",
            "in the wrong shard: the tool reads " + file_id + " from incidents/" +
                incident_file(file_id, Layout::sharded) + " only");
    time_checks(out, inc, root, display, now);
    if (!inc.opened_at) add(out, at("status"), "warning", "opened_at is missing");
    // Status consistent with timestamps.
    bool done = inc.status == Status::resolved || inc.status == Status::closed;
    if (done && !inc.resolved_at)
        add(out, at("status"), "error",
            "status is " + std::string(to_string(inc.status)) + " but resolved_at is unset");
    if (done && !inc.resolution)
        add(out, at("status"), "error",
            "status is " + std::string(to_string(inc.status)) + " but there is no resolution");
    if (inc.status == Status::closed && !inc.closed_at)
        add(out, at("status"), "error", "status is closed but closed_at is unset");
    if (inc.status != Status::closed && inc.closed_at)
        add(out, at("closed_at"), "error", "closed_at is set but status is " + std::string(to_string(inc.status)));
    if (!done && inc.resolved_at)
        add(out, at("resolved_at"), "error", "resolved_at is set but status is " + std::string(to_string(inc.status)));
    // References.
    for (size_t i = 0; i < inc.related.size(); ++i) {
        const auto& r = inc.related[i];
        Location where =
            root["related"] && root["related"].is_sequence() ? locate(root["related"].at(i), display) : at("related");
        if (!is_valid_id(r))
            add(out, where, "error", "related: '" + r + "' is not an incident id");
        else if (!store.exists(r))
            add(out, where, "error", "related: " + r + " does not exist");
    }
    // Values on the configured scales.
    auto scale = [&](const char* key, const std::string& v, const std::vector<std::string>& s) {
        if (!v.empty() && Config::rank(s, v) < 0)
            add(out, at(key), "error", std::string(key) + " '" + v + "' is not on the configured scale");
    };
    scale("impact", inc.impact, cfg.impact_scale);
    scale("urgency", inc.urgency, cfg.urgency_scale);
    scale("priority", inc.priority, cfg.priorities);
    scale("tier", inc.tier, cfg.tiers);
    if (!inc.team.empty() && !cfg.teams.empty() && !cfg.team(inc.team))
        add(out, at("team"), "warning", "team '" + inc.team + "' is not configured");
    if (inc.resolution && !inc.resolution->code.empty() && Config::rank(cfg.resolution_codes, inc.resolution->code) < 0)
        add(out, at("resolution"), "warning",
            "resolution code '" + inc.resolution->code + "' is not in resolution_codes");
    timeline_checks(out, inc, root, display, now);
    attachment_checks(out, inc, root, display);
}

}  // namespace incident
