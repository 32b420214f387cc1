#include "notify/markup.hpp"

#include <algorithm>

#include "model/text.hpp"

namespace incident {

namespace {

constexpr auto npos = std::string_view::npos;

// Bytes in the UTF-8 sequence that `lead` starts (1 for a stray byte).
std::size_t sequence_length(char lead) {
    auto c = static_cast<unsigned char>(lead);
    return c < 0xC0 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

// Bytes taken by the first `n` code points of `s`.
std::size_t prefix_bytes(std::string_view s, std::size_t n) {
    std::size_t i = 0;
    for (; n > 0 && i < s.size(); --n) i += sequence_length(s[i]);
    return std::min(i, s.size());
}

bool digit(char c) { return c >= '0' && c <= '9'; }
bool alnum(char c) { return digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// s[i] is an '@' that starts a word, where a mention could form; an '@'
// after a letter or digit is inside a word or an e-mail address, and no tool
// reads a mention there.
bool starts_mention(std::string_view s, std::size_t i) { return s[i] == '@' && (i == 0 || !alnum(s[i - 1])); }

constexpr const char* kZeroWidthSpace = "\u200b";

// s[i] opens a line, after at most three spaces (CommonMark's block indent).
bool opens_line(std::string_view s, std::size_t i) {
    std::size_t spaces = 0;
    while (i > 0 && s[i - 1] == ' ' && spaces < 4) --i, ++spaces;
    return spaces < 4 && (i == 0 || s[i - 1] == '\n' || s[i - 1] == '\r');
}

// s[i], a '.' or ')', ends the number of an ordered list item ("3." "3)").
bool ends_item_number(std::string_view s, std::size_t i) {
    std::size_t j = i;
    while (j > 0 && digit(s[j - 1])) --j;
    return j < i && opens_line(s, j);
}

// Markdown with a backslash before whatever would be markup; with `entities`
// &, < and > become HTML entities instead (for tools that translate <…>).
std::string markdown_with(std::string_view s, bool entities) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (entities && (c == '&' || c == '<' || c == '>')) {
            out += c == '&' ? "&amp;" : c == '<' ? "&lt;" : "&gt;";
            continue;
        }
        bool inline_markup = std::string_view("\\*_`~|[]<>&").find(c) != npos;
        bool block_marker = std::string_view("#-+=").find(c) != npos && opens_line(s, i);
        bool item_number = (c == '.' || c == ')') && ends_item_number(s, i);
        if (inline_markup || block_marker || item_number) out += '\\';
        out += c;
        if (starts_mention(s, i)) out += kZeroWidthSpace;
    }
    return out;
}

// What Slack mrkdwn and Google Chat text make of a character, as text. They
// have no escape character: formatting marks become look-alikes that format
// nothing (an '_' inside a word, as in snake_case, formats nothing already),
// and the '(' of a Markdown link "[text](url)" does.
std::string_view chat_text_char(std::string_view s, std::size_t i) {
    switch (s[i]) {
        case '&':
            return "&amp;";
        case '<':
            return "&lt;";
        case '>':
            return "&gt;";
        case '*':
            return "\u2217";  // ∗ asterisk operator
        case '~':
            return "\u223c";  // ∼ tilde operator
        case '`':
            return "\u02cb";  // ˋ modifier letter grave accent
        case '_':
            return i > 0 && i + 1 < s.size() && alnum(s[i - 1]) && alnum(s[i + 1]) ? "_" : "\u02cd";  // ˍ
        case '(':
            return i > 0 && s[i - 1] == ']' ? "\uff08" : "(";  // （ fullwidth parenthesis
        default:
            return s.substr(i, 1);
    }
}

std::string chat_text(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 4);
    for (std::size_t i = 0; i < s.size(); ++i) {
        out += chat_text_char(s, i);
        if (starts_mention(s, i)) out += kZeroWidthSpace;
    }
    return out;
}

std::string entities(std::string_view s) { return swap_chars(s, {{'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}}); }

bool entity_name_char(char c) { return digit(c) || c == '#' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

}  // namespace

std::string chat_text_escape(std::string_view s) { return chat_text(s); }
std::string markdown_escape(std::string_view s) { return markdown_with(s, false); }
std::string mattermost_escape(std::string_view s) { return markdown_with(s, true); }
std::string chat_html_escape(std::string_view s) { return entities(s); }

std::size_t code_points(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); i += sequence_length(s[i])) ++n;
    return n;
}

std::string clip(std::string_view s, std::size_t max) {
    if (code_points(s) <= max) return std::string(s);
    if (max == 0) return "";
    return std::string(s.substr(0, prefix_bytes(s, max - 1))) + "…";
}

std::string fit(std::string_view raw, std::size_t max, Escape escape) {
    std::string whole = escape(raw);
    if (code_points(whole) <= max) return whole;
    if (max == 0) return "";
    // The longest raw prefix whose escaped form leaves room for the "…";
    // escaping only lengthens text, so the lengths grow with the prefix.
    auto escaped = [&](std::size_t keep) { return escape(raw.substr(0, prefix_bytes(raw, keep))); };
    auto fits = [&](std::size_t keep) { return code_points(escaped(keep)) < max; };
    std::size_t lo = 0, hi = std::min(code_points(raw), max - 1);
    if (fits(hi)) lo = hi;
    while (lo < hi) {
        std::size_t mid = lo + (hi - lo + 1) / 2;
        if (fits(mid))
            lo = mid;
        else
            hi = mid - 1;
    }
    return escaped(lo) + "…";
}

std::string clip_markup(std::string_view s, std::size_t max) {
    if (code_points(s) <= max) return std::string(s);
    if (max == 0) return "";
    std::string_view kept = s.substr(0, prefix_bytes(s, max - 1));
    // Not inside an entity: an '&' followed by nothing but name characters.
    std::size_t amp = kept.rfind('&');
    if (amp != npos && kept.size() - amp <= 32 &&
        std::all_of(kept.begin() + static_cast<std::ptrdiff_t>(amp) + 1, kept.end(), entity_name_char))
        kept = kept.substr(0, amp);
    // Not after the backslash of an escape: an odd run of trailing backslashes.
    std::size_t run = 0;
    while (run < kept.size() && kept[kept.size() - 1 - run] == '\\') ++run;
    if (run % 2 == 1) kept.remove_suffix(1);
    return std::string(kept) + "…";
}

}  // namespace incident
