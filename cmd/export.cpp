// incident export ID... --bundle FILE: the incidents, their records, their
// evidence and a manifest, for the authorities; --verify FILE checks one.
#include "commands.hpp"
#include "export/bundle.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

struct ExportOptions {
    std::vector<std::string> ids, redact;
    std::string bundle, verify;
    bool sign = false;
    CommonFlags flags;
};

namespace {

void run_verify(const ExportOptions& opts, const Context& ctx) {
    // Unpacked in the temporary directory: a bundle can be checked anywhere, a repository left alone.
    BundleCheck check = verify_bundle(opts.verify, fs::temp_directory_path());
    if (opts.flags.json)
        print_json(ctx.io, {{"bundle", opts.verify},
                            {"files", check.files},
                            {"signature", check.signature},
                            {"problems", check.problems},
                            {"ok", check.problems.empty()}});
    else if (check.problems.empty())
        ctx.io.out << opts.verify << ": " << check.files << " files match MANIFEST.sha256; " << check.signature << "\n";
    for (const auto& p : check.problems) ctx.io.err << "incident: " << opts.verify << ": " << p << "\n";
    if (!check.problems.empty())
        throw Error(ExitCode::check, opts.verify + ": " + std::to_string(check.problems.size()) +
                                         " problem(s): the bundle is not as it was made");
}

}  // namespace

void run_export(const ExportOptions& opts, const Context& ctx) {
    if (!opts.verify.empty()) {
        if (!opts.bundle.empty() || !opts.ids.empty()) throw UsageError("--verify FILE takes no ids and no --bundle");
        return run_verify(opts, ctx);
    }
    if (opts.bundle.empty()) throw UsageError("export needs --bundle FILE.tar.gz (or --verify FILE)");
    if (opts.ids.empty()) throw UsageError("export needs at least one incident id");
    Workspace ws = open_workspace(ctx);
    BundleOptions b;
    for (const auto& id : opts.ids)
        if (std::string resolved = resolve_id(ctx, ws, id);
            std::find(b.ids.begin(), b.ids.end(), resolved) == b.ids.end())
            b.ids.push_back(resolved);
    b.out = opts.bundle;
    b.redact = opts.redact;
    b.sign = opts.sign;
    if (auto home = ctx.io.env("GNUPGHOME"); home && !home->empty())
        b.gnupg_home = *home;
    else if (auto h = ctx.io.env("HOME"); h && !h->empty())
        b.gnupg_home = *h + "/.gnupg";
    b.actor = resolve_actor(ctx, opts.flags, ws.repo.root);
    b.now = ctx.now;
    BundleResult r = make_bundle(ws, b);
    if (opts.flags.json)
        print_json(ctx.io, {{"bundle", opts.bundle},
                            {"incidents", b.ids},
                            {"files", r.files},
                            {"redacted", opts.redact},
                            {"signature", json_or_null(r.signature)}});
    else
        ctx.io.out << "wrote " << opts.bundle << ": " << join(b.ids) << ", " << r.files.size()
                   << " files in MANIFEST.sha256" << (r.signature.empty() ? "" : ", signed (" + r.signature + ")")
                   << "\n";
}

void register_export(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ExportOptions>();
    auto* cmd = app.add_subcommand(
        "export", "Bundle incidents, their records and evidence with a SHA-256 manifest (for the authorities)");
    cmd->add_option("ids", opts->ids, "Incident ids (INC-42 or 42)");
    cmd->add_option("--bundle", opts->bundle, "The bundle to write: FILE.tar.gz (tar) or FILE.zip (zip)")
        ->type_name("FILE");
    cmd->add_option("--redact", opts->redact,
                    "Leave a field out (repeat for more): an incident field such as reporter, or emails (every "
                    "address in every file)")
        ->type_name("FIELD");
    cmd->add_flag("--sign", opts->sign,
                  "Sign MANIFEST.sha256 with git's user.signingkey (gpg, or ssh-keygen when gpg.format is ssh); "
                  "exit 2 when gpg has no secret key");
    cmd->add_option("--verify", opts->verify,
                    "Check a bundle: every file against MANIFEST.sha256 and the signature; exit 6 naming a difference "
                    "(unopened: links, devices, names with .., more than the size limits)")
        ->type_name("FILE");
    cmd->add_option("--by", opts->flags.by, "Who is exporting (default: $INCIDENT_USER, then git user.email)");
    cmd->add_flag("--json", opts->flags.json, "Print one JSON document");
    cmd->callback([opts, &ctx] { run_export(*opts, ctx); });
}

}  // namespace incident::cli
