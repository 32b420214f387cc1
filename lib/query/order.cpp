// Sort keys (--sort) and field lists (--fields) of the query language (query.hpp).
#include <algorithm>

#include "model/errors.hpp"
#include "model/text.hpp"
#include "query/query.hpp"
#include "store/store.hpp"

namespace incident {

namespace {

// "a, -b": each name with whether it had a leading '-'.
std::vector<SortKey> field_list(std::string_view text, const std::string& flag) {
    std::vector<SortKey> keys;
    std::size_t start = 0;
    while (true) {
        auto comma = text.find(',', start);
        auto part = text.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        bool desc = !part.empty() && part.front() == '-';
        if (desc || (!part.empty() && part.front() == '+')) part.remove_prefix(1);
        const Field* f = find_field(part);
        if (!f) throw UsageError(flag + ": unknown field '" + std::string(part) + "'", "fields are " + field_names());
        keys.push_back({f, desc});
        if (comma == std::string_view::npos) return keys;
        start = comma + 1;
    }
}

}  // namespace

std::vector<SortKey> parse_sort(std::string_view text, std::string_view source) {
    return field_list(text, std::string(source));
}

void sort_summaries(std::vector<const Summary*>& rows, const std::vector<SortKey>& keys, const Config& cfg,
                    Timestamp now) {
    // Values are computed once per row, not once per comparison.
    std::vector<std::pair<const Summary*, std::vector<Value>>> keyed;
    keyed.reserve(rows.size());
    for (const auto* s : rows) {
        std::vector<Value> vs;
        for (const auto& k : keys) vs.push_back(field_value(*s, *k.field, cfg, now));
        keyed.emplace_back(s, std::move(vs));
    }
    auto less = [&](const auto& a, const auto& b) {
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const Value &x = a.second[i], &y = b.second[i];
            if (x.present != y.present) return x.present;  // absent last
            if (!x.present) continue;
            int c = 0;
            switch (keys[i].field->kind) {
                case FieldKind::id:
                    c = id_less(x.text, y.text) ? -1 : id_less(y.text, x.text) ? 1 : 0;
                    break;
                case FieldKind::text:
                case FieldKind::tags:
                    c = ascii_lower(x.text).compare(ascii_lower(y.text));
                    break;
                default:
                    c = x.number < y.number ? -1 : x.number > y.number ? 1 : 0;
            }
            if (c != 0) return keys[i].descending ? c > 0 : c < 0;
        }
        return false;
    };
    std::stable_sort(keyed.begin(), keyed.end(), less);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = keyed[i].first;
}

std::vector<const Field*> parse_fields(std::string_view text, std::string_view source) {
    std::vector<const Field*> out;
    for (const auto& k : field_list(text, std::string(source))) {
        if (k.descending)
            throw UsageError(std::string(source) + ": '-" + k.field->name + "': fields to show take no direction");
        out.push_back(k.field);
    }
    return out;
}

}  // namespace incident
