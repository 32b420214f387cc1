// The --where filter language (and --sort / --fields lists), evaluated
// against a sample incident summary.
#include "fuzz.hpp"
#include "model/time.hpp"
#include "query/query.hpp"

namespace {
void parse_and_match(const std::string& input) {
    using namespace incident;
    static const Config config;
    const Timestamp now = *parse_rfc3339("2026-11-22T12:00:00Z");
    Summary s;
    s.id = "INC-7";
    s.title = "Checkout latency";
    s.status = Status::investigating;
    s.priority = "P2";
    s.service = "checkout";
    s.tags = {"customer-facing"};
    s.times.opened = now - Seconds{3600};
    try {
        (void)Filter::parse(input, config, now).matches(s);
    } catch (const Error&) {
    }
    try {
        auto keys = parse_sort(input);
        std::vector<const Summary*> rows{&s, &s};
        sort_summaries(rows, keys, config, now);
    } catch (const Error&) {
    }
    (void)parse_fields(input);
}
}  // namespace

INCIDENT_FUZZ_TARGET(parse_and_match)
