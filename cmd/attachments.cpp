// incident attachments ID [--verify]: the evidence of an incident; --verify
// checks every file against its recorded SHA-256 and exits 6 on a difference.
#include "commands.hpp"
#include "evidence/evidence.hpp"
#include "model/text.hpp"
#include "output.hpp"

namespace incident::cli {

struct AttachmentsOptions {
    std::string id;
    bool verify = false;
    CommonFlags flags;
};

namespace {

nlohmann::ordered_json check_json(const EvidenceCheck& c, bool verify) {
    nlohmann::ordered_json j =
        c.attachment ? attachment_to_json(*c.attachment) : nlohmann::ordered_json{{"name", c.name}};
    if (verify) {
        j["state"] = std::string(to_string(c.state));
        j["found_sha256"] = json_or_null(c.found_sha256);
        j["found_size"] = c.found_size < 0 ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.found_size);
    }
    return j;
}

}  // namespace

void run_attachments(const AttachmentsOptions& opts, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Incident inc = ws.store.load(resolve_id(ctx, ws, opts.id));
    std::vector<EvidenceCheck> checks;
    if (opts.verify) {
        checks = verify_evidence(ws.repo, inc);
    } else {
        for (const auto& a : inc.attachments) checks.push_back({&a, a.name, EvidenceCheck::State::ok, {}, -1});
    }
    std::vector<std::string> bad;
    for (const auto& c : checks)
        if (c.state != EvidenceCheck::State::ok) bad.push_back(c.name + " (" + std::string(to_string(c.state)) + ")");
    if (opts.flags.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& c : checks) list.push_back(check_json(c, opts.verify));
        print_json(ctx.io, {{"id", inc.id},
                            {"directory", ws.repo.relative(attachments_dir(ws.repo, inc.id))},
                            {"verified", opts.verify},
                            {"attachments", list}});
    } else if (checks.empty()) {
        ctx.io.out << inc.id << " has no attachments\n";
    } else {
        std::vector<std::vector<std::string>> rows;
        for (const auto& c : checks) {
            const Attachment* a = c.attachment;
            std::vector<std::string> row = {c.name,
                                            a ? std::to_string(a->size) : "-",
                                            a && !a->type.empty() ? a->type : "-",
                                            a ? a->sha256.substr(0, 16) : "-",
                                            a ? a->by : "-",
                                            a ? format_rfc3339(a->at) : "-"};
            if (opts.verify) {
                std::string state(to_string(c.state));
                row.push_back(paint(ctx.io, c.state == EvidenceCheck::State::ok ? "32" : "31", state));
            }
            rows.push_back(std::move(row));
        }
        std::vector<std::string> head = {"NAME", "BYTES", "TYPE", "SHA256", "BY", "AT"};
        if (opts.verify) head.push_back("CHECK");
        print_table(ctx.io, head, rows);
    }
    if (!bad.empty())
        throw Error(ExitCode::check,
                    inc.id + ": " + std::to_string(bad.size()) + " attachment(s) do not match: " + join(bad),
                    "the recorded SHA-256 is in incidents/ (and in git's history): restore the file from git "
                    "(git checkout -- " +
                        ws.repo.relative(attachments_dir(ws.repo, inc.id)) + ") or find who changed it");
}

void register_attachments(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<AttachmentsOptions>();
    auto* cmd = app.add_subcommand(
        "attachments", "List an incident's evidence; --verify checks each file's SHA-256 (exit 6 on a difference)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_flag("--verify", opts->verify,
                  "Check every file against its recorded SHA-256 and size; a changed, missing or unrecorded file "
                  "exits 6, naming it");
    cmd->add_flag("--json", opts->flags.json, "Print one JSON document");
    cmd->callback([opts, &ctx] { run_attachments(*opts, ctx); });
}

}  // namespace incident::cli
