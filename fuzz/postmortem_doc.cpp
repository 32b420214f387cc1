// Postmortem regeneration over an existing document: the generated blocks are
// refreshed from a rendered template, every other line kept; then the checks.
#include "fuzz.hpp"
#include "model/time.hpp"
#include "model/yaml_doc.hpp"
#include "postmortem/postmortem.hpp"

namespace {
void regenerate(const std::string& existing) {
    using namespace incident;
    static const Config config;
    static const Incident inc = incident_from_yaml(
        load_yaml("id: INC-3\ntitle: Payments down\nstatus: resolved\npriority: P1\nservice: payments\n"
                  "opened_at: 2026-11-20T10:00:00Z\nresolved_at: 2026-11-20T11:00:00Z\n"
                  "actions:\n  - {id: 1, title: Add alert, owner: bob, due: 2026-12-01, status: open}\n"
                  "timeline:\n  - {at: 2026-11-20T10:00:00Z, by: alice, type: opened, text: seen}\n",
                  "INC-3.yaml"),
        "INC-3.yaml");
    static const char* google_sre = [] {
        for (const auto& [name, text] : builtin_templates())
            if (name == "google-sre") return text;
        return "";
    }();
    static const std::string fresh = render_postmortem(inc, config, google_sre, *parse_rfc3339("2026-11-22T12:00:00Z"));
    std::string merged = merge_postmortem(existing, fresh);
    (void)check_postmortem(merged, inc);
    (void)check_postmortem(existing, inc);
}
}  // namespace

INCIDENT_FUZZ_TARGET(regenerate)
