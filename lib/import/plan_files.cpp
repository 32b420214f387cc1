// The plan's files beside the incidents: people.yaml's entries, a schedule
// file each (and an override file per override), escalation.yaml's policies,
// and a rule per service in rules.yaml.
#include "import/plan_files.hpp"

#include <algorithm>

#include "evidence/evidence.hpp"
#include "import/splice.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "model/yaml_write.hpp"
#include "page/policy.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

std::string pad(int n) { return std::string(static_cast<std::size_t>(std::max(n, 0)), ' '); }

std::string flow_list(const std::vector<std::string>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + yaml_string(items[i], true);
    return out + "]";
}

std::string person_text(const std::string& key, const SourcePerson& p, const std::string& source, int indent) {
    const std::string in = pad(indent + 2);
    std::string out = pad(indent) + yaml_key(key) + ":\n";
    if (!p.name.empty()) out += in + "name: " + yaml_string(p.name) + "\n";
    out += in + "email: " + yaml_string(p.email) + "\n";
    if (!p.time_zone.empty()) out += in + "time_zone: " + yaml_string(p.time_zone) + "\n";
    if (!p.contact.empty()) {
        out += in + "contact:\n";
        for (const auto& c : p.contact) out += in + "  - {" + c.kind + ": " + yaml_string(c.address, true) + "}\n";
    }
    return out + in + "source: " + yaml_string(source) + "\n";
}

// What marks a file or an entry as the import wrote it: a comment with the
// SHA-256 of its text without the mark, after its source line (or its first
// line). Text whose mark does not match was changed by hand since, and the
// import leaves it as it is.
constexpr std::string_view kMark = "  # import:";
const char* const kChangedHere =
    "changed here since it was imported: left as it is (delete it, and the next import writes it anew)";

std::string marked(const std::string& text) {
    std::size_t at = text.find("source: ");
    at = text.find('\n', at == std::string::npos ? 0 : at);
    if (at == std::string::npos) at = text.size();
    return text.substr(0, at) + std::string(kMark) + sha256_hex(text).substr(0, 16) + text.substr(at);
}

// The mark is there and matches: nobody changed the text since the import wrote it.
bool intact(const std::string& text) {
    const std::size_t m = text.find(kMark);
    if (m == std::string::npos) return false;
    std::size_t eol = text.find('\n', m);
    if (eol == std::string::npos) eol = text.size();
    const std::string hash = text.substr(m + kMark.size(), eol - m - kMark.size());
    return sha256_hex(text.substr(0, m) + text.substr(eol)).substr(0, 16) == hash;
}

// What to do with entry `index` of `parent` (-1: none yet) given what the
// import would write there now: add, unchanged, update, or kept (changed here).
std::string entry_action(const EditedFile& f, const std::string& parent, int index,
                         const std::function<std::string(int)>& text) {
    if (index < 0) return "add";
    if (splice_entries(f.text, f.root, f.display, parent, {{index, text}}) == f.text) return "unchanged";
    return intact(entry_text(f.text, f.root, f.display, parent, index)) ? "update" : "kept";
}

// The file's text once `edits` are made; refuses a result that does not read back.
std::string edited_text(const EditedFile& f, const std::string& parent,
                        const std::vector<std::pair<int, std::function<std::string(int)>>>& edits) {
    const std::string text = splice_entries(f.text, f.root, f.display, parent, edits);
    load_yaml(text, f.display);  // throws, located, on what would not read
    return text;
}

std::string local_text(LocalTime t) {
    const auto day = date::floor<date::days>(t);
    const date::hh_mm_ss<Seconds> hms(t - day);
    std::string out = date::format("%F", day) + "T" + date::format("%H:%M", hms.to_duration());
    if (hms.seconds().count()) out += date::format(":%S", hms.to_duration());
    return out;
}

std::string window_text(const Window& w) {
    static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    std::vector<std::string> days;
    for (unsigned d = 0; d < 7; ++d)
        if (w.days & (1u << d)) days.emplace_back(names[d]);
    auto clock = [](Seconds s) {
        auto two = [](long long n) {
            return std::string(1, static_cast<char>('0' + n / 10 % 10)) + static_cast<char>('0' + n % 10);
        };
        return two(s.count() / 3600) + ":" + two(s.count() / 60 % 60);
    };
    return "{days: " + flow_list(days) + ", from: \"" + clock(w.from) + "\", to: \"" + clock(w.to) + "\"}";
}

std::string layer_text(const Layer& l, const std::vector<std::string>& members) {
    std::string out = "  - name: " + yaml_string(l.name) + "\n";
    out += "    start: " + local_text(l.start) + "\n";
    if (l.on_call_from) out += "    on_call_from: " + local_text(*l.on_call_from) + "\n";
    if (l.end) out += "    end: " + local_text(*l.end) + "\n";
    out += "    rotation: " + std::string(rotation_name(l.rotation)) + "\n";
    if (l.shift != 1) out += "    shift: " + std::to_string(l.shift) + "\n";
    out += "    members: " + flow_list(members) + "\n";
    if (!l.restrict.empty()) {
        out += "    restrict:\n";
        for (const auto& w : l.restrict) out += "      - " + window_text(w) + "\n";
    }
    return out;
}

// A schedule file's text; layers whose members are all unknown are left out.
std::string schedule_text(ImportContext& c, const SourceSchedule& s, Mapping& map) {
    std::string out = "# Imported from " + c.set.name + " (schedule " + s.id +
                      ") by incident import; the next import of it updates this file.\n";
    out += "name: " + yaml_string(s.name) + "\n";
    if (!s.description.empty()) out += "description: " + yaml_string(s.description) + "\n";
    out += "source: " + yaml_string(c.source(s.id)) + "\n";
    out += "time_zone: " + yaml_string(s.time_zone) + "\n";
    if (s.every_layer) out += "combine: all\n";
    out += "layers:\n";
    int written = 0;
    for (const auto& l : s.layers) {
        std::vector<std::string> members;
        for (const auto& turn : l.turns)
            if (auto k = c.user_key.find(turn.front()); k != c.user_key.end()) members.push_back(k->second);
        if (members.size() < l.turns.size()) {  // without someone every later turn would move
            map.approximate("left out: layer " + l.name + ": " + std::to_string(l.turns.size() - members.size()) +
                            " of its users are not in the export's users");
            continue;
        }
        out += layer_text(l, members);
        ++written;
    }
    if (!written) map.leave_out("no layer has anyone in it");
    return out;
}

std::string override_text(ImportContext& c, const std::string& key, const SourceOverride& o, const std::string& who) {
    std::string out = "# An override of schedule " + key + ", imported from " + c.set.name + " (override " + o.id +
                      ") by incident import.\n";
    out += "from: " + format_rfc3339(o.from) + "\n";
    out += "to: " + format_rfc3339(o.to) + "\n";
    out += "who: " + yaml_string(who) + "\n";
    out += "reason: " + yaml_string("imported from " + c.set.name) + "\n";
    return out;
}

// Adds (or, when it changed and nobody changed it here, replaces) a whole file of the import.
std::string put_file(ImportContext& c, const fs::path& path, const std::string& text, PlanItem& item) {
    const std::string mine = marked(text);
    auto now = read_repository_file(c.ws.repo, path);
    if (now && *now == mine) return "unchanged";
    if (now && !intact(*now)) {
        item.notes.emplace_back(kChangedHere);
        return "kept";
    }
    c.plan.files.push_back(FileChange{path, mine});
    return now ? "update" : "add";
}

// The entry of `parent` whose source is `source`, as its index; -1 when none.
int entry_with_source(const EditedFile& f, const std::string& parent, const std::string& source) {
    const YamlNode& n = f.root[parent];
    if (n.is_map())
        for (std::size_t i = 0; i < n.entries().size(); ++i)
            if (n.entries()[i].second["source"].scalar() == source) return static_cast<int>(i);
    if (n.is_sequence())
        for (std::size_t i = 0; i < n.items().size(); ++i)
            if (n.items()[i]["source"].scalar() == source) return static_cast<int>(i);
    return -1;
}

// A policy's steps as escalation.yaml writes them. A step with nobody here
// is left out and its wait added to the step before, so the steps after it
// page when they did.
std::vector<std::string> policy_steps(const ImportContext& c, const SourcePolicy& p, Mapping& map) {
    std::vector<std::pair<std::vector<std::string>, long long>> kept;  // whom, minutes
    for (std::size_t i = 0; i < p.steps.size(); ++i) {
        const auto& [targets, after] = p.steps[i];
        std::vector<std::string> notify;
        for (const auto& t : targets) {
            const auto& keys = t.schedule ? c.schedule_key : c.user_key;
            if (auto k = keys.find(t.id); k != keys.end())
                notify.push_back((t.schedule ? "schedule:" : "person:") + k->second);
            else
                map.approximate("left out: " + std::string(t.schedule ? "schedule " : "user ") + t.id +
                                " (not brought in)");
        }
        const long long minutes = after.count() / 60;
        if (!notify.empty()) {
            kept.emplace_back(std::move(notify), minutes);
        } else if (!kept.empty()) {
            kept.back().second += minutes;
            map.approximate("step " + std::to_string(i + 1) + " left out: nobody here; step " +
                            std::to_string(kept.size()) + " waits its " + std::to_string(minutes) + " minutes too");
        } else {
            map.approximate("step " + std::to_string(i + 1) + " left out: nobody here; the steps after it page " +
                            std::to_string(minutes) + " minutes earlier");
        }
    }
    std::vector<std::string> out;
    for (const auto& [notify, minutes] : kept)
        out.push_back("{notify: " + flow_list(notify) + ", after: " + std::to_string(minutes) + "m}");
    return out;
}

}  // namespace

void plan_people(ImportContext& c) {
    std::vector<std::pair<int, std::function<std::string(int)>>> edits;
    for (const auto& p : c.set.people) {
        const std::string source = c.source(p.id);
        int index = entry_with_source(c.people_file, "people", source);
        const Person* here = index >= 0 ? &c.people.list[static_cast<std::size_t>(index)] : c.people.find(p.email);
        std::string key, action;
        if (here && here->source != source) {  // someone already here, by email: kept as they are
            key = here->key;
            action = "matched";
        } else {
            key = here ? here->key : key_from(p.email.substr(0, p.email.find('@')), [&](const std::string& k) {
                return c.people.find(k) != nullptr;
            });
            auto text = [&p, key, source](int indent) { return marked(person_text(key, p, source, indent)); };
            action = entry_action(c.people_file, "people", here ? index : -1, text);
            if (action == "add" || action == "update") edits.emplace_back(here ? index : -1, text);
            if (!here) c.people.list.push_back(Person{key, p.name, p.email, p.time_zone, p.contact, source});
        }
        c.user_key[p.id] = key;
        PlanItem& item = c.item("person", key, p.id, p.map);
        item.action = action;
        if (action == "kept") item.notes.emplace_back(kChangedHere);
    }
    if (!edits.empty())
        c.plan.files.push_back(FileChange{c.people_file.path, edited_text(c.people_file, "people", edits)});
}

void plan_schedules(ImportContext& c) {
    std::map<std::string, std::string> by_source;  // source -> key, of the schedule files here
    std::vector<std::string> keys = schedule_keys(c.ws.repo);
    for (const auto& k : keys)
        if (auto root = load_repository_yaml(c.ws.repo, schedule_path(c.ws.repo, k)); root && root->is_map())
            if (const std::string& s = (*root)["source"].scalar(); !s.empty()) by_source[s] = k;
    for (const auto& s : c.set.schedules) {
        const std::string source = c.source(s.id);
        std::string key = by_source.count(source) ? by_source[source] : key_from(s.name, [&](const std::string& k) {
            return std::find(keys.begin(), keys.end(), k) != keys.end();
        });
        Mapping map = s.map;
        const std::string text = map.fit == Fit::none ? std::string() : schedule_text(c, s, map);
        PlanItem& item = c.item("schedule", key, s.id, map);
        if (map.fit == Fit::none) {
            item.action = "skip";
            continue;
        }
        keys.push_back(key);
        c.schedule_key[s.id] = key;
        item.action = put_file(c, schedule_path(c.ws.repo, key), text, item);
        Problems problems;
        c.schedules[key] = parse_schedule(load_yaml(text, key + ".yaml"), key, key + ".yaml", c.people, problems);
        problems.throw_if_any();  // never a file that would not read
        // The self-check is of the file that will be here: the one kept, where it reads.
        if (item.action == "kept") try {
                Problems kept;
                const std::string here = read_repository_file(c.ws.repo, schedule_path(c.ws.repo, key)).value_or("");
                Schedule s = parse_schedule(load_yaml(here, key + ".yaml"), key, key + ".yaml", c.people, kept);
                if (kept.empty())
                    c.schedules[key] = std::move(s);
                else
                    item.notes.emplace_back("checked as imported: the file here does not read");
            } catch (const Error&) {
                item.notes.emplace_back("checked as imported: the file here does not read");
            }
        for (const auto& o : s.overrides) {
            auto who = c.user_key.find(o.user);
            Mapping omap;
            if (who == c.user_key.end()) omap.leave_out("user " + o.user + " is not in the export's users");
            PlanItem& oi = c.item("override", key + "/" + c.set.tool + "-" + o.id, o.id, omap);
            if (who == c.user_key.end()) {
                oi.action = "skip";
                continue;
            }
            const fs::path path = overrides_dir(c.ws.repo, key) / (c.set.tool + "-" + o.id + ".yaml");
            oi.action = put_file(c, path, override_text(c, key, o, who->second), oi);
            c.schedules[key].overrides.push_back(
                Override{c.set.tool + "-" + o.id, o.from, o.to, who->second, "", "imported", "", ""});
        }
        std::stable_sort(c.schedules[key].overrides.begin(), c.schedules[key].overrides.end(),
                         [](const Override& a, const Override& b) { return a.from < b.from; });
    }
}

void plan_policies(ImportContext& c) {
    std::vector<std::pair<int, std::function<std::string(int)>>> edits;
    const YamlNode& here = c.escalation_file.root["policies"];
    std::set<std::string> assigned;
    auto taken = [&](const std::string& k) { return static_cast<bool>(here[k]) || assigned.count(k) > 0; };
    for (const auto& p : c.set.policies) {
        const std::string source = c.source(p.id);
        const int index = entry_with_source(c.escalation_file, "policies", source);
        const std::string key =
            index >= 0 ? here.entries()[static_cast<std::size_t>(index)].first.scalar() : key_from(p.name, taken);
        Mapping map = p.map;
        const std::vector<std::string> steps = policy_steps(c, p, map);
        if (steps.empty()) map.leave_out("no step pages anyone here");
        PlanItem& item = c.item("policy", key, p.id, map);
        if (map.fit == Fit::none) {
            item.action = "skip";
            continue;
        }
        c.policy_key[p.id] = key;
        assigned.insert(key);
        const int repeat = p.repeat;
        auto text = [key, source, repeat, steps](int indent) {
            std::string out =
                pad(indent) + yaml_key(key) + ":\n" + pad(indent + 2) + "source: " + yaml_string(source) + "\n";
            if (repeat) out += pad(indent + 2) + "repeat: " + std::to_string(repeat) + "\n";
            out += pad(indent + 2) + "steps:\n";
            for (const auto& s : steps) out += pad(indent + 4) + "- " + s + "\n";
            return marked(out);
        };
        item.action = entry_action(c.escalation_file, "policies", index, text);
        if (item.action == "add" || item.action == "update") edits.emplace_back(index, text);
        if (item.action == "kept") item.notes.emplace_back(kChangedHere);
    }
    if (!edits.empty())
        c.plan.files.push_back(FileChange{c.escalation_file.path, edited_text(c.escalation_file, "policies", edits)});
}

void plan_services(ImportContext& c) {
    std::vector<std::pair<int, std::function<std::string(int)>>> edits;
    const auto& urgencies = c.ws.config.urgency_scale;
    for (const auto& s : c.set.services) {
        const std::string source = c.source(s.id);
        const std::string key = key_from(s.name, [](const std::string&) { return false; });
        c.service_key[s.id] = key;
        Mapping map = s.map;
        std::vector<std::string> then;
        if (auto p = c.policy_key.find(s.policy); p != c.policy_key.end())
            then.push_back("escalation_policy: " + yaml_string(p->second, true));
        else if (!s.policy.empty())
            map.approximate("its escalation policy " + s.policy + " is not brought in");
        if (!s.urgency.empty() && std::find(urgencies.begin(), urgencies.end(), s.urgency) != urgencies.end())
            then.push_back("urgency: " + yaml_string(s.urgency, true));
        else if (!s.urgency.empty())
            map.approximate("urgency " + s.urgency + " is not on this repository's urgency scale");
        PlanItem& item = c.item("service", key, s.id, map);
        if (then.empty()) {
            item.action = "skip";
            item.fit = Fit::none;
            item.notes.push_back("no rule needed: nothing to route");
            continue;
        }
        const int index = entry_with_source(c.rules_file, "rules", source);
        const std::string name = c.set.name + " service " + s.name;
        auto text = [name, source, key, then](int indent) {
            std::string out = pad(indent) + "- name: " + yaml_string(name) + "\n";
            out += pad(indent + 2) + "source: " + yaml_string(source) + "\n";
            out += pad(indent + 2) + "when: {service: " + yaml_string(key, true) + "}\n";
            return marked(out + pad(indent + 2) + "then: {" + join(then) + "}\n");
        };
        item.action = entry_action(c.rules_file, "rules", index, text);
        if (item.action == "add" || item.action == "update") edits.emplace_back(index, text);
        if (item.action == "kept") item.notes.emplace_back(kChangedHere);
    }
    if (!edits.empty())
        c.plan.files.push_back(FileChange{c.rules_file.path, edited_text(c.rules_file, "rules", edits)});
}

}  // namespace incident
