// The incident file loader and writer: YAML text -> Incident -> YAML and JSON,
// and the summary that list, report and the index cache are built from.
#include "fuzz.hpp"
#include "index/summary.hpp"
#include "model/incident.hpp"
#include "model/time.hpp"
#include "model/yaml_doc.hpp"

namespace {
void load_incident(const std::string& input) {
    using namespace incident;
    Incident inc = incident_from_yaml(load_yaml(input, "fuzz.yaml"), "fuzz.yaml");
    (void)incident_to_yaml(inc);
    (void)incident_to_json(inc).dump();
    static const Config config;
    StringPool pool;
    (void)summarise(inc, config, *parse_rfc3339("2026-11-22T12:00:00Z"), pool);
}
}  // namespace

INCIDENT_FUZZ_TARGET(load_incident)
