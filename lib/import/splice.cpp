#include "import/splice.hpp"

#include <algorithm>

#include "model/errors.hpp"

namespace incident {

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t at = 0;
    while (at < text.size()) {
        const auto nl = text.find('\n', at);
        if (nl == std::string::npos) {
            out.push_back(text.substr(at));
            break;
        }
        out.push_back(text.substr(at, nl - at));
        at = nl + 1;
    }
    return out;
}

bool blank_or_comment(const std::string& line) {
    const auto first = line.find_first_not_of(" \t\r");
    return first == std::string::npos || line[first] == '#';
}

// The line (0-based) where each entry of `n` starts.
std::vector<int> entry_lines(const YamlNode& n) {
    std::vector<int> out;
    if (n.is_map())
        for (const auto& [k, v] : n.entries()) out.push_back(k.line() - 1);
    else
        for (const auto& item : n.items()) out.push_back(item.line() - 1);
    return out;
}

}  // namespace

std::string splice_entries(const std::string& text, const YamlNode& root, const std::string& display,
                           const std::string& parent,
                           const std::vector<std::pair<int, std::function<std::string(int indent)>>>& edits) {
    if (edits.empty()) return text;
    std::vector<std::string> lines = lines_of(text);
    const YamlNode* key = nullptr;
    const YamlNode* value = nullptr;
    int next_top = static_cast<int>(lines.size());  // the line after the collection
    if (root.is_map())
        for (std::size_t i = 0; i < root.entries().size(); ++i) {
            const auto& [k, v] = root.entries()[i];
            if (k.scalar() != parent) continue;
            key = &k;
            value = &v;
            if (i + 1 < root.entries().size()) next_top = root.entries()[i + 1].first.line() - 1;
        }
    const bool sequence = value && value->is_sequence();
    if (value && (value->is_flow() && value->size() > 0))
        throw InvalidData(Location{display, value->line(), value->column()},
                          parent + ": written on one line; write it as a block, an entry per line, to import into it");
    if (value && !value->is_null() && !value->is_map() && !value->is_sequence())
        throw InvalidData(Location{display, value->line(), value->column()}, parent + ": expected a collection");
    const std::vector<int> starts = value ? entry_lines(*value) : std::vector<int>{};
    // Indentation: as the file has it, else two spaces.
    int indent = 2;
    if (!starts.empty()) {
        const YamlNode& first = value->is_map() ? value->entries().front().first : value->items().front();
        indent = std::max(0, first.column() - 1 - (sequence ? 2 : 0));
    }
    // Where each entry ends: before the next one, less the comments and blank lines before it.
    auto end_of = [&](std::size_t i) {
        int end = i + 1 < starts.size() ? starts[i + 1] : next_top;
        while (end > starts[i] + 1 && blank_or_comment(lines[static_cast<std::size_t>(end - 1)])) --end;
        return end;
    };
    // The place for new entries: after the last entry, or after the key.
    int append_at = starts.empty() ? (key ? key->line() : static_cast<int>(lines.size())) : end_of(starts.size() - 1);
    std::string appended;
    std::vector<std::tuple<int, int, std::string>> replaced;  // from, to (lines), text
    for (const auto& [index, render] : edits) {
        if (index < 0 || static_cast<std::size_t>(index) >= starts.size())
            appended += render(indent);
        else
            replaced.emplace_back(starts[static_cast<std::size_t>(index)], end_of(static_cast<std::size_t>(index)),
                                  render(indent));
    }
    std::sort(replaced.begin(), replaced.end(),
              [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    if (!appended.empty()) {
        if (!key) {
            if (!lines.empty() && !lines.back().empty()) lines.emplace_back();
            lines.push_back(parent + ":");
            append_at = static_cast<int>(lines.size());
        } else if (value && value->is_flow()) {  // "people: {}": the empty collection becomes a block
            std::string& line = lines[static_cast<std::size_t>(key->line() - 1)];
            line = line.substr(0, static_cast<std::size_t>(key->column() - 1)) + parent + ":";
        }
        replaced.insert(replaced.begin(), {append_at, append_at, appended});
        std::stable_sort(replaced.begin(), replaced.end(),
                         [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
    }
    for (const auto& [from, to, chunk] : replaced) {
        std::vector<std::string> with = lines_of(chunk);
        lines.erase(lines.begin() + from, lines.begin() + to);
        lines.insert(lines.begin() + from, with.begin(), with.end());
    }
    std::string out;
    for (const auto& l : lines) out += l + "\n";
    return out;
}

}  // namespace incident
