// An export saved from another tool's REST API: one JSON file per endpoint
// under the endpoint's path (users.json, schedules/ID.json, ...), a list
// spread over pages as NAME.json, NAME.2.json, ... Every value is read
// through Json, which knows its file and JSON path, so a malformed export
// gets an error that says where ("users.2.json: $.users[1].email: expected a
// string") and nothing is written.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "model/time.hpp"
#include "store/repository.hpp"

namespace incident {

// A value in an export file, with where it is.
class Json {
public:
    Json(const nlohmann::json& value, std::string file, std::string path)
        : v_(&value), file_(std::move(file)), path_(std::move(path)) {}

    // A member (null when absent), an item.
    Json operator[](const std::string& key) const;
    Json at(std::size_t index) const;

    bool is_null() const { return v_->is_null(); }
    bool has(const std::string& key) const;
    // A string; throws InvalidData when it is anything else.
    std::string str() const;
    // A string, or `otherwise` when absent or null.
    std::string str_or(const std::string& otherwise = {}) const;
    long long integer() const;
    std::optional<long long> integer_or_null() const;
    // An RFC 3339 time with any offset.
    Timestamp time() const;
    std::optional<Timestamp> time_or_null() const;
    // The items of an array (an absent or null value has none).
    std::vector<Json> items() const;
    // An id used in a file name: letters, digits, '-' and '_' only.
    std::string id() const;

    const nlohmann::json& raw() const { return *v_; }
    const std::string& file() const { return file_; }
    const std::string& path() const { return path_; }
    // Throws InvalidData located at this value.
    [[noreturn]] void fail(const std::string& message) const;

private:
    const nlohmann::json* v_;
    std::string file_, path_;
};

struct ExportFile {
    std::string name;  // as the user saved it, relative to the export's directory
    nlohmann::json doc;
    Json root() const { return Json(doc, name, "$"); }
};

class ExportDir {
public:
    explicit ExportDir(fs::path dir);

    // NAME.json, or nullopt when there is none.
    std::optional<ExportFile> file(const std::string& name) const;
    // NAME.json, NAME.2.json, NAME.3.json, ... as long as they exist; empty
    // when there is no NAME.json.
    std::vector<ExportFile> pages(const std::string& name) const;
    // The items under `key` of every page of NAME (users.json's "users").
    std::vector<Json> list(const std::vector<ExportFile>& pages, const std::string& key) const;

    const fs::path& dir() const { return dir_; }

private:
    fs::path dir_;
};

// An export file is at most this large.
inline constexpr std::size_t kMaxExportFile = 256u << 20;

}  // namespace incident
