// Postmortem documents: rendered from mustache templates (built in, or
// .incident/templates/NAME.md.mustache), pre-filled from the incident and
// its timeline; regenerated without destroying human writing; checked for
// empty required sections and incomplete action items.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "store/repository.hpp"

namespace incident {

const std::vector<std::pair<std::string, const char*>>& builtin_templates();

// The template's text: .incident/templates/NAME.md.mustache if it exists
// (read through the repository opener: a link out of the repository is
// InvalidData), else the built-in of that name. Throws UsageError for an
// unknown name. `where` is its file, or "template NAME" for a built-in.
struct PostmortemTemplate {
    std::string where, text;
};
PostmortemTemplate postmortem_template(const std::string& name, const Repository& repo);

// Renders, within the bounds of template/template.hpp; throws InvalidData
// (located in `where`) for a template that does not parse or crosses them.
std::string render_postmortem(const Incident& inc, const Config& config, const std::string& template_text,
                              Timestamp now, const std::string& where = "postmortem template");

// Refreshes the generated blocks of `existing` from `fresh`, keeping every
// line outside them; blocks new to the template are appended.
std::string merge_postmortem(const std::string& existing, const std::string& fresh);

// What stops the postmortem from being complete: required sections left
// empty, action items without owner or due date. Empty: complete.
std::vector<std::string> check_postmortem(const std::string& text, const Incident& inc);

// The postmortem's text, or nullopt when there is none. Anything but a
// regular file there (a FIFO, a directory, a link out of the repository) is
// InvalidData, and nothing of what it names is read.
std::optional<std::string> read_postmortem(const Repository& repo, const fs::path& path);

// check_postmortem on a file; `exists` tells whether there is one.
std::vector<std::string> check_postmortem_file(const Repository& repo, const fs::path& path, const Incident& inc,
                                               bool& exists);

// The review meeting's deadline: `within` business time after resolution.
std::optional<Timestamp> postmortem_meeting_due(const Incident& inc, const Config& config);

}  // namespace incident
