#include "template/template.hpp"

#include <doctest/doctest.h>

#include <chrono>

#include "model/errors.hpp"

using namespace incident;
using kainjow::mustache::data;

namespace {

data with_timeline(int events) {
    data d;
    data timeline{data::type::list};
    for (int i = 0; i < events; ++i) {
        data e;
        e.set("type", "note");
        timeline.push_back(e);
    }
    d.set("timeline", timeline);
    d.set("title", "Checkout <down>");
    return d;
}

std::string repeat(const std::string& s, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) out += s;
    return out;
}

std::string refusal(const std::string& text, const data& d, const TemplateLimits& limits = {}) {
    try {
        render_template(text, d, {}, "t.mustache", limits);
    } catch (const InvalidData& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("template: renders variables, escaped, and lists") {
    auto esc = [](const std::string& s) { return "[" + s + "]"; };
    CHECK(render_template("{{title}}: {{#timeline}}{{type}} {{/timeline}}", with_timeline(2), esc, "t") ==
          "[Checkout <down>]: [note] [note] ");
    CHECK(render_template("{{=<% %>=}}<%title%>", with_timeline(0), {}, "t") == "Checkout &lt;down&gt;");
}

TEST_CASE("template: a section repeated inside itself is refused before it runs, at its tag") {
    // 5 events nested 14 deep would be 5^14 renderings: the old renderer ran past 30 s and 1 GB.
    std::string text = "head\n  " + repeat("{{#timeline}}", 14) + "x" + repeat("{{/timeline}}", 14);
    auto start = std::chrono::steady_clock::now();
    std::string why = refusal(text, with_timeline(5));
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
    CHECK(why.find("t.mustache:2:") == 0);
    CHECK(why.find("would render more than") != std::string::npos);
    // Three deep over five events is 125 renderings: fine.
    CHECK(render_template(repeat("{{#timeline}}", 3) + "x" + repeat("{{/timeline}}", 3), with_timeline(5), {}, "t") ==
          std::string(125, 'x'));
}

TEST_CASE("template: nesting deeper than the limit is refused, also on a missing key") {
    std::string text = repeat("{{#missing}}", 20000) + repeat("{{/missing}}", 20000);
    std::string why = refusal(text, with_timeline(1));
    CHECK(why.find("t.mustache:1:385:") == 0);  // the 33rd {{#missing}}, 12 bytes each
    CHECK(why.find("sections nest deeper than 32") != std::string::npos);
    CHECK(refusal(repeat("{{^missing}}", 33) + repeat("{{/missing}}", 33), data{}) != "");
    CHECK(refusal(repeat("{{#missing}}", 32) + repeat("{{/missing}}", 32), data{}) == "");
}

TEST_CASE("template: output past the limit is refused") {
    TemplateLimits small;
    small.output = 1000;
    CHECK(refusal("{{#timeline}}0123456789{{/timeline}}", with_timeline(99), small) == "");
    std::string why = refusal("{{#timeline}}0123456789{{/timeline}}", with_timeline(101), small);
    CHECK(why.find("output would pass 1000 bytes") != std::string::npos);
}

TEST_CASE("template: changed delimiters are followed, not a way around the limits") {
    std::string text = "{{=<% %>=}}" + repeat("<%#timeline%>", 14) + "x" + repeat("<%/timeline%>", 14);
    CHECK(refusal(text, with_timeline(5)).find("would render more than") != std::string::npos);
}

TEST_CASE("template: a template that does not parse is a located error") {
    CHECK(refusal("{{#timeline}}x", with_timeline(1)).find("t.mustache") == 0);
    CHECK(refusal("{{title", with_timeline(1)) != "");
}
