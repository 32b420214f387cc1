#include "model/terminal.hpp"

#include <doctest/doctest.h>

using namespace incident;

TEST_SUITE_BEGIN("model::terminal");

TEST_CASE("control characters become U+FFFD; text, newlines and tabs stay") {
    CHECK(terminal_safe("plain été\n\tnext") == "plain été\n\tnext");
    CHECK(terminal_safe("a\rb\bc\ad\x7f") == "a\uFFFDb\uFFFDc\uFFFDd\uFFFD");
    CHECK(terminal_safe("c1 \u009b31m x") == "c1 \uFFFD31m x");
    CHECK(terminal_safe("nbsp\u00a0ok") == "nbsp\u00a0ok");
}

TEST_CASE("escape sequences: only the tool's colour, bold and dim, and only when colour is on") {
    const std::string painted = colour_sequence("1;31") + "P1" + colour_sequence("0");
    CHECK(terminal_safe("\x1b]0;title\x07 \x1b[2J", true) == "\uFFFD]0;title\uFFFD \uFFFD[2J");
    CHECK(terminal_safe(painted, true) == "\x1b[1;31mP1\x1b[0m");
    CHECK(terminal_safe(painted, false).rfind("\uFFFD[", 0) == 0);
    CHECK(terminal_safe(colour_sequence("8") + "hidden", true).rfind("\uFFFD[", 0) == 0);
    CHECK(terminal_safe("\x1b[8mhidden", true) == "\uFFFD[8mhidden");
    CHECK(terminal_safe("\x1b[38;5;1mx", true) == "\uFFFD[38;5;1mx");
    CHECK(terminal_safe("\x1b[31;\x1b[2J", true) == "\uFFFD[31;\uFFFD[2J");
    CHECK(terminal_safe("end\x1b[3", true) == "end\uFFFD[3");
    std::string long_params = "\x1b[" + std::string(40, '1') + "m";
    CHECK(terminal_safe(long_params, true).rfind("\uFFFD", 0) == 0);
}

TEST_CASE("a colour code inside a title never passes, colour on or off") {
    // Text from a file cannot carry the process's key: its colour is shown, not obeyed.
    const std::string title = "\x1b[31mRED\x1b[0m";
    CHECK(terminal_safe(title, true) == "\uFFFD[31mRED\uFFFD[0m");
    CHECK(terminal_safe(colour_sequence("1") + title + colour_sequence("0"), true) ==
          "\x1b[1m\uFFFD[31mRED\uFFFD[0m\x1b[0m");
}

TEST_CASE("a sequence or character cut between two writes is judged whole") {
    TerminalText t(true);
    const std::string red = colour_sequence("31");
    std::string out = t.feed("a" + red.substr(0, 5));
    out += t.feed(red.substr(5) + "red\xc2");
    out += t.feed("\x85!");
    out += t.finish();
    CHECK(out == "a\x1b[31mred\uFFFD!");
}

TEST_SUITE_END();
