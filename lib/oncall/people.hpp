// People (.incident/people.yaml): who can be on call, assigned or paged,
// each under a short key with a name, an email, a time zone and contact
// methods tried in order. Everywhere a person is named, the key or the email
// is accepted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/yaml_node.hpp"
#include "oncall/problems.hpp"
#include "store/repository.hpp"

namespace incident {

// One way to reach a person: its kind (email, slack, teams, mattermost,
// discord, google_chat, push, sms, voice), the address, and for chat, push
// and SMS the configured target that carries it.
struct ContactMethod {
    std::string kind;
    std::string address;
    std::string target;
};

struct Person {
    std::string key;
    std::string name;
    std::string email;
    std::string time_zone;  // IANA; empty when not given
    std::vector<ContactMethod> contact;
    std::string source;  // TOOL/ID of one brought in by incident import; empty otherwise
};

struct People {
    std::vector<Person> list;  // in file order
    // The person `who` names: a key, or an email (case-insensitive); null when none.
    const Person* find(std::string_view who) const;
};

fs::path people_path(const Repository& repo);

// Reads a people document; every problem goes to `problems` (located in
// `display`), and what could be read is returned.
People parse_people(const YamlNode& root, const std::string& display, Problems& problems);

// .incident/people.yaml through the repository opener; empty when absent.
// Throws InvalidData at the first problem.
People load_people(const Repository& repo);

// What to store where a person is named (an assignee, a role holder): the
// email of the person `who` names by key, else `who` as given.
std::string person_email_or(const People& people, const std::string& who);

}  // namespace incident
