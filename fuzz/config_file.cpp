// The configuration loader: .incident/config.yaml as a layer over the defaults.
#include "fuzz.hpp"
#include "model/config.hpp"
#include "model/yaml_doc.hpp"

namespace {
void load_config(const std::string& input) {
    using namespace incident;
    Config config;
    apply_config_layer(config, load_yaml(input, "config.yaml"), "config.yaml");
    check_config(config, "config.yaml");
}
}  // namespace

INCIDENT_FUZZ_TARGET(load_config)
