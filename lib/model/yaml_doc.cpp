#include "model/yaml_doc.hpp"

#include <yaml.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <unordered_map>
#include <vector>

#include "model/file_text.hpp"
#include "model/offset_location.hpp"
#include "model/text.hpp"
#include "model/yaml_write.hpp"

namespace incident {

Location offset_location(std::string_view text, std::size_t offset, const std::string& file) {
    Location where{file, 1, 1};
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++where.line;
            where.column = 1;
        } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            ++where.column;
        }
    }
    return where;
}

namespace {

// Whether line `index` (0-based) of `text` has a tab among its leading blanks.
bool indented_with_tab(std::string_view text, int index) {
    std::size_t at = 0;
    for (int i = 0; i < index && at != std::string_view::npos; ++i) {
        at = text.find('\n', at);
        if (at != std::string_view::npos) ++at;
    }
    if (at == std::string_view::npos || index < 0) return false;
    for (; at < text.size() && (text[at] == ' ' || text[at] == '\t'); ++at)
        if (text[at] == '\t') return true;
    return false;
}

// Builds the tree from libyaml's events, bounding depth and the number of
// values (aliases expanded, as a consumer sees them) and rejecting duplicate
// keys, keys that are not strings and keys too long to be written back.
class Builder {
public:
    // An open collection. Its children wait on values_ from `first` on (a
    // mapping's alternate: key, value) until it closes, so that each
    // collection's children are allocated once, at their final size.
    struct Frame {
        YamlNode node;
        std::size_t first = 0;
        std::string anchor;
        std::size_t first_count = 0;  // values counted before this one
    };

    // `stack` and `values` are scratch space the caller keeps between
    // documents (emptied here), so that each document does not grow them anew.
    Builder(const std::string& file, const YamlLimits& limits, std::vector<Frame>& stack, std::vector<YamlNode>& values)
        : file_(file), limits_(limits), stack_(stack), values_(values) {
        stack_.clear();
        values_.clear();
    }

    // Handles one event; true once the document is complete.
    bool take(const yaml_event_t& e) {
        switch (e.type) {
            case YAML_SCALAR_EVENT:
                scalar(e);
                break;
            case YAML_ALIAS_EVENT:
                alias(e);
                break;
            case YAML_SEQUENCE_START_EVENT:
                open(YamlNode::sequence(e.data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE), e.start_mark,
                     e.data.sequence_start.anchor);
                break;
            case YAML_MAPPING_START_EVENT:
                open(YamlNode::mapping(e.data.mapping_start.style == YAML_FLOW_MAPPING_STYLE), e.start_mark,
                     e.data.mapping_start.anchor);
                break;
            case YAML_SEQUENCE_END_EVENT:
            case YAML_MAPPING_END_EVENT:
                close();
                break;
            case YAML_DOCUMENT_END_EVENT:
                return true;
            default:
                break;
        }
        return false;
    }

    YamlNode root() { return std::move(root_); }

private:
    Location where(const yaml_mark_t& m) const {
        return Location{file_, static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1};
    }

    void count(std::size_t values, const yaml_mark_t& m) {
        visited_ += values;
        if (visited_ > limits_.max_nodes)
            throw InvalidData(where(m), "document too large: more than " + std::to_string(limits_.max_nodes) +
                                            " values (alias expansion counted)");
        if (stack_.size() > static_cast<std::size_t>(limits_.max_depth))
            throw InvalidData(where(m), "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
    }

    static YamlNode scalar_node(const yaml_event_t& e) {
        std::string_view text(reinterpret_cast<const char*>(e.data.scalar.value), e.data.scalar.length);
        bool plain = e.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && e.data.scalar.tag == nullptr;
        if (plain && (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL"))
            return YamlNode::null_value();
        return plain ? YamlNode::plain(std::string(text)) : YamlNode(std::string(text));
    }

    void scalar(const yaml_event_t& e) {
        count(1, e.start_mark);
        YamlNode n = scalar_node(e);
        n.set_position(static_cast<int>(e.start_mark.line) + 1, static_cast<int>(e.start_mark.column) + 1);
        if (e.data.scalar.anchor) anchors_[reinterpret_cast<const char*>(e.data.scalar.anchor)] = {n, 1};
        attach(std::move(n), e.start_mark);
    }

    void alias(const yaml_event_t& e) {
        std::string name = reinterpret_cast<const char*>(e.data.alias.anchor);
        auto it = anchors_.find(name);
        if (it == anchors_.end())
            throw InvalidData(where(e.start_mark), "unknown alias *" + name + " (no complete value has that anchor)");
        count(it->second.second, e.start_mark);
        attach(YamlNode(it->second.first), e.start_mark);
    }

    void open(YamlNode n, const yaml_mark_t& m, const yaml_char_t* anchor) {
        count(1, m);
        n.set_position(static_cast<int>(m.line) + 1, static_cast<int>(m.column) + 1);
        Frame f;
        f.node = std::move(n);
        f.first = values_.size();
        if (anchor) f.anchor = reinterpret_cast<const char*>(anchor);
        f.first_count = visited_ - 1;
        stack_.push_back(std::move(f));
    }

    void close() {
        Frame f = std::move(stack_.back());
        stack_.pop_back();
        f.node.adopt(values_, f.first);
        if (!f.anchor.empty()) anchors_[f.anchor] = {f.node, visited_ - f.first_count};
        yaml_mark_t m{};
        m.line = static_cast<std::size_t>(f.node.line() - 1);
        m.column = static_cast<std::size_t>(f.node.column() - 1);
        attach(std::move(f.node), m);
    }

    void attach(YamlNode&& n, const yaml_mark_t& m) {
        if (stack_.empty()) {
            root_ = std::move(n);
            return;
        }
        const Frame& parent = stack_.back();
        if (parent.node.is_map() && (values_.size() - parent.first) % 2 == 0) check_key(parent.first, n, m);
        values_.push_back(std::move(n));
    }

    // `key` is the next key of the mapping whose keys and values start at values_[first].
    void check_key(std::size_t first, const YamlNode& key, const yaml_mark_t& m) {
        if (!key.is_scalar()) throw InvalidData(where(m), "mapping keys must be plain strings");
        if (!key_fits(key.scalar()))
            throw InvalidData(where(m), "a key longer than " + std::to_string(kMaxKeyLength) +
                                            " bytes as written (the limit of YAML's keys)");
        const std::string& text = key.scalar();
        for (std::size_t i = first; i < values_.size(); i += 2)
            if (const std::string& other = values_[i].scalar();
                other.size() == text.size() && (text.empty() || other[0] == text[0]) && other == text)
                throw InvalidData(where(m), "duplicate key '" + key.scalar() + "'");
    }

    const std::string& file_;
    const YamlLimits& limits_;
    std::size_t visited_ = 0;
    std::vector<Frame>& stack_;
    std::vector<YamlNode>& values_;  // the children of the open collections
    std::unordered_map<std::string, std::pair<YamlNode, std::size_t>> anchors_;
    YamlNode root_ = YamlNode::null_value();
};

// libyaml's parser and its last event, freed on every path.
class EventStream {
public:
    explicit EventStream(std::string_view text) {
        yaml_parser_initialize(&parser_);
        yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()), text.size());
        yaml_parser_set_encoding(&parser_, YAML_UTF8_ENCODING);
    }
    ~EventStream() {
        if (held_) yaml_event_delete(&event_);
        yaml_parser_delete(&parser_);
    }
    EventStream(const EventStream&) = delete;
    EventStream& operator=(const EventStream&) = delete;

    // Reads the next event; false on a syntax error (see parser()).
    bool next() {
        if (held_) yaml_event_delete(&event_);
        held_ = yaml_parser_parse(&parser_, &event_) != 0;
        return held_;
    }
    const yaml_event_t& event() const { return event_; }
    const yaml_parser_t& parser() const { return parser_; }

private:
    yaml_parser_t parser_{};
    yaml_event_t event_{};
    bool held_ = false;
};

}  // namespace

bool key_fits(const std::string& key) {
    // Escapes make a key at most six times longer (\uXXXX for one byte).
    if (key.size() * 6 + 2 <= kMaxKeyLength) return true;
    return key.size() <= kMaxKeyLength && yaml_key(key, true).size() <= kMaxKeyLength;
}

std::size_t find_invalid_utf8(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        // ASCII, eight bytes at a time.
        std::uint64_t word;
        if (i + 8 <= s.size() && (std::memcpy(&word, s.data() + i, 8), (word & 0x8080808080808080ULL) == 0)) {
            i += 8;
            continue;
        }
        unsigned char c = static_cast<unsigned char>(s[i]);
        std::size_t len;
        unsigned int cp;
        if (c < 0x80) {
            ++i;
            continue;
        } else if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        } else {
            return i;
        }
        if (i + len > s.size()) return i;
        for (std::size_t k = 1; k < len; ++k) {
            unsigned char cc = static_cast<unsigned char>(s[i + k]);
            if ((cc & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (cc & 0x3F);
        }
        bool overlong = (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
        if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
        i += len;
    }
    return std::string_view::npos;
}

Location locate(const YamlNode& node, const std::string& file) { return Location{file, node.line(), node.column()}; }

std::size_t find_second_document(std::string_view text) {
    // "---" or "..." at the start of a line is always a document marker: YAML
    // forbids them inside any scalar there. A "---" after content, or content
    // after "...", begins another document.
    auto marker = [&](std::size_t at, char c) {
        if (at + 3 > text.size() || text[at] != c || text[at + 1] != c || text[at + 2] != c) return false;
        return at + 3 == text.size() || text[at + 3] == ' ' || text[at + 3] == '\t' || text[at + 3] == '\n' ||
               text[at + 3] == '\r';
    };
    bool content = false, ended = false;
    for (std::size_t at = 0; at < text.size();) {
        std::size_t nl = text.find('\n', at);
        std::size_t end = nl == std::string_view::npos ? text.size() : nl;
        std::string_view line = text.substr(at, end - at);
        std::size_t first = line.find_first_not_of(" \t\r");
        bool blank = first == std::string_view::npos || line[first] == '#';
        if (marker(at, '-')) {
            if (content || ended) return at;
            content = true;  // what follows "---" on its line is content of this document
        } else if (marker(at, '.')) {
            ended = true;
        } else if (!blank && line[0] != '%') {
            if (ended) return at;
            content = true;
        }
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return std::string_view::npos;
}

std::size_t find_conflict_marker(std::string_view text) {
    for (std::size_t at = 0; at < text.size();) {
        if (text.substr(at, 8) == "<<<<<<< " || text.substr(at, 8) == "<<<<<<<\n") return at;
        auto nl = text.find('\n', at);
        if (nl == std::string_view::npos) break;
        at = nl + 1;
    }
    return std::string_view::npos;
}

void fail_at(const YamlNode& node, const std::string& file, const std::string& message) {
    throw InvalidData(locate(node, file), message);
}

std::string scalar_at(const YamlNode& node, const std::string& file, const std::string& key) {
    if (!node.is_scalar()) fail_at(node, file, key + ": expected a string");
    return node.scalar();
}

YamlNode load_yaml(std::string_view text, const std::string& file, const YamlLimits& limits) {
    // A byte order mark, as some editors save UTF-8: not part of the first key.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    if (text.size() > limits.max_bytes)
        throw InvalidData(Location{file}, "file too large: " + std::to_string(text.size()) + " bytes (the limit is " +
                                              std::to_string(limits.max_bytes) + ")");
    if (auto bad = find_invalid_utf8(text); bad != std::string_view::npos)
        throw InvalidData(offset_location(text, bad, file), "invalid UTF-8");
    if (auto nul = text.find('\0'); nul != std::string_view::npos)
        throw InvalidData(offset_location(text, nul, file), "NUL byte in a text file");
    if (auto marker = find_conflict_marker(text); marker != std::string_view::npos)
        throw InvalidData(offset_location(text, marker, file),
                          "git left a merge conflict here (<<<<<<< ... >>>>>>>): keep what both sides added, remove "
                          "the markers, then git add the file");
    // A second document would be dropped by the next save: refuse it now.
    if (auto second = find_second_document(text); second != std::string_view::npos)
        throw InvalidData(offset_location(text, second, file),
                          "a second YAML document (after --- or ...): the file must hold exactly one");
    EventStream events(text);
    thread_local std::vector<Builder::Frame> stack;
    thread_local std::vector<YamlNode> values;
    Builder builder(file, limits, stack, values);
    while (true) {
        if (!events.next()) {
            const auto& p = events.parser();
            std::string msg = p.problem ? p.problem : "malformed YAML";
            if (p.context) msg = std::string(p.context) + ": " + msg;
            auto line = static_cast<int>(p.problem_mark.line);
            if (indented_with_tab(text, line))
                msg = "a tab in the indentation: YAML indents with spaces only (" + msg + ")";
            throw InvalidData(Location{file, line + 1, static_cast<int>(p.problem_mark.column) + 1}, msg);
        }
        const auto& e = events.event();
        if (e.type == YAML_STREAM_END_EVENT || builder.take(e)) break;
    }
    return builder.root();
}

YamlNode load_yaml_file(const std::string& path, const std::string& display, const YamlLimits& limits) {
    auto text = read_text_file(path, display, limits.max_bytes);
    if (!text) throw IoError("cannot read " + display + ": " + std::strerror(ENOENT));
    return load_yaml(*text, display, limits);
}

}  // namespace incident
