#include "postmortem/postmortem.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"

using namespace incident;

TEST_SUITE_BEGIN("postmortem");

TEST_CASE("merge refreshes generated blocks and keeps everything else") {
    std::string existing =
        "<!-- incident:begin a -->\nold A\n<!-- incident:end a -->\n## Notes\nhuman line\n"
        "<!-- incident:begin b -->\nold B\n<!-- incident:end b -->\ntrailing human text\n";
    std::string fresh =
        "<!-- incident:begin a -->\nnew A\n<!-- incident:end a -->\n## Notes\n"
        "<!-- incident:begin b -->\nnew B\n<!-- incident:end b -->\n<!-- incident:begin c -->\nnew C\n<!-- "
        "incident:end c -->\n";
    std::string merged = merge_postmortem(existing, fresh);
    CHECK(merged ==
          "<!-- incident:begin a -->\nnew A\n<!-- incident:end a -->\n## Notes\nhuman line\n"
          "<!-- incident:begin b -->\nnew B\n<!-- incident:end b -->\ntrailing human text\n"
          "\n<!-- incident:begin c -->\nnew C\n<!-- incident:end c -->\n");
    CHECK(merge_postmortem(merged, fresh) == merged);  // stable
    // a block a person deleted the end marker of is left alone
    std::string broken = "<!-- incident:begin a -->\nmine now\n";
    CHECK(merge_postmortem(broken, fresh).rfind(broken, 0) == 0);
}

TEST_CASE("check: required sections need human words; comments and generated text do not count") {
    Incident inc;
    std::string doc =
        "# T\n## Summary\n<!-- incident:required -->\n<!-- write here\n   over lines -->\n"
        "## Impact\n<!-- incident:required -->\n<!-- incident:begin x -->\ngenerated\n<!-- incident:end x -->\n"
        "## Optional\n\n## Done\n<!-- incident:required -->\nA real sentence.\n";
    auto problems = check_postmortem(doc, inc);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] == "section 'Summary' is empty");
    CHECK(problems[1] == "section 'Impact' is empty");
    inc.actions.push_back(Action{1, "a", "", "2026-12-01", "prevent", "open", "", {}});
    inc.actions.push_back(Action{2, "b", "bob", "", "", "open", "", {}});
    problems = check_postmortem("## S\nfine\n", inc);
    REQUIRE(problems.size() == 2);
    CHECK(problems[0] == "action item 1 'a' has no owner");
    CHECK(problems[1] == "action item 2 'b' has no due date");
}

TEST_CASE("rendering fills every built-in template and escapes table cells") {
    Config cfg;
    Incident inc;
    inc.id = "INC-1";
    inc.title = "Pipes | and <tags>";
    inc.opened_at = parse_rfc3339("2026-11-20T10:00:00Z");
    inc.resolved_at = parse_rfc3339("2026-11-20T11:30:00Z");
    Event e;
    e.at = *inc.opened_at;
    e.type = "opened";
    e.text = "a | b";
    inc.timeline.push_back(e);
    for (const auto& template_ : builtin_templates()) {
        CAPTURE(template_.first);  // (clang 14 cannot capture a structured binding)
        std::string out = render_postmortem(inc, cfg, template_.second, *inc.opened_at);
        CHECK(out.find("INC-1") != std::string::npos);
        CHECK(out.find("a \\| b") != std::string::npos);
        CHECK(out.find("<tags>") == std::string::npos);
        CHECK(out.find("{{") == std::string::npos);
    }
    CHECK_THROWS_AS(render_postmortem(inc, cfg, "{{#open}}", *inc.opened_at), InvalidData);
}

TEST_CASE("a heading line of only '#' is an empty heading, not a crash (fuzz finding)") {
    Incident inc;
    inc.id = "INC-1";
    for (const char* text : {"#", "# Summary\n#\n", "##   \ntext\n#"}) {
        CAPTURE(text);
        CHECK_NOTHROW(check_postmortem(text, inc));
    }
}

TEST_SUITE_END();
