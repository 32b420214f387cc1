#include "workspace/journal.hpp"

#include <nlohmann/json.hpp>

#include "git/git.hpp"
#include "store/atomic_file.hpp"

namespace incident {

void write_journal(const Workspace& ws, const Journal& j) {
    nlohmann::ordered_json doc = {{"message", j.message}, {"actor", j.actor}, {"paths", j.paths}};
    write_file_atomically(ws.journal_path(), doc.dump(2) + "\n");
}

void clear_journal(const Workspace& ws) {
    std::error_code ec;
    fs::remove(ws.journal_path(), ec);
}

namespace {

// Only files the tool writes are ever committed from a journal.
bool journal_path_allowed(const std::string& p) {
    if (p.empty() || p[0] == '/' || p.find("..") != std::string::npos) return false;
    return p.rfind("incidents/", 0) == 0 || p.rfind("postmortems/", 0) == 0 || p.rfind(".incident/oncall/", 0) == 0;
}

}  // namespace

std::optional<Journal> read_journal(const Workspace& ws, std::vector<std::string>& warnings) {
    auto text = read_file(ws.journal_path());
    if (!text) return std::nullopt;
    auto doc = nlohmann::json::parse(*text, nullptr, false);
    auto string_at = [&](const char* key) {
        return doc.is_object() && doc.contains(key) && doc[key].is_string() ? doc[key].get<std::string>()
                                                                            : std::string{};
    };
    Journal j{string_at("message"), string_at("actor"), {}};
    bool readable = !j.message.empty() && doc.contains("paths") && doc["paths"].is_array();
    for (const auto& p : readable ? doc["paths"] : nlohmann::json::array()) {
        if (!p.is_string() || !journal_path_allowed(p.get<std::string>())) readable = false;
        if (readable) j.paths.push_back(p.get<std::string>());
    }
    if (readable) return j;
    warnings.push_back(ws.repo.relative(ws.journal_path()) +
                       " could not be read and was removed; check 'git status' for uncommitted incident files");
    clear_journal(ws);
    return std::nullopt;
}

std::vector<std::string> existing(const Workspace& ws, const std::vector<std::string>& paths) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& p : paths)
        if (fs::exists(ws.repo.root / p, ec) ||
            (ws.repo.in_git && git::run(ws.repo.root.string(), {"ls-files", "--error-unmatch", "--", p}).status == 0))
            out.push_back(p);
    return out;
}

std::string path_list(const std::vector<std::string>& paths) {
    std::string list;
    for (const auto& p : paths) list += (list.empty() ? "" : " ") + p;
    return list;
}

}  // namespace incident
