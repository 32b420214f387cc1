// A template from the repository rendered with an incident's data: any text
// either renders within the bounds or is refused (InvalidData).
#include "template/template.hpp"

#include "fuzz.hpp"

namespace {
void render(const std::string& text) {
    using kainjow::mustache::data;
    static const data context = [] {
        data d;
        data timeline{data::type::list};
        for (int i = 0; i < 20; ++i) {
            data e;
            e.set("type", "note");
            e.set("text", "restarted <pods> & {{x}}");
            timeline.push_back(e);
        }
        d.set("timeline", timeline);
        d.set("title", "Checkout down");
        d.set("resolution", false);
        return d;
    }();
    incident::TemplateLimits limits;
    limits.output = 1u << 20;
    (void)incident::render_template(
        text, context, [](const std::string& s) { return s; }, "fuzz", limits);
}
}  // namespace

INCIDENT_FUZZ_TARGET(render)
