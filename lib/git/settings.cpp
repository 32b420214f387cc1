#include "git/settings.hpp"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string_view>

#include "git/internal.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident::git {

namespace {

namespace fs = std::filesystem;

// What git strips from the ends of a name or an e-mail address ("crud").
bool crud(char c) {
    return static_cast<unsigned char>(c) <= 32 || std::string_view(".,:;<>\"\\'").find(c) != std::string_view::npos;
}

}  // namespace

[[noreturn]] void commit_failed(const ProcessResult& r) {
    throw IoError("git commit failed: " + first_line(r.err.empty() ? r.out : r.err),
                  "the change is saved in the work tree; commit it by hand");
}

bool CommitSettings::committer_set() const {
    auto set = [&](const char* env, const std::string& field) {
        return std::getenv(env) || values.contains("committer." + field) || values.contains("user." + field);
    };
    return set("GIT_COMMITTER_NAME", "name") && set("GIT_COMMITTER_EMAIL", "email");
}

bool CommitSettings::fsync_set() const {
    auto it = values.lower_bound("core.fsync");
    return it != values.end() && it->first.rfind("core.fsync", 0) == 0;
}

CommitSettings commit_settings(const std::string& dir) {
    auto r = git(
        dir,
        {"config", "-z", "--get-regexp",
         R"(^(user\.(name|email)|(author|committer)\.(name|email)|commit\.gpgsign|maintenance\..*|gc\.auto|gc\.autopacklimit|core\.fsync.*)$)"});
    if (r.status != 0 && r.status != 1) commit_failed(r);  // 1: none of them is set
    CommitSettings s;
    size_t start = 0;
    for (size_t end; (end = r.out.find('\0', start)) != std::string::npos; start = end + 1) {
        std::string entry = r.out.substr(start, end - start);  // "key\nvalue", or "key" alone
        auto nl = entry.find('\n');
        std::string key = entry.substr(0, nl);
        std::optional<std::string> value;
        if (nl != std::string::npos) value = entry.substr(nl + 1);
        if (key != "commit.gpgsign" && key != "maintenance.auto") {
            s.values[key] = value.value_or("");
            s.other_tasks = s.other_tasks || key.rfind("maintenance.", 0) == 0;
            continue;
        }
        auto b = config_bool(value);
        if (!b) {
            ProcessResult bad;
            bad.err = "fatal: bad boolean config value '" + value.value_or("") + "' for '" + key + "'";
            commit_failed(bad);
        }
        (key == "commit.gpgsign" ? s.sign : s.maintenance) = *b;  // the last value set wins, as in git
    }
    return s;
}

std::optional<std::pair<Ident, Ident>> identities(const CommitSettings& s, const std::string& actor) {
    if (std::getenv("GIT_AUTHOR_DATE") || std::getenv("GIT_COMMITTER_DATE")) return std::nullopt;
    const std::string who = actor.empty() ? "incident" : actor;
    auto config = [&](const std::string& key) -> std::optional<std::string> {
        if (!s.has_email() && key.rfind("user.", 0) == 0) return who;
        auto it = s.values.find(key);
        return it == s.values.end() ? std::nullopt : std::optional(it->second);
    };
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    ::localtime_r(&now, &local);
    std::pair<Ident, Ident> out;
    for (auto [role, ident] : {std::pair{"author", &out.first}, std::pair{"committer", &out.second}}) {
        for (auto [field, value] : {std::pair{"name", &ident->name}, std::pair{"email", &ident->email}}) {
            std::string env = "GIT_" + std::string(role) + "_" + field;
            std::transform(env.begin(), env.end(), env.begin(), [](unsigned char c) { return std::toupper(c); });
            std::optional<std::string> v;
            if (const char* e = std::getenv(env.c_str())) v = e;
            if (!v) v = config(std::string(role) + "." + field);
            if (!v) v = config(std::string("user.") + field);
            if (!v || v->empty() || crud(v->front()) || crud(v->back()) ||
                v->find_first_of("<>\n") != std::string::npos)
                return std::nullopt;
            *value = *v;
        }
        ident->time = now;
        ident->offset = static_cast<int>(local.tm_gmtoff / 60);
    }
    return out;
}

bool maintenance_may_run(const CommitSettings& s, const std::string& objects) {
    if (!s.maintenance) return false;
    if (s.other_tasks) return true;
    auto number = [&](const char* key, long fallback) -> std::optional<long> {
        auto it = s.values.find(key);
        if (it == s.values.end()) return fallback;
        long v = 0;
        const std::string& text = it->second;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec != std::errc() || end != text.data() + text.size())
            return std::nullopt;  // a unit, or wrong: git decides
        return v;
    };
    const auto loose_limit = number("gc.auto", 6700), pack_limit = number("gc.autopacklimit", 50);
    if (!loose_limit || !pack_limit) return true;
    if (*loose_limit <= 0) return false;  // gc.auto=0: never
    std::error_code ec;
    long loose = 0, packs = 0;
    for (fs::directory_iterator it(fs::path(objects) / "17", ec), end; !ec && it != end; it.increment(ec))
        if (const auto n = it->path().filename().string();
            n.size() == 38 && n.find_first_not_of("0123456789abcdef") == std::string::npos)
            ++loose;
    if (loose > (*loose_limit + 255) / 256) return true;
    if (*pack_limit <= 0) return false;
    for (fs::directory_iterator it(fs::path(objects) / "pack", ec), end; !ec && it != end; it.increment(ec))
        if (auto p = it->path(); p.extension() == ".pack" && !fs::exists(p.replace_extension(".keep"), ec)) ++packs;
    return packs > *pack_limit;
}

}  // namespace incident::git
