// Runbooks: .incident/runbooks/NAME.md, plain Markdown a responder reads in
// any viewer. A rule attaches one (`then: {runbook: NAME}`); its links are
// shown with the incident and its checklist ("- [ ] ...") becomes the
// incident's tasks. The file comes from the repository, so what it may hold
// is bounded and every refusal names its line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/incident.hpp"
#include "store/repository.hpp"

namespace incident {

struct RunbookLink {
    std::string text;  // the link's text, or the address itself
    std::string url;   // http(s) only
};

struct Runbook {
    std::string name;
    std::string title;  // the first "# " heading; the name when there is none
    std::vector<RunbookLink> links;
    std::vector<std::string> checklist;  // the titles of its "- [ ]" items, in order
};

inline constexpr std::size_t kMaxRunbookTasks = 100;
inline constexpr std::size_t kMaxTaskTitle = 200;

inline fs::path runbook_path(const Repository& repo, const std::string& name) {
    return repo.root / ".incident" / "runbooks" / (name + ".md");
}

// A runbook's name: lower-case letters, digits, '-' and '_', starting with
// a letter or digit, at most 64 characters (it names a file).
bool is_runbook_name(std::string_view name);

// Reads a runbook's text; `file` names it in errors. Throws InvalidData
// (file:line) for a checklist item with no title or one too long, or more
// than kMaxRunbookTasks items.
Runbook parse_runbook(std::string_view text, const std::string& name, const std::string& file);

// The id a new task titled `title` takes beside `tasks`: its words in lower
// case joined by '-' (at most 40 characters), numbered -2, -3 ... when taken.
std::string new_task_id(const std::vector<Task>& tasks, const std::string& title);

}  // namespace incident
