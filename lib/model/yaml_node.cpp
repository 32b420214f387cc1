#include "model/yaml_node.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <limits>

#include "model/text.hpp"

namespace incident {

namespace {

const YamlNode& undefined_node() {
    static const YamlNode undefined;
    return undefined;
}

// yes, Yes and YES but not yEs: YAML 1.1 spells its words in one case.
bool one_case(std::string_view s) {
    bool upper = true, lower = true, capital = !s.empty() && s[0] >= 'A' && s[0] <= 'Z';
    for (std::size_t i = 0; i < s.size(); ++i) {
        bool is_upper = s[i] >= 'A' && s[i] <= 'Z';
        upper = upper && !(s[i] >= 'a' && s[i] <= 'z');
        lower = lower && !is_upper;
        if (i > 0 && is_upper) capital = false;
    }
    return upper || lower || capital;
}

}  // namespace

YamlNode::YamlNode(std::string text) : text_(std::move(text)), kind_(Kind::scalar) {}

YamlNode YamlNode::null_value() {
    YamlNode n;
    n.kind_ = Kind::null;
    return n;
}

YamlNode YamlNode::plain(std::string text) {
    YamlNode n(std::move(text));
    n.plain_ = true;
    return n;
}

YamlNode YamlNode::sequence(bool flow) {
    YamlNode n;
    n.kind_ = Kind::sequence;
    n.flow_ = flow;
    return n;
}

YamlNode YamlNode::mapping(bool flow) {
    YamlNode n;
    n.kind_ = Kind::mapping;
    n.flow_ = flow;
    return n;
}

const YamlNode& YamlNode::operator[](std::string_view key) const {
    for (const auto& [k, v] : entries_)
        if (k.text_ == key) return v;
    return undefined_node();
}

const YamlNode& YamlNode::at(std::size_t index) const {
    return index < items_.size() ? items_[index] : undefined_node();
}

void YamlNode::push_back(YamlNode item) { items_.push_back(std::move(item)); }

void YamlNode::adopt(std::vector<YamlNode>& values, std::size_t from) {
    auto first = values.begin() + static_cast<std::ptrdiff_t>(from);
    if (kind_ == Kind::mapping) {
        entries_.reserve(entries_.size() + (values.size() - from) / 2);
        for (std::size_t i = from; i + 1 < values.size(); i += 2)
            entries_.emplace_back(std::move(values[i]), std::move(values[i + 1]));
    } else {
        items_.reserve(items_.size() + (values.size() - from));
        std::move(first, values.end(), std::back_inserter(items_));
    }
    values.erase(first, values.end());
}

void YamlNode::set(const std::string& key, YamlNode value) {
    for (auto& [k, v] : entries_)
        if (k.text_ == key) {
            v = std::move(value);
            return;
        }
    append(YamlNode(key), std::move(value));
}

void YamlNode::append(YamlNode key, YamlNode value) { entries_.emplace_back(std::move(key), std::move(value)); }

std::optional<bool> yaml_bool(const YamlNode& node) {
    if (!node.is_scalar() || !one_case(node.scalar())) return std::nullopt;
    std::string s = ascii_lower(node.scalar());
    if (s == "true" || s == "yes" || s == "on" || s == "y") return true;
    if (s == "false" || s == "no" || s == "off" || s == "n") return false;
    return std::nullopt;
}

std::optional<long long> yaml_integer(const YamlNode& node) {
    if (!node.is_scalar()) return std::nullopt;
    std::string_view s = node.scalar();
    bool negative = !s.empty() && s[0] == '-';
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
    int base = 10;
    if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'o')) {
        base = s[1] == 'x' ? 16 : 8;
        s.remove_prefix(2);
    }
    if (s.empty()) return std::nullopt;
    unsigned long long value = 0;
    for (char c : s) {
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : 99;
        if (d >= base) return std::nullopt;
        if (value > (static_cast<unsigned long long>(std::numeric_limits<long long>::max()) - d) / base)
            return std::nullopt;
        value = value * base + d;
    }
    long long v = static_cast<long long>(value);
    return negative ? -v : v;
}

std::optional<double> yaml_real(const YamlNode& node) {
    if (!node.is_scalar()) return std::nullopt;
    const std::string& s = node.scalar();
    std::string lower = ascii_lower(s);
    if (one_case(s) && (lower == ".inf" || lower == "+.inf")) return std::numeric_limits<double>::infinity();
    if (one_case(s) && lower == "-.inf") return -std::numeric_limits<double>::infinity();
    if (one_case(s) && lower == ".nan") return std::numeric_limits<double>::quiet_NaN();
    if (!is_yaml_integer(s) && !is_yaml_real(s)) return std::nullopt;
    errno = 0;
    double d = std::strtod(s.c_str(), nullptr);
    if (errno == ERANGE || !std::isfinite(d)) return std::nullopt;
    return d;
}

}  // namespace incident
