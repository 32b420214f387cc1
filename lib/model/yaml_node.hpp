// A YAML document as the tool holds it: a small tree of values that remember
// where they were written (for located errors) and how (plain or quoted,
// block or flow), so a value read from a file means the same when it is
// written back. Parsed by yaml_doc (libyaml); written by yaml_write.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incident {

class YamlNode {
public:
    enum class Kind : unsigned char { undefined, null, scalar, sequence, mapping };
    using Entry = std::pair<YamlNode, YamlNode>;  // key (a scalar), value

    // Undefined: what looking up a missing key or index gives.
    YamlNode() = default;
    // A string made in code: written quoted wherever a reader would take it
    // for something else, and a string in JSON.
    explicit YamlNode(std::string text);
    static YamlNode null_value();
    // Text written as it is and read back by YAML's rules: a number stays a
    // number, true a boolean.
    static YamlNode plain(std::string text);
    static YamlNode sequence(bool flow = false);
    static YamlNode mapping(bool flow = false);

    explicit operator bool() const { return kind_ != Kind::undefined; }
    Kind kind() const { return kind_; }
    bool is_null() const { return kind_ == Kind::null; }
    bool is_scalar() const { return kind_ == Kind::scalar; }
    bool is_sequence() const { return kind_ == Kind::sequence; }
    bool is_map() const { return kind_ == Kind::mapping; }

    // A scalar's text (empty for anything else).
    const std::string& scalar() const { return text_; }
    // Written without quotes in its file (or made with plain()): YAML gives
    // it a meaning (number, boolean, null). Quoted and block text is a string.
    bool is_plain() const { return plain_; }
    // A collection written on one line ([a, b], {k: v}).
    bool is_flow() const { return flow_; }

    // Where it was written, 1-based; 0 when it was made in code.
    int line() const { return line_; }
    int column() const { return column_; }
    void set_position(int line, int column) {
        line_ = line;
        column_ = column;
    }

    // Items of a sequence, entries of a mapping (empty for anything else).
    const std::vector<YamlNode>& items() const { return items_; }
    const std::vector<Entry>& entries() const { return entries_; }
    std::size_t size() const { return kind_ == Kind::mapping ? entries_.size() : items_.size(); }

    // The value under `key` of a mapping, or an undefined node.
    const YamlNode& operator[](std::string_view key) const;
    // Item `index` of a sequence, or an undefined node.
    const YamlNode& at(std::size_t index) const;

    void push_back(YamlNode item);
    // Moves values[from...] in as this collection's children (a mapping's
    // alternate: key, value), in one allocation, and drops them from `values`.
    // For a parser that gathers the children of every open collection on one
    // stack.
    void adopt(std::vector<YamlNode>& values, std::size_t from);
    // Replaces the value under `key`, or appends the entry.
    void set(const std::string& key, YamlNode value);
    // Appends an entry without looking for an existing key (the parser
    // checks duplicates itself).
    void append(YamlNode key, YamlNode value);

private:
    std::string text_;
    std::vector<YamlNode> items_;
    std::vector<Entry> entries_;
    int line_ = 0, column_ = 0;
    Kind kind_ = Kind::undefined;
    bool plain_ = false;
    bool flow_ = false;
};

// Scalar conversions with YAML 1.1's spellings, as configuration and
// incident files use them; nullopt when the node is not one.
std::optional<bool> yaml_bool(const YamlNode& node);          // true/false, yes/no, on/off, y/n
std::optional<long long> yaml_integer(const YamlNode& node);  // 12, -3, +4, 0x1F, 0o17
std::optional<double> yaml_real(const YamlNode& node);        // 0.5, 1e3, .inf, .nan

}  // namespace incident
