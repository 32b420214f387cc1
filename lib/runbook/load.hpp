// Reading the runbooks a rule set names, through the repository's one
// opener for its files (store/repo_file.hpp).
#pragma once

#include <string>
#include <vector>

#include "rules/rules.hpp"

namespace incident {

// The runbooks the rules name (.incident/runbooks/NAME.md), into
// rules.runbooks; one missing or unreadable is left out with a warning.
void load_runbooks(const Repository& repo, RuleSet& rules, std::vector<std::string>& warnings);

}  // namespace incident
