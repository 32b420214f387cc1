// The fields of the query language (query.hpp): the table, and each field's value.
#include <algorithm>

#include "query/query.hpp"

namespace incident {

namespace {

Value text_value(std::string_view s) { return {true, std::string(s), 0, {}}; }
Value time_value(const std::optional<Timestamp>& t) {
    if (!t) return {};
    return {true, format_rfc3339(*t), t->time_since_epoch().count(), {}};
}
Value span_value(const std::optional<Seconds>& span) {
    if (!span) return {};
    return {true, "", span->count(), {}};
}
Value count_value(long long n) { return {true, std::to_string(n), n, {}}; }
Value clock_value(ClockState s) { return {true, std::string(to_string(s)), static_cast<long long>(s), {}}; }

// The fields' accessors: one per kind of member, the member given as a
// template argument, so the table below names each member once.
template <std::string_view Summary::*M>
Value text_of(const Summary& s, const Config&, Timestamp) {
    return text_value(s.*M);
}
template <std::optional<Timestamp> LifecycleTimes::*M>
Value time_of(const Summary& s, const Config&, Timestamp) {
    return time_value(s.times.*M);
}
template <Span S>
Value span_of(const Summary& s, const Config&, Timestamp) {
    return span_value(s.times.span(S));
}
template <std::string_view Summary::*M, const std::vector<std::string> Config::*Scale>
Value scale_of(const Summary& s, const Config& cfg, Timestamp) {
    std::string_view v = s.*M;
    if (v.empty()) return {};
    int r = Config::rank(cfg.*Scale, v);
    // Off the scale (a file edited by hand): after every known value.
    return {true, std::string(v), r < 0 ? 1000 : r, {}};
}

Value tags_of(const Summary& s, const Config&, Timestamp) {
    Value v{true, "", 0, {}};
    for (auto t : s.tags) {
        v.list.emplace_back(t);
        v.text += (v.text.empty() ? "" : ",") + std::string(t);
    }
    return v;
}

Value status_of(const Summary& s, const Config&, Timestamp) {
    return {true, std::string(to_string(s.status)), static_cast<long long>(s.status), {}};
}
Value drill_of(const Summary& s, const Config&, Timestamp) { return {true, s.drill ? "true" : "false", s.drill, {}}; }
Value age_of(const Summary& s, const Config&, Timestamp now) {
    return span_value(s.times.opened ? std::optional<Seconds>(now - *s.times.opened) : std::nullopt);
}
Value escalations_of(const Summary& s, const Config&, Timestamp) {
    return count_value(s.escalations_functional + s.escalations_hierarchical);
}
Value open_actions_of(const Summary& s, const Config&, Timestamp) {
    return count_value(
        std::count_if(s.actions.begin(), s.actions.end(), [](const ActionSummary& a) { return a.status != "done"; }));
}

// A text that is an incident field of the same name, described as the registry describes it.
template <std::string_view Summary::*M>
Field incident_text(std::string name) {
    std::string help(find_incident_field(name)->help);
    return {std::move(name), FieldKind::text, std::move(help), text_of<M>};
}

template <std::string_view Summary::*M, const std::vector<std::string> Config::*Scale>
Field scale_field(std::string name, std::string help) {
    return {std::move(name), FieldKind::scale, std::move(help), scale_of<M, Scale>, Scale};
}

}  // namespace

const std::vector<Field>& query_fields() {
    using K = FieldKind;
    using S = Summary;
    using C = Config;
    using L = LifecycleTimes;
    static const std::vector<Field> fields = {
        {"id", K::id, "the incident id; sorts numerically", text_of<&S::id>},
        incident_text<&S::title>("title"),
        {"status", K::status, "open < triaged < investigating < mitigated < resolved < closed", status_of},
        scale_field<&S::priority, &C::priorities>("priority", "on the configured scale; P1 < P2"),
        scale_field<&S::impact, &C::impact_scale>("impact", "on the configured scale; most severe is smallest"),
        scale_field<&S::urgency, &C::urgency_scale>("urgency", "on the configured scale; most urgent is smallest"),
        incident_text<&S::category>("category"),
        incident_text<&S::subcategory>("subcategory"),
        incident_text<&S::service>("service"),
        incident_text<&S::team>("team"),
        scale_field<&S::tier, &C::tiers>("tier", "the support tier; L1 < L2"),
        incident_text<&S::assignee>("assignee"),
        incident_text<&S::reporter>("reporter"),
        {"commander", K::text, "the incident commander", text_of<&S::commander>},
        incident_text<&S::problem>("problem"),
        incident_text<&S::location>("location"),
        {"resolution", K::text, "the resolution code", text_of<&S::resolution_code>},
        {"drill", K::boolean, "true for exercises", drill_of},
        {"tags", K::tags, "the tags; test one with tag:NAME", tags_of},
        {"started", K::time, "when the impact began, where known", time_of<&L::started>},
        {"detected", K::time, "when it was detected", time_of<&L::detected>},
        {"opened", K::time, "when it was logged", time_of<&L::opened>},
        {"acknowledged", K::time, "when it was acknowledged", time_of<&L::acknowledged>},
        {"mitigated", K::time, "when it was mitigated", time_of<&L::mitigated>},
        {"resolved", K::time, "when it was resolved", time_of<&L::resolved>},
        {"closed", K::time, "when it was closed", time_of<&L::closed>},
        {"age", K::duration, "time since it was opened", age_of},
        {"ttd", K::duration, "time to detect: detected - started", span_of<Span::detect>},
        {"tta", K::duration, "time to acknowledge: acknowledged - opened", span_of<Span::acknowledge>},
        {"ttr", K::duration, "time to resolve: resolved - opened", span_of<Span::resolve>},
        {"escalations", K::number, "functional and hierarchical escalations", escalations_of},
        {"reopens", K::number, "times it was reopened",
         [](const S& s, const C&, Timestamp) { return count_value(s.reopens); }},
        {"open_actions", K::number, "action items not done", open_actions_of},
        {"sla", K::clock, "the SLA clock that matters now: none, ok, at-risk, breached, met, missed",
         [](const S& s, const C&, Timestamp now) { return clock_value(s.sla_at(now)); }},
        {"sla_respond", K::clock, "the respond clock",
         [](const S& s, const C&, Timestamp now) { return clock_value(s.respond.at(now)); }},
        {"sla_resolve", K::clock, "the resolve clock",
         [](const S& s, const C&, Timestamp now) { return clock_value(s.resolve.at(now)); }},
    };
    return fields;
}

const Field* find_field(std::string_view name) {
    std::string n(name);
    if (n.size() > 3 && n.compare(n.size() - 3, 3, "_at") == 0) n.resize(n.size() - 3);
    for (const auto& f : query_fields())
        if (f.name == n && (n == name || f.kind == FieldKind::time)) return &f;
    return nullptr;
}

std::string field_names() {
    std::string out;
    for (const auto& f : query_fields()) out += (out.empty() ? "" : ", ") + f.name;
    return out;
}

Value field_value(const Summary& s, const Field& f, const Config& cfg, Timestamp now) { return f.get(s, cfg, now); }

std::string format_value(const Value& v, const Field& f, bool human) {
    if (!v.present) return "";
    if (f.kind == FieldKind::duration) return human ? format_duration(Seconds{v.number}) : std::to_string(v.number);
    return v.text;
}

Filter::Filter() = default;

}  // namespace incident
