// Reading schedules and overrides: every problem of a file is located and
// gathered (validate shows them all; a command stops at the first).
#include "oncall/schedule.hpp"

#include <algorithm>
#include <cctype>

#include "model/text.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

int digits(std::string_view s) {
    int v = 0;
    for (char c : s) v = v * 10 + (c - '0');
    return v;
}

// "HH:MM" (00:00 to 24:00) as seconds after midnight.
std::optional<Seconds> parse_clock(std::string_view s) {
    if (s.size() != 5 || s[2] != ':' || !all_digits(s.substr(0, 2)) || !all_digits(s.substr(3, 2))) return {};
    const int h = digits(s.substr(0, 2)), m = digits(s.substr(3, 2));
    if (h > 24 || m > 59 || (h == 24 && m != 0)) return {};
    return Seconds((h * 60 + m) * 60);
}

std::optional<unsigned> parse_weekday(std::string_view s) {
    static const char* names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    static const char* long_names[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
    const std::string lower = ascii_lower(s);
    for (unsigned i = 0; i < 7; ++i)
        if (lower == names[i] || lower == long_names[i]) return i;
    return {};
}

// Reads the keys of a mapping, refusing unknown ones.
class Reader {
public:
    Reader(const std::string& file, Problems& problems) : file_(file), problems_(problems) {}

    bool map(const YamlNode& n, const std::string& what, std::initializer_list<std::string_view> known) {
        if (!n.is_map()) {
            problems_.add(n, file_, what + ": expected a mapping");
            return false;
        }
        for (const auto& [k, v] : n.entries())
            if (std::find(known.begin(), known.end(), k.scalar()) == known.end()) {
                std::string names;
                for (auto x : known) names += (names.empty() ? "" : ", ") + std::string(x);
                problems_.add(
                    k, file_,
                    (what.empty() ? "" : what + ": ") + "unknown key '" + k.scalar() + "' (known: " + names + ")");
            }
        return true;
    }

    // A scalar under `key`; empty when absent (a problem when required).
    std::string text(const YamlNode& map, std::string_view key, const std::string& what, bool required) {
        const YamlNode& v = map[key];
        if (!v || v.is_null()) {
            if (required) problems_.add(map, file_, what + std::string(key) + ": missing");
            return {};
        }
        if (!v.is_scalar()) {
            problems_.add(v, file_, what + std::string(key) + ": expected a string");
            return {};
        }
        return v.scalar();
    }

    void add(const YamlNode& at, const std::string& message) { problems_.add(at, file_, message); }
    const std::string& file() const { return file_; }

private:
    const std::string& file_;
    Problems& problems_;
};

// A person named by key or email, as their key; a problem when unknown.
std::string person_key(const People& people, const YamlNode& n, const std::string& what, Reader& r) {
    if (!n.is_scalar() || n.scalar().empty()) {
        r.add(n, what + ": expected a person's key or email");
        return {};
    }
    if (const Person* p = people.find(n.scalar())) return p->key;
    r.add(n, what + ": '" + n.scalar() + "' is not in .incident/people.yaml (a key or an email)");
    return {};
}

Zone zone_named(const std::string& name, const YamlNode& at, Reader& r) {
    if (is_utc_zone(name)) return Zone{};
    try {
        return Zone{date::locate_zone(name)};
    } catch (const std::exception&) {
        r.add(at, "time_zone: '" + name + "' is not an IANA time zone (such as Europe/Berlin or UTC)");
        return Zone{};
    }
}

std::vector<Window> parse_restrict(const YamlNode& n, const std::string& what, Reader& r) {
    std::vector<Window> out;
    if (!n || n.is_null()) return out;
    if (!n.is_sequence()) {
        r.add(n, what + ": expected a list of windows ({days, from, to})");
        return out;
    }
    for (std::size_t i = 0; i < n.items().size(); ++i) {
        const YamlNode& item = n.items()[i];
        const std::string what_i = what + "." + std::to_string(i);
        if (!r.map(item, what_i, {"days", "from", "to"})) continue;
        Window w;
        if (const YamlNode& days = item["days"]; days && !days.is_null()) {
            w.days = 0;
            if (!days.is_sequence() || days.items().empty())
                r.add(days, what_i + ".days: expected a list such as [mon, tue]");
            for (const auto& d : days.items()) {
                auto wd = d.is_scalar() ? parse_weekday(d.scalar()) : std::nullopt;
                if (!wd)
                    r.add(d, what_i + ".days: '" + d.scalar() + "' is not a day (mon, tue, wed, thu, fri, sat, sun)");
                else
                    w.days |= 1u << *wd;
            }
        }
        for (auto [key, slot] : {std::pair{"from", &w.from}, std::pair{"to", &w.to}}) {
            std::string text = r.text(item, key, what_i + ".", true);
            if (text.empty()) continue;
            if (auto c = parse_clock(text))
                *slot = *c;
            else
                r.add(item[key], what_i + "." + key + ": expected a local time \"HH:MM\" (quoted), such as \"09:00\"");
        }
        out.push_back(w);
    }
    return out;
}

std::optional<LocalTime> local_at(const YamlNode& map, std::string_view key, const std::string& what, bool required,
                                  Reader& r) {
    std::string text = r.text(map, key, what, required);
    if (text.empty()) return std::nullopt;
    if (auto t = parse_local_time(text)) return t;
    r.add(map[key], what + std::string(key) +
                        ": expected a local time such as 2026-01-05T09:00 (no offset: the "
                        "schedule's time_zone)");
    return std::nullopt;
}

Layer parse_layer(const YamlNode& n, std::size_t index, const People& people, Reader& r) {
    Layer l;
    const std::string what = "layers." + std::to_string(index);
    if (!r.map(n, what, {"name", "start", "end", "on_call_from", "rotation", "shift", "members", "restrict"})) return l;
    l.name = r.text(n, "name", what + ".", false);
    if (l.name.empty()) l.name = std::to_string(index + 1);
    if (auto s = local_at(n, "start", what + ".", true, r)) l.start = *s;
    l.end = local_at(n, "end", what + ".", false, r);
    if (l.end && *l.end <= l.start) r.add(n["end"], what + ".end: before the layer's start");
    l.on_call_from = local_at(n, "on_call_from", what + ".", false, r);
    if (l.on_call_from && *l.on_call_from < l.start)
        r.add(n["on_call_from"], what + ".on_call_from: before the layer's start");
    else if (l.on_call_from && l.end && *l.on_call_from >= *l.end)
        r.add(n["on_call_from"], what + ".on_call_from: not before the layer's end");
    const std::string rotation = r.text(n, "rotation", what + ".", true);
    if (rotation == "hourly")
        l.rotation = Rotation::hourly;
    else if (rotation == "daily")
        l.rotation = Rotation::daily;
    else if (rotation == "weekly")
        l.rotation = Rotation::weekly;
    else if (!rotation.empty())
        r.add(n["rotation"], what + ".rotation: expected hourly, daily or weekly");
    if (const YamlNode& shift = n["shift"]; shift && !shift.is_null()) {
        auto v = yaml_integer(shift);
        if (!v || *v < 1 || *v > 1000)
            r.add(shift, what + ".shift: expected a whole number of rotation units from 1 to 1000");
        else
            l.shift = static_cast<int>(*v);
    }
    const YamlNode& members = n["members"];
    if (!members.is_sequence() || members.items().empty()) {
        r.add(members ? members : n, what + ".members: expected a list of people (keys of people.yaml), in turn order");
    } else {
        for (const auto& m : members.items()) {
            std::vector<std::string> turn;
            if (m.is_sequence()) {
                for (const auto& p : m.items()) turn.push_back(person_key(people, p, what + ".members", r));
                if (m.items().empty()) r.add(m, what + ".members: an empty turn");
            } else {
                turn.push_back(person_key(people, m, what + ".members", r));
            }
            l.turns.push_back(std::move(turn));
        }
    }
    l.restrict = parse_restrict(n["restrict"], what + ".restrict", r);
    return l;
}

Override override_from(const YamlNode& n, const std::string& what, const Zone& zone, const People& people, Reader& r) {
    Override o;
    if (!r.map(n, what, {"from", "to", "who", "instead_of", "reason", "by", "created_at"})) return o;
    const std::string lead = what.empty() ? "" : what + ".";
    for (auto [key, slot] : {std::pair{"from", &o.from}, std::pair{"to", &o.to}}) {
        std::string text = r.text(n, key, lead, true);
        if (text.empty()) continue;
        if (auto t = parse_schedule_time(text, zone))
            *slot = *t;
        else
            r.add(n[key], lead + key +
                              ": expected a time such as 2026-12-24T18:00 (the schedule's zone) or "
                              "2026-12-24T17:00:00Z");
    }
    if (o.from != Timestamp{} && o.to != Timestamp{} && o.to <= o.from) r.add(n["to"], lead + "to: not after from");
    if (n["who"])
        o.who = person_key(people, n["who"], lead + "who", r);
    else
        r.add(n, lead + "who: missing");
    if (const YamlNode& i = n["instead_of"]; i && !i.is_null())
        o.instead_of = person_key(people, i, lead + "instead_of", r);
    o.reason = r.text(n, "reason", lead, false);
    o.by = r.text(n, "by", lead, false);
    o.file = r.file();
    return o;
}

}  // namespace

std::optional<LocalTime> parse_local_time(std::string_view s) {
    if (s.size() != 10 && s.size() != 16 && s.size() != 19) return {};
    if (s[4] != '-' || s[7] != '-' || !all_digits(s.substr(0, 4)) || !all_digits(s.substr(5, 2)) ||
        !all_digits(s.substr(8, 2)))
        return {};
    const date::year_month_day ymd{date::year{digits(s.substr(0, 4))},
                                   date::month{static_cast<unsigned>(digits(s.substr(5, 2)))},
                                   date::day{static_cast<unsigned>(digits(s.substr(8, 2)))}};
    if (!ymd.ok()) return {};
    Seconds time{0};
    if (s.size() > 10) {
        if ((s[10] != 'T' && s[10] != ' ') || s[13] != ':' || !all_digits(s.substr(11, 2)) ||
            !all_digits(s.substr(14, 2)))
            return {};
        const int h = digits(s.substr(11, 2)), m = digits(s.substr(14, 2));
        int sec = 0;
        if (s.size() == 19) {
            if (s[16] != ':' || !all_digits(s.substr(17, 2))) return {};
            sec = digits(s.substr(17, 2));
        }
        if (h > 23 || m > 59 || sec > 59) return {};
        time = Seconds(h * 3600 + m * 60 + sec);
    }
    return LocalTime(date::local_days(ymd)) + time;
}

std::optional<Timestamp> parse_schedule_time(std::string_view text, const Zone& zone) {
    if (auto t = parse_rfc3339(text)) return t;
    if (auto l = parse_local_time(text)) return zone.instant(*l);
    return std::nullopt;
}

std::optional<Timestamp> parse_oncall_time(std::string_view text, Timestamp now, const Zone* zone) {
    if (auto t = parse_time_spec(text, now)) return t;
    if (auto l = zone ? parse_local_time(text) : std::nullopt) return zone->instant(*l);
    return std::nullopt;
}

fs::path oncall_dir(const Repository& repo) { return repo.root / ".incident" / "oncall"; }
fs::path schedule_path(const Repository& repo, const std::string& key) { return oncall_dir(repo) / (key + ".yaml"); }
fs::path overrides_dir(const Repository& repo, const std::string& key) { return oncall_dir(repo) / "overrides" / key; }

bool is_schedule_key(std::string_view key) {
    if (key.empty() || key.size() > 100 || key[0] == '-' || key[0] == '.') return false;
    return std::all_of(key.begin(), key.end(),
                       [](char c) {
                           return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
                       }) &&
           key.find("..") == std::string_view::npos;
}

Schedule parse_schedule(const YamlNode& root, const std::string& key, const std::string& display, const People& people,
                        Problems& problems) {
    Reader r(display, problems);
    Schedule s;
    s.key = key;
    if (!r.map(root, "schedule", {"name", "description", "time_zone", "combine", "layers", "overrides", "source"}))
        return s;
    s.name = r.text(root, "name", "", false);
    const std::string combine = r.text(root, "combine", "", false);
    if (combine == "all")
        s.every_layer = true;
    else if (!combine.empty() && combine != "last")
        r.add(root["combine"],
              "combine: expected last (the last layer with someone on call) or all (every layer at once)");
    s.source = r.text(root, "source", "", false);
    if (s.name.empty()) s.name = key;
    s.time_zone = r.text(root, "time_zone", "", true);
    if (!s.time_zone.empty()) s.zone = zone_named(s.time_zone, root["time_zone"], r);
    const YamlNode& layers = root["layers"];
    if (!layers.is_sequence() || layers.items().empty())
        r.add(layers ? layers : root, "layers: expected a list of at least one layer");
    for (std::size_t i = 0; i < layers.items().size(); ++i)
        s.layers.push_back(parse_layer(layers.items()[i], i, people, r));
    if (const YamlNode& o = root["overrides"]; o && !o.is_null()) {
        if (!o.is_sequence()) r.add(o, "overrides: expected a list");
        for (std::size_t i = 0; i < o.items().size(); ++i) {
            s.overrides.push_back(override_from(o.items()[i], "overrides." + std::to_string(i), s.zone, people, r));
            s.overrides.back().id = key + "#" + std::to_string(i + 1);
        }
    }
    return s;
}

Override parse_override(const YamlNode& root, const std::string& id, const std::string& display, const Zone& zone,
                        const People& people, Problems& problems) {
    Reader r(display, problems);
    Override o = override_from(root, "", zone, people, r);
    o.id = id;
    return o;
}

std::vector<std::string> schedule_keys(const Repository& repo) {
    auto keys = repository_yaml_names(repo, oncall_dir(repo));
    std::erase_if(keys, [](const std::string& k) { return !is_schedule_key(k); });
    return keys;
}

Schedule load_schedule(const Repository& repo, const People& people, const std::string& key) {
    if (!is_schedule_key(key))
        throw UsageError("'" + key + "' is not a schedule name (letters, digits, '-', '_', '.')");
    const fs::path path = schedule_path(repo, key);
    auto root = load_repository_yaml(repo, path);
    if (!root) {
        auto keys = schedule_keys(repo);
        throw NotFound("no schedule " + key + " (looked for " + repo.relative(path) + ")",
                       keys.empty() ? "write one: see man incident-oncall" : "schedules: " + join(keys));
    }
    Problems problems;
    Schedule s = parse_schedule(*root, key, repo.relative(path), people, problems);
    problems.throw_if_any();
    const fs::path dir = overrides_dir(repo, key);
    for (const auto& id : repository_yaml_names(repo, dir)) {
        const fs::path p = dir / (id + ".yaml");
        auto doc = load_repository_yaml(repo, p);
        if (!doc) continue;
        s.overrides.push_back(parse_override(*doc, id, repo.relative(p), s.zone, people, problems));
        problems.throw_if_any();
    }
    std::stable_sort(s.overrides.begin(), s.overrides.end(),
                     [](const Override& a, const Override& b) { return a.from < b.from; });
    return s;
}

std::vector<std::pair<std::string, std::string>> starter_oncall_files() {
    return {{".incident/people.yaml", R"(# People who can be on call, be assigned or be paged, under a short key.
# Everywhere a person is named (assign, roles, schedules) the key or the
# email is accepted. Contact methods are tried in order when paging.
# See man incident-oncall; check with: incident validate
people:
  alice:
    name: Alice Example
    email: alice@example.com
    time_zone: Europe/Berlin
    contact:
      - {email: alice@example.com}
  bob:
    name: Bob Example
    email: bob@example.com
    time_zone: Europe/Berlin
    contact:
      - {email: bob@example.com}
  carol:
    name: Carol Example
    email: carol@example.com
    time_zone: America/New_York
    contact:
      - {email: carol@example.com}
)"},
            {".incident/oncall/sre.yaml", R"(# The SRE on-call schedule. Who is on call: incident oncall who sre
# Shifts: incident oncall shifts sre --from now --to +14d
# A swap: incident oncall override sre --who bob --instead-of alice --from ... --to ...
# Local times are in time_zone; hand-offs keep their local time across
# daylight-saving changes. A later layer wins where it has someone on call.
name: SRE primary
time_zone: Europe/Berlin
layers:
  - name: weekly
    start: 2026-01-05T09:00     # a Monday: hand-offs every Monday at 09:00
    rotation: weekly
    shift: 1
    members: [alice, bob, carol]
)"}};
}

}  // namespace incident
