// Base64 (RFC 4648, with padding) through OpenSSL: for HTTP Basic logins,
// webhook signatures and RFC 2047 encoded words.
#pragma once

#include <openssl/evp.h>

#include <string>
#include <string_view>

namespace incident {

inline std::string base64(std::string_view s) {
    std::string out(4 * ((s.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

// Empty for text that is not base64.
inline std::string unbase64(std::string_view s) {
    std::string out(3 * (s.size() / 4) + 3, '\0');
    int len = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                              reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
    if (len < 0) return {};
    std::size_t pad = s.size() >= 2 && s[s.size() - 1] == '=' ? (s[s.size() - 2] == '=' ? 2 : 1) : 0;
    out.resize(static_cast<std::size_t>(len) - pad);
    return out;
}

}  // namespace incident
