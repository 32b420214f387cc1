// Text bound for a terminal: bytes from incident files (a title, a note)
// must not drive the terminal. Control characters become U+FFFD; only the
// colour, bold and dim SGR sequences the tool paints with pass, and only when
// colour is on. The tool's own sequences carry a key, random for each
// process (colour_sequence), which text from a file cannot know: a colour
// code inside a title is replaced like any other escape. Fed piece by piece,
// as a stream is written.
#pragma once

#include <string>
#include <string_view>

namespace incident {

class TerminalText {
public:
    explicit TerminalText(bool allow_colour) : allow_colour_(allow_colour) {}

    // What can be shown of `bytes` now; an escape sequence or a character
    // cut between two calls is held until the next one.
    std::string feed(std::string_view bytes);
    // What is still held, made safe: call at a flush or at the end.
    std::string finish();

private:
    void take(unsigned char c, std::string& out);
    void settle_escape(std::string& out);

    bool allow_colour_;
    std::string held_;  // an unfinished ESC [ ... sequence, or a 0xC2 lead byte
};

// The whole of `text` at once.
std::string terminal_safe(std::string_view text, bool allow_colour = false);

// The SGR sequence ESC [ KEY ; sgr m that TerminalText, colour allowed,
// passes on as ESC [ sgr m ("1;31": bold red; "0": reset).
std::string colour_sequence(std::string_view sgr);

}  // namespace incident
