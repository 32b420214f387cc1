// Export bundles: what --redact takes, and the records a person reads.
#include <doctest/doctest.h>

#include "export/bundle.hpp"
#include "export/record.hpp"
#include "export/unpack.hpp"
#include "git/process.hpp"
#include "model/errors.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

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

TEST_CASE("unpack: listings of tar and zip read as ls shows them") {
    auto tar = parse_listing_line("-rw-r--r-- 0/0              12 2026-11-22 03:00 ./report/INC 1.md", false);
    REQUIRE(tar);
    CHECK(tar->type == '-');
    CHECK(tar->size == 12);
    CHECK(tar->name == "report/INC 1.md");
    auto dir = parse_listing_line("drwxr-xr-x 0/0               0 2026-11-22 03:00 ./", false);
    REQUIRE(dir);
    CHECK(dir->name.empty());
    auto zip = parse_listing_line("-rw-r--r--  3.0 unx       12 tx defN 26-Nov-22 03:00 a b/c", true);
    REQUIRE(zip);
    CHECK(zip->size == 12);
    CHECK(zip->name == "a b/c");
    auto untyped = parse_listing_line("?rw-------  2.0 unx       10 b- defN 26-Dec-06 13:18 EXPORT.txt", true);
    REQUIRE(untyped);
    CHECK(untyped->type == '-');  // no file type in the zip: unzip writes a file
    CHECK_FALSE(parse_listing_line("garbage", false));
}

TEST_CASE("unpack: only files and directories below the top") {
    struct Case {
        ArchiveEntry entry;
        const char* refused;  // a part of the reason, or "" when it may be unpacked
    };
    const Case cases[] = {
        {{'-', 1, "report/INC-1.md"}, ""},
        {{'d', 0, "attachments/INC-1"}, ""},
        {{'-', 1, "a..b/c.."}, ""},
        {{'p', 0, "pipe"}, "is a FIFO"},
        {{'l', 0, "link -> /etc/passwd"}, "is a symbolic link"},
        {{'h', 0, "hard link to EXPORT.txt"}, "is a hard link"},
        {{'c', 0, "null"}, "is a device"},
        {{'b', 0, "disk"}, "is a device"},
        {{'-', 1, "../escape"}, "climbs out of the bundle"},
        {{'-', 1, "report/../../escape"}, "climbs out of the bundle"},
        {{'-', 1, "..\\escape"}, "climbs out of the bundle"},
        {{'-', 1, "/etc/cron.d/x"}, "has an absolute name"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.entry.name);
        const std::string why = refusal(c.entry);
        if (*c.refused == '\0')
            CHECK(why.empty());
        else
            CHECK(why.find(c.refused) != std::string::npos);
    }
}

TEST_CASE("unpack: a bundle past the limits is refused before anything is written") {
    TestContext t;
    t.write("src/a.txt", "0123456789");
    t.write("src/b/c.txt", "0123456789");
    REQUIRE(run_process({"tar", "-czf", (t.dir / "b.tar.gz").string(), "."}, (t.dir / "src").string()).status == 0);
    auto unpack = [&](UnpackLimits limits) {
        fs::remove_all(t.dir / "into");
        fs::create_directories(t.dir / "into");
        unpack_bundle(t.dir / "b.tar.gz", t.dir / "into", limits);
    };
    CHECK_NOTHROW(unpack({20, 4}));  // ./, a.txt, b, b/c.txt: 20 bytes
    CHECK(t.read("into/b/c.txt") == "0123456789");
    for (UnpackLimits tight : {UnpackLimits{19, 4}, UnpackLimits{20, 3}}) {
        try {
            unpack(tight);
            FAIL("not refused");
        } catch (const Error& e) {
            CHECK(e.code() == ExitCode::check);
            CHECK(std::string(e.what()).find(tight.bytes < 20 ? "unpacks to more than" : "more than 3 files") !=
                  std::string::npos);
        }
        CHECK(fs::is_empty(t.dir / "into"));
    }
    CHECK(unpack_limits(1000).bytes == std::uintmax_t{64} << 20);
    CHECK(unpack_limits(std::uintmax_t{10} << 20).bytes == std::uintmax_t{500} << 20);
}

TEST_SUITE_END();
