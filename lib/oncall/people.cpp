#include "oncall/people.hpp"

#include <date/tz.h>

#include <algorithm>

#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

// The contact methods a person may list, and what each needs beside its address.
struct MethodKind {
    std::string_view name;
    bool needs_target;  // delivered through a configured target (chat, push service, SMS provider)
};
constexpr MethodKind kMethods[] = {{"email", false},     {"slack", true},   {"teams", true},
                                   {"mattermost", true}, {"discord", true}, {"google_chat", true},
                                   {"push", false},      {"sms", true},     {"voice", true}};

bool is_person_key(std::string_view k) {
    return !k.empty() && k.size() <= 64 && std::isalpha(static_cast<unsigned char>(k[0])) &&
           std::all_of(k.begin(), k.end(), [](char c) {
               return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
           });
}

std::string text_of(const YamlNode& map, std::string_view key, const std::string& what, const std::string& file,
                    Problems& problems) {
    const YamlNode& v = map[key];
    if (!v || v.is_null()) return {};
    if (!v.is_scalar()) {
        problems.add(v, file, what + std::string(key) + ": expected a string");
        return {};
    }
    return v.scalar();
}

ContactMethod contact_from(const YamlNode& n, const std::string& what, const std::string& file, Problems& problems) {
    ContactMethod c;
    if (!n.is_map()) {
        problems.add(n, file, what + ": expected a mapping such as {email: alice@example.com}");
        return c;
    }
    for (const auto& [k, v] : n.entries()) {
        const std::string key = k.scalar();
        if (key == "target") {
            c.target = text_of(n, "target", what + ".", file, problems);
            continue;
        }
        auto kind =
            std::find_if(std::begin(kMethods), std::end(kMethods), [&](const MethodKind& m) { return m.name == key; });
        if (kind == std::end(kMethods)) {
            problems.add(k, file,
                         what + ": unknown contact method '" + key +
                             "' (email, slack, teams, mattermost, discord, google_chat, push, sms, voice; and target)");
            continue;
        }
        if (!c.kind.empty()) {
            problems.add(k, file, what + ": one method per entry (" + c.kind + " and " + key + ")");
            continue;
        }
        c.kind = key;
        c.address = text_of(n, key, what + ".", file, problems);
        if (c.address.empty()) problems.add(v, file, what + "." + key + ": expected an address");
    }
    if (c.kind.empty()) {
        problems.add(n, file, what + ": no contact method (email, slack, push, sms, ...)");
        return c;
    }
    auto kind =
        std::find_if(std::begin(kMethods), std::end(kMethods), [&](const MethodKind& m) { return m.name == c.kind; });
    if (kind->needs_target && c.target.empty())
        problems.add(n, file, what + ": " + c.kind + " needs a target (the configured target that delivers it)");
    if (c.kind == "email" && c.address.find('@') == std::string::npos)
        problems.add(n[c.kind], file, what + ".email: not an email address");
    return c;
}

}  // namespace

const Person* People::find(std::string_view who) const {
    for (const auto& p : list)
        if (p.key == who) return &p;
    if (who.find('@') == std::string_view::npos) return nullptr;
    const std::string lower = ascii_lower(who);
    for (const auto& p : list)
        if (!p.email.empty() && ascii_lower(p.email) == lower) return &p;
    return nullptr;
}

fs::path people_path(const Repository& repo) { return repo.root / ".incident" / "people.yaml"; }

People parse_people(const YamlNode& root, const std::string& display, Problems& problems) {
    People out;
    if (!root.is_map()) {
        problems.add(root, display, "expected a mapping with the key people");
        return out;
    }
    for (const auto& [k, v] : root.entries())
        if (k.scalar() != "people") problems.add(k, display, "unknown key '" + k.scalar() + "' (known: people)");
    const YamlNode& people = root["people"];
    if (!people || people.is_null()) return out;
    if (!people.is_map()) {
        problems.add(people, display, "people: expected a mapping of person keys (alice: {name, email, ...})");
        return out;
    }
    for (const auto& [k, v] : people.entries()) {
        Person p;
        p.key = k.scalar();
        const std::string what = "people." + p.key;
        if (!is_person_key(p.key))
            problems.add(k, display, what + ": a person's key is a letter, then letters, digits, '-', '_' or '.'");
        if (!v.is_map()) {
            problems.add(v, display, what + ": expected a mapping (name, email, time_zone, contact)");
            continue;
        }
        for (const auto& [field, _] : v.entries())
            if (field.scalar() != "name" && field.scalar() != "email" && field.scalar() != "time_zone" &&
                field.scalar() != "contact" && field.scalar() != "source")
                problems.add(
                    field, display,
                    what + ": unknown key '" + field.scalar() + "' (known: name, email, time_zone, contact, source)");
        p.name = text_of(v, "name", what + ".", display, problems);
        p.email = text_of(v, "email", what + ".", display, problems);
        if (!p.email.empty() && p.email.find('@') == std::string::npos)
            problems.add(v["email"], display, what + ".email: not an email address");
        p.time_zone = text_of(v, "time_zone", what + ".", display, problems);
        p.source = text_of(v, "source", what + ".", display, problems);
        if (!p.time_zone.empty() && !is_utc_zone(p.time_zone)) {
            try {
                date::locate_zone(p.time_zone);
            } catch (const std::exception&) {
                problems.add(v["time_zone"], display,
                             what + ".time_zone: '" + p.time_zone + "' is not an IANA time zone");
            }
        }
        if (const YamlNode& c = v["contact"]; c && !c.is_null()) {
            if (!c.is_sequence()) problems.add(c, display, what + ".contact: expected a list, tried in order");
            for (std::size_t i = 0; i < c.items().size(); ++i)
                p.contact.push_back(
                    contact_from(c.items()[i], what + ".contact." + std::to_string(i), display, problems));
        }
        for (const auto& other : out.list)
            if (!p.email.empty() && ascii_lower(other.email) == ascii_lower(p.email))
                problems.add(v["email"], display, what + ".email: also the email of " + other.key);
        out.list.push_back(std::move(p));
    }
    return out;
}

People load_people(const Repository& repo) {
    auto root = load_repository_yaml(repo, people_path(repo));
    if (!root) return {};
    Problems problems;
    People people = parse_people(*root, repo.relative(people_path(repo)), problems);
    problems.throw_if_any();
    return people;
}

std::string person_email_or(const People& people, const std::string& who) {
    const Person* p = people.find(who);
    return p && !p->email.empty() ? p->email : who;
}

}  // namespace incident
