// The human-readable record of one incident in a bundle, as Markdown and HTML
// from the same sections.
#include "export/record.hpp"

#include "model/fields.hpp"
#include "model/text.hpp"
#include "report/table.hpp"

namespace incident {

namespace {

struct Section {
    std::string title;
    std::vector<std::string> head;
    std::vector<std::vector<std::string>> rows;
};

std::string when(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : ""; }

std::vector<Section> sections(const Incident& inc) {
    std::vector<Section> out;
    Section facts{"Facts", {"field", "value"}, {}};
    for (const auto& f : incident_fields()) {
        std::string v = f.text   ? inc.*f.text
                        : f.time ? when(inc.*f.time)
                        : f.list ? join(inc.*f.list)
                        : f.flag ? (inc.*f.flag ? "true" : "false")
                                 : "";
        if (f.type == FieldType::status) v = std::string(to_string(inc.status));
        if (!v.empty() && f.type != FieldType::long_text) facts.rows.push_back({std::string(f.key), v});
    }
    out.push_back(facts);
    if (!inc.description.empty()) out.push_back({"Description", {"text"}, {{inc.description}}});
    Section people{"People and roles", {"role", "who"}, {}};
    if (!inc.reporter.empty()) people.rows.push_back({"reporter", inc.reporter});
    if (!inc.assignee.empty()) people.rows.push_back({"assignee", inc.assignee});
    for (const auto& [role, who] : inc.roles) people.rows.push_back({role, who});
    out.push_back(people);
    Section timeline{"Timeline", {"at", "by", "event", "text"}, {}};
    for (const auto& e : inc.timeline) {
        std::string what = e.type;
        for (const auto& [k, v] : e.attrs)
            if (v.is_scalar()) what += " " + k + "=" + v.scalar();
        timeline.rows.push_back({format_rfc3339(e.at), e.by, what, e.text});
    }
    out.push_back(timeline);
    Section actions{"Action items", {"#", "title", "owner", "due", "status"}, {}};
    for (const auto& a : inc.actions) actions.rows.push_back({std::to_string(a.id), a.title, a.owner, a.due, a.status});
    out.push_back(actions);
    Section evidence{"Evidence", {"file", "bytes", "type", "sha256", "by", "at", "note"}, {}};
    for (const auto& a : inc.attachments)
        evidence.rows.push_back({"attachments/" + inc.id + "/" + a.name, std::to_string(a.size), a.type, a.sha256, a.by,
                                 format_rfc3339(a.at), a.note});
    out.push_back(evidence);
    if (inc.resolution)
        out.push_back({"Resolution",
                       {"code", "summary", "by"},
                       {{inc.resolution->code, inc.resolution->summary, inc.resolution->by}}});
    return out;
}

}  // namespace

std::string record_markdown(const Incident& inc, const std::string& note) {
    std::string md = "# " + inc.id + ": " + markdown_cell(inc.title) + "\n\n" + note + "\n";
    for (const auto& s : sections(inc)) {
        md += "\n## " + s.title + "\n\n";
        if (s.rows.empty()) {
            md += "None.\n";
            continue;
        }
        if (s.head.size() == 1) {
            md += s.rows[0][0] + "\n";
            continue;
        }
        md += "|";
        for (const auto& h : s.head) md += " " + h + " |";
        md += "\n|";
        for (std::size_t i = 0; i < s.head.size(); ++i) md += "---|";
        md += "\n";
        for (const auto& r : s.rows) {
            md += "|";
            for (const auto& c : r) md += " " + markdown_cell(c) + " |";
            md += "\n";
        }
    }
    return md;
}

std::string record_html(const Incident& inc, const std::string& note) {
    std::string title = html_escape(inc.id + ": " + inc.title);
    std::string h = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title +
                    "</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-"
                    "collapse:collapse}td,th{border:1px solid #999;padding:.2em .5em;text-align:left;vertical-align:"
                    "top}</style></head>\n<body>\n<h1>" +
                    title + "</h1>\n<p>" + html_escape(note) + "</p>\n";
    for (const auto& s : sections(inc)) {
        h += "<h2>" + html_escape(s.title) + "</h2>\n";
        if (s.rows.empty()) {
            h += "<p>None.</p>\n";
            continue;
        }
        if (s.head.size() == 1) {
            h += "<pre>" + html_escape(s.rows[0][0]) + "</pre>\n";
            continue;
        }
        h += "<table><tr>";
        for (const auto& c : s.head) h += "<th>" + html_escape(c) + "</th>";
        h += "</tr>\n";
        for (const auto& r : s.rows) {
            h += "<tr>";
            for (const auto& c : r) h += "<td>" + html_escape(c) + "</td>";
            h += "</tr>\n";
        }
        h += "</table>\n";
    }
    return h + "</body></html>\n";
}

}  // namespace incident
