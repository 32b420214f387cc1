#include "postmortem/postmortem.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <map>
#include <set>
#include <sstream>

#include "model/errors.hpp"
#include "model/fields.hpp"
#include "model/file_text.hpp"
#include "model/text.hpp"
#include "sla/calendar.hpp"
#include "sla/sla.hpp"
#include "store/atomic_file.hpp"
#include "store/repo_file.hpp"
#include "template/template.hpp"

namespace incident {

namespace {

using kainjow::mustache::data;

constexpr const char* kBegin = "<!-- incident:begin ";
constexpr const char* kEnd = "<!-- incident:end ";
constexpr const char* kRequired = "<!-- incident:required -->";

std::string duration_text(const std::optional<Seconds>& d) { return d ? format_duration(*d) : "n/a"; }

std::string when(const std::optional<Timestamp>& t) { return t ? format_rfc3339(*t) : "n/a"; }

// Table cells: one line, no column breaks; HTML-significant characters escaped.
std::string cell(const std::string& s) {
    return swap_chars(s, {{'|', "\\|"}, {'\n', " "}, {'<', "&lt;"}, {'>', "&gt;"}, {'&', "&amp;"}});
}

std::string clock_text(const SlaClock& c, const Config& config) {
    if (c.state == ClockState::none) return "no target";
    return std::string(to_string(c.state)) + " (" + clock_progress(c, config) + ")";
}

std::string event_details(const Event& e) {
    std::string d;
    for (const auto& [k, v] : e.attrs)
        if (v.is_scalar()) d += (d.empty() ? "" : ", ") + k + " " + v.scalar();
    if (!e.text.empty()) d += (d.empty() ? "" : ": ") + e.text;
    return d;
}

// Responders: everyone who acted, in order of first appearance, with their roles.
void add_people(data& ctx, const Incident& inc) {
    std::vector<std::string> people;
    for (const auto& e : inc.timeline)
        if (!e.by.empty() && std::find(people.begin(), people.end(), e.by) == people.end()) people.push_back(e.by);
    data responders{data::type::list};
    std::string authors;
    for (const auto& p : people) {
        data d;
        d.set("name", p);
        std::string roles;
        for (const auto& [role, who] : inc.roles)
            if (who == p) roles += (roles.empty() ? "" : ", ") + role;
        if (!roles.empty()) d.set("roles", roles);
        responders.push_back(d);
        authors += (authors.empty() ? "" : ", ") + p;
    }
    ctx.set("responders", responders);
    ctx.set("authors", authors.empty() ? std::string("n/a") : authors);
}

// The timeline, and the role hand-offs and escalations in it.
void add_timeline(data& ctx, const Incident& inc) {
    data handoffs{data::type::list}, escalations{data::type::list}, timeline{data::type::list};
    bool any_handoff = false, any_escalation = false;
    for (const auto& e : inc.timeline) {
        data row;
        row.set("at", format_rfc3339(e.at));
        row.set("by", e.by.empty() ? "-" : e.by);
        row.set("type", e.type);
        row.set("details", event_details(e));
        timeline.push_back(row);
        if (e.type == "role_handoff") {
            data h;
            h.set("at", format_rfc3339(e.at));
            h.set("role", e.get("role"));
            h.set("from", e.get("from").empty() ? "(nobody)" : e.get("from"));
            h.set("to", e.get("to"));
            handoffs.push_back(h);
            any_handoff = true;
        }
        if (e.type == "escalated") {
            data x;
            x.set("at", format_rfc3339(e.at));
            x.set("kind", e.get("kind"));
            x.set("to", !e.get("to_team").empty() ? "team " + e.get("to_team") : e.get("to"));
            if (!e.text.empty()) x.set("reason", e.text);
            escalations.push_back(x);
            any_escalation = true;
        }
    }
    ctx.set("timeline", timeline);
    ctx.set("handoffs", handoffs);
    ctx.set("handoffs_any", any_handoff);
    ctx.set("escalations", escalations);
    ctx.set("escalations_any", any_escalation);
}

void add_actions(data& ctx, const Incident& inc) {
    if (inc.actions.empty()) {
        ctx.set("actions", false);
        return;
    }
    data actions{data::type::list};
    for (const auto& a : inc.actions) {
        data d;
        d.set("id", std::to_string(a.id));
        d.set("title", a.title);
        d.set("type", a.type.empty() ? "-" : a.type);
        d.set("owner", a.owner.empty() ? "**missing**" : a.owner);
        d.set("due", a.due.empty() ? "**missing**" : a.due);
        d.set("status", a.status);
        d.set("tracker", a.tracker.empty() ? "-" : a.tracker);
        actions.push_back(d);
    }
    ctx.set("actions", actions);
}

// The checklist: each task, who ticked it off and when.
void add_tasks(data& ctx, const Incident& inc) {
    if (inc.tasks.empty()) {
        ctx.set("tasks", false);
        return;
    }
    data items{data::type::list};
    std::size_t done = 0;
    for (const auto& t : inc.tasks) {
        data d;
        d.set("title", t.title);
        d.set("runbook", t.runbook.empty() ? "-" : t.runbook);
        d.set("done_by", t.done_at ? t.done_by : "**not done**");
        d.set("done_at", t.done_at ? format_rfc3339(*t.done_at) : "-");
        items.push_back(d);
        done += t.done_at ? 1 : 0;
    }
    data tasks;
    tasks.set("items", items);
    tasks.set("done", std::to_string(done));
    tasks.set("total", std::to_string(inc.tasks.size()));
    ctx.set("tasks", tasks);
}

data build_context(const Incident& inc, const Config& cfg, Timestamp now) {
    data ctx;
    auto na = [](const std::string& s) { return s.empty() ? std::string("n/a") : s; };
    ctx.set("id", inc.id);
    ctx.set("title", inc.title);
    ctx.set("date", format_date(inc.opened_at.value_or(now)));
    ctx.set("doc_status", inc.status == Status::closed ? "final" : "draft");
    ctx.set("priority", na(inc.priority));
    ctx.set("service", na(inc.service));
    ctx.set("commander", na(inc.role("commander").empty() ? inc.assignee : inc.role("commander")));
    ctx.set("started", when(inc.started_at));
    ctx.set("detected", when(inc.detected_at));
    ctx.set("opened", when(inc.opened_at));
    ctx.set("resolved", when(inc.resolved_at));
    const LifecycleTimes times = lifecycle_times(inc);
    ctx.set("ttd", duration_text(times.span(Span::detect)));
    ctx.set("tta", duration_text(times.span(Span::acknowledge)));
    ctx.set("ttm", duration_text(times.span(Span::mitigate)));
    ctx.set("ttr", duration_text(times.span(Span::resolve)));
    SlaStatus sla = sla_status(inc, cfg, now);
    ctx.set("sla_respond", clock_text(sla.respond, cfg));
    ctx.set("sla_resolve", clock_text(sla.resolve, cfg));
    if (std::string related = join(inc.related); !related.empty()) ctx.set("related", related);
    if (inc.resolution) {
        data r;
        r.set("code", inc.resolution->code);
        r.set("summary", inc.resolution->summary);
        r.set("by", inc.resolution->by);
        ctx.set("resolution", r);
    } else {
        ctx.set("resolution", false);
    }
    add_people(ctx, inc);
    add_timeline(ctx, inc);
    add_actions(ctx, inc);
    add_tasks(ctx, inc);
    return ctx;
}

struct Block {
    std::string name;
    size_t begin;  // start of the begin marker line
    size_t body;   // after the begin marker line
    size_t end;    // start of the end marker line
    size_t after;  // after the end marker line
};

std::vector<Block> find_blocks(const std::string& text) {
    std::vector<Block> out;
    size_t pos = 0;
    while ((pos = text.find(kBegin, pos)) != std::string::npos) {
        size_t name_start = pos + std::string(kBegin).size();
        size_t name_end = text.find(" -->", name_start);
        if (name_end == std::string::npos) break;
        std::string name = text.substr(name_start, name_end - name_start);
        size_t body = text.find('\n', name_end);
        body = body == std::string::npos ? text.size() : body + 1;
        std::string end_marker = std::string(kEnd) + name + " -->";
        size_t end = text.find(end_marker, body);
        if (end == std::string::npos) break;  // unterminated: leave it to the humans
        size_t after = text.find('\n', end);
        after = after == std::string::npos ? text.size() : after + 1;
        out.push_back({name, pos, body, end, after});
        pos = after;
    }
    return out;
}

}  // namespace

PostmortemTemplate postmortem_template(const std::string& name, const Repository& repo) {
    if (name.find('/') == std::string::npos && name.find("..") == std::string::npos) {
        std::string where = ".incident/templates/" + name + ".md.mustache";
        if (auto text = read_repository_file(repo, repo.root / where)) return {where, *text};
    }
    for (const auto& [n, text] : builtin_templates())
        if (n == name) return {"template " + name, text};
    throw UsageError("no postmortem template named '" + name + "'",
                     "built in: google-sre, pagerduty, atlassian; custom: .incident/templates/NAME.md.mustache");
}

std::string render_postmortem(const Incident& inc, const Config& cfg, const std::string& template_text, Timestamp now,
                              const std::string& where) {
    return render_template(template_text, build_context(inc, cfg, now), cell, where);
}

std::string merge_postmortem(const std::string& existing, const std::string& fresh) {
    std::map<std::string, std::string> fresh_blocks;
    std::vector<std::string> order;
    for (const auto& b : find_blocks(fresh)) {
        fresh_blocks[b.name] = fresh.substr(b.body, b.end - b.body);
        order.push_back(b.name);
    }
    std::string out;
    size_t pos = 0;
    std::set<std::string> seen;
    for (const auto& b : find_blocks(existing)) {
        out += existing.substr(pos, b.body - pos);
        auto it = fresh_blocks.find(b.name);
        out += it != fresh_blocks.end() ? it->second : existing.substr(b.body, b.end - b.body);
        out += existing.substr(b.end, b.after - b.end);
        pos = b.after;
        seen.insert(b.name);
    }
    out += existing.substr(pos);
    for (const auto& name : order)
        if (!seen.count(name)) {
            if (!out.empty() && out.back() != '\n') out += '\n';
            out += "\n" + std::string(kBegin) + name + " -->\n" + fresh_blocks[name] + kEnd + name + " -->\n";
        }
    return out;
}

std::vector<std::string> check_postmortem(const std::string& text, const Incident& inc) {
    std::vector<std::string> problems;
    // Strip generated blocks and comments: what is left under a heading is human writing.
    std::string human;
    size_t pos = 0;
    for (const auto& b : find_blocks(text)) {
        human += text.substr(pos, b.begin - pos);
        pos = b.after;
    }
    human += text.substr(pos);
    std::istringstream lines(human);
    std::string line, heading, body;
    bool required = false, in_comment = false;
    auto finish = [&] {
        bool empty = body.find_first_not_of(" \t\n\r") == std::string::npos;
        if (required && empty) problems.push_back("section '" + heading + "' is empty");
    };
    while (std::getline(lines, line)) {
        if (line.rfind("#", 0) == 0 && !in_comment) {
            if (!heading.empty()) finish();
            auto title = line.find_first_not_of("# ");  // a line of only '#' is an empty heading
            heading = title == std::string::npos ? "(untitled)" : line.substr(title);
            body.clear();
            required = false;
            continue;
        }
        if (line.find(kRequired) != std::string::npos) required = true;
        // drop comments (possibly spanning lines)
        std::string kept;
        size_t i = 0;
        while (i < line.size()) {
            if (in_comment) {
                size_t close = line.find("-->", i);
                if (close == std::string::npos) {
                    i = line.size();
                    break;
                }
                in_comment = false;
                i = close + 3;
            } else {
                size_t open = line.find("<!--", i);
                kept += line.substr(i, open == std::string::npos ? std::string::npos : open - i);
                if (open == std::string::npos) break;
                in_comment = true;
                i = open + 4;
            }
        }
        body += kept + "\n";
    }
    if (!heading.empty()) finish();
    for (const auto& a : inc.actions) {
        if (a.owner.empty())
            problems.push_back("action item " + std::to_string(a.id) + " '" + a.title + "' has no owner");
        if (a.due.empty())
            problems.push_back("action item " + std::to_string(a.id) + " '" + a.title + "' has no due date");
    }
    return problems;
}

std::optional<std::string> read_postmortem(const Repository& repo, const fs::path& path) {
    return read_repository_file(repo, path, 16u << 20);
}

std::vector<std::string> check_postmortem_file(const Repository& repo, const fs::path& path, const Incident& inc,
                                               bool& exists) {
    auto text = read_postmortem(repo, path);
    exists = text.has_value();
    if (!exists) return {"there is no postmortem yet"};
    return check_postmortem(*text, inc);
}

std::optional<Timestamp> postmortem_meeting_due(const Incident& inc, const Config& cfg) {
    if (!inc.resolved_at || cfg.postmortem_meeting_within <= Seconds{0}) return std::nullopt;
    return WorkCalendar(cfg.business_hours).add_working_time(*inc.resolved_at, cfg.postmortem_meeting_within);
}

}  // namespace incident
