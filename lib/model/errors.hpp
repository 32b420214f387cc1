// Typed errors raised by the engine. Each kind maps to exactly one exit code
// in cmd/main.cpp, so a caller (human or script) can tell *why* a command
// failed without parsing the message.
#pragma once

#include <stdexcept>
#include <string>

namespace incident {

enum class ExitCode : int {
    ok = 0,
    runtime = 1,    // I/O, git, network
    usage = 2,      // bad flags or arguments
    not_found = 3,  // no such incident
    invalid = 4,    // bad YAML, schema violation, rule error
    refused = 5,    // lifecycle or policy said no
    check = 6,      // a check found something
};

class Error : public std::runtime_error {
public:
    Error(ExitCode code, std::string message, std::string hint = {})
        : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}
    ExitCode code() const { return code_; }
    // What the user can do about it; may be empty.
    const std::string& hint() const { return hint_; }

private:
    ExitCode code_;
    std::string hint_;
};

struct IoError : Error {
    explicit IoError(std::string message, std::string hint = {})
        : Error(ExitCode::runtime, std::move(message), std::move(hint)) {}
};

struct UsageError : Error {
    explicit UsageError(std::string message, std::string hint = {})
        : Error(ExitCode::usage, std::move(message), std::move(hint)) {}
};

struct NotFound : Error {
    explicit NotFound(std::string message, std::string hint = {})
        : Error(ExitCode::not_found, std::move(message), std::move(hint)) {}
};

// A position in a file; line and column are 1-based, 0 when unknown.
struct Location {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const;
};

// Invalid data, located where possible: "file:line:col: message".
struct InvalidData : Error {
    InvalidData(Location where, std::string message)
        : Error(ExitCode::invalid, format(where, message)), where_(std::move(where)), detail_(std::move(message)) {}
    const Location& where() const { return where_; }
    const std::string& detail() const { return detail_; }

private:
    static std::string format(const Location& where, const std::string& message);
    Location where_;
    std::string detail_;
};

// The lifecycle or a policy refused; the hint says what to do instead.
struct TransitionRefused : Error {
    TransitionRefused(std::string reason, std::string hint = {})
        : Error(ExitCode::refused, std::move(reason), std::move(hint)) {}
};

}  // namespace incident
