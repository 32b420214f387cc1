#include "runbook/load.hpp"

#include "store/repo_file.hpp"

namespace incident {

void load_runbooks(const Repository& repo, RuleSet& rules, std::vector<std::string>& warnings) {
    for (const auto& rule : rules.rules) {
        const std::string& name = rule.then.runbook;
        if (name.empty() || rules.runbooks.count(name)) continue;
        fs::path p = runbook_path(repo, name);
        try {
            if (auto text = read_repository_file(repo, p))
                rules.runbooks.emplace(name, parse_runbook(*text, name, repo.relative(p)));
            else
                warnings.push_back("rule " + rule.name + " attaches the runbook " + name + ", but there is no " +
                                   repo.relative(p) + " (no checklist until it is written)");
        } catch (const InvalidData& e) {
            warnings.push_back(std::string(e.what()) + " (the runbook is not attached until it is fixed)");
        }
    }
}

}  // namespace incident
