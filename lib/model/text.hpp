// Small text helpers shared by the rules, queries and delivery code.
#pragma once

#include <string>
#include <string_view>

namespace incident {

// ASCII letters lowered; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view s);

}  // namespace incident
