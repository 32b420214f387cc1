// What `validate` says of the files beside the incidents that it does not
// check one by one (templates, scenarios, postmortems, evidence): each link
// among them that leads out of the repository, which the tool never reads.
#pragma once

#include <vector>

#include "rules/rules.hpp"
#include "store/repository.hpp"

namespace incident {

// Every link under .incident/, postmortems/ and attachments/ (a linked
// directory once, not walked) that leads out of the repository, by path.
std::vector<Finding> links_out_of(const Repository& repo);

}  // namespace incident
