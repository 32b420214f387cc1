#include "rules_output.hpp"

#include "output.hpp"

namespace incident::cli {

void print_trace(const Io& io, const Decision& d) {
    for (const auto& t : d.trace)
        io.out << (t.matched ? paint(io, "32", "  match  ") : paint(io, "2", "  skip   ")) << t.rule
               << (t.origin.rfind("pack:", 0) == 0 ? " (" + t.origin + ")" : "") << ": " << t.why << "\n";
    if (d.trace.empty()) io.out << "  (no rules: .incident/rules.yaml is absent or empty)\n";
    io.out << "  => " << paint_priority(io, d.priority.empty() ? "-" : d.priority) << (d.manual ? " (manual)" : "")
           << "  " << d.reason << "\n";
}

nlohmann::ordered_json decision_to_json(const Decision& d) {
    nlohmann::ordered_json trace = nlohmann::ordered_json::array();
    for (const auto& t : d.trace)
        trace.push_back({{"rule", t.rule}, {"origin", t.origin}, {"matched", t.matched}, {"why", t.why}});
    return {{"priority", json_or_null(d.priority)},
            {"reason", d.reason},
            {"manual", d.manual},
            {"fired", d.fired},
            {"notify", d.notify},
            {"sla_policy", json_or_null(d.sla)},
            {"trace", trace}};
}

}  // namespace incident::cli
