// The on-call readers' tests: every problem of a file gathered, each at its place.
#pragma once

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "rules/rules.hpp"

namespace incident::testing {

inline std::string describe(const std::vector<Finding>& findings) {
    std::string out;
    for (const auto& f : findings) out += f.where.str() + ": " + f.message + "\n";
    return out;
}

struct Located {
    int line, column;
    const char* says;  // a part of the message
};

// Exactly the `expected` problems, each an error at its line and column of `file`.
inline void check_located(const std::vector<Finding>& findings, const std::string& file,
                          const std::vector<Located>& expected) {
    INFO(describe(findings));
    CHECK(findings.size() == expected.size());
    for (const auto& e : expected) {
        const std::string says = e.says;
        INFO(says);
        auto f = std::find_if(findings.begin(), findings.end(),
                              [&](const Finding& x) { return x.message.find(e.says) != std::string::npos; });
        REQUIRE(f != findings.end());
        CHECK(f->where.file == file);
        CHECK(f->where.line == e.line);
        CHECK(f->where.column == e.column);
        CHECK(f->severity == "error");
    }
}

}  // namespace incident::testing
