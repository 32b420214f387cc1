// The parts of an import's plan (plan.cpp puts them together): what the
// repository holds now, and the plan of each kind of object. Internal to
// lib/import.
#pragma once

#include <map>
#include <set>
#include <string>

#include "import/import.hpp"
#include "model/yaml_node.hpp"

namespace incident {

// A YAML file people also edit: its text and what it parses to.
struct EditedFile {
    fs::path path;
    std::string display;
    std::string text;  // empty when absent
    YamlNode root;
};

struct ImportContext {
    const Workspace& ws;
    const ImportSet& set;
    ImportPlan& plan;
    People people;  // as they will be after the import
    EditedFile people_file, escalation_file, rules_file;
    std::map<std::string, std::string> user_key;      // the source's user id -> person key
    std::map<std::string, std::string> schedule_key;  // the source's schedule id -> schedule key
    std::map<std::string, std::string> policy_key;    // the source's policy id -> policy name
    std::map<std::string, std::string> service_key;   // the source's service id -> service name
    std::map<std::string, Schedule> schedules;        // imported, by key, for the self-check

    std::string source(const std::string& id) const { return set.tool + "/" + id; }
    PlanItem& item(std::string kind, std::string name, const std::string& id, const Mapping& map);
};

// A short key made of a name ("SRE Primary" -> sre-primary), not in `taken`.
std::string key_from(const std::string& name, const std::function<bool(const std::string&)>& taken);

EditedFile read_edited(const Repository& repo, const fs::path& path);

void plan_people(ImportContext& c);
void plan_schedules(ImportContext& c);
void plan_policies(ImportContext& c);
void plan_services(ImportContext& c);
void plan_incidents(ImportContext& c);
// Compares each imported schedule with what the source rendered.
void check_schedules(ImportContext& c);

}  // namespace incident
