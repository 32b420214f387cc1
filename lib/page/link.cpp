// Acknowledge links: HMAC-SHA256 over the uid, the person and the expiry,
// in lower-case hex, checked in constant time.
#include "page/link.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>

#include "model/text.hpp"

namespace incident {

namespace {

std::string hex(const unsigned char* data, std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        out += digits[data[i] >> 4];
        out += digits[data[i] & 0xf];
    }
    return out;
}

// RFC 3986 unreserved characters stay; every other byte is %XX.
std::string url_encode(const std::string& s) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += digits[c >> 4];
            out += digits[c & 0xf];
        }
    }
    return out;
}

std::string signature(const std::string& key, const std::string& uid, const std::string& person,
                      const std::string& exp) {
    const std::string content = uid + "\n" + person + "\n" + exp;
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(content.data()),
         content.size(), mac, &len);
    return hex(mac, len);
}

}  // namespace

bool link_key_strong_enough(const std::string& key) { return key.size() >= kMinLinkKeyBytes; }

std::string page_link_signature(const std::string& key, const std::string& uid, const std::string& person,
                                Timestamp expires) {
    return signature(key, uid, person, std::to_string(expires.time_since_epoch().count()));
}

std::string page_link(const std::string& public_url, const std::string& key, const std::string& uid,
                      const std::string& person, Timestamp expires) {
    std::string base = public_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/v1/page/" + uid + "?who=" + url_encode(person) +
           "&exp=" + std::to_string(expires.time_since_epoch().count()) +
           "&sig=" + page_link_signature(key, uid, person, expires);
}

LinkCheck check_page_link(const std::string& key, const std::string& uid, const std::string& person,
                          const std::string& exp, const std::string& sig, Timestamp now) {
    if (uid.empty() || person.empty() || !all_digits(exp) || exp.size() > kMaxLinkExpDigits)
        return LinkCheck::malformed;
    // No key signs nothing: an unset key must not make every empty-key link valid.
    if (key.empty()) return LinkCheck::bad_signature;
    const std::string expected = signature(key, uid, person, exp);
    if (sig.size() != expected.size() || CRYPTO_memcmp(sig.data(), expected.data(), expected.size()) != 0)
        return LinkCheck::bad_signature;
    if (Timestamp{Seconds{std::stoll(exp)}} <= now) return LinkCheck::expired;
    return LinkCheck::ok;
}

}  // namespace incident
