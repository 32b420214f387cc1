// The built-in postmortem templates: lib/postmortem/templates/NAME.md,
// compiled into the binary (CMakeLists.txt). Mustache; generated parts sit
// between <!-- incident:begin NAME --> and <!-- incident:end NAME --> and are
// refreshed on regeneration; everything else belongs to the people writing.
// <!-- incident:required --> under a heading makes --check insist on it.
#include <map>

#include "postmortem/postmortem.hpp"

namespace incident {

const std::map<std::string, std::string>& embedded_postmortem_templates();

const std::vector<std::pair<std::string, const char*>>& builtin_templates() {
    static const std::vector<std::pair<std::string, const char*>> templates = [] {
        std::vector<std::pair<std::string, const char*>> out;
        for (const auto& [file, text] : embedded_postmortem_templates())
            out.emplace_back(file.substr(0, file.size() - 3), text.c_str());  // without ".md"
        return out;
    }();
    return templates;
}

}  // namespace incident
