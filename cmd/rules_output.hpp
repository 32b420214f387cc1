// Printing a rule decision's trace: shared by `triage --explain` and
// `rules explain`.
#pragma once

#include <nlohmann/json.hpp>

#include "context.hpp"

namespace incident::cli {

void print_trace(const Io& io, const Decision& d);
nlohmann::ordered_json decision_to_json(const Decision& d);

}  // namespace incident::cli
