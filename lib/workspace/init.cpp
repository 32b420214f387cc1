// incident init: the layout, the settings a preset starts with, and the
// first commit; never a repository inside another.
#include "git/git.hpp"
#include "model/errors.hpp"
#include "oncall/schedule.hpp"
#include "store/atomic_file.hpp"
#include "workspace/workspace.hpp"

#ifndef INCIDENT_SCHEMA_DIR
#define INCIDENT_SCHEMA_DIR "/usr/local/share/incident/schemas"
#endif

namespace incident {

namespace {

// Files a preset starts with beside its rules (paths relative to the root).
void write_starter_files(const Repository& repo, const std::vector<std::pair<std::string, std::string>>& files,
                         std::vector<std::string>& created) {
    for (const auto& [path, text] : files) {
        std::error_code ec;
        fs::create_directories((repo.root / path).parent_path(), ec);
        write_file_atomically(repo.root / path, text);
        created.push_back(path);
    }
}

// A repository inside another would keep incidents of its own (a second
// INC-1) in files the outer one commits too: refused, naming the outer one.
void refuse_nested(const fs::path& dir) {
    std::error_code ec;
    fs::path at = fs::weakly_canonical(fs::absolute(dir), ec);
    if (ec) at = fs::absolute(dir).lexically_normal();
    for (fs::path d = at; d.has_relative_path();) {
        d = d.parent_path();
        if (fs::exists(d / ".incident" / "config.yaml", ec))
            throw UsageError(at.string() + " is inside the incident repository at " + d.string(),
                             "incident commands work in any directory below " + d.string() +
                                 "; for a separate repository, choose a directory outside it");
    }
}

// Editors with the YAML language server validate against the installed schemas.
std::string schema_line(const char* name) {
    return std::string("# yaml-language-server: $schema=") + INCIDENT_SCHEMA_DIR + "/" + name + "\n";
}

// .incident/config.yaml, and the rules and rule tests: the preset's, or a starter.
void write_settings(const Repository& repo, const RulePack* pack, std::vector<std::string>& created) {
    write_file_atomically(repo.config_path(),
                          schema_line("config.schema.json") + default_config_text(pack ? pack->teams : ""));
    if (pack) {
        write_file_atomically(repo.rules_path(),
                              schema_line("rules.schema.json") +
                                  std::string("# Prioritisation rules, evaluated in order after the included pack's.\n"
                                              "# See man incident-rules. Test them with: incident rules test\n"
                                              "include: [") +
                                  pack->name + "]\nrules: []\n");
        write_file_atomically(repo.rule_tests_path(), schema_line("rule-tests.schema.json") +
                                                          "# Rule test cases for the " + pack->name +
                                                          " pack; add your own below.\n" + pack->tests);
        created.push_back(".incident/rules.yaml");
    } else {
        // A starter, so that `incident rules test` (and a CI job running it) passes from the first commit.
        write_file_atomically(repo.rule_tests_path(),
                              schema_line("rule-tests.schema.json") + starter_rule_tests_text());
    }
    created.push_back(".incident/rules-tests.yaml");
    if (pack && pack->name == std::string("sre")) write_starter_files(repo, starter_oncall_files(), created);
}

}  // namespace

InitResult init_repository(const fs::path& dir, const std::string& preset, const std::string& actor, bool commit) {
    InitResult r;
    const RulePack* pack = preset.empty() ? nullptr : find_pack(preset);
    if (!preset.empty() && !pack) throw UsageError("no preset named '" + preset + "'", "presets: itil, sre, security");
    refuse_nested(dir);
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw IoError("cannot create " + dir.string() + ": " + ec.message());
    Repository repo = repository_at(dir);
    r.root = repo.root;
    if (fs::exists(repo.config_path(), ec))
        throw TransitionRefused("already an incident repository: " + repo.config_path().string(),
                                "edit .incident/config.yaml instead");
    if (repo.in_git && commit)  // git would refuse the commit: refuse before writing
        git::require_trusted(repo.root.string(), repo.state_dir.parent_path().string());
    if (!repo.in_git) {
        git::init(repo.root.string());
        r.git_initialised = true;
        repo = repository_at(dir);
    }
    fs::create_directories(repo.root / ".incident", ec);
    fs::create_directories(repo.incidents_dir(), ec);
    fs::create_directories(repo.postmortems_dir(), ec);
    if (ec) throw IoError("cannot create the layout in " + repo.root.string() + ": " + ec.message());
    // A writer killed between creating its temporary and renaming it leaves
    // ".NAME.tmp.XXXXXX" behind; keep such leftovers out of git.
    const std::string ignore = "# temporaries of interrupted atomic writes\n.*.tmp.*\n";
    for (const auto& dir : {repo.incidents_dir(), repo.postmortems_dir()})
        if (!fs::exists(dir / ".gitignore", ec)) write_file_atomically(dir / ".gitignore", ignore);
    r.created = {".incident/config.yaml", "incidents/.gitignore", "postmortems/.gitignore", ".gitattributes"};
    add_merge_attributes(repo.root / ".gitattributes");
    write_settings(repo, pack, r.created);
    if (commit) {
        try {
            git::commit_paths(repo.root.string(), r.created, "incident: initialise repository", actor);
            r.committed = true;
        } catch (const IoError& e) {
            r.warnings.push_back(e.what());
        }
    }
    return r;
}

}  // namespace incident
