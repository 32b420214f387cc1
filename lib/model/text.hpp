// Small text helpers shared by the rules, queries and delivery code.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace incident {

// ASCII letters lowered; other bytes (UTF-8 included) unchanged.
std::string ascii_lower(std::string_view s);
// The items with `sep` between them ("a, b, c").
std::string join(const std::vector<std::string>& items, std::string_view sep = ", ");
// The pieces of `s` between each `sep` ("a\nb\n" -> {"a", "b"}: no empty last piece).
std::vector<std::string> split(const std::string& s, char sep);
// `s` up to its first newline (all of it when there is none).
std::string first_line(const std::string& s);
// `s` as one line, for a title or a commit subject made from text someone
// else wrote (an alert): line breaks and tabs become spaces, other control
// characters (C0, DEL, C1; a NUL would cut a C string) U+FFFD.
std::string one_line(std::string_view s);

// `s` with each character a swap names replaced by its text ("" drops it):
// the one loop behind every escaping (HTML, Markdown cells, Slack, CSV).
struct CharSwap {
    char from;
    std::string_view to;
};
std::string swap_chars(std::string_view s, std::initializer_list<CharSwap> swaps);

// Plain-code character-class checks for untrusted text (std::regex recurses per
// character and overflows the stack on long input).
bool all_digits(std::string_view s);                                                   // non-empty, 0-9 only
bool is_sha256_text(std::string_view s);                                               // 64 of 0-9 a-f
bool is_identifier(std::string_view s, std::size_t max_len = std::string_view::npos);  // [A-Za-z_][A-Za-z0-9_]*
bool is_alnum_word(std::string_view s, std::size_t max_len);  // [A-Za-z][A-Za-z0-9]*, at most max_len

// How a plain YAML scalar reads under the core schema: an integer that fits in
// 64 bits, a real number, or anything YAML would not take as a string
// (null/bool words of YAML 1.1 and 1.2, numbers in any base, .inf, .nan).
bool is_yaml_integer(std::string_view s);
bool is_yaml_real(std::string_view s);
bool is_yaml_non_string(std::string_view s);

}  // namespace incident
