// incident validate [PATH...]: check config, rules and incident files; every
// finding as file:line:col: severity: message; exit 6 on any error.
#include "validate/validate.hpp"

#include "commands.hpp"
#include "output.hpp"

namespace incident::cli {

struct ValidateOptions {
    std::vector<std::string> paths;
    CommonFlags flags;
};

void run_validate(const ValidateOptions& opts, const Context& ctx) {
    Repository repo = find_repository(ctx.repo_dir);
    // A broken config is itself a finding, so validation goes on with the defaults.
    Config config;
    std::vector<Finding> findings;
    try {
        config = open_workspace(ctx).config;
    } catch (const InvalidData&) {
    }
    std::vector<std::string> paths;
    for (const auto& p : opts.paths)
        paths.push_back(fs::path(p).is_absolute() ? p : (fs::path(ctx.repo_dir) / p).string());
    auto more = validate_paths(repo, config, paths, ctx.now);
    findings.insert(findings.end(), more.begin(), more.end());
    size_t errors =
        std::count_if(findings.begin(), findings.end(), [](const Finding& f) { return f.severity == "error"; });
    if (opts.flags.json) {
        print_json(ctx.io,
                   {{"errors", errors}, {"warnings", findings.size() - errors}, {"findings", findings_json(findings)}});
    } else {
        print_findings(ctx.io.out, findings);
    }
    if (errors > 0) throw Error(ExitCode::check, std::to_string(errors) + " error(s) found");
}

void register_validate(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<ValidateOptions>();
    auto* cmd = app.add_subcommand("validate",
                                   "Validate config, rules and incident files (YAML, schemas/, and consistency); "
                                   "exit 6 on any error");
    cmd->add_option("paths", opts->paths, "Files or directories (default: the whole repository)");
    cmd->add_flag("--json", opts->flags.json, "Print the findings as JSON");
    cmd->callback([opts, &ctx] { run_validate(*opts, ctx); });
}

}  // namespace incident::cli
