#include "model/layout.hpp"

#include <algorithm>

namespace incident {

namespace {

// The file cut into lines, each with its '\n' (the last may lack one).
std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t nl = text.find('\n', at);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl + 1;
        lines.push_back(text.substr(at, end - at));
        at = end;
    }
    return lines;
}

// A line that holds no data: blank, or a comment. (An indented '#' line may
// be text in a block scalar; the caller's read-back check catches a block
// cut there.)
bool aside(std::string_view line) {
    auto first = line.find_first_not_of(" \t\r\n");
    return first == std::string_view::npos || line[first] == '#';
}

// One top-level key of the original file: the comment lines above it and
// its own lines.
struct Segment {
    std::string key;
    std::string leading;
    std::string body;
    int first_item_line = 0;  // for lists: where the first item is written
};

std::string join(const std::vector<std::string_view>& lines, std::size_t from, std::size_t to) {
    std::string s;
    for (std::size_t i = from; i < to && i < lines.size(); ++i) s += lines[i];
    if (!s.empty() && s.back() != '\n') s += '\n';
    return s;
}

const YamlBlock* find_block(const std::vector<YamlBlock>& blocks, const std::string& key) {
    for (const auto& b : blocks)
        if (b.key == key) return &b;
    return nullptr;
}

// New list items ("  - {...}" lines) indented like the file's own items.
std::string reindent_items(std::string_view added, std::string_view first_item_line) {
    std::string indent(first_item_line.substr(0, first_item_line.find_first_not_of(' ')));
    std::string out;
    for (auto line : lines_of(added)) {
        out += indent;
        out += line.substr(line.find_first_not_of(' '));
    }
    return out;
}

}  // namespace

std::string keep_layout(std::string_view original, const YamlNode& root, const std::vector<YamlBlock>& before,
                        const std::vector<YamlBlock>& after) {
    if (!root.is_map() || root.is_flow() || root.size() == 0) return {};
    auto lines = lines_of(original);
    // Comments and blank lines at the very end stay at the end.
    std::size_t end = lines.size();
    while (end > 0 && aside(lines[end - 1])) --end;
    std::vector<Segment> segments;
    std::vector<std::size_t> starts;  // 0-based line of each key
    for (const auto& [k, v] : root.entries()) starts.push_back(static_cast<std::size_t>(k.line() - 1));
    for (std::size_t i = 0; i < starts.size(); ++i) {
        std::size_t body_end = i + 1 < starts.size() ? starts[i + 1] : end;
        // The comment lines right above the next key belong to it.
        if (i + 1 < starts.size())
            while (body_end > starts[i] + 1 && aside(lines[body_end - 1])) --body_end;
        std::size_t lead = 0;  // the first key takes everything above it
        if (i > 0) {
            lead = starts[i];
            while (lead > 0 && aside(lines[lead - 1]) && lead > starts[i - 1] + 1) --lead;
        }
        const auto& [key, value] = root.entries()[i];
        Segment s{key.scalar(), join(lines, lead, starts[i]), join(lines, starts[i], body_end), 0};
        if (value.is_sequence() && !value.is_flow() && value.size() > 0) s.first_item_line = value.items()[0].line();
        segments.push_back(std::move(s));
    }
    std::string out;
    for (const auto& block : after) {
        auto seg = std::find_if(segments.begin(), segments.end(), [&](const Segment& s) { return s.key == block.key; });
        const YamlBlock* was = find_block(before, block.key);
        if (seg == segments.end()) {
            out += block.text;
        } else if (was && was->text == block.text) {
            out += seg->leading + seg->body;
        } else if (was && seg->first_item_line > 0 && block.text.size() > was->text.size() &&
                   block.text.compare(0, was->text.size(), was->text) == 0 &&
                   was->text.find("\n  - ") != std::string::npos) {
            // Only new items at the end (a note, an action item): append them.
            out += seg->leading + seg->body +
                   reindent_items(std::string_view(block.text).substr(was->text.size()),
                                  lines[static_cast<std::size_t>(seg->first_item_line - 1)]);
        } else {
            out += seg->leading + block.text;
        }
    }
    out += join(lines, end, lines.size());
    return out;
}

}  // namespace incident
