#include "model/terminal.hpp"

#include <random>

namespace incident {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD
constexpr std::size_t kMaxEscape = 32;

// Twelve digits, the first not 0, drawn once per process.
const std::string& colour_key() {
    static const std::string key = [] {
        std::random_device rd;
        std::uniform_int_distribution<int> digit(0, 9);
        std::string k(1, static_cast<char>('1' + digit(rd) % 9));
        while (k.size() < 12) k += static_cast<char>('0' + digit(rd));
        return k;
    }();
    return key;
}

// "ESC [ KEY ; params m" whose params are only reset, bold, dim and the
// eight foreground colours (0, 1, 2, 30-37, 39): the params, or empty.
std::string_view colour_params(std::string_view seq) {
    const std::string head = "\x1b[" + colour_key() + ";";
    if (seq.size() <= head.size() + 1 || seq.substr(0, head.size()) != head || seq.back() != 'm') return {};
    std::string_view params = seq.substr(head.size(), seq.size() - head.size() - 1);
    std::size_t start = 0;
    while (start <= params.size()) {
        auto end = params.find(';', start);
        if (end == std::string_view::npos) end = params.size();
        std::string_view p = params.substr(start, end - start);
        bool ok = p == "0" || p == "1" || p == "2" || p == "39" ||
                  (p.size() == 2 && p[0] == '3' && p[1] >= '0' && p[1] <= '7');
        if (!ok) return {};
        start = end + 1;
    }
    return params;
}

}  // namespace

std::string colour_sequence(std::string_view sgr) { return "\x1b[" + colour_key() + ";" + std::string(sgr) + "m"; }

void TerminalText::settle_escape(std::string& out) {
    if (std::string_view params = allow_colour_ ? colour_params(held_) : ""; !params.empty()) {
        out += "\x1b[" + std::string(params) + "m";
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
