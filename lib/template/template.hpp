// Mustache templates from the repository (postmortem, message and status
// page templates) are untrusted input: rendering one is bounded in nesting
// depth, in work and in output, and a template over a bound is refused with
// the location of the tag that crosses it (InvalidData, exit 4) before any
// of it runs.
#pragma once

#include <cstddef>
#include <functional>
#include <kainjow/mustache.hpp>
#include <string>

namespace incident {

struct TemplateLimits {
    std::size_t depth = 32;         // sections open at once
    std::size_t work = 2'000'000;   // tags and text runs rendered, counting each repetition
    std::size_t output = 4u << 20;  // bytes
};

// Renders `text` with `data`; `escape` escapes each {{variable}} (HTML
// escaping when empty). `where` names the template in errors ("template.md.mustache").
// Throws InvalidData for a template that does not parse or would cross a limit.
std::string render_template(const std::string& text, const kainjow::mustache::data& data,
                            const std::function<std::string(const std::string&)>& escape, const std::string& where,
                            const TemplateLimits& limits = {});

}  // namespace incident
