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

// The collection under a top-level key, where its entries start and end.
struct Collection {
    const YamlNode* key = nullptr;  // null: not in the file
    const YamlNode* value = nullptr;
    int next_top = 0;         // the line after it
    std::vector<int> starts;  // each entry's first line
    int indent = 2;           // of its entries' keys, or of a sequence's dashes

    // Where entry `i` ends: before the next one, less the comments and blank lines before that.
    int end_of(std::size_t i, const std::vector<std::string>& lines) const {
        int end = i + 1 < starts.size() ? starts[i + 1] : next_top;
        while (end > starts[i] + 1 && blank_or_comment(lines[static_cast<std::size_t>(end - 1)])) --end;
        return end;
    }
};

Collection find_collection(const YamlNode& root, const std::string& parent, const std::string& display, int lines) {
    Collection c;
    c.next_top = lines;
    if (root.is_map())
        for (std::size_t i = 0; i < root.entries().size(); ++i) {
            if (root.entries()[i].first.scalar() != parent) continue;
            c.key = &root.entries()[i].first;
            c.value = &root.entries()[i].second;
            if (i + 1 < root.entries().size()) c.next_top = root.entries()[i + 1].first.line() - 1;
        }
    if (!c.value) return c;
    const YamlNode& v = *c.value;
    if (v.is_flow() && v.size() > 0)
        throw InvalidData(Location{display, v.line(), v.column()},
                          parent + ": written on one line; write it as a block, an entry per line, to import into it");
    if (!v.is_null() && !v.is_map() && !v.is_sequence())
        throw InvalidData(Location{display, v.line(), v.column()}, parent + ": expected a collection");
    c.starts = entry_lines(v);
    if (!c.starts.empty()) {
        const YamlNode& first = v.is_map() ? v.entries().front().first : v.items().front();
        c.indent = std::max(0, first.column() - 1 - (v.is_sequence() ? 2 : 0));
    }
    return c;
}

}  // namespace

std::string entry_text(const std::string& text, const YamlNode& root, const std::string& display,
                       const std::string& parent, int index) {
    const std::vector<std::string> lines = lines_of(text);
    const Collection c = find_collection(root, parent, display, static_cast<int>(lines.size()));
    if (index < 0 || static_cast<std::size_t>(index) >= c.starts.size()) return {};
    std::string out;
    const auto i = static_cast<std::size_t>(index);
    for (int l = c.starts[i]; l < c.end_of(i, lines); ++l) out += lines[static_cast<std::size_t>(l)] + "\n";
    return out;
}

std::string splice_entries(const std::string& text, const YamlNode& root, const std::string& display,
                           const std::string& parent,
                           const std::vector<std::pair<int, std::function<std::string(int indent)>>>& edits) {
    if (edits.empty()) return text;
    std::vector<std::string> lines = lines_of(text);
    const Collection c = find_collection(root, parent, display, static_cast<int>(lines.size()));
    // New entries go after the last one, or after the key.
    int append_at = c.starts.empty() ? (c.key ? c.key->line() : static_cast<int>(lines.size()))
                                     : c.end_of(c.starts.size() - 1, lines);
    std::string appended;
    std::vector<std::tuple<int, int, std::string>> replaced;  // from, to (lines), text
    for (const auto& [index, render] : edits) {
        if (index < 0 || static_cast<std::size_t>(index) >= c.starts.size())
            appended += render(c.indent);
        else
            replaced.emplace_back(c.starts[static_cast<std::size_t>(index)],
                                  c.end_of(static_cast<std::size_t>(index), lines), render(c.indent));
    }
    if (!appended.empty()) {
        if (!c.key) {
            if (!lines.empty() && !lines.back().empty()) lines.emplace_back();
            lines.push_back(parent + ":");
            append_at = static_cast<int>(lines.size());
        } else if (c.value->is_flow()) {  // "people: {}": the empty collection becomes a block
            std::string& line = lines[static_cast<std::size_t>(c.key->line() - 1)];
            line = line.substr(0, static_cast<std::size_t>(c.key->column() - 1)) + parent + ":";
        }
        replaced.emplace_back(append_at, append_at, appended);
    }
    // From the bottom up, so the lines above stay where they are; an append at
    // the end of the last entry before that entry's replacement.
    std::stable_sort(replaced.begin(), replaced.end(),
                     [](const auto& a, const auto& b) { return std::get<0>(a) > std::get<0>(b); });
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
