// Located problems, gathered: the readers of people, schedules and
// overrides report every problem of a file (for `validate`) and a command
// stops at the first (InvalidData, exit 4).
#pragma once

#include <string>
#include <vector>

#include "model/yaml_doc.hpp"
#include "rules/rules.hpp"

namespace incident {

class Problems {
public:
    // Collects; `throw_if_any` then raises the first.
    Problems() = default;

    void add(const YamlNode& at, const std::string& file, const std::string& message) {
        findings_.push_back({locate(at, file), "error", message});
    }
    void add(Location where, const std::string& message) { findings_.push_back({std::move(where), "error", message}); }
    bool empty() const { return findings_.empty(); }
    const std::vector<Finding>& findings() const { return findings_; }
    void throw_if_any() const {
        if (!findings_.empty()) throw InvalidData(findings_.front().where, findings_.front().message);
    }

private:
    std::vector<Finding> findings_;
};

}  // namespace incident
