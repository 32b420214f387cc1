#include <algorithm>
#include <cctype>

#include "import/plan_files.hpp"
#include "model/yaml_doc.hpp"
#include "page/policy.hpp"
#include "rules/rules.hpp"
#include "store/repo_file.hpp"

namespace incident {

const char* fit_name(Fit f) {
    switch (f) {
        case Fit::exact:
            return "exact";
        case Fit::approximate:
            return "approximate";
        default:
            return "none";
    }
}

void Mapping::approximate(std::string note) {
    if (fit == Fit::exact) fit = Fit::approximate;
    notes.push_back(std::move(note));
}

void Mapping::leave_out(std::string why) {
    fit = Fit::none;
    notes.push_back(std::move(why));
}

PlanItem& ImportContext::item(std::string kind, std::string name, const std::string& id, const Mapping& map) {
    plan.items.push_back(PlanItem{std::move(kind), std::move(name), source(id), "", map.fit, map.notes});
    return plan.items.back();
}

std::string key_from(const std::string& name, const std::function<bool(const std::string&)>& taken) {
    std::string key;
    for (char ch : name) {
        const auto u = static_cast<unsigned char>(ch);
        if (std::isalnum(u))
            key += static_cast<char>(std::tolower(u));
        else if (!key.empty() && key.back() != '-')
            key += '-';
    }
    while (!key.empty() && key.back() == '-') key.pop_back();
    if (key.size() > 40) key.resize(40);
    if (key.empty() || !std::isalpha(static_cast<unsigned char>(key.front()))) key = "x-" + key;
    while (!key.empty() && key.back() == '-') key.pop_back();
    std::string out = key;
    for (int n = 2; taken(out); ++n) out = key + "-" + std::to_string(n);
    return out;
}

EditedFile read_edited(const Repository& repo, const fs::path& path) {
    EditedFile f{path, repo.relative(path), read_repository_file(repo, path).value_or(""), {}};
    if (!f.text.empty()) f.root = load_yaml(f.text, f.display);
    return f;
}

std::size_t ImportPlan::count(const std::string& kind, const std::string& action) const {
    return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [&](const PlanItem& i) {
        return i.kind == kind && (action.empty() || i.action == action);
    }));
}

std::string ImportPlan::summary() const {
    struct Kind {
        const char *kind, *one, *many;
    };
    static const Kind kinds[] = {{"person", "person", "people"},        {"schedule", "schedule", "schedules"},
                                 {"override", "override", "overrides"}, {"policy", "policy", "policies"},
                                 {"service", "service", "services"},    {"incident", "incident", "incidents"}};
    static const std::pair<const char*, const char*> actions[] = {{"add", "new"},
                                                                  {"update", "updated"},
                                                                  {"unchanged", "unchanged"},
                                                                  {"matched", "matched by email"},
                                                                  {"kept", "kept as changed here"},
                                                                  {"skip", "left out"}};
    std::string out;
    for (const auto& k : kinds) {
        const std::size_t n = count(k.kind);
        if (!n) continue;
        std::string parts;
        for (const auto& [action, said] : actions)
            if (std::size_t m = count(k.kind, action))
                parts += (parts.empty() ? "" : ", ") + std::to_string(m) + " " + said;
        out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + (n == 1 ? k.one : k.many) + " (" + parts + ")";
    }
    return out.empty() ? "nothing" : out;
}

ImportPlan plan_import(const Workspace& ws, const ImportSet& set) {
    ImportPlan plan;
    plan.tool = set.tool;
    plan.name = set.name;
    plan.notes = set.notes;
    ImportContext c{ws,
                    set,
                    plan,
                    load_people(ws.repo),
                    read_edited(ws.repo, people_path(ws.repo)),
                    read_edited(ws.repo, escalation_path(ws.repo)),
                    read_edited(ws.repo, ws.repo.root / ".incident" / "rules.yaml"),
                    {},
                    {},
                    {},
                    {},
                    {}};
    const std::string prefix = set.tool + "/";
    auto from_tool = [&](const std::string& s) { return s.rfind(prefix, 0) == 0; };
    plan.already_imported =
        std::any_of(c.people.list.begin(), c.people.list.end(), [&](const Person& p) { return from_tool(p.source); }) ||
        std::any_of(ws.rules.rules.begin(), ws.rules.rules.end(), [&](const Rule& r) { return from_tool(r.source); });
    plan_people(c);
    plan_schedules(c);
    plan_policies(c);
    plan_services(c);
    plan_incidents(c);
    check_schedules(c);
    plan.already_imported =
        plan.already_imported || std::any_of(plan.items.begin(), plan.items.end(), [](const PlanItem& i) {
            return i.action == "unchanged" || i.action == "update";
        });
    return plan;
}

}  // namespace incident
