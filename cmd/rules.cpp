// incident rules check|test|explain|packs: the rules as code.
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "model/yaml_doc.hpp"
#include "output.hpp"
#include "page/policy.hpp"
#include "rules/rule_tests.hpp"
#include "rules_output.hpp"
#include "runbook/load.hpp"
#include "store/atomic_file.hpp"
#include "store/repo_file.hpp"

namespace incident::cli {

struct RulesOptions {
    std::string file;  // check: rules file; test: cases file
    std::string id;    // explain
    std::string pack;  // test --pack
    CommonFlags flags;
};

namespace {

std::string slurp(const Repository& repo, const fs::path& p) {
    std::error_code ec;
    if (!fs::exists(p, ec))
        throw UsageError("no such file: " + p.string(),
                         "write rule test cases there (incident init writes a starter; see man incident-rules), "
                         "or name a file: incident rules test FILE");
    // A file in the repository comes through its opener (no link out of it).
    const fs::path whole = fs::absolute(p);
    std::optional<std::string> text = repo.contains(whole) ? read_repository_file(repo, whole) : read_file(p);
    if (!text) throw IoError("cannot read " + p.string());
    return *text;
}

// The other commands go on without what they could not read; the rules'
// own checks do not (a CI job running them must fail).
void refuse_degraded(const Workspace& ws) {
    if (!ws.warnings.empty()) throw Error(ExitCode::invalid, ws.warnings.front());
}

void run_check(const RulesOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    if (o.file.empty()) refuse_degraded(ws);
    RuleSet rules = ws.rules;
    std::string shown = ws.repo.relative(ws.repo.rules_path());
    if (!o.file.empty()) {
        shown = o.file;
        rules = parse_rules(slurp(ws.repo, o.file), o.file);  // parse errors: exit 4, located
        std::vector<std::string> unread;                      // a runbook not read is a finding below
        load_runbooks(ws.repo, rules, unread);
    }
    auto findings = lint_rules(rules, ws.config);
    for (auto& f : unknown_rule_policies(rules, load_escalation(ws.repo, ws.config))) findings.push_back(f);
    bool errors = false;
    for (const auto& f : findings) errors = errors || f.severity == "error";
    if (o.flags.json) {
        print_json(ctx.io, {{"rules", rules.rules.size()}, {"findings", findings_json(findings)}});
    } else {
        print_findings(ctx.io.err, findings);
        if (findings.empty()) ctx.io.out << shown << ": " << rules.rules.size() << " rules, no problems\n";
    }
    if (errors) throw InvalidData(Location{shown}, "the rules have errors");
}

void run_test(const RulesOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    if (o.file.empty() && o.pack.empty()) refuse_degraded(ws);
    RuleSet rules = ws.rules;
    std::string text, shown;
    if (!o.pack.empty()) {
        const RulePack* pack = find_pack(o.pack);
        if (!pack) throw UsageError("no rule pack named '" + o.pack + "'", "shipped packs: itil, sre, security");
        rules = parse_rules(std::string("include: [") + pack->name + "]\n", "pack:" + o.pack);
        text = pack->tests;
        shown = "pack:" + o.pack + ":tests";
    }
    if (!o.file.empty()) {
        text = slurp(ws.repo, o.file);
        shown = o.file;
    } else if (o.pack.empty()) {
        // The repository's own file comes through the repository opener (no link out of it).
        auto own = read_repository_file(ws.repo, ws.repo.rule_tests_path());
        text = own ? *own : slurp(ws.repo, ws.repo.rule_tests_path());
        shown = ws.repo.relative(ws.repo.rule_tests_path());
    }
    // escalation_policy is expected as paging picks it: the rules' choice, else the priority's.
    const EscalationPolicies policies = load_escalation(ws.repo, ws.config);
    auto results = run_rule_cases(parse_rule_cases(text, shown), rules, ws.config,
                                  [&](const Incident& inc) { return policies.policy_for(inc); });
    size_t failed = 0;
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& r : results) {
        if (!r.passed) ++failed;
        if (o.flags.json) {
            arr.push_back({{"name", r.name},
                           {"line", r.where.line},
                           {"passed", r.passed},
                           {"diffs", r.diffs},
                           {"reason", r.reason}});
            continue;
        }
        if (r.passed) {
            ctx.io.out << paint(ctx.io, "32", "  pass  ") << r.name << "\n";
        } else {
            ctx.io.out << paint(ctx.io, "31", "  FAIL  ") << r.name << "  (" << r.where.str() << ")\n";
            for (const auto& d : r.diffs) ctx.io.out << "          " << d << "\n";
            ctx.io.out << "          because: " << r.reason << "\n";
        }
    }
    if (o.flags.json)
        print_json(ctx.io, {{"passed", results.size() - failed}, {"failed", failed}, {"cases", arr}});
    else
        ctx.io.out << results.size() - failed << " passed, " << failed << " failed\n";
    if (failed) throw Error(ExitCode::check, std::to_string(failed) + " rule test case(s) failed");
}

void run_explain(const RulesOptions& o, const Context& ctx) {
    Workspace ws = open_workspace(ctx);
    Incident inc = ws.store.load(resolve_id(ctx, ws, o.id));
    Decision d = decide(inc, ws.rules, ws.config);
    if (o.flags.json) {
        auto doc = decision_to_json(d);
        doc["id"] = inc.id;
        doc["recorded_priority"] = inc.priority;
        print_json(ctx.io, doc);
        return;
    }
    ctx.io.out << inc.id << ": " << inc.title << "\n";
    print_trace(ctx.io, d);
}

void run_packs(const RulesOptions& o, const Context& ctx) {
    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (const auto& p : rule_packs()) {
        if (o.flags.json)
            arr.push_back({{"name", p.name}, {"summary", p.summary}});
        else
            ctx.io.out << p.name << std::string(10 - std::string(p.name).size(), ' ') << p.summary << "\n";
    }
    if (o.flags.json) print_json(ctx.io, arr);
}

}  // namespace

void register_rules(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<RulesOptions>();
    auto* cmd = app.add_subcommand("rules", "Check, test and explain the prioritisation rules");
    cmd->require_subcommand(1);
    auto* check = cmd->add_subcommand("check",
                                      "Lint the rules: bad regexes, wrong types, unknown fields, values "
                                      "outside the configured scales, unreachable rules");
    check->add_option("file", opts->file, "Rules file (default: .incident/rules.yaml)");
    check->add_flag("--json", opts->flags.json, "Print the findings as JSON");
    check->callback([opts, &ctx] { run_check(*opts, ctx); });
    auto* test = cmd->add_subcommand("test", "Run rule test cases; exit 6 when a case fails");
    test->add_option("file", opts->file, "Test cases (default: .incident/rules-tests.yaml)");
    test->add_option("--pack", opts->pack, "Run a shipped pack's own cases against that pack")
        ->check(CLI::IsMember(pack_names()));
    test->add_flag("--json", opts->flags.json, "Print the results as JSON");
    test->callback([opts, &ctx] { run_test(*opts, ctx); });
    auto* explain = cmd->add_subcommand("explain", "Show how the rules would prioritise an incident now");
    explain->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    explain->add_flag("--json", opts->flags.json, "Print the decision as JSON");
    explain->callback([opts, &ctx] { run_explain(*opts, ctx); });
    auto* packs = cmd->add_subcommand("packs", "List the rule packs shipped with incident");
    packs->add_flag("--json", opts->flags.json, "Print the packs as JSON");
    packs->callback([opts, &ctx] { run_packs(*opts, ctx); });
}

}  // namespace incident::cli
