// Export bundles: what --redact takes, and the records a person reads.
#include <doctest/doctest.h>

#include "export/bundle.hpp"
#include "export/record.hpp"

using namespace incident;

TEST_SUITE_BEGIN("export");

TEST_CASE("redact takes fields that do not say what the incident is, and emails") {
    auto fields = redactable_fields();
    auto has = [&](const char* f) { return std::find(fields.begin(), fields.end(), f) != fields.end(); };
    CHECK(has("reporter"));
    CHECK(has("roles"));
    CHECK(has("description"));
    CHECK(has("emails"));
    for (const char* kept : {"id", "uid", "title", "status", "opened_at", "timeline"}) CHECK_FALSE(has(kept));
}

TEST_CASE("records: the same sections in Markdown and HTML, escaped") {
    Incident inc;
    inc.id = "INC-3";
    inc.title = "Door <forced> | night";
    inc.reporter = "guard@example.com";
    inc.opened_at = *parse_rfc3339("2026-11-22T03:00:00Z");
    Attachment a;
    a.name = "cctv.png";
    a.sha256 = std::string(64, 'a');
    a.size = 12;
    inc.attachments.push_back(a);
    std::string md = record_markdown(inc, "note"), html = record_html(inc, "note");
    CHECK(md.find("## People and roles") != std::string::npos);
    CHECK(md.find("attachments/INC-3/cctv.png") != std::string::npos);
    CHECK(md.find("## Action items\n\nNone.") != std::string::npos);
    CHECK(html.find("Door &lt;forced&gt; | night") != std::string::npos);
    CHECK(html.find("<forced>") == std::string::npos);
    CHECK(html.find("<h2>Evidence</h2>") != std::string::npos);
}

TEST_SUITE_END();
