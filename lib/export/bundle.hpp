// A bundle for the authorities (the police, a regulator, an insurer): the
// incidents' files, a report of each a person reads (Markdown and HTML: the
// fields, people and roles, timeline, action items and evidence), the
// evidence itself, EXPORT.txt (who made it, when, from what, what was left
// out) and MANIFEST.sha256 over all of it, in `sha256sum -c` form, optionally
// signed with the user's git signing key. Packed by tar (.tar.gz) or zip.
#pragma once

#include <string>
#include <vector>

#include "model/time.hpp"
#include "workspace/workspace.hpp"

namespace incident {

struct BundleOptions {
    std::vector<std::string> ids;
    std::string out;                  // FILE.tar.gz or FILE.zip
    std::vector<std::string> redact;  // incident fields left out, or "emails"
    bool sign = false;                // with git's user.signingkey (gpg.format openpgp or ssh)
    std::string gnupg_home;           // gpg's home ($GNUPGHOME or ~/.gnupg); none there, no key
    std::string actor;
    Timestamp now{};
};

struct BundleResult {
    std::vector<std::string> files;  // as listed in the manifest
    std::string signature;           // the signature file's name, when signed
};

// Fields --redact takes: every incident field but those that say what the
// incident is (id, uid, title, status, opened_at, timeline), and "emails".
std::vector<std::string> redactable_fields();

struct BundleCheck {
    std::vector<std::string> problems;  // each file that differs, is missing or is not in the manifest
    std::string signature;              // what checked the signature, or "unsigned"
    std::size_t files = 0;              // files the manifest lists
};

// Makes the bundle in a scratch directory beside opts.out and moves it into
// place: nothing is written in the repository. A signing key that is not
// there is refused (UsageError) before anything is made.
BundleResult make_bundle(const Workspace& ws, const BundleOptions& opts);

// Reads a bundle back (unpacked in a new directory under `scratch`, removed
// after; see unpack.hpp for what is refused unopened) and checks every file
// against MANIFEST.sha256, and the signature: one EXPORT.txt names must be there.
BundleCheck verify_bundle(const std::string& bundle, const fs::path& scratch);

}  // namespace incident
