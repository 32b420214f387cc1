// The rules parser, its lint and one evaluation against a sample incident.
#include "fuzz.hpp"
#include "model/yaml_doc.hpp"
#include "rules/rules.hpp"

namespace {
void parse_and_decide(const std::string& input) {
    using namespace incident;
    static const Config config;
    RuleSet rules = parse_rules(input, "rules.yaml");
    (void)lint_rules(rules, config);
    Incident inc = incident_from_yaml(load_yaml("id: INC-1\ntitle: Checkout latency above 3 s\nstatus: open\n"
                                                "category: network\nservice: checkout\nimpact: high\nurgency: low\n"
                                                "tags: [customer-facing]\ndescription: pool exhausted\n",
                                                "sample.yaml"),
                                      "sample.yaml");
    (void)decide(inc, rules, config);
}
}  // namespace

INCIDENT_FUZZ_TARGET(parse_and_decide)
