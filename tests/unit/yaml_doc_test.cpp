#include "model/yaml_doc.hpp"

#include <doctest/doctest.h>

#include "model/yaml_write.hpp"

using namespace incident;

TEST_SUITE_BEGIN("model::yaml_doc");

namespace {
std::string error_of(const std::string& text, const YamlLimits& limits = {}) {
    try {
        load_yaml(text, "f.yaml", limits);
    } catch (const InvalidData& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST_CASE("errors are located file:line:col") {
    CHECK(error_of("a: [1, 2\nb: 3\n").rfind("f.yaml:", 0) == 0);
    CHECK(error_of("a: 1\na: 2\n") == "f.yaml:2:1: duplicate key 'a'");
    CHECK(error_of("a: 1\nb: caf\xC3\n") == "f.yaml:2:7: invalid UTF-8");
    CHECK(error_of(std::string("a: b\0c", 6)) == "f.yaml:1:5: NUL byte in a text file");
}

TEST_CASE("git's conflict markers are named at their line") {
    CHECK(error_of("id: INC-1\n<<<<<<< HEAD\nstatus: open\n=======\nstatus: resolved\n>>>>>>> side\n")
              .rfind("f.yaml:2:1: git left a merge conflict here", 0) == 0);
    CHECK(error_of("<<<<<<<\n").rfind("f.yaml:1:1: git left a merge conflict", 0) == 0);
    // Inside a value (indented, or not at the start of a line) it is text.
    CHECK(error_of("d: |\n  <<<<<<< not a marker\nt: a <<<<<<< b\n").empty());
}

TEST_CASE("limits bound size, depth and alias expansion") {
    YamlLimits small;
    small.max_bytes = 10;
    CHECK(error_of("a: 123456789012\n", small).find("file too large") != std::string::npos);
    std::string deep = "a:";
    for (int i = 0; i < 70; ++i) deep += "\n" + std::string(static_cast<size_t>(i + 1), ' ') + "k:";
    CHECK(error_of(deep).find("nesting deeper than 64") != std::string::npos);
    std::string bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n";
    char p = 'a';
    for (int i = 0; i < 8; ++i) {
        char q = static_cast<char>(p + 1);
        bomb += std::string(1, q) + ": &" + q + " [";
        for (int k = 0; k < 10; ++k) bomb += std::string(k ? "," : "") + "*" + p;
        bomb += "]\n";
        p = q;
    }
    CHECK(error_of(bomb).find("alias expansion") != std::string::npos);
}

TEST_CASE("UTF-8 validation") {
    CHECK(find_invalid_utf8("plain ascii") == std::string_view::npos);
    CHECK(find_invalid_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80") == std::string_view::npos);
    CHECK(find_invalid_utf8("\xC0\xAF") == 0);        // overlong
    CHECK(find_invalid_utf8("ab\xED\xA0\x80") == 2);  // surrogate
    CHECK(find_invalid_utf8("abc\xE2\x82") == 3);     // truncated
}

TEST_CASE("strings that would read as something else are quoted") {
    for (std::string s : {"yes", "no", "true", "null", "~", "123", "1.5", "", "0x1F"}) {
        std::string text = yaml_string(s);
        CAPTURE(s);
        CHECK(text.front() == '"');
        auto back = load_yaml("k: " + text, "f.yaml")["k"];
        CHECK(back.is_scalar());
        CHECK_FALSE(back.is_plain());
        CHECK(back.scalar() == s);
    }
    CHECK(yaml_string("checkout") == "checkout");
    CHECK(yaml_string("a, b") == "a, b");
    CHECK(yaml_string("a, b", true) == "\"a, b\"");
}

TEST_CASE("YAML to JSON keeps quoted scalars as strings") {
    auto n = load_yaml("{a: 1, b: \"1\", c: true, d: null, e: text, f: [1.5]}", "f.yaml");
    auto j = yaml_to_json(n);
    CHECK(j["a"] == 1);
    CHECK(j["b"] == "1");
    CHECK(j["c"] == true);
    CHECK(j["d"].is_null());
    CHECK(j["e"] == "text");
    CHECK(j["f"][0] == 1.5);
    std::string huge(60000, '7');
    CHECK(yaml_to_json(load_yaml("a: " + huge + "\nb: 1e999\n", "f.yaml"))["a"] == huge);
    CHECK(yaml_to_json(load_yaml("b: 1e999\n", "f.yaml"))["b"] == "1e999");
}

TEST_CASE("the escapes \\_ and \\N decode to valid UTF-8") {
    auto n = load_yaml("a: \"A\\_B\\NC\"\nb: \"\\x85\\xa0\"\n\"k\\N\": 1\n", "f.yaml");
    CHECK(n["a"].scalar() == "A\u00a0B\u0085C");
    CHECK(n["b"].scalar() == "\u0085\u00a0");
    CHECK(n["k\u0085"].scalar() == "1");
}

TEST_CASE("a second document is refused, not dropped") {
    CHECK(error_of("a: 1\n---\nb: 2\n") ==
          "f.yaml:2:1: a second YAML document (after --- or ...): the file must hold exactly one");
    CHECK(error_of("a: 1\n---\n").find("a second YAML document") != std::string::npos);
    CHECK(error_of("a: 1\n...\nb: 2\n").find("f.yaml:3:1: a second YAML document") == 0);
    CHECK(error_of("# c\n%YAML 1.2\n---\na: 1\n...\n# end\n") == "");
    CHECK(error_of("--- {a: 1}\n") == "");
    CHECK(error_of("a: |\n  ---\n  text\nb: \"x\"\n#---\n") == "");
    CHECK(find_second_document("a: 1\n----\n") == std::string_view::npos);  // not a marker
}

TEST_CASE("a tab in the indentation is named as such") {
    for (std::string text : {"id: 1\n\tstatus: open\n", "t:\n\t- {a: 1}\n", "r:\n  a: b\n \tc: d\n"}) {
        CAPTURE(text);
        CHECK(error_of(text).find("a tab in the indentation: YAML indents with spaces only") != std::string::npos);
    }
    CHECK(error_of("a: \"x\ty\"\nb: 1\n") == "");  // a tab inside a value is fine
}

TEST_CASE("a stray ',' does not hang the loader") {
    // yaml-cpp's LoadAll looped for ever on these (fuzz reproducers).
    CHECK_NOTHROW(error_of(",#$Exh"));
    CHECK_NOTHROW(error_of(",id: Ieo\n0:0Z\x1a"));
}

TEST_CASE("keys longer than YAML's 1024 characters are refused at their place") {
    std::string key(1024, 'k');
    CHECK(error_of("x:\n  " + key + ": 1\n") == "");
    CHECK(error_of("x:\n  ? " + key + "k\n  : 1\n") ==
          "f.yaml:2:5: a key longer than 1024 bytes as written (the limit of YAML's keys)");
    // 800 characters, but 1200 once its line breaks are written as \n.
    std::string lines;
    for (int i = 0; i < 400; ++i) lines += "a\n";
    CHECK_FALSE(key_fits(lines));
    CHECK(key_fits(std::string(1000, 'k')));
    std::string wide;  // 512 characters, 1024 bytes
    for (int i = 0; i < 512; ++i) wide += "\u00e9";
    CHECK(error_of("? " + wide + "\n: 1\n") == "");
    CHECK(error_of("? " + wide + "e\n: 1\n") != "");
}

TEST_CASE("controls, line separators and invisible spaces are written escaped and read back the same") {
    for (std::string s : {"a\u0085b", "\u00a0lead", "x\u2028y", "x\u2029y", "bom\ufeff", "del\x7f", "esc\x1b[2J",
                          "tab\tin", "cr\rin", "bell\a"}) {
        CAPTURE(s);
        std::string text = "k: " + yaml_string(s) + "\n";
        CHECK(text.find('"') != std::string::npos);
        CHECK(load_yaml(text, "f.yaml")["k"].scalar() == s);
    }
}

TEST_CASE("JSON types survive YAML: code-made strings stay strings, JSON numbers stay numbers") {
    YamlNode made("3");
    CHECK(yaml_to_json(made) == "3");
    auto j = nlohmann::ordered_json::parse(R"({"n": 3, "b": true, "s": "3", "x": null})");
    std::string out;
    write_entry(out, "doc", json_to_yaml(j), 0);
    auto back = yaml_to_json(load_yaml(out, "f.yaml")["doc"]);
    CHECK(back.dump() == j.dump());
}

TEST_CASE("empty collections, first in a document or alone, load (no arithmetic on an empty stack)") {
    for (const char* text : {"{}", "[]", "a: {}\n", "- []\n- {}\n", "{a: {}, b: []}"}) {
        CAPTURE(text);
        YamlNode doc = load_yaml(text, "t.yaml");
        CHECK((doc.is_map() || doc.is_sequence()));
    }
    CHECK(load_yaml("{}", "t.yaml").size() == 0);
    CHECK(load_yaml("a: {}\n", "t.yaml")["a"].is_map());
}

TEST_SUITE_END();
