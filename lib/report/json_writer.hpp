// JSON text written piece by piece, byte for byte as nlohmann's
// dump(indent, ' ', false, error_handler_t::replace) writes the same
// document, so that a list of 100 000 incidents never has to exist as one
// JSON tree. The text accumulates in a string the caller drains (and
// clears) whenever it likes: lib/ writes to no stream.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "index/summary.hpp"
#include "model/config.hpp"
#include "query/query.hpp"

namespace incident {

class JsonWriter {
public:
    // indent < 0: one line, as dump(-1); otherwise that many spaces per level.
    explicit JsonWriter(int indent = -1) : indent_(indent) {}

    void begin_array() { open('['); }
    void end_array() { close(']'); }
    void begin_object() { open('{'); }
    void end_object() { close('}'); }
    // In an object: the next member's name; its value follows.
    void key(std::string_view name);

    void string(std::string_view s);  // invalid UTF-8 becomes U+FFFD, as nlohmann replaces it
    void number(long long n);
    void boolean(bool b);
    void null();

    // What has been written and not yet taken; the caller may clear it.
    std::string& text() { return text_; }

private:
    void open(char bracket);
    void close(char bracket);
    void before_value();
    void newline(std::size_t depth);
    void quoted(std::string_view s);

    int indent_;
    std::string text_;
    std::vector<std::size_t> members_;  // per open container, how many so far
    bool after_key_ = false;
};

// One incident as `list --json` and `--format ndjson` show it: an object
// with a member per field, in order (`fields` must not repeat one): text
// and times as strings, durations and counts as numbers, drill as a
// boolean, tags as an array, absent or empty values as null.
void write_fields(JsonWriter& out, const Summary& s, const std::vector<const Field*>& fields, const Config& config,
                  Timestamp now);

}  // namespace incident
