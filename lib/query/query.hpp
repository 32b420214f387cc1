// The query language of list, report, sla and action list: fields of an
// incident summary, filter expressions over them (--where), sort keys
// (--sort) and field lists (--fields).
//
//   priority<=P2 and status!=closed and service in (checkout, payments)
//   and tag:customer-facing and opened>=2026-01-01 and title~"latency"
//
// Comparisons understand the field's kind: ordered scales (priority, impact,
// urgency, tier: smaller is more severe, as in the rules), the lifecycle
// order of statuses, times (a bare date is that whole UTC day), durations
// ("4h") and counts. `~` is a case-insensitive substring match.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "index/summary.hpp"
#include "model/config.hpp"

namespace incident {

enum class FieldKind { text, id, scale, status, time, duration, number, boolean, tags, clock };

struct Value;

// One field of a summary: its name, kind, help, and how its value is read.
struct Field {
    std::string name;
    FieldKind kind;
    std::string help;
    Value (*get)(const Summary& s, const Config& config, Timestamp now) = nullptr;
    // For scale fields: the configured scale it is ordered on.
    const std::vector<std::string> Config::*scale = nullptr;
};

// Every field, in the order `list --fields` documents them.
const std::vector<Field>& query_fields();
// By name, including the "_at" spellings of times; null if unknown.
const Field* find_field(std::string_view name);
// "id, title, ..." for messages.
std::string field_names();

// One field of one summary. `number` holds the comparable value of ordered
// kinds: seconds since the epoch, seconds, a count, a position on a scale.
struct Value {
    bool present = false;
    std::string text;
    long long number = 0;
    std::vector<std::string> list;
};

Value field_value(const Summary& s, const Field& f, const Config& config, Timestamp now);

// A value as text: times in RFC 3339, durations in seconds unless `human`
// ("3h 4m"), absent values empty.
std::string format_value(const Value& v, const Field& f, bool human);

class Filter {
public:
    Filter();  // matches everything
    // Throws UsageError naming the column of the mistake, after `source`
    // (where the text came from, such as the option that gave it). `now`
    // anchors relative times ("-7d") and durations such as age.
    static Filter parse(std::string_view text, const Config& config, Timestamp now, std::string_view source = "filter");
    bool matches(const Summary& s) const;

    struct Node;

private:
    std::shared_ptr<const Node> root_;
    const Config* config_ = nullptr;
    Timestamp now_{};
};

struct SortKey {
    const Field* field;
    bool descending = false;
};
// "priority,-opened": ascending unless prefixed with '-'. Throws UsageError.
std::vector<SortKey> parse_sort(std::string_view text, std::string_view source = "sort keys");
// Stable; absent values sort last either way.
void sort_summaries(std::vector<const Summary*>& rows, const std::vector<SortKey>& keys, const Config& config,
                    Timestamp now);

// "id,priority,title". Throws UsageError for an unknown field.
std::vector<const Field*> parse_fields(std::string_view text, std::string_view source = "fields");

}  // namespace incident
