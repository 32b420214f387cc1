#include "import/export_dir.hpp"

#include <algorithm>

#include "model/errors.hpp"
#include "model/file_text.hpp"
#include "model/offset_location.hpp"

namespace incident {

namespace {

const char* kind_of(const nlohmann::json& v) {
    switch (v.type()) {
        case nlohmann::json::value_t::null:
            return "nothing (missing or null)";
        case nlohmann::json::value_t::object:
            return "an object";
        case nlohmann::json::value_t::array:
            return "an array";
        case nlohmann::json::value_t::string:
            return "a string";
        case nlohmann::json::value_t::boolean:
            return "a boolean";
        default:
            return "a number";
    }
}

}  // namespace

Json Json::operator[](const std::string& key) const {
    static const nlohmann::json null_value;
    const std::string path = path_ + "." + key;
    if (!v_->is_object()) {
        if (v_->is_null()) return Json(null_value, file_, path);
        fail("expected an object, found " + std::string(kind_of(*v_)));
    }
    auto it = v_->find(key);
    return Json(it == v_->end() ? null_value : *it, file_, path);
}

Json Json::at(std::size_t index) const { return Json(v_->at(index), file_, path_ + "[" + std::to_string(index) + "]"); }

bool Json::has(const std::string& key) const { return v_->is_object() && v_->contains(key); }

void Json::fail(const std::string& message) const { throw InvalidData(Location{file_}, path_ + ": " + message); }

std::string Json::str() const {
    if (!v_->is_string()) fail("expected a string, found " + std::string(kind_of(*v_)));
    return v_->get<std::string>();
}

std::string Json::str_or(const std::string& otherwise) const { return v_->is_null() ? otherwise : str(); }

long long Json::integer() const {
    if (v_->is_number_float()) fail("expected a whole number, found " + v_->dump());
    if (v_->is_number_unsigned() && v_->get<unsigned long long>() > 1'000'000'000'000ULL)
        fail("expected a whole number, found " + v_->dump() + ", too large");
    if (!v_->is_number_integer()) fail("expected a whole number, found " + std::string(kind_of(*v_)));
    return v_->get<long long>();
}

std::optional<long long> Json::integer_or_null() const {
    if (v_->is_null()) return std::nullopt;
    return integer();
}

Timestamp Json::time() const {
    const std::string text = str();
    auto t = parse_rfc3339(text);
    if (!t) fail("expected a time (RFC 3339, such as 2026-03-23T09:00:00+01:00), found \"" + text + "\"");
    return *t;
}

std::optional<Timestamp> Json::time_or_null() const {
    if (v_->is_null()) return std::nullopt;
    return time();
}

std::vector<Json> Json::items() const {
    std::vector<Json> out;
    if (v_->is_null()) return out;
    if (!v_->is_array()) fail("expected an array, found " + std::string(kind_of(*v_)));
    for (std::size_t i = 0; i < v_->size(); ++i) out.push_back(at(i));
    return out;
}

std::string Json::id() const {
    std::string s = str();
    const bool ok = !s.empty() && s.size() <= 64 && std::all_of(s.begin(), s.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
    if (!ok) fail("expected an id (letters, digits, '-' and '_', at most 64), found \"" + s.substr(0, 80) + "\"");
    return s;
}

ExportDir::ExportDir(fs::path dir) : dir_(std::move(dir)) {
    std::error_code ec;
    if (!fs::is_directory(dir_, ec))
        throw UsageError("--from " + dir_.string() + ": not a directory",
                         "save the export's files there first (see man incident-import)");
}

std::optional<ExportFile> ExportDir::file(const std::string& name) const {
    const std::string display = name + ".json";
    auto text = read_text_file((dir_ / display).string(), display, kMaxExportFile);
    if (!text) return std::nullopt;
    ExportFile f{display, {}};
    try {
        f.doc = nlohmann::json::parse(*text);
    } catch (const nlohmann::json::parse_error& e) {
        std::string why = e.what();
        if (auto p = why.find("parse error"); p != std::string::npos) why = why.substr(p);
        for (char& ch : why)  // what it last read may be any bytes: not to the terminal
            if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7f) ch = '?';
        throw InvalidData(offset_location(*text, e.byte == 0 ? 0 : e.byte - 1, display), "not JSON: " + why);
    }
    if (!f.doc.is_object()) throw InvalidData(Location{display}, "$: expected an object, as the API returns");
    return f;
}

std::vector<ExportFile> ExportDir::pages(const std::string& name) const {
    std::vector<ExportFile> out;
    auto first = file(name);
    std::error_code ec;
    if (!first) {
        for (int k = 2; k <= 10; ++k)
            if (fs::exists(dir_ / (name + "." + std::to_string(k) + ".json"), ec))
                throw InvalidData(Location{name + "." + std::to_string(k) + ".json"},
                                  "a page after a missing one (" + name + ".json): save every page");
        return out;
    }
    out.push_back(std::move(*first));
    int n = 2;
    for (;; ++n) {
        auto next = file(name + "." + std::to_string(n));
        if (!next) break;
        out.push_back(std::move(*next));
    }
    // A page that says more follow (PagerDuty's more, Opsgenie's paging.next,
    // Grafana OnCall's next), or a page after a missing one: data would be lost.
    const std::string missing = name + "." + std::to_string(n) + ".json";
    const nlohmann::json& last = out.back().doc;
    const bool more = (last.contains("more") && last["more"] == true) ||
                      (last.contains("paging") && last["paging"].is_object() && last["paging"].contains("next")) ||
                      (last.contains("next") && last["next"].is_string());
    if (more)
        throw InvalidData(Location{out.back().name},
                          "$: the API says more pages follow, but " + missing + " is missing: save every page");
    for (int k = n + 1; k <= n + 9; ++k)
        if (fs::exists(dir_ / (name + "." + std::to_string(k) + ".json"), ec))
            throw InvalidData(Location{name + "." + std::to_string(k) + ".json"},
                              "a page after a missing one (" + missing + "): save every page");
    return out;
}

std::vector<Json> ExportDir::list(const std::vector<ExportFile>& pages, const std::string& key) const {
    std::vector<Json> out;
    for (const auto& p : pages) {
        Json items = p.root()[key];
        if (items.is_null()) items.fail("missing: a list response holds its items under \"" + key + "\"");
        for (auto& item : items.items()) out.push_back(std::move(item));
    }
    return out;
}

}  // namespace incident
