#include "postmortem/postmortem.hpp"

#include <sstream>

namespace incident {

namespace {

std::string cell(std::string s) {
    std::string out;
    for (char c : s) {
        if (c == '|')
            out += "\\|";
        else if (c == '\n')
            out += "<br>";
        else
            out += c;
    }
    return out;
}

std::string since(const std::optional<Timestamp>& from, const std::optional<Timestamp>& to) {
    if (!from || !to) return "n/a";
    return format_duration(*to - *from);
}

}  // namespace

std::string render_postmortem(const Incident& inc, Timestamp now) {
    std::ostringstream md;
    md << "# Postmortem: " << inc.id << " " << inc.title << "\n\n";
    md << "> This is a blameless postmortem: it describes what happened and how the system and our processes\n"
       << "> allowed it, not who is at fault.\n\n";
    md << "| | |\n|---|---|\n";
    md << "| Date | " << format_date(inc.opened_at.value_or(now)) << " |\n";
    md << "| Priority | " << (inc.priority.empty() ? "n/a" : inc.priority) << " |\n";
    md << "| Service | " << cell(inc.service.empty() ? "n/a" : inc.service) << " |\n";
    md << "| Status | draft |\n";
    md << "| Time to acknowledge | " << since(inc.opened_at, inc.acknowledged_at) << " |\n";
    md << "| Time to mitigate | " << since(inc.opened_at, inc.mitigated_at) << " |\n";
    md << "| Time to resolve | " << since(inc.opened_at, inc.resolved_at) << " |\n\n";
    md << "## Summary\n\n<!-- TODO: two or three sentences a newcomer can follow -->\n\n";
    md << "## Impact\n\n<!-- TODO: who was affected, how, for how long -->\n\n";
    md << "## Root causes\n\n<!-- TODO -->\n\n";
    md << "## Resolution\n\n";
    if (inc.resolution)
        md << inc.resolution->code << ": " << inc.resolution->summary << "\n\n";
    else
        md << "<!-- TODO -->\n\n";
    md << "## Action items\n\n| # | Action | Owner | Due | Status |\n|---|---|---|---|---|\n\n";
    md << "## Timeline\n\n| Time (UTC) | Who | Event | Details |\n|---|---|---|---|\n";
    for (const auto& e : inc.timeline)
        md << "| " << format_rfc3339(e.at) << " | " << cell(e.by) << " | " << e.type << " | " << cell(e.text) << " |\n";
    md << "\n## Lessons learned\n\n### What went well\n\n<!-- TODO -->\n\n### What went wrong\n\n<!-- TODO -->\n\n"
       << "### Where we got lucky\n\n<!-- TODO -->\n";
    return md.str();
}

}  // namespace incident
