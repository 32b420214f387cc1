#include <doctest/doctest.h>

#include "page/link.hpp"

using namespace incident;

TEST_SUITE_BEGIN("page::link");

namespace {

const std::string kKey = "k3y-of-at-least-16-bytes";
const std::string kUid = "0b7d8f5e-2c41-4a9b-9e3f-6a1c2d3e4f50";
const Timestamp kNow{Seconds{1700000000}};
const Timestamp kExpires{Seconds{1800000000}};

std::string sig(const std::string& person = "alice") { return page_link_signature(kKey, kUid, person, kExpires); }

}  // namespace

TEST_CASE("the signature is HMAC-SHA256 over uid, person and expiry, in lower-case hex") {
    // python3: hmac.new(key, f"{uid}\n{who}\n{exp}".encode(), hashlib.sha256).hexdigest()
    CHECK(page_link_signature(kKey, kUid, "alice o'brien+x@example.com", kExpires) ==
          "9d310b4252437f9ae6771ec401ba3b8247badce7871f6ea4ddcadfa839dc6ec7");
}

TEST_CASE("a link names the uid, the URL-encoded person, the expiry and the signature") {
    const std::string person = "alice o'brien+x@example.com";
    CHECK(page_link("https://ops.example.com/", kKey, kUid, person, kExpires) ==
          "https://ops.example.com/v1/page/" + kUid +
              "?who=alice%20o%27brien%2Bx%40example.com&exp=1800000000&sig=" + sig(person));
}

TEST_CASE("a link's parts check as they were signed, until it expires") {
    CHECK(check_page_link(kKey, kUid, "alice", "1800000000", sig(), kNow) == LinkCheck::ok);
    CHECK(check_page_link(kKey, kUid, "alice", "1800000000", sig(), kExpires - Seconds{1}) == LinkCheck::ok);
    CHECK(check_page_link(kKey, kUid, "alice", "1800000000", sig(), kExpires) == LinkCheck::expired);
    CHECK(check_page_link(kKey, kUid, "alice", "1800000000", sig(), kExpires + Seconds{3600}) == LinkCheck::expired);
}

TEST_CASE("an altered part, another key or no key is a bad signature") {
    std::string other_uid = kUid;
    other_uid.back() = '1';
    std::string flipped = sig();
    flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
    struct Case {
        std::string key, uid, person, exp, sig;
    } cases[] = {
        {kKey, other_uid, "alice", "1800000000", sig()},
        {kKey, kUid, "bob", "1800000000", sig()},
        {kKey, kUid, "alice", "1900000000", sig()},  // a later expiry is an altered link, not a longer one
        {kKey, kUid, "alice", "1800000000", flipped},
        {kKey, kUid, "alice", "1800000000", sig().substr(0, 63)},
        {kKey, kUid, "alice", "1800000000", ""},
        {kKey, kUid, "alice", "1800000000", "v1," + sig()},
        {"another-key-of-16-bytes", kUid, "alice", "1800000000", sig()},
        {"", kUid, "alice", "1800000000", page_link_signature("", kUid, "alice", kExpires)},
    };
    for (const auto& c : cases) {
        CAPTURE(c.sig);
        CHECK(check_page_link(c.key, c.uid, c.person, c.exp, c.sig, kNow) == LinkCheck::bad_signature);
    }
}

TEST_CASE("an expired link with an altered signature is a bad signature (the expiry is checked after)") {
    std::string flipped = sig();
    flipped[0] = flipped[0] == 'a' ? 'b' : 'a';
    CHECK(check_page_link(kKey, kUid, "alice", "1800000000", flipped, kExpires + Seconds{1}) ==
          LinkCheck::bad_signature);
}

TEST_CASE("a malformed expiry, uid or person is malformed") {
    for (const char* exp : {"", "-1", "+1800000000", "18e8", "1800000000 ", "0x6B49D200", "1234567890123"}) {
        CAPTURE(exp);
        CHECK(check_page_link(kKey, kUid, "alice", exp, sig(), kNow) == LinkCheck::malformed);
    }
    CHECK(check_page_link(kKey, "", "alice", "1800000000", sig(), kNow) == LinkCheck::malformed);
    CHECK(check_page_link(kKey, kUid, "", "1800000000", sig(), kNow) == LinkCheck::malformed);
}

TEST_CASE("keys shorter than 16 bytes are not strong enough") {
    CHECK_FALSE(link_key_strong_enough(""));
    CHECK_FALSE(link_key_strong_enough("fifteen-bytes!!"));
    CHECK(link_key_strong_enough("sixteen-bytes!!!"));
}

TEST_SUITE_END();
