#include "validate/oncall_files.hpp"

#include <algorithm>

#include "heartbeat/heartbeat.hpp"
#include "oncall/schedule.hpp"
#include "page/maintenance.hpp"
#include "page/policy.hpp"
#include "store/repo_file.hpp"
#include "validate/validate.hpp"

namespace incident {

namespace {

// People as the schedules see them: what could be read (their own problems
// are reported on people.yaml itself).
People readable_people(const Repository& repo) {
    try {
        auto root = load_repository_yaml(repo, people_path(repo));
        Problems ignored;
        return root ? parse_people(*root, "", ignored) : People{};
    } catch (const Error&) {
        return {};
    }
}

}  // namespace

OncallFile oncall_file_kind(const Repository& repo, const fs::path& canonical) {
    std::error_code ec;
    if (canonical.extension() != ".yaml") return OncallFile::none;
    if (canonical == fs::weakly_canonical(people_path(repo), ec)) return OncallFile::people;
    if (canonical == fs::weakly_canonical(escalation_path(repo), ec)) return OncallFile::escalation;
    if (canonical == fs::weakly_canonical(heartbeats_path(repo), ec)) return OncallFile::heartbeats;
    if (canonical.parent_path() == fs::weakly_canonical(maintenance_dir(repo), ec)) return OncallFile::maintenance;
    const fs::path oncall = fs::weakly_canonical(oncall_dir(repo), ec);
    if (canonical.parent_path() == oncall) return OncallFile::schedule;
    if (canonical.parent_path().parent_path() == oncall / "overrides") return OncallFile::override_file;
    return OncallFile::none;
}

namespace {

const char* oncall_schema(OncallFile kind) {
    return kind == OncallFile::people        ? "people.schema.json"
           : kind == OncallFile::schedule    ? "schedule.schema.json"
           : kind == OncallFile::escalation  ? "escalation.schema.json"
           : kind == OncallFile::maintenance ? "maintenance.schema.json"
           : kind == OncallFile::heartbeats  ? "heartbeats.schema.json"
                                             : "override.schema.json";
}

}  // namespace

std::vector<std::string> oncall_files(const Repository& repo) {
    std::vector<std::string> files;
    std::error_code ec;
    if (fs::exists(people_path(repo), ec)) files.push_back(people_path(repo).string());
    for (const auto& key : repository_yaml_names(repo, oncall_dir(repo)))
        files.push_back(schedule_path(repo, key).string());
    const fs::path overrides = oncall_dir(repo) / "overrides";
    std::vector<std::string> dirs;
    for (fs::directory_iterator it(overrides, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path().filename().string());
    std::sort(dirs.begin(), dirs.end());
    for (const auto& d : dirs)
        for (const auto& id : repository_yaml_names(repo, overrides / d))
            files.push_back((overrides / d / (id + ".yaml")).string());
    if (fs::exists(escalation_path(repo), ec)) files.push_back(escalation_path(repo).string());
    if (fs::exists(heartbeats_path(repo), ec)) files.push_back(heartbeats_path(repo).string());
    for (const auto& id : repository_yaml_names(repo, maintenance_dir(repo)))
        files.push_back(maintenance_path(repo, id).string());
    return files;
}

void check_oncall_file(std::vector<Finding>& out, const Repository& repo, const Config& config, const fs::path& p,
                       const YamlNode& root, const std::string& display) {
    const OncallFile kind = oncall_file_kind(repo, p);
    Problems problems;
    if (kind == OncallFile::people) {
        parse_people(root, display, problems);
    } else if (kind == OncallFile::schedule) {
        parse_schedule(root, p.stem().string(), display, readable_people(repo), problems);
    } else if (kind == OncallFile::escalation) {
        auto policies = parse_escalation(root, display, config, problems);
        check_escalation_targets(policies, schedule_keys(repo), readable_people(repo), problems);
    } else if (kind == OncallFile::maintenance) {
        parse_maintenance(root, p.stem().string(), display, problems);
    } else if (kind == OncallFile::heartbeats) {
        parse_heartbeats(root, display, config, problems);
    } else if (kind == OncallFile::override_file) {
        // The schedule's zone reads the override's local times.
        const std::string key = p.parent_path().filename().string();
        Zone zone;
        try {
            auto schedule = load_repository_yaml(repo, schedule_path(repo, key));
            if (!schedule) {
                problems.add(Location{display, 1, 1},
                             "no schedule " + key + " for this override (.incident/oncall/" + key + ".yaml)");
            } else {
                Problems ignored;
                zone = parse_schedule(*schedule, key, "", People{}, ignored).zone;
            }
        } catch (const Error&) {
        }
        parse_override(root, p.stem().string(), display, zone, readable_people(repo), problems);
    }
    std::vector<Finding> found = problems.findings();
    for (auto& f : check_schema(root, oncall_schema(kind), display))
        if (std::none_of(found.begin(), found.end(), [&](const Finding& x) {
                return x.where.line == f.where.line && x.where.column == f.where.column;
            }))
            found.push_back(std::move(f));
    std::stable_sort(found.begin(), found.end(), [](const Finding& a, const Finding& b) {
        return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    out.insert(out.end(), found.begin(), found.end());
}

}  // namespace incident
