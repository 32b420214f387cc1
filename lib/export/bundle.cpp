#include "export/bundle.hpp"

#include <algorithm>
#include <optional>
#include <regex>

#include "evidence/evidence.hpp"
#include "export/record.hpp"
#include "export/unpack.hpp"
#include "git/git.hpp"
#include "git/process.hpp"
#include "model/errors.hpp"
#include "model/fields.hpp"
#include "model/file_text.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"

namespace incident {

namespace {

const char* const kManifest = "MANIFEST.sha256";
const char* const kSignatureLine = "Signature: ";  // in EXPORT.txt, when signed

void put(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    write_file_atomically(file, text);
}

void must_run(const std::vector<std::string>& argv, const fs::path& cwd, const char* what) {
    ProcessResult r = run_process(argv, cwd.string());
    if (r.status != 0)
        throw IoError(std::string(what) + " failed: " + first_line(r.err.empty() ? r.out : r.err),
                      argv[0] == "tar" || argv[0] == "zip" ? "" : "is " + argv[0] + " installed and its key usable?");
}

void redact(Incident& inc, const std::vector<std::string>& fields) {
    for (const auto& name : fields) {
        if (name == "emails") continue;
        const IncidentField* f = find_incident_field(name);
        if (f->text) (inc.*f->text).clear();
        if (f->time) (inc.*f->time).reset();
        if (f->list) (inc.*f->list).clear();
        if (f->type == FieldType::roles) inc.roles.clear();
        if (f->type == FieldType::resolution) inc.resolution.reset();
        if (f->type == FieldType::actions) inc.actions.clear();
        if (f->type == FieldType::attachments) inc.attachments.clear();
        if (f->type == FieldType::tasks) inc.tasks.clear();
    }
}

std::string without_emails(const std::string& text) {
    static const std::regex email(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})");
    return std::regex_replace(text, email, "REDACTED-EMAIL");  // a plain word wherever YAML has it
}

// How --sign signs the manifest: run in the staging directory, it writes `file`.
struct Signer {
    std::vector<std::string> argv;
    std::string file;
};

// gpg creates its home directory when it runs: without one there is no key
// to sign with, and gpg is not run at all.
void require_secret_key(const std::string& key, const std::string& home) {
    const std::string hint = "make one (gpg --quick-gen-key) and name it: git config user.signingkey ID";
    if (!home.empty() && !fs::is_directory(home))
        throw UsageError("--sign: gpg has no secret key to sign with (" + home + " does not exist)", hint);
    std::vector<std::string> argv = {"gpg", "--batch", "--with-colons", "--list-secret-keys"};
    if (!home.empty()) argv.insert(argv.begin() + 1, {"--homedir", home});
    if (!key.empty()) argv.push_back(key);
    ProcessResult r = run_process(argv, "");
    if (r.status == 127) throw IoError("--sign: gpg could not run: " + first_line(r.err), "is gpg installed?");
    if (r.status != 0 || !(r.out.starts_with("sec:") || r.out.find("\nsec:") != std::string::npos))
        throw UsageError("--sign: gpg has no secret key" + (key.empty() ? std::string() : " for " + key) + " in " +
                             (home.empty() ? std::string("its home directory") : home),
                         hint);
}

// What signs the manifest with git's signing key; refused before anything is made.
Signer signer_for(const Workspace& ws, const std::string& gnupg_home) {
    const std::string root = ws.repo.root.string();
    const std::string key = git::config_get(root, "user.signingkey");
    const std::string format = git::config_get(root, "gpg.format");
    if (format == "ssh") {
        if (key.empty()) throw UsageError("--sign: gpg.format is ssh but git has no user.signingkey");
        return {{"ssh-keygen", "-q", "-Y", "sign", "-n", "incident-export", "-f", key, kManifest},
                std::string(kManifest) + ".sig"};
    }
    if (!format.empty() && format != "openpgp") throw UsageError("--sign: gpg.format " + format + " is not supported");
    require_secret_key(key, gnupg_home);
    std::vector<std::string> argv = {"gpg", "--batch", "--yes", "--armor", "--detach-sign"};
    if (!gnupg_home.empty()) argv.insert(argv.begin() + 1, {"--homedir", gnupg_home});
    if (!key.empty()) argv.insert(argv.end(), {"--local-user", key});
    argv.insert(argv.end(), {"--output", std::string(kManifest) + ".asc", kManifest});
    return {argv, std::string(kManifest) + ".asc"};
}

// Every regular file below `dir`, relative, sorted.
std::vector<std::string> files_below(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path().lexically_relative(dir).generic_string());
    std::sort(out.begin(), out.end());
    return out;
}

// Packs `dir` into `out` (a .zip or a .tar.gz by its name).
void pack(const fs::path& dir, const fs::path& out, Timestamp now) {
    if (out.extension() == ".zip") {
        must_run({"zip", "-q", "-r", "-X", out.string(), "."}, dir, "zip");
    } else {
        must_run({"tar", "--sort=name", "--owner=0", "--group=0", "--numeric-owner",
                  "--mtime=@" + std::to_string(now.time_since_epoch().count()), "-czf", out.string(), "."},
                 dir, "tar");
    }
}

// The incidents, with evidence that still matches its record.
std::vector<Incident> checked_incidents(const Workspace& ws, const BundleOptions& opts) {
    const auto allowed = redactable_fields();
    for (const auto& r : opts.redact)
        if (std::find(allowed.begin(), allowed.end(), r) == allowed.end())
            throw UsageError("--redact: " + r + " is not a field it can leave out", "one of: " + join(allowed));
    if (!(opts.out.ends_with(".tar.gz") || opts.out.ends_with(".tgz") || opts.out.ends_with(".zip")))
        throw UsageError("--bundle: " + opts.out + " must end in .tar.gz, .tgz or .zip");
    std::vector<Incident> incidents;
    for (const auto& id : opts.ids) incidents.push_back(ws.store.load(id));
    for (const auto& inc : incidents)
        for (const auto& c : verify_evidence(ws.repo, inc))
            if (c.state != EvidenceCheck::State::ok)
                throw Error(
                    ExitCode::check, inc.id + ": evidence " + c.name + " is " + std::string(to_string(c.state)),
                    "incident attachments " + inc.id + " --verify says more; a bundle carries only checked evidence");
    return incidents;
}

// Writes the bundle's files into `dir`: records, evidence and EXPORT.txt,
// which names the signature to come (so that a bundle stripped of it fails).
void write_files(const Workspace& ws, const BundleOptions& opts, const std::vector<Incident>& incidents,
                 const fs::path& dir, const std::string& signature) {
    const bool emails = std::find(opts.redact.begin(), opts.redact.end(), "emails") != opts.redact.end();
    auto text = [&](const std::string& s) { return emails ? without_emails(s) : s; };
    // With emails left out, the records are made from the file as exported, addresses gone.
    auto exported = [&](const Incident& inc, const std::string& yaml) {
        if (!emails) return inc;
        const std::string display = "incidents/" + inc.id + ".yaml";
        return incident_from_yaml(load_yaml(yaml, display), display);
    };
    std::string note = "Exported by " + text(opts.actor) + " at " + format_rfc3339(opts.now) + " with incident " +
                       INCIDENT_VERSION + "; every file is listed with its SHA-256 in MANIFEST.sha256." +
                       (opts.redact.empty() ? "" : " Left out: " + join(opts.redact) + ".");
    for (auto inc : incidents) {
        std::vector<Attachment> evidence = inc.attachments;
        redact(inc, opts.redact);
        const std::string yaml = text(incident_to_yaml(inc));
        const Incident shown = exported(inc, yaml);
        put(dir / "incidents" / (inc.id + ".yaml"), yaml);
        put(dir / "report" / (inc.id + ".md"), record_markdown(shown, note));
        put(dir / "report" / (inc.id + ".html"), record_html(shown, note));
        for (const auto& a : evidence) {
            fs::path to = dir / "attachments" / inc.id / a.name;
            fs::create_directories(to.parent_path());
            fs::copy_file(attachments_dir(ws.repo, inc.id) / a.name, to);
        }
    }
    put(dir / "EXPORT.txt", note + "\nIncidents: " + join(opts.ids) + "\n" +
                                (signature.empty() ? "" : std::string(kSignatureLine) + signature + "\n"));
}

// The signature EXPORT.txt in `dir` says the bundle carries, or empty.
std::string declared_signature(const fs::path& dir) {
    for (const auto& line : split(read_file(dir / "EXPORT.txt").value_or(""), '\n'))
        if (line.starts_with(kSignatureLine)) return line.substr(std::string(kSignatureLine).size());
    return {};
}

void check_signature(const fs::path& dir, BundleCheck& check) {
    const std::string asc = std::string(kManifest) + ".asc", sig = std::string(kManifest) + ".sig";
    check.signature = "unsigned";
    if (fs::exists(dir / asc)) {
        ProcessResult r = run_process({"gpg", "--batch", "--verify", asc, kManifest}, dir.string());
        if (r.status != 0)
            check.problems.push_back(asc + ": the signature does not verify: " + first_line(r.err));
        else
            check.signature = "gpg: " + first_line(r.err.substr(std::min(r.err.find("Good signature"), r.err.size())));
    } else if (fs::exists(dir / sig)) {
        ProcessResult r =
            run_process({"sh", "-c", "ssh-keygen -Y check-novalidate -n incident-export -s " + sig + " < " + kManifest},
                        dir.string());
        if (r.status != 0)
            check.problems.push_back(sig + ": the signature does not verify: " + first_line(r.err));
        else
            check.signature = "ssh: " + first_line(r.out);
    } else if (std::string said = declared_signature(dir); !said.empty()) {
        check.problems.push_back(said + ": missing (EXPORT.txt says the bundle was signed)");
    }
}

}  // namespace

std::vector<std::string> redactable_fields() {
    std::vector<std::string> out;
    for (const auto& f : incident_fields())
        if (f.key != "id" && f.key != "uid" && f.key != "title" && f.key != "status" && f.key != "opened_at" &&
            f.key != "timeline")
            out.emplace_back(f.key);
    out.emplace_back("emails");
    return out;
}

BundleResult make_bundle(const Workspace& ws, const BundleOptions& opts) {
    const std::vector<Incident> incidents = checked_incidents(ws, opts);
    std::optional<Signer> signer;
    if (opts.sign) signer = signer_for(ws, opts.gnupg_home);
    // Made beside the bundle, not in the repository (which may be read-only),
    // and moved into place whole; the scratch goes whatever happens.
    const fs::path out = fs::absolute(opts.out);
    ScratchDir stage(out.parent_path(), "." + out.filename().string() + ".");
    const fs::path dir = stage.path() / "bundle";
    write_files(ws, opts, incidents, dir, signer ? signer->file : "");
    BundleResult result;
    result.files = files_below(dir);
    std::string manifest;
    for (const auto& f : result.files) manifest += sha256_of_file(dir / f) + "  " + f + "\n";
    put(dir / kManifest, manifest);
    if (signer) {
        must_run(signer->argv, dir, signer->argv[0] == "gpg" ? "gpg --detach-sign" : "ssh-keygen -Y sign");
        result.signature = signer->file;
    }
    const fs::path packed = stage.path() / (out.extension() == ".zip" ? "packed.zip" : "packed.tar.gz");
    pack(dir, packed, opts.now);
    std::error_code ec;
    fs::rename(packed, out, ec);
    if (ec) throw IoError("cannot write " + opts.out + ": " + ec.message());
    return result;
}

BundleCheck verify_bundle(const std::string& bundle, const fs::path& scratch) {
    if (!fs::is_regular_file(bundle)) throw NotFound("no such bundle: " + bundle);
    ScratchDir stage(scratch, "incident-verify.");
    const fs::path& dir = stage.path();
    unpack_bundle(bundle, dir, unpack_limits(fs::file_size(bundle)));
    BundleCheck check;
    auto manifest = read_text_file((dir / kManifest).string(), kManifest, 64 << 20);
    if (!manifest) throw InvalidData(Location{bundle}, "no MANIFEST.sha256 in the bundle: not an incident export");
    std::vector<std::string> listed;
    for (const auto& line : split(*manifest, '\n')) {
        if (line.empty()) continue;
        if (line.size() < 67 || !is_sha256_text(line.substr(0, 64)) || line.compare(64, 2, "  ") != 0)
            throw InvalidData(Location{kManifest}, "not a sha256sum line: " + line);
        std::string name = line.substr(66);
        listed.push_back(name);
        ++check.files;
        const bool inside = refusal({'-', 0, name}).empty();  // never a file outside the bundle
        std::string found = inside ? sha256_of_file(dir / name) : "";
        if (found.empty())
            check.problems.push_back(name + ": missing");
        else if (found != line.substr(0, 64))
            check.problems.push_back(name + ": changed (SHA-256 " + found + ")");
    }
    for (const auto& f : files_below(dir))
        if (f != kManifest && f != std::string(kManifest) + ".asc" && f != std::string(kManifest) + ".sig" &&
            std::find(listed.begin(), listed.end(), f) == listed.end())
            check.problems.push_back(f + ": not in the manifest");
    check_signature(dir, check);
    return check;
}

}  // namespace incident
