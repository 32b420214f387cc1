#include "validate/validate.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <unordered_map>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "deadlines/deadlines.hpp"
#include "hooks/hooks.hpp"
#include "model/errors.hpp"
#include "model/file_text.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "page/contact.hpp"
#include "page/policy.hpp"
#include "rules/rule_tests.hpp"
#include "runbook/load.hpp"
#include "sla/cadence.hpp"
#include "status/settings.hpp"
#include "store/atomic_file.hpp"
#include "store/parallel.hpp"
#include "store/repo_file.hpp"
#include "store/store.hpp"
#include "validate/clean_files.hpp"
#include "validate/file_list.hpp"
#include "validate/incident_shape.hpp"
#include "validate/links.hpp"
#include "validate/oncall_files.hpp"
#include "validate/semantic.hpp"

namespace incident {

namespace {

const valijson::Schema& schema(const std::string& name) {
    static std::map<std::string, std::unique_ptr<valijson::Schema>> cache;
    auto& slot = cache[name];
    if (!slot) {
        slot = std::make_unique<valijson::Schema>();
        nlohmann::json doc = nlohmann::json::parse(embedded_schemas().at(name));
        valijson::SchemaParser parser;
        valijson::adapters::NlohmannJsonAdapter adapter(doc);
        parser.populateSchema(adapter, *slot);
    }
    return *slot;
}

// Follows valijson's context ("<root>", "[timeline]", "[3]") into the YAML tree.
const YamlNode& follow(const YamlNode& root, const std::vector<std::string>& context) {
    const YamlNode* node = &root;
    for (const auto& token : context) {
        if (token.size() < 2 || token.front() != '[') continue;
        std::string key = token.substr(1, token.size() - 2);
        const YamlNode* next = nullptr;
        if (node->is_sequence() && all_digits(key) && key.size() < 10)
            next = &node->at(std::stoul(key));
        else if (node->is_map())
            next = &(*node)[key];
        if (!next || !*next) return *node;
        node = next;
    }
    return *node;
}

std::string path_text(const std::vector<std::string>& context) {
    std::string s;
    for (const auto& t : context)
        if (t.size() >= 2 && t.front() == '[') s += (s.empty() ? "" : ".") + t.substr(1, t.size() - 2);
    return s.empty() ? "document" : s;
}

// A schema error as a person reads it, at the place it names: a key the
// schema does not allow is "unknown key 'NAME'" at that key's own line.
Finding schema_finding(const YamlNode& doc, const valijson::ValidationResults::Error& e, const std::string& display) {
    const YamlNode& at = follow(doc, e.context);
    std::string path = path_text(e.context);
    Finding f{locate(at, display), "error", path + ": " + e.description};
    static const std::string lead =
        "Object contains a property that could not be validated using 'properties' or 'additionalProperties' "
        "constraints: '";
    std::size_t end = e.description.rfind('\'');
    if (e.description.rfind(lead, 0) != 0 || end <= lead.size() || !at.is_map()) return f;
    std::string key = e.description.substr(lead.size(), end - lead.size());
    for (const auto& entry : at.entries())
        if (entry.first.scalar() == key) {
            f.where = locate(entry.first, display);
            f.message = (path == "document" ? "" : path + ": ") + "unknown key '" + key + "'";
        }
    return f;
}

void add(std::vector<Finding>& out, const Location& where, const std::string& severity, const std::string& msg) {
    out.push_back({where, severity, msg});
}

enum class Kind { config, rules, rule_tests, incident, oncall, hooks, runbook, other };

Kind kind_of(const Repository& repo, const fs::path& p) {
    std::error_code ec;
    auto canon = fs::weakly_canonical(p, ec);
    if (canon == fs::weakly_canonical(repo.config_path(), ec)) return Kind::config;
    if (canon == fs::weakly_canonical(repo.rules_path(), ec)) return Kind::rules;
    if (canon == fs::weakly_canonical(repo.rule_tests_path(), ec)) return Kind::rule_tests;
    auto dir = canon.parent_path();
    if (is_shard_name(dir.filename().string())) dir = dir.parent_path();
    if (dir == fs::weakly_canonical(repo.incidents_dir(), ec) && p.extension() == ".yaml") return Kind::incident;
    if (oncall_file_kind(repo, canon) != OncallFile::none) return Kind::oncall;
    if (canon == fs::weakly_canonical(hooks_path(repo), ec)) return Kind::hooks;
    if (canon.parent_path() == fs::weakly_canonical(repo.root / ".incident" / "runbooks", ec) &&
        canon.extension() == ".md")
        return Kind::runbook;
    return Kind::other;
}

// Where validate_file is: one repository, its configuration and store.
struct Scope {
    const Repository& repo;
    const Config& cfg;
    const Store& store;
    Timestamp now;
};

// `related`, when given, says `p` is an incident file in the incidents
// directory (which does not lead out of the repository) and receives its
// references (checked again on every run, even when the file is not read).
// `text`, when given, is that file's content, read without following a link.
// The rules' findings about the escalation policies they name; none when
// escalation.yaml does not read (its own problems are reported on it).
std::vector<Finding> rule_policy_findings(const RuleSet& rules, const Repository& repo, const Config& config) {
    try {
        return unknown_rule_policies(rules, load_escalation(repo, config));
    } catch (const Error&) {
        return {};
    }
}

// The hooks file: read as the commands read it (its messages say what to
// write instead), then its schema, then the rules' checks of each `when:`.
void check_hooks_file(std::vector<Finding>& out, const Scope& scope, const fs::path& p, const YamlNode& root,
                      const std::string& display) {
    std::vector<Hook> hooks;
    try {
        hooks = parse_hooks(read_file(p).value_or(""), display);
    } catch (const InvalidData& e) {
        return add(out, e.where(), "error", e.detail());
    }
    auto findings = check_schema(root, "hooks.schema.json", display);
    out.insert(out.end(), findings.begin(), findings.end());
    for (const auto& h : hooks)
        if (h.when) lint_condition(out, *h.when, "hook " + h.name, scope.cfg);
}

// A configuration file's settings, read as each command reads them (throws InvalidData, located).
void check_config_settings(const YamlNode& root, const std::string& display) {
    Config c;
    apply_config_layer(c, root, display);
    check_config(c, display);
    paging_settings(c, display);  // smtp, paging_providers, serve
    status_page_settings(c, display);
    cadence_settings(c, display);
    deadline_sets(c, display);
}

// A rules file: parsed, linted, checked against the repository's policies
// (each runbook's own problems are reported on it, not here).
void check_rules_file(std::vector<Finding>& out, const Scope& scope, const fs::path& p, const std::string& display) {
    RuleSet rules = parse_rules(read_file(p).value_or(""), display);
    std::vector<std::string> unread;
    load_runbooks(scope.repo, rules, unread);
    for (auto& f : lint_rules(rules, scope.cfg)) out.push_back(f);
    for (auto& f : rule_policy_findings(rules, scope.repo, scope.cfg)) out.push_back(f);
}

void check_runbook_file(std::vector<Finding>& out, const Repository& repo, const fs::path& p,
                        const std::string& display) {
    try {
        const std::string name = p.stem().string();
        if (!is_runbook_name(name))
            add(out, Location{display}, "error",
                "'" + name + "' is not a runbook's name (lower-case letters, digits, - and _): no rule can name it");
        parse_runbook(read_repository_file(repo, p).value_or(""), name, display);
    } catch (const InvalidData& e) {
        add(out, e.where(), "error", e.detail());
    }
}

void validate_file(std::vector<Finding>& out, const Scope& scope, const fs::path& p, const std::string& display,
                   std::vector<std::string>* related = nullptr, const std::string* text = nullptr) {
    const Repository& repo = scope.repo;
    // An incident file is resolved only when it is a link itself: its directory was.
    bool resolve = !related || (!text && fs::is_symlink(p));
    if (resolve && repo.contains(p) && repo.leads_outside(p)) {
        add(out, Location{display}, "error", "a symbolic link leads out of the repository: it is not read");
        return;
    }
    Kind kind = related ? Kind::incident : kind_of(repo, p);
    if (kind == Kind::other) {
        add(out, Location{display}, "warning",
            "not a file incident validates (config, rules, rule tests, people, schedules, escalation, heartbeats, "
            "maintenance windows, hooks, runbooks, incidents/*.yaml)");
        return;
    }
    if (kind == Kind::runbook) return check_runbook_file(out, repo, p, display);  // Markdown, not YAML
    // A name that is no id is never read by the other commands: say so first.
    if (std::string why = kind == Kind::incident ? unreadable_incident_name(p.filename().string()) : ""; !why.empty())
        add(out, Location{display}, "error", why);
    YamlNode root;
    try {
        root = text ? load_yaml(*text, display) : load_yaml_file(p.string(), display);
    } catch (const Error& e) {
        const auto* inv = dynamic_cast<const InvalidData*>(&e);
        add(out, inv ? inv->where() : Location{display}, "error", inv ? inv->detail() : e.what());
        return;
    }
    // Incidents, by far the most files, are checked against their schema by
    // the field registry (incident_shape.hpp); the rest by valijson.
    if (kind == Kind::oncall) return check_oncall_file(out, repo, scope.cfg, fs::weakly_canonical(p), root, display);
    if (kind == Kind::hooks) return check_hooks_file(out, scope, p, root, display);
    auto findings = kind == Kind::config       ? check_schema(root, "config.schema.json", display)
                    : kind == Kind::rules      ? check_schema(root, "rules.schema.json", display)
                    : kind == Kind::rule_tests ? check_schema(root, "rule-tests.schema.json", display)
                                               : check_incident_shape(root, display);
    bool schema_ok = findings.empty();
    out.insert(out.end(), findings.begin(), findings.end());
    if (!schema_ok) return;
    try {
        if (kind == Kind::config) {
            check_config_settings(root, display);
        } else if (kind == Kind::rules) {
            check_rules_file(out, scope, p, display);
        } else if (kind == Kind::rule_tests) {
            parse_rule_cases(read_file(p).value_or(""), display);
        } else {
            Incident inc = incident_from_yaml(root, display);
            if (related) *related = inc.related;
            semantic_checks(out, inc, root, display, p.stem().string(), scope.cfg, scope.store, scope.now);
        }
    } catch (const InvalidData& e) {
        add(out, e.where(), "error", e.detail());
    }
}

}  // namespace

std::vector<Finding> check_schema(const YamlNode& doc, const std::string& name, const std::string& display) {
    nlohmann::json json = yaml_to_json(doc);
    // One validator per thread: it caches the schemas' compiled regexes,
    // which a validator per file compiled again for every file.
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter adapter(json);
    std::vector<Finding> out;
    if (validator.validate(schema(name), adapter, &results)) return out;
    std::vector<valijson::ValidationResults::Error> errors(results.begin(), results.end());
    // Keep the most specific error per place: drop those whose path is a prefix of another's.
    for (size_t i = 0; i < errors.size(); ++i) {
        bool general = false;
        for (size_t j = 0; j < errors.size() && !general; ++j)
            general = j != i && errors[j].context.size() > errors[i].context.size() &&
                      std::equal(errors[i].context.begin(), errors[i].context.end(), errors[j].context.begin());
        if (general) continue;
        Finding f = schema_finding(doc, errors[i], display);
        if (std::none_of(out.begin(), out.end(), [&](const Finding& x) { return x.message == f.message; }))
            out.push_back(f);
    }
    return out;
}

namespace {

// The links out of the repository that no file's own check has named already.
void add_links_out(std::vector<Finding>& out, const Repository& repo) {
    for (auto& f : links_out_of(repo))
        if (std::none_of(out.begin(), out.end(), [&](const Finding& o) { return o.where.file == f.where.file; }))
            out.push_back(std::move(f));
}

// Parses the schemas once, before any thread reads them.
void load_schemas() {
    for (const auto& name :
         {"config.schema.json", "rules.schema.json", "rule-tests.schema.json", "incident.schema.json",
          "people.schema.json", "schedule.schema.json", "override.schema.json", "escalation.schema.json",
          "heartbeats.schema.json", "hooks.schema.json"})
        schema(name);
}

std::int64_t wall_clock_nanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// An incident file's findings. One found clean earlier is not read again
// while it and its references are unchanged (when a reference has gone it
// is read again, so the finding is located as on a first run); one read and
// found clean gets its entry for the cache, returned.
std::optional<CleanFiles::Entry> validate_incident(std::vector<Finding>& found, const Scope& scope,
                                                   const CleanFiles& cache, const std::string& file,
                                                   const std::string& display, std::atomic<bool>& changed) {
    const std::string name = file.substr(file.rfind('/') + 1);
    const auto* was = cache.knows(name) ? cache.unchanged(name, CleanFiles::key_of(file)) : nullptr;
    if (was && std::all_of(was->related.begin(), was->related.end(),
                           [&](const std::string& r) { return scope.store.exists(r); })) {
        for (auto w : was->warnings) {
            w.where.file = display;
            found.push_back(std::move(w));
        }
        return *was;
    }
    std::vector<std::string> related;
    changed = true;
    // Read once, not through a link (a link is left to validate_file), and keyed by what was read.
    FileText text = read_file_text(file, YamlLimits{}.max_bytes, false);
    const bool read = text.status == FileText::Status::ok;
    validate_file(found, scope, file, display, &related, read ? &text.text : nullptr);
    auto error = [](const Finding& f) { return f.severity != "warning" || f.message.find('\n') != std::string::npos; };
    if (!read || std::any_of(found.begin(), found.end(), error)) return std::nullopt;
    CleanFiles::Entry entry = CleanFiles::key_of(text.st);
    entry.related = std::move(related);
    entry.warnings = found;
    return entry;
}

}  // namespace

// Files are independent: spread over the cores, the output kept in file order.
std::vector<Finding> validate_paths(const Repository& repo, const Config& cfg, const std::vector<std::string>& paths,
                                    Timestamp now) {
    std::set<std::string> special;
    const std::vector<std::string> files = files_to_validate(repo, paths, special);
    load_schemas();
    const std::int64_t started = wall_clock_nanos();
    CleanFiles cache(repo, cfg);
    Store store(repo, cfg.layout);
    const Scope scope{repo, cfg, store, now};
    const std::vector<char> incident = incident_files(repo, files);
    std::vector<std::vector<Finding>> per_file(files.size());
    std::atomic<bool> changed{false};
    std::vector<std::optional<CleanFiles::Entry>> clean(files.size());
    parallel_for(files.size(), [&](std::size_t i) {
        const fs::path p = files[i];
        std::string display = repo.relative(p);
        if (special.count(files[i])) return add(per_file[i], Location{display}, "error", not_read(p));
        if (!incident[i]) return validate_file(per_file[i], scope, p, display);
        clean[i] = validate_incident(per_file[i], scope, cache, files[i], display, changed);
    });
    std::vector<std::pair<std::string, CleanFiles::Entry>> known;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (clean[i]) known.emplace_back(files[i].substr(files[i].rfind('/') + 1), std::move(*clean[i]));
    if (paths.empty() && (changed || known.size() != cache.size())) cache.save(known, started);
    std::vector<Finding> out;
    for (auto& v : per_file) out.insert(out.end(), v.begin(), v.end());
    if (paths.empty()) add_links_out(out, repo);
    return out;
}

}  // namespace incident
