// Opening a repository for work: its settings through every layer, its
// rules and notification targets; what cannot be read is left out with a
// warning rather than stopping the responders (workspace.hpp).
#include "model/yaml_doc.hpp"
#include "runbook/load.hpp"
#include "store/repo_file.hpp"
#include "workspace/workspace.hpp"

namespace incident {

fs::path user_config_path(const EnvLookup& env) {
    if (auto x = env("XDG_CONFIG_HOME"); x && !x->empty()) return fs::path(*x) / "incident" / "config.yaml";
    if (auto h = env("HOME"); h && !h->empty()) return fs::path(*h) / ".config" / "incident" / "config.yaml";
    return {};
}

Workspace open_workspace(const fs::path& start, const EnvLookup& env) {
    Repository repo = find_repository(start);
    Config cfg;
    std::error_code ec;
    // Present but not a regular file (a FIFO, a directory): load_yaml_file says so.
    if (fs::path user = user_config_path(env); !user.empty() && fs::exists(user, ec))
        apply_config_layer(cfg, load_yaml_file(user.string(), user.string()), user.string());
    // A mistake in the configuration or the rules must not stop the
    // responders: what cannot be read is left out with a warning (validate
    // and rules check still fail on it). A file that does not parse at all,
    // or an id prefix or layout that cannot be read, still stops.
    std::vector<std::string> warnings;
    const Config before_repository = cfg;
    std::string display = repo.relative(repo.config_path());
    if (auto layer = load_repository_yaml(repo, repo.config_path())) {
        std::vector<InvalidData> skipped;
        apply_config_layer_tolerant(cfg, *layer, display, skipped);
        for (const auto& e : skipped)
            warnings.push_back(std::string(e.what()) + " (ignored until it is fixed: the default applies)");
    }
    apply_config_env(cfg, env);
    try {
        check_config(cfg, display);
    } catch (const InvalidData& e) {
        Config fallback = before_repository;
        fallback.id_prefix = cfg.id_prefix;
        fallback.layout = cfg.layout;
        apply_config_env(fallback, env);
        check_config(fallback, display);
        cfg = std::move(fallback);
        warnings.push_back(std::string(e.what()) +
                           " (the repository's configuration is left out until it is fixed: the defaults apply)");
    }
    RuleSet rules;
    try {
        if (auto text = read_repository_file(repo, repo.rules_path()))
            rules = parse_rules(*text, repo.relative(repo.rules_path()));
    } catch (const InvalidData& e) {
        rules.unreadable = e.what();
        warnings.push_back(std::string(e.what()) +
                           " (no rule applies until it is fixed: new incidents get the most severe priority)");
    }
    load_runbooks(repo, rules, warnings);
    HookFile hooks = load_hooks(repo, env);  // why they do not run: HookFile::inactive_reason
    NotifySettings notify;
    try {
        notify = notify_settings(cfg, display);
    } catch (const InvalidData& e) {
        warnings.push_back(std::string(e.what()) + " (nothing is notified until it is fixed)");
    }
    const Layout layout = cfg.layout;
    return Workspace{repo,
                     std::move(cfg),
                     Store(repo, layout),
                     std::move(rules),
                     std::move(notify),
                     std::move(hooks),
                     std::move(warnings)};
}

}  // namespace incident
