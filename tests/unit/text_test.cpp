#include "model/text.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace incident;

TEST_SUITE_BEGIN("model::text");

TEST_CASE("YAML scalars that would not read back as strings") {
    struct Case {
        std::string text;
        bool non_string, integer, real;
    };
    for (const auto& c : std::initializer_list<Case>{
             {"", false, false, false},
             {"checkout", false, false, false},
             {"yes", true, false, false},
             {"Off", true, false, false},
             {"~", true, false, false},
             {"null", true, false, false},
             {"42", true, true, true},
             {"-7", true, true, true},
             {"+3", true, true, true},
             {"1_000", true, false, false},
             {"1_", false, false, false},
             {"3.14", true, false, true},
             {".5", true, false, true},
             {"1.", true, false, true},  // JSON reads it as a number: text must be quoted
             {"1e5", true, false, true},
             {"2.5E-3", true, false, true},
             {"1e", false, false, false},
             {"0x1F", true, false, false},
             {"0o17", true, false, false},
             {"0x", false, false, false},
             {"-.inf", true, false, false},
             {".NaN", true, false, false},
             {"+.nan", false, false, false},
             {"1.2.3", false, false, false},
             {"v1", false, false, false},
             {"12:30", false, false, false},
             {"1234567890123456789", true, false, true},
         }) {
        CAPTURE(c.text);
        CHECK(is_yaml_non_string(c.text) == c.non_string);
        CHECK(is_yaml_integer(c.text) == c.integer);
        CHECK(is_yaml_real(c.text) == c.real);
        if (c.integer || c.real) CHECK(is_yaml_non_string(c.text));  // what reads as a number is quoted as text
    }
}

TEST_CASE("long input is checked without recursion") {
    std::string digits(100000, '7');
    CHECK(is_yaml_non_string(digits));
    CHECK_FALSE(is_yaml_integer(digits));
    CHECK(is_yaml_real(digits));
    CHECK(is_identifier(std::string(100000, 'A')));
    CHECK_FALSE(is_alnum_word(std::string(100000, 'A'), 16));
}

TEST_CASE("one line: breaks become spaces, other controls U+FFFD, text stays") {
    CHECK(one_line("Disk full") == "Disk full");
    CHECK(one_line("two\nlines\r\n\tend") == "two lines   end");
    CHECK(one_line(std::string("Disk\0 full", 10)) == "Disk\uFFFD full");
    CHECK(one_line("\x1b[31mred\x07\x7f") == "\uFFFD[31mred\uFFFD\uFFFD");
    CHECK(one_line("c1 \u009b x, nbsp\u00a0, été") == "c1 \uFFFD x, nbsp\u00a0, été");
    CHECK(one_line("cut \xC2") == "cut \xC2");
}

TEST_CASE("identifiers and words") {
    CHECK(is_identifier("SLACK_WEBHOOK_URL"));
    CHECK(is_identifier("_x1"));
    CHECK_FALSE(is_identifier("1x"));
    CHECK_FALSE(is_identifier("A-B"));
    CHECK(is_alnum_word("INC", 16));
    CHECK(is_alnum_word("Sec2", 16));
    CHECK_FALSE(is_alnum_word("2SEC", 16));
    CHECK_FALSE(is_alnum_word("ABCDEFGHIJKLMNOPQ", 16));
    CHECK(all_digits("0123"));
    CHECK_FALSE(all_digits(""));
    CHECK_FALSE(all_digits("12a"));
}

TEST_SUITE_END();
