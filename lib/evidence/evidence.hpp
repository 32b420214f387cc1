// Evidence: files attached to an incident under attachments/ID/, each
// recorded in the incident with its SHA-256, size, media type, who attached
// it and when, so that anyone can later show it is untouched (the chain of
// custody). Nothing is ever written outside attachments/ID/, and a file once
// attached is never replaced.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lifecycle/lifecycle.hpp"
#include "model/incident.hpp"
#include "store/repository.hpp"

namespace incident {

// Lower-case hex SHA-256 of `data`.
std::string sha256_hex(std::string_view data);
// Of a file, read in pieces (an attachment may be large); empty when it
// cannot be read.
std::string sha256_of_file(const fs::path& p);

// The name a file is kept under: `wanted` with every character outside
// A-Z a-z 0-9 . _ - + replaced by _, no leading dot or dash, at most 120
// bytes (its extension kept). A name with a path in it (/ or \), "." or
// "..", is refused (UsageError), never rewritten into something else.
std::string attachment_name(std::string_view wanted);

// The media type, from the content's first bytes where they are telling
// (PNG, JPEG, GIF, PDF, ZIP, gzip, ...), else the name's extension, else
// text/plain for UTF-8 text without NUL, else application/octet-stream.
std::string media_type(std::string_view name, std::string_view content);

// attachments/ID/ of `repo`.
fs::path attachments_dir(const Repository& repo, const std::string& id);

// A file to attach: read (regular files only, at most `max_bytes`), named
// (`name`, or the file's own name, through attachment_name) and hashed.
struct NewEvidence {
    Attachment record;    // name, sha256, size, type, note (by, at: when attached)
    std::string content;  // the bytes to store
};
NewEvidence read_evidence(const std::string& path, const std::string& name, const std::string& note,
                          long long max_bytes);

// Records `files` in `inc` (by and at from the actor) with one `attached`
// event each (name, sha256, size; the note as its text); returns the last.
// Refuses a name the incident already has, or twice in `files`.
Event attach_evidence(Incident& inc, const Actor& actor, const std::vector<NewEvidence>& files);

// Where each file goes: attachments/ID/NAME -> its bytes, for the change
// that records them. Refuses (before anything is written) when attachments/
// or attachments/ID/ is not a plain directory of the repository (a link),
// or when a file of that name is already there.
std::vector<std::pair<fs::path, std::string>> evidence_files(const Repository& repo, const std::string& id,
                                                             const std::vector<NewEvidence>& files);

// One attachment as found now.
struct EvidenceCheck {
    const Attachment* attachment = nullptr;  // null: a file in attachments/ID/ the incident does not record
    std::string name;
    // not_a_file: a link, a directory or another special file is there, and is not read.
    enum class State { ok, changed, missing, unrecorded, not_a_file } state = State::ok;
    std::string found_sha256;  // when it could be read
    long long found_size = -1;
};
std::string_view to_string(EvidenceCheck::State s);

// Checks every recorded attachment of `inc` against its file (hash and
// size), and lists files in attachments/ID/ it does not record.
std::vector<EvidenceCheck> verify_evidence(const Repository& repo, const Incident& inc);

}  // namespace incident
