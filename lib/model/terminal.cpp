#include "model/terminal.hpp"

namespace incident {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::size_t kMaxEscape = 16;

// "ESC [ params m" whose params are only reset, bold, dim and the eight
// foreground colours (0, 1, 2, 30-37, 39).
bool is_colour_sequence(std::string_view seq) {
    if (seq.size() < 3 || seq[1] != '[' || seq.back() != 'm') return false;
    std::string_view params = seq.substr(2, seq.size() - 3);
    std::size_t start = 0;
    while (start <= params.size()) {
        auto end = params.find(';', start);
        if (end == std::string_view::npos) end = params.size();
        std::string_view p = params.substr(start, end - start);
        bool ok = p.empty() || p == "0" || p == "1" || p == "2" || p == "39" ||
                  (p.size() == 2 && p[0] == '3' && p[1] >= '0' && p[1] <= '7');
        if (!ok) return false;
        start = end + 1;
    }
    return true;
}

}  // namespace

void TerminalText::settle_escape(std::string& out) {
    if (allow_colour_ && is_colour_sequence(held_)) {
        out += held_;
    } else {
        out += kReplacement;
        out.append(held_, 1);  // the rest is shown as text
    }
    held_.clear();
}

void TerminalText::take(unsigned char c, std::string& out) {
    if (!held_.empty() && held_[0] == '\x1b') {
        held_ += static_cast<char>(c);
        bool param = (c >= '0' && c <= '9') || c == ';';
        if (held_.size() == 2 ? c == '[' : param && held_.size() < kMaxEscape) return;
        if (held_.size() == 2 || c != 'm') {
            // Not a sequence we let through: ESC becomes U+FFFD, the rest is
            // text (and is itself checked, for a second ESC).
            std::string rest = held_.substr(1);
            held_.clear();
            out += kReplacement;
            for (unsigned char r : rest) take(r, out);
            return;
        }
        settle_escape(out);
        return;
    }
    if (!held_.empty()) {  // after 0xC2: U+0080-U+009F are C1 controls
        held_.clear();
        if (c >= 0x80 && c <= 0x9F) {
            out += kReplacement;
            return;
        }
        out += '\xC2';
    }
    if (c == 0x1b || c == 0xC2) {
        held_ = static_cast<char>(c);
    } else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) {
        out += kReplacement;
    } else {
        out += static_cast<char>(c);
    }
}

std::string TerminalText::feed(std::string_view bytes) {
    std::string out;
    out.reserve(bytes.size());
    for (unsigned char c : bytes) take(c, out);
    return out;
}

std::string TerminalText::finish() {
    std::string out;
    if (held_ == "\xC2") {
        out = held_;
        held_.clear();
    } else if (!held_.empty()) {
        out += kReplacement;
        out.append(held_, 1);
        held_.clear();
    }
    return out;
}

std::string terminal_safe(std::string_view text, bool allow_colour) {
    TerminalText t(allow_colour);
    std::string out = t.feed(text);
    return out + t.finish();
}

}  // namespace incident
