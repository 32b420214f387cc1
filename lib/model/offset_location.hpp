// Where a byte of a text is: its line and column (1-based; columns count
// characters, not bytes), for errors that know only an offset (libyaml's
// checks before parsing, a JSON parser's).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "model/errors.hpp"

namespace incident {

Location offset_location(std::string_view text, std::size_t offset, const std::string& file);

}  // namespace incident
