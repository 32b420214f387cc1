// The hooks file's parser, a runbook's reader, and the events a sample
// change picks hooks for.
#include "fuzz.hpp"
#include "hooks/hooks.hpp"
#include "runbook/runbook.hpp"

namespace {
void parse_hooks_and_runbook(const std::string& input) {
    using namespace incident;
    static const Config config;
    (void)parse_runbook(input, "fuzz", "runbooks/fuzz.md");
    HookFile f;
    f.sha256 = "fuzz";
    f.trusted = true;
    f.hooks = parse_hooks(input, "hooks.yaml");
    Incident inc;
    inc.id = "INC-1";
    inc.priority = "P1";
    Event e;
    e.type = "opened";
    (void)hooks_for(f, change_events(nullptr, inc, e), inc, config, false);
}
}  // namespace

INCIDENT_FUZZ_TARGET(parse_hooks_and_runbook)
