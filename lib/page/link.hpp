// Acknowledge links: every page carries a link to `incident serve` that
// names the incident (by uid, which renumbering never changes), the person
// paged and an expiry, signed with HMAC-SHA256 under a key only the
// environment holds. GET on it shows a confirmation page; only POST acts.
#pragma once

#include <cstddef>
#include <string>

#include "model/time.hpp"

namespace incident {

// The signed text is "UID\nPERSON\nEXP" (EXP in decimal Unix seconds), as
// page_link writes them before URL-encoding; anyone can recompute it, e.g.
// hmac.new(key, f"{uid}\n{who}\n{exp}".encode(), hashlib.sha256).hexdigest().
// A link whose exp is not 1 to kMaxLinkExpDigits digits is malformed.
constexpr std::size_t kMaxLinkExpDigits = 12;
// Keys shorter than this are refused by whoever reads them from the
// environment (a short key can be guessed offline from one link).
constexpr std::size_t kMinLinkKeyBytes = 16;
bool link_key_strong_enough(const std::string& key);

// PUBLIC_URL/v1/page/UID?who=PERSON&exp=UNIX_SECONDS&sig=HEX (PERSON URL-encoded)
std::string page_link(const std::string& public_url, const std::string& key, const std::string& uid,
                      const std::string& person, Timestamp expires);

// The signature of a link's three parts (lower-case hex HMAC-SHA256).
std::string page_link_signature(const std::string& key, const std::string& uid, const std::string& person,
                                Timestamp expires);

enum class LinkCheck { ok, malformed, bad_signature, expired };

// Checks a link's parts as they came in (exp as text); compares the
// signature in constant time, and the expiry only after the signature.
LinkCheck check_page_link(const std::string& key, const std::string& uid, const std::string& person,
                          const std::string& exp, const std::string& sig, Timestamp now);

}  // namespace incident
