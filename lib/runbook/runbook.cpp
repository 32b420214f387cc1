#include "runbook/runbook.hpp"

#include <algorithm>
#include <cctype>

#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

bool is_url(std::string_view s) { return s.starts_with("https://") || s.starts_with("http://"); }

// The text of a checklist item ("- [ ] Check the dashboards"), or nullopt
// when the line is not one. A ticked item ("- [x]") is not: in a runbook it
// is an example or a note, never a task still to do.
std::optional<std::string_view> checklist_item(std::string_view line) {
    std::size_t i = line.find_first_not_of(" \t");
    if (i == std::string_view::npos || line.size() < i + 5) return std::nullopt;
    if (line[i] != '-' && line[i] != '*' && line[i] != '+') return std::nullopt;
    if (line.substr(i + 1, 2) != " [" || line[i + 4] != ']') return std::nullopt;
    if (line[i + 3] != ' ') return std::nullopt;
    std::string_view rest = line.substr(i + 5);
    std::size_t start = rest.find_first_not_of(" \t");
    if (start == std::string_view::npos) return std::string_view{};
    rest = rest.substr(start);
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r')) rest.remove_suffix(1);
    return rest;
}

// Every [text](http...) in `line`, and a bare address that is a list item's whole text.
void collect_links(std::string_view line, std::vector<RunbookLink>& out) {
    std::size_t pos = 0;
    bool found = false;
    while ((pos = line.find('[', pos)) != std::string_view::npos) {
        std::size_t close = line.find("](", pos);
        if (close == std::string_view::npos) break;
        std::size_t end = line.find(')', close + 2);
        if (end == std::string_view::npos) break;
        std::string_view url = line.substr(close + 2, end - close - 2);
        if (is_url(url) && url.find_first_of(" \t") == std::string_view::npos) {
            out.push_back({std::string(line.substr(pos + 1, close - pos - 1)), std::string(url)});
            found = true;
        }
        pos = end;
    }
    if (found) return;
    std::size_t i = line.find_first_not_of(" \t");
    if (i == std::string_view::npos || (line[i] != '-' && line[i] != '*')) return;
    std::string_view rest = line.substr(i + 1);
    rest.remove_prefix(std::min(rest.find_first_not_of(" \t"), rest.size()));
    while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r')) rest.remove_suffix(1);
    if (is_url(rest) && rest.find_first_of(" \t") == std::string_view::npos)
        out.push_back({std::string(rest), std::string(rest)});
}

}  // namespace

bool is_runbook_name(std::string_view name) {
    if (name.empty() || name.size() > 64 || !std::isalnum(static_cast<unsigned char>(name[0]))) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; });
}

Runbook parse_runbook(std::string_view text, const std::string& name, const std::string& file) {
    Runbook rb;
    rb.name = name;
    int number = 0;
    bool fenced = false;
    for (const auto& raw : split(std::string(text), '\n')) {
        ++number;
        std::string_view line = raw;
        if (line.find_first_not_of(" ") != std::string_view::npos &&
            line.substr(line.find_first_not_of(" ")).starts_with("```")) {
            fenced = !fenced;
            continue;
        }
        if (fenced) continue;  // an example in a code block is not the runbook's own
        if (rb.title.empty() && line.starts_with("# ")) {
            rb.title = one_line(line.substr(2));
            continue;
        }
        if (auto item = checklist_item(line)) {
            Location at{file, number, 1};
            if (item->empty()) throw InvalidData(at, "a checklist item with no text");
            if (item->size() > kMaxTaskTitle)
                throw InvalidData(at, "a checklist item longer than " + std::to_string(kMaxTaskTitle) +
                                          " characters: a task's title is one line");
            if (rb.checklist.size() == kMaxRunbookTasks)
                throw InvalidData(at, "more than " + std::to_string(kMaxRunbookTasks) + " checklist items");
            rb.checklist.push_back(one_line(*item));
            continue;
        }
        collect_links(line, rb.links);
    }
    if (rb.title.empty()) rb.title = name;
    return rb;
}

std::string new_task_id(const std::vector<Task>& tasks, const std::string& title) {
    std::string base;
    for (char c : ascii_lower(title)) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            base += c;
        else if (!base.empty() && base.back() != '-')
            base += '-';
        if (base.size() >= 40) break;
    }
    while (!base.empty() && base.back() == '-') base.pop_back();
    if (base.empty()) base = "task";
    auto taken = [&](const std::string& id) {
        return std::any_of(tasks.begin(), tasks.end(), [&](const Task& t) { return t.id == id; });
    };
    std::string id = base;
    for (int n = 2; taken(id); ++n) id = base + "-" + std::to_string(n);
    return id;
}

}  // namespace incident
