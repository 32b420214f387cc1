#include "report/render.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "model/text.hpp"
#include "report/charts.hpp"

namespace incident {

namespace {

using json = nlohmann::ordered_json;

json opt(const std::optional<double>& v) {
    if (!v) return nullptr;
    return std::round(*v * 10) / 10;
}

json stat_json(const Stat& s) {
    return {{"n", s.n}, {"mean", opt(s.mean)}, {"median", opt(s.median)}, {"p90", opt(s.p90)}};
}

json compliance_json(const Compliance& c) {
    return {{"met", c.met}, {"missed", c.missed}, {"percent", opt(c.percent())}};
}

json metrics_json(const Metrics& m) {
    return {{"incidents", m.incidents},
            {"resolved", m.resolved},
            {"backlog", m.backlog},
            {"backlog_age", stat_json(m.backlog_age)},
            {"mttd", stat_json(m.mttd)},
            {"mtta", stat_json(m.mtta)},
            {"mttr", stat_json(m.mttr)},
            {"mtbf", stat_json(m.mtbf)},
            {"sla",
             {{"respond", compliance_json(m.respond)},
              {"resolve", compliance_json(m.resolve)},
              {"updates", compliance_json(m.updates)}}},
            {"escalations", {{"functional", m.escalations_functional}, {"hierarchical", m.escalations_hierarchical}}},
            {"reopens", m.reopens}};
}

json week_json(const ReportWeek& w) {
    json by = json::object();
    for (const auto& [p, n] : w.by_priority) by[p] = n;
    return {{"week", w.week}, {"incidents", w.incidents}, {"by_priority", by}, {"mttr", stat_json(w.mttr)}};
}

json service_json(const ServiceCompliance& s) {
    return {{"service", s.service}, {"respond", compliance_json(s.respond)}, {"resolve", compliance_json(s.resolve)}};
}

json effort_json(const Effort& e) {
    return {{"who", e.who}, {"incidents", e.incidents}, {"events", e.events}, {"engaged_seconds", e.engaged.count()}};
}

json action_json(const OverdueAction& a) {
    return {{"incident", a.incident}, {"id", a.id},   {"title", a.title},
            {"owner", a.owner},       {"due", a.due}, {"days_overdue", a.days_overdue}};
}

json paging_json(const Paging& p) {
    json steps = json::array();
    for (const auto& [step, n] : p.acknowledged_at_step) steps.push_back({{"step", step}, {"incidents", n}});
    json people = json::array();
    for (const auto& who : p.people)
        people.push_back({{"person", who.person}, {"pages", who.pages}, {"out_of_hours", who.out_of_hours}});
    return {{"incidents", p.incidents},
            {"time_to_first_page", stat_json(p.first_page)},
            {"pages", p.pages},
            {"pages_per_incident", {{"mean", opt(p.pages_mean())}, {"max", p.most_pages}}},
            {"acknowledged_by_step", steps},
            {"acknowledged_before_any_page", p.acknowledged_before_page},
            {"people", people}};
}

// "median (p90)": what a reader compares first.
std::string human_stat(const Stat& s) { return s.n ? human(s.median) + " (" + human(s.p90) + ")" : "-"; }
std::string percent(const Compliance& c) { return c.percent() ? fixed(*c.percent(), 1) + "%" : "-"; }
// Seconds as in JSON: one decimal, none when it is zero.
std::string raw(const std::optional<double>& v) {
    if (!v) return "";
    std::string s = fixed(std::round(*v * 10) / 10, 1);
    return s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0 ? s.substr(0, s.size() - 2) : s;
}

// `s` as a Markdown code span, whatever it holds: fenced by more backticks
// than its longest run of them, on one line.
std::string code_span(const std::string& s) {
    std::size_t run = 0, longest = 0;
    for (char c : s) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
    std::string fence(longest + 1, '`');
    return fence + " " + swap_chars(s, {{'\n', " "}, {'\r', " "}}) + " " + fence;
}

std::string title_of(const Report& r) {
    return "Incident report " + format_date(r.request.since) + " to " + format_date(r.request.until - Seconds{1});
}

Table groups_table(const Report& r) {
    Table t{"Figures" + std::string(r.request.by.none() ? "" : " by " + r.request.by.name),
            {r.request.by.none() ? "" : r.request.by.name, "incidents", "resolved", "backlog", "backlog age", "MTTD",
             "MTTA", "MTTR", "MTBF", "respond SLA", "resolve SLA", "escalations", "reopens"},
            {}};
    auto row = [&](const std::string& key, const Metrics& m) {
        t.rows.push_back({key, std::to_string(m.incidents), std::to_string(m.resolved), std::to_string(m.backlog),
                          human_stat(m.backlog_age), human_stat(m.mttd), human_stat(m.mtta), human_stat(m.mttr),
                          human_stat(m.mtbf), percent(m.respond), percent(m.resolve),
                          std::to_string(m.escalations_functional) + "/" + std::to_string(m.escalations_hierarchical),
                          std::to_string(m.reopens)});
    };
    for (const auto& g : r.groups) row(g.key, g.metrics);
    row("total", r.total);
    return t;
}

Table sla_table(const Report& r) {
    Table t{"SLA compliance by service",
            {"service", "respond met", "respond missed", "respond", "resolve met", "resolve missed", "resolve"},
            {}};
    for (const auto& s : r.sla_by_service)
        t.rows.push_back({s.service, std::to_string(s.respond.met), std::to_string(s.respond.missed),
                          percent(s.respond), std::to_string(s.resolve.met), std::to_string(s.resolve.missed),
                          percent(s.resolve)});
    return t;
}

Table effort_table(const Report& r) {
    Table t{"Effort per person", {"who", "incidents", "events", "engaged"}, {}};
    for (const auto& e : r.effort)
        t.rows.push_back({e.who, std::to_string(e.incidents), std::to_string(e.events), format_duration(e.engaged)});
    return t;
}

Table actions_table(const Report& r) {
    Table t{"Overdue action items", {"incident", "action", "title", "owner", "due", "days overdue"}, {}};
    for (const auto& a : r.overdue_actions)
        t.rows.push_back({a.incident, std::to_string(a.id), a.title, a.owner, a.due, std::to_string(a.days_overdue)});
    return t;
}

// The paging tables, when an incident of the period was paged.
std::vector<Table> paging_tables(const Paging& p) {
    Table figures{"Paging",
                  {"incidents paged", "time to first page", "pages", "pages per incident", "most pages"},
                  {{std::to_string(p.incidents), human_stat(p.first_page), std::to_string(p.pages),
                    fixed(p.pages_mean().value_or(0), 1), std::to_string(p.most_pages)}}};
    Table steps{"Acknowledged at step", {"step", "incidents"}, {}};
    for (const auto& [step, n] : p.acknowledged_at_step)
        steps.rows.push_back({std::to_string(step), std::to_string(n)});
    if (p.acknowledged_before_page)
        steps.rows.push_back({"before any page", std::to_string(p.acknowledged_before_page)});
    Table people{"Pages per person", {"person", "pages", "out of office hours"}, {}};
    for (const auto& who : p.people)
        people.rows.push_back({who.person, std::to_string(who.pages), std::to_string(who.out_of_hours)});
    return {figures, steps, people};
}

// ---- HTML and SVG --------------------------------------------------------

std::string card(const std::string& label, const std::string& value) {
    return "<div class=\"card\"><div class=\"v\">" + html_escape(value) + "</div><div class=\"k\">" +
           html_escape(label) + "</div></div>\n";
}

constexpr const char* kCss =
    R"(body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#1c2833;background:#fff}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #e5e8e8;padding-bottom:.3rem}
.meta{color:#566573;font-size:.9rem}
.cards{display:flex;flex-wrap:wrap;gap:.8rem;margin:1.2rem 0}
.card{border:1px solid #e5e8e8;border-radius:8px;padding:.7rem 1rem;min-width:120px;background:#fbfcfc}
.card .v{font-size:1.4rem;font-weight:600}.card .k{color:#566573;font-size:.8rem}
table{border-collapse:collapse;width:100%;font-size:.88rem}th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eaeded}
th{background:#f4f6f6;font-weight:600}tbody tr:nth-child(even){background:#fbfcfc}
svg{max-width:100%;height:auto}.lbl{font-size:11px;fill:#566573}.small{font-size:10px;fill:#566573}
.grid{stroke:#eaeded;stroke-width:1}polyline.median{stroke:#2e86c1;stroke-width:2}polyline.p90{stroke:#aab7b8;stroke-width:1.5;stroke-dasharray:4 3}
circle.median{fill:#2e86c1}circle.p90{fill:#aab7b8}.median-key{font-size:11px;fill:#2e86c1}.p90-key{font-size:11px;fill:#7f8c8d}
.none{color:#7f8c8d}footer{margin-top:2rem;color:#7f8c8d;font-size:.8rem}
)";

}  // namespace

std::string html_table(const Table& t) {
    std::string s = t.title.empty() ? "" : "<h2>" + html_escape(t.title) + "</h2>\n";
    if (t.rows.empty()) return s + "<p class=\"none\">None.</p>\n";
    s += "<table>\n<thead><tr>";
    for (const auto& h : t.headers) s += "<th>" + html_escape(h) + "</th>";
    s += "</tr></thead>\n<tbody>\n";
    for (const auto& row : t.rows) {
        s += "<tr>";
        for (const auto& c : row) s += "<td>" + html_escape(c) + "</td>";
        s += "</tr>\n";
    }
    return s + "</tbody>\n</table>\n";
}

std::string html_page(const std::string& title, const std::string& body) {
    return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" +
           html_escape(title) + "</title>\n<style>\n" + kCss + "</style>\n</head>\n<body>\n<h1>" + html_escape(title) +
           "</h1>\n" + body + "</body>\n</html>\n";
}

json deadlines_json(const Report& r) {
    json j = compliance_json(r.deadlines);
    j["missed_stages"] = r.deadlines_missed;
    return j;
}

// Stakeholder updates on time and regulatory deadlines met, when either was due.
Table communication_table(const Report& r) {
    Table t{"Communication", {"", "met", "missed", "on time"}, {}};
    auto row = [&](const char* what, const Compliance& c) {
        if (c.met + c.missed > 0) t.rows.push_back({what, std::to_string(c.met), std::to_string(c.missed), percent(c)});
    };
    row("stakeholder updates", r.total.updates);
    row("regulatory deadlines", r.deadlines);
    for (const auto& m : r.deadlines_missed) t.rows.push_back({"missed: " + m, "", "", ""});
    return t;
}

json report_to_json(const Report& r) {
    json j;
    j["since"] = format_rfc3339(r.request.since);
    j["until"] = format_rfc3339(r.request.until);
    j["generated_at"] = format_rfc3339(r.request.now);
    j["by"] = r.request.by.none() ? json(nullptr) : json(r.request.by.name);
    j["where"] = json_or_null(r.request.where);
    j["include_drills"] = r.request.include_drills;
    j["total"] = metrics_json(r.total);
    j["groups"] = json::array();
    for (const auto& g : r.groups) {
        json gj = {{"key", g.key}};
        gj.update(metrics_json(g.metrics));
        j["groups"].push_back(gj);
    }
    j["weeks"] = json::array();
    for (const auto& w : r.weeks) j["weeks"].push_back(week_json(w));
    j["sla_by_service"] = json::array();
    for (const auto& s : r.sla_by_service) j["sla_by_service"].push_back(service_json(s));
    j["effort"] = json::array();
    for (const auto& e : r.effort) j["effort"].push_back(effort_json(e));
    j["overdue_actions"] = json::array();
    for (const auto& a : r.overdue_actions) j["overdue_actions"].push_back(action_json(a));
    j["paging"] = r.paging ? paging_json(*r.paging) : json(nullptr);
    j["deadlines"] = deadlines_json(r);
    return j;
}

std::vector<json> report_to_records(const Report& r) {
    std::vector<json> out;
    auto tagged = [&](const char* record, json body) {
        json j = {{"record", record}};
        j.update(body);
        out.push_back(std::move(j));
    };
    json period = {{"since", format_rfc3339(r.request.since)}, {"until", format_rfc3339(r.request.until)}};
    json total = period;
    total.update(metrics_json(r.total));
    tagged("total", total);
    for (const auto& g : r.groups) {
        json gj = {{"by", r.request.by.name}, {"key", g.key}};
        gj.update(metrics_json(g.metrics));
        tagged("group", gj);
    }
    for (const auto& w : r.weeks) tagged("week", week_json(w));
    for (const auto& s : r.sla_by_service) tagged("sla_by_service", service_json(s));
    for (const auto& e : r.effort) tagged("effort", effort_json(e));
    for (const auto& a : r.overdue_actions) tagged("overdue_action", action_json(a));
    if (r.paging) tagged("paging", paging_json(*r.paging));
    if (r.deadlines.met + r.deadlines.missed > 0) tagged("deadlines", deadlines_json(r));
    return out;
}

std::vector<Table> report_tables(const Report& r) {
    std::vector<Table> out = {groups_table(r), sla_table(r), effort_table(r), actions_table(r)};
    if (r.paging)
        for (auto& t : paging_tables(*r.paging)) out.push_back(std::move(t));
    if (r.total.updates.met + r.total.updates.missed + r.deadlines.met + r.deadlines.missed > 0)
        out.push_back(communication_table(r));
    return out;
}

Table report_figures_table(const Report& r) {
    Table t{"", {"group", "incidents", "resolved", "backlog"}, {}};
    const char* stats[] = {"backlog_age", "mttd", "mtta", "mttr", "mtbf"};
    for (const char* s : stats)
        for (const char* part : {"n", "mean_s", "median_s", "p90_s"}) t.headers.push_back(std::string(s) + "_" + part);
    for (const char* c : {"sla_respond", "sla_resolve"})
        for (const char* part : {"met", "missed", "percent"}) t.headers.push_back(std::string(c) + "_" + part);
    for (const char* h : {"escalations_functional", "escalations_hierarchical", "reopens"}) t.headers.push_back(h);
    auto row = [&](const std::string& key, const Metrics& m) {
        std::vector<std::string> cells = {key, std::to_string(m.incidents), std::to_string(m.resolved),
                                          std::to_string(m.backlog)};
        for (const Stat* s : {&m.backlog_age, &m.mttd, &m.mtta, &m.mttr, &m.mtbf}) {
            cells.push_back(std::to_string(s->n));
            for (const auto* v : {&s->mean, &s->median, &s->p90}) cells.push_back(raw(*v));
        }
        for (const Compliance* c : {&m.respond, &m.resolve}) {
            cells.push_back(std::to_string(c->met));
            cells.push_back(std::to_string(c->missed));
            cells.push_back(c->percent() ? fixed(*c->percent(), 1) : "");
        }
        cells.push_back(std::to_string(m.escalations_functional));
        cells.push_back(std::to_string(m.escalations_hierarchical));
        cells.push_back(std::to_string(m.reopens));
        t.rows.push_back(std::move(cells));
    };
    for (const auto& g : r.groups) row(g.key, g.metrics);
    row("total", r.total);
    return t;
}

std::string report_markdown(const Report& r) {
    std::string s = "# " + title_of(r) + "\n\n";
    s += "Period " + format_rfc3339(r.request.since) + " to " + format_rfc3339(r.request.until) +
         (r.request.where.empty() ? "" : "; filter " + code_span(r.request.where)) +
         (r.request.include_drills ? "; drills included" : "; drills excluded") +
         ". Durations are median (p90); see `man incident-report` for definitions.\n\n";
    for (const auto& t : report_tables(r)) s += to_markdown(t) + "\n";
    return s;
}

std::string report_html(const Report& r) {
    const auto& m = r.total;
    std::string s = "<p class=\"meta\">" + html_escape(format_rfc3339(r.request.since)) + " to " +
                    html_escape(format_rfc3339(r.request.until)) +
                    (r.request.where.empty() ? "" : " · filter <code>" + html_escape(r.request.where) + "</code>") +
                    (r.request.include_drills ? " · drills included" : " · drills excluded") + "</p>\n";
    s += "<div class=\"cards\">\n" + card("incidents", std::to_string(m.incidents)) +
         card("open backlog", std::to_string(m.backlog)) + card("MTTA (median)", human(m.mtta.median)) +
         card("MTTR (median)", human(m.mttr.median)) + card("respond SLA met", percent(m.respond)) +
         card("resolve SLA met", percent(m.resolve)) +
         card("escalations", std::to_string(m.escalations_functional + m.escalations_hierarchical)) +
         card("reopened", std::to_string(m.reopens)) + "</div>\n";
    s += "<h2>Incidents per week by priority</h2>\n" + chart_weekly(r);
    s += "<h2>MTTR trend</h2>\n" + chart_mttr(r);
    s += "<h2>SLA compliance by service</h2>\n" + chart_sla(r);
    for (const auto& t : report_tables(r)) s += html_table(t);
    s += "<footer>Durations are median (p90). Generated by incident at " + html_escape(format_rfc3339(r.request.now)) +
         "; figures are defined in incident-report(1).</footer>\n";
    return html_page(title_of(r), s);
}

}  // namespace incident
