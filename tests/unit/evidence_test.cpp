// Evidence: names that cannot lead elsewhere, hashes, media types, the
// record in the incident file and the check of the files against it.
#include "evidence/evidence.hpp"

#include <doctest/doctest.h>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("evidence");

TEST_CASE("sha256_hex gives the standard digests") {
    CHECK(sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("attachment names: sanitised, never a path") {
    CHECK(attachment_name("photo 1.jpg") == "photo_1.jpg");
    CHECK(attachment_name(".bashrc") == "bashrc");
    CHECK(attachment_name("--rm") == "rm");
    CHECK(attachment_name("caf\xc3\xa9.txt") == "caf__.txt");
    CHECK(attachment_name("...") == "attachment");
    CHECK(attachment_name(std::string(300, 'a') + ".jpeg").size() == 120);
    CHECK(attachment_name(std::string(300, 'a') + ".jpeg").ends_with(".jpeg"));
    for (const char* bad : {"../x", "a/b", "/", ".", "..", "a\\b", ""})
        CHECK_THROWS_AS(attachment_name(bad), UsageError);
}

TEST_CASE("media types from content first, then the extension") {
    CHECK(media_type("x.bin", "\x89PNG\r\n\x1a\nrest") == "image/png");
    CHECK(media_type("x.txt", "\xFF\xD8\xFF\xE0") == "image/jpeg");  // the bytes win over the name
    CHECK(media_type("x.pdf", "%PDF-1.7") == "application/pdf");
    CHECK(media_type("x.csv", "a,b\n1,2\n") == "text/csv");
    CHECK(media_type("notes", "plain words\n") == "text/plain");
    CHECK(media_type("blob", std::string("\x00\x01\x02", 3)) == "application/octet-stream");
}

TEST_CASE("an attachment is written and read back; a bad hash is located") {
    Incident inc;
    inc.id = "INC-1";
    inc.uid = "u";
    inc.title = "t";
    inc.opened_at = *parse_rfc3339("2026-11-22T03:00:00Z");
    Attachment a;
    a.name = "cctv.log";
    a.sha256 = sha256_hex("x");
    a.size = 1;
    a.type = "text/plain";
    a.by = "guard@example.com";
    a.at = *parse_rfc3339("2026-11-22T04:00:00Z");
    inc.attachments.push_back(a);
    std::string text = incident_to_yaml(inc);
    CHECK(text.find("attachments:\n  - {name: cctv.log, sha256: " + a.sha256 + ", size: 1, type: text/plain") !=
          std::string::npos);
    Incident back = incident_from_yaml(load_yaml(text, "f"), "f");
    REQUIRE(back.attachments.size() == 1);
    CHECK(attachment_to_json(back.attachments[0]) == attachment_to_json(a));
    // No attachments: no key (files written before attachments stay as they were).
    inc.attachments.clear();
    CHECK(incident_to_yaml(inc).find("attachments") == std::string::npos);
    std::string bad = text;
    bad.replace(bad.find(a.sha256), 64, std::string(64, 'Z'));
    CHECK_THROWS_WITH_AS(incident_from_yaml(load_yaml(bad, "f"), "f"), doctest::Contains("attachments.sha256"),
                         InvalidData);
}

TEST_CASE("verify_evidence: ok, changed, missing and unrecorded files") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    Repository repo = find_repository(t.dir);
    Incident inc;
    inc.id = "INC-7";
    for (const char* name : {"a.txt", "b.txt", "c.txt"}) {
        Attachment a;
        a.name = name;
        a.sha256 = sha256_hex(name);
        a.size = static_cast<long long>(std::string(name).size());
        inc.attachments.push_back(a);
    }
    t.write("attachments/INC-7/a.txt", "a.txt");
    t.write("attachments/INC-7/b.txt", "b.txX");
    t.write("attachments/INC-7/zz.txt", "planted");
    auto checks = verify_evidence(repo, inc);
    REQUIRE(checks.size() == 4);
    CHECK(checks[0].state == EvidenceCheck::State::ok);
    CHECK(checks[1].state == EvidenceCheck::State::changed);
    CHECK(checks[1].found_sha256 == sha256_hex("b.txX"));
    CHECK(checks[2].state == EvidenceCheck::State::missing);
    CHECK(checks[3].name == "zz.txt");
    CHECK(checks[3].state == EvidenceCheck::State::unrecorded);
}

TEST_SUITE_END();
