#include "hooks/hooks.hpp"

#include <algorithm>
#include <fstream>
#include <set>

#include "evidence/evidence.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"
#include "store/repo_file.hpp"

namespace incident {

namespace {

fs::path trust_path(const Repository& repo) { return repo.state_dir / "trusted-hooks"; }

std::set<std::string> trusted_hashes(const Repository& repo) {
    std::ifstream in(trust_path(repo));
    std::set<std::string> out;
    for (std::string line; std::getline(in, line);)
        if (is_sha256_text(line)) out.insert(line);
    return out;
}

bool is_hook_name(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    });
}

std::vector<std::string> strings_of(const YamlNode& n, const std::string& file, const std::string& what) {
    if (n.is_scalar()) return {n.scalar()};
    if (!n.is_sequence()) fail_at(n, file, what + ": expected a list");
    std::vector<std::string> out;
    for (const auto& item : n.items()) {
        if (!item.is_scalar()) fail_at(item, file, what + ": expected a list of words");
        out.push_back(item.scalar());
    }
    return out;
}

std::vector<std::string> parse_run(const YamlNode& n, const std::string& file) {
    if (n.is_scalar())
        fail_at(n, file,
                "run: expected the command as a list of words, such as [scripts/war-room.sh, --channel, ops] "
                "(no shell runs it; for one, write [sh, -c, 'the command'])");
    std::vector<std::string> argv = strings_of(n, file, "run");
    if (argv.empty() || argv.front().empty()) fail_at(n, file, "run: the command is empty");
    for (const auto& word : argv)
        if (word.find('\0') != std::string::npos) fail_at(n, file, "run: a word holds a NUL byte");
    return argv;
}

Hook parse_hook(const YamlNode& n, const std::string& file) {
    if (!n.is_map()) fail_at(n, file, "each hook must be a mapping with name, on and run");
    Hook h;
    h.where = locate(n, file);
    bool has_on = false;
    for (const auto& [k, v] : n.entries()) {
        const std::string key = k.scalar();
        if (key == "name") {
            h.name = v.is_scalar() ? v.scalar() : std::string();
            if (!is_hook_name(h.name))
                fail_at(v, file, "name: letters, digits, - and _ (at most 64), such as war-room");
        } else if (key == "on") {
            has_on = true;
            h.on = strings_of(v, file, "on");
            for (const auto& e : h.on)
                if (std::find(hook_events().begin(), hook_events().end(), e) == hook_events().end())
                    fail_at(v, file, "on: unknown event '" + e + "' (known: " + join(hook_events()) + ")");
            if (h.on.empty()) fail_at(v, file, "on: name at least one event");
        } else if (key == "when") {
            h.when = parse_when(v, file);
        } else if (key == "run") {
            h.run = parse_run(v, file);
        } else if (key == "timeout") {
            auto d = v.is_scalar() ? parse_duration(v.scalar()) : std::nullopt;
            if (!d || *d < std::chrono::seconds{1} || *d > kMaxHookTimeout)
                fail_at(v, file, "timeout: a duration from 1s to 1h, such as 30s or 5m");
            h.timeout = std::chrono::duration_cast<std::chrono::seconds>(*d);
        } else if (key == "phase") {
            std::string phase = v.is_scalar() ? v.scalar() : std::string();
            if (phase != "before" && phase != "after")
                fail_at(v, file,
                        "phase: after (the default: runs once the change is saved) or before (runs in "
                        "the change and may refuse it)");
            h.before = phase == "before";
        } else if (key == "record") {
            auto b = yaml_bool(v);
            if (!b) fail_at(v, file, "record: expected true or false");
            h.record = *b;
        } else if (key != "description") {
            fail_at(k, file,
                    "unknown hook key '" + key + "' (known: name, description, on, when, run, timeout, phase, record)");
        }
    }
    if (h.name.empty()) fail_at(n, file, "a hook needs a name");
    if (!has_on) fail_at(n, file, "hook " + h.name + ": on: is missing (the events it runs on, such as [opened])");
    if (h.run.empty()) fail_at(n, file, "hook " + h.name + ": run: is missing (the command, as a list of words)");
    return h;
}

std::string env_value(std::string_view s) {
    std::string out = one_line(s);
    out.erase(std::remove(out.begin(), out.end(), '\0'), out.end());
    return out;
}

}  // namespace

std::string HookFile::inactive_reason() const {
    if (!present()) return {};
    if (!unreadable.empty()) return unreadable + " (no hook runs until it is fixed)";
    if (!trusted)
        return ".incident/hooks.yaml is not trusted in this clone: its hooks do not run (read it, then: incident "
               "hooks trust)";
    if (depth >= kMaxDepth)
        return "hooks run " + std::to_string(depth) +
               " deep (a hook's command changed an incident, whose hook did "
               "too ...): no further hook runs";
    return {};
}

const std::vector<std::string>& hook_events() {
    // clang-format off
    static const std::vector<std::string> names = {
        "opened", "triaged", "acknowledged", "assigned", "role_handoff", "status", "update", "note",
        "contact_attempt", "escalated", "de-escalated", "paged", "resolved", "closed", "reopened", "related",
        "edited", "deadline", "moment", "submitted", "component", "attached", "action_added", "action_done",
        "action_edited", "runbook", "task_added", "task_done", "alert", "reminder",
        // derived (change_events)
        "priority_changed", "status_changed", "deadline_due", "update_due"};
    // clang-format on
    return names;
}

fs::path hooks_path(const Repository& repo) { return repo.root / ".incident" / "hooks.yaml"; }

std::vector<Hook> parse_hooks(std::string_view text, const std::string& file) {
    YamlNode root = load_yaml(text, file);
    std::vector<Hook> hooks;
    if (root.is_null()) return hooks;
    if (!root.is_map()) fail_at(root, file, "a hooks file is a mapping with a 'hooks:' list");
    for (const auto& [k, v] : root.entries()) {
        const std::string key = k.scalar();
        if (key == "$schema") continue;
        if (key != "hooks") fail_at(k, file, "unknown key '" + key + "' (known: hooks)");
        if (v.is_null()) continue;
        if (!v.is_sequence()) fail_at(v, file, "hooks: expected a list");
        for (const auto& item : v.items()) {
            Hook h = parse_hook(item, file);
            for (const auto& other : hooks)
                if (other.name == h.name) fail_at(item, file, "two hooks are named " + h.name);
            hooks.push_back(std::move(h));
        }
    }
    return hooks;
}

HookFile load_hooks(const Repository& repo, const EnvLookup& env) {
    HookFile f;
    if (auto d = env("INCIDENT_HOOK_DEPTH"); d && all_digits(*d) && d->size() < 4) f.depth = std::stoi(*d);
    std::optional<std::string> text;
    const std::string display = repo.relative(hooks_path(repo));
    try {
        text = read_repository_file(repo, hooks_path(repo));
    } catch (const InvalidData& e) {
        f.sha256 = "unreadable";
        f.unreadable = e.what();
        return f;
    }
    if (!text) return f;
    f.sha256 = sha256_hex(*text);
    f.trusted = trusted_hashes(repo).count(f.sha256) > 0;
    try {
        f.hooks = parse_hooks(*text, display);
    } catch (const InvalidData& e) {
        f.unreadable = e.what();
    }
    return f;
}

void trust_hooks(const Repository& repo, const std::string& sha256) {
    auto hashes = trusted_hashes(repo);
    if (!hashes.insert(sha256).second) return;
    std::string text;
    for (const auto& h : hashes) text += h + "\n";
    std::error_code ec;
    fs::create_directories(repo.state_dir, ec);
    write_file_atomically(trust_path(repo), text);
}

std::vector<std::string> change_events(const Incident* before, const Incident& after, const Event& event) {
    std::vector<std::string> out{event.type};
    if (before && before->priority != after.priority && !after.priority.empty()) out.push_back("priority_changed");
    if (before && before->status != after.status) out.push_back("status_changed");
    // A reminder (escalate --auto, page tick) of a regulatory deadline or of the update cadence.
    if (event.type == "reminder") out.push_back(event.get("clock") == "update" ? "update_due" : "deadline_due");
    return out;
}

std::vector<const Hook*> hooks_for(const HookFile& file, const std::vector<std::string>& events, const Incident& inc,
                                   const Config& config, bool before) {
    std::vector<const Hook*> out;
    if (!file.active()) return out;
    for (const auto& h : file.hooks) {
        if (h.before != before) continue;
        bool on = std::any_of(h.on.begin(), h.on.end(), [&](const std::string& e) {
            return std::find(events.begin(), events.end(), e) != events.end();
        });
        if (on && (!h.when || evaluate(*h.when, inc, config).ok)) out.push_back(&h);
    }
    return out;
}

std::string hook_payload(const std::string& hook, bool before, const std::vector<std::string>& events,
                         const Incident& inc, const Event& event) {
    nlohmann::ordered_json j;
    j["hook"] = hook;
    j["phase"] = before ? "before" : "after";
    j["events"] = events;
    j["event"] = event_to_json(event);
    j["incident"] = incident_to_json(inc);
    return j.dump() + "\n";
}

std::vector<std::string> hook_environment(const std::string& hook, bool before, const std::vector<std::string>& events,
                                          const Incident& inc, const Event& event, const Repository& repo, int depth) {
    std::vector<std::string> env = {
        "INCIDENT_HOOK=" + hook,
        std::string("INCIDENT_HOOK_PHASE=") + (before ? "before" : "after"),
        "INCIDENT_HOOK_DEPTH=" + std::to_string(depth + 1),
        "INCIDENT_EVENT=" + env_value(event.type),
        "INCIDENT_EVENTS=" + env_value(join(events, ",")),
        "INCIDENT_EVENT_BY=" + env_value(event.by),
        "INCIDENT_EVENT_TEXT=" + env_value(event.text.substr(0, 1000)),
        "INCIDENT_ID=" + env_value(inc.id),
        "INCIDENT_UID=" + env_value(inc.uid),
        "INCIDENT_TITLE=" + env_value(inc.title),
        "INCIDENT_STATUS=" + std::string(to_string(inc.status)),
        "INCIDENT_PRIORITY=" + env_value(inc.priority),
        "INCIDENT_SERVICE=" + env_value(inc.service),
        "INCIDENT_TEAM=" + env_value(inc.team),
        "INCIDENT_ASSIGNEE=" + env_value(inc.assignee),
        "INCIDENT_REPOSITORY=" + repo.root.string(),
    };
    return env;
}

std::string matched_event(const Hook& hook, const std::vector<std::string>& events) {
    for (const auto& e : events)
        if (std::find(hook.on.begin(), hook.on.end(), e) != hook.on.end()) return e;
    return events.empty() ? std::string() : events.front();
}

Event hook_event(const Hook& hook, const std::string& on, const HookRun& run, Timestamp at) {
    Event e;
    e.at = at;
    e.by = "hook:" + hook.name;
    e.type = "hook";
    e.set("hook", hook.name);
    e.set("on", on);
    e.set("phase", hook.before ? "before" : "after");
    e.set("outcome", run.outcome(hook.timeout));
    e.text = run.head();
    return e;
}

std::string HookRun::head() const {
    // What a command prints may be anything: the head is one line of valid
    // UTF-8 (another byte is '?'), marked where it is cut.
    std::string text = output.substr(0, kHookOutputHead);
    for (std::size_t bad; (bad = find_invalid_utf8(text)) != std::string::npos;) text[bad] = '?';
    std::string out;
    for (const auto& line : split(text, '\n')) {
        std::string l = one_line(line);
        l.erase(std::remove_if(l.begin(), l.end(),
                               [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
                l.end());
        if (l.empty()) continue;
        out += (out.empty() ? "" : " | ") + l;
    }
    if (output.size() > kHookOutputHead) out += " ...";
    return out;
}

std::string HookRun::outcome(std::chrono::seconds timeout) const {
    if (timed_out) return "timed out after " + format_duration(timeout);
    if (status < 0) return "could not run";
    return "exit " + std::to_string(status);
}

}  // namespace incident
