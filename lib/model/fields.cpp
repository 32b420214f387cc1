#include "model/fields.hpp"

#include <unordered_map>

#include "model/text.hpp"

namespace incident {

namespace {

using T = FieldType;

IncidentField text(std::string_view key, std::string_view help, std::string Incident::*member) {
    IncidentField f{key, T::text, help};
    f.text = member;
    f.condition = true;
    return f;
}

IncidentField time(std::string_view key, std::string_view help, std::optional<Timestamp> Incident::*member) {
    IncidentField f{key, T::time, help};
    f.time = member;
    return f;
}

IncidentField list(std::string_view key, std::string_view help, std::vector<std::string> Incident::*member) {
    IncidentField f{key, T::list, help};
    f.list = member;
    f.condition = true;
    return f;
}

IncidentField other(std::string_view key, T type, std::string_view help) { return IncidentField{key, type, help}; }

// `f` with one of its flags set to `value`.
template <bool IncidentField::*Flag, bool Value = true>
IncidentField with(IncidentField f) {
    f.*Flag = Value;
    return f;
}
constexpr auto required = with<&IncidentField::required>;
constexpr auto omit_empty = with<&IncidentField::omit_empty>;
constexpr auto set_by_rules = with<&IncidentField::rule_sets>;
constexpr auto condition = with<&IncidentField::condition>;
constexpr auto no_condition = with<&IncidentField::condition, false>;

std::vector<IncidentField> make_fields() {
    return {
        [] {
            IncidentField f = required(text("id", "PREFIX-N, the file's name", &Incident::id));
            f.type = T::id;
            return f;
        }(),
        no_condition(text("uid", "a unique id that stays when the incident is renumbered", &Incident::uid)),
        required(text("title", "what is wrong, in a line", &Incident::title)),
        required(condition(other("status", T::status, "where it is in the lifecycle"))),
        [] {
            IncidentField f = condition(other("drill", T::boolean, "true for exercises"));
            f.flag = &Incident::drill;
            return f;
        }(),
        set_by_rules(text("category", "the category", &Incident::category)),
        set_by_rules(text("subcategory", "the subcategory", &Incident::subcategory)),
        text("service", "the affected service", &Incident::service),
        set_by_rules(text("impact", "how much is affected, on the impact scale", &Incident::impact)),
        set_by_rules(text("urgency", "how soon it hurts, on the urgency scale", &Incident::urgency)),
        text("priority", "on the priority scale; from impact and urgency unless set by hand", &Incident::priority),
        no_condition(text("priority_reason", "how the priority was chosen", &Incident::priority_reason)),
        omit_empty(
            text("sla_policy", "the named SLA policy chosen by a rule; empty: the default", &Incident::sla_policy)),
        omit_empty(text("escalation_policy",
                        "the escalation policy chosen by a rule (.incident/escalation.yaml); empty: by priority",
                        &Incident::escalation_policy)),
        text("reporter", "who reported it", &Incident::reporter),
        text("assignee", "who is assigned", &Incident::assignee),
        set_by_rules(text("team", "the owning team", &Incident::team)),
        set_by_rules(text("tier", "the support tier", &Incident::tier)),
        other("roles", T::roles, "role: person, such as commander"),
        list("tags", "free labels", &Incident::tags),
        list("related", "ids of related incidents", &Incident::related),
        text("problem", "the problem record it is linked to", &Incident::problem),
        omit_empty(text("location", "where it happened (a site, a building)", &Incident::location)),
        omit_empty(text("dedup_key", "the key of the alert that raised it", &Incident::dedup_key)),
        omit_empty(text("source", "where it was imported from: TOOL/ID (incident import)", &Incident::source)),
        omit_empty(text("source_number", "its number in the tool it was imported from", &Incident::source_number)),
        time("started_at", "when the impact began, where known", &Incident::started_at),
        time("detected_at", "when it was detected", &Incident::detected_at),
        time("opened_at", "when it was logged", &Incident::opened_at),
        time("acknowledged_at", "when it was acknowledged", &Incident::acknowledged_at),
        time("mitigated_at", "when it was mitigated", &Incident::mitigated_at),
        time("resolved_at", "when it was resolved", &Incident::resolved_at),
        time("closed_at", "when it was closed", &Incident::closed_at),
        [] {
            IncidentField f =
                text("description", "what happened, in as many lines as it takes", &Incident::description);
            f.type = T::long_text;
            return f;
        }(),
        other("resolution", T::resolution, "code, summary and who resolved it"),
        other("actions", T::actions, "the postmortem's action items"),
        omit_empty(other("attachments", T::attachments, "evidence files under attachments/ID/, with their SHA-256")),
        omit_empty(other("tasks", T::tasks, "the checklist, from runbooks and by hand")),
        other("timeline", T::timeline, "every event, in order"),
    };
}

}  // namespace

const std::vector<IncidentField>& incident_fields() {
    static const std::vector<IncidentField> fields = make_fields();
    return fields;
}

const IncidentField* find_incident_field(std::string_view key) {
    // Asked for every key of every file loaded: a hash, not a scan.
    static const std::unordered_map<std::string_view, const IncidentField*> by_key = [] {
        std::unordered_map<std::string_view, const IncidentField*> out;
        for (const auto& f : incident_fields()) out.emplace(f.key, &f);
        return out;
    }();
    auto it = by_key.find(key);
    return it == by_key.end() ? nullptr : it->second;
}

std::optional<Seconds> LifecycleTimes::span(Span s) const {
    const std::optional<Timestamp>& from = s == Span::detect ? started : opened;
    const std::optional<Timestamp>& to = s == Span::detect        ? detected
                                         : s == Span::acknowledge ? acknowledged
                                         : s == Span::mitigate    ? mitigated
                                                                  : resolved;
    if (!from || !to) return std::nullopt;
    return *to - *from;
}

LifecycleTimes lifecycle_times(const Incident& inc) {
    return {inc.started_at,   inc.detected_at, inc.opened_at, inc.acknowledged_at,
            inc.mitigated_at, inc.resolved_at, inc.closed_at};
}

const std::vector<std::string>& incident_roles() {
    static const std::vector<std::string> roles = {"commander", "comms", "tech_lead", "scribe"};
    return roles;
}

const std::vector<std::string>& action_types() {
    static const std::vector<std::string> types = {"mitigate", "prevent", "process"};
    return types;
}

const std::vector<std::string>& action_statuses() {
    static const std::vector<std::string> statuses = {"open", "done"};
    return statuses;
}

std::vector<std::string> status_values() {
    std::vector<std::string> out;
    for (int s = 0; s <= static_cast<int>(Status::closed); ++s) out.emplace_back(to_string(static_cast<Status>(s)));
    return out;
}

std::optional<std::string> field_text(const Incident& inc, const IncidentField& f) {
    auto nonempty = [](std::string s) { return s.empty() ? std::nullopt : std::optional<std::string>(std::move(s)); };
    switch (f.type) {
        case T::id:
        case T::text:
        case T::long_text:
            return nonempty(inc.*f.text);
        case T::time:
            return inc.*f.time ? std::optional<std::string>(format_rfc3339(*(inc.*f.time))) : std::nullopt;
        case T::list:
            return nonempty(join(inc.*f.list, ","));
        case T::status:
            return std::string(to_string(inc.status));
        case T::boolean:
            return std::string(inc.*f.flag ? "true" : "false");
        default:
            return std::nullopt;
    }
}

}  // namespace incident
