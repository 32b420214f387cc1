#include "git/git.hpp"

#include <doctest/doctest.h>

#include <filesystem>

#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("git");

TEST_CASE("what git is in the middle of, from its state files") {
    TestContext t;
    const std::string git_dir = t.dir.string();
    CHECK(git::operation_in_progress(git_dir).empty());
    struct Case {
        const char* file;
        const char* expected;
    };
    for (const Case& c : std::initializer_list<Case>{{"rebase-merge/", "a rebase"},
                                                     {"rebase-apply/", "a rebase"},
                                                     {"MERGE_HEAD", "a merge"},
                                                     {"CHERRY_PICK_HEAD", "a cherry-pick"},
                                                     {"REVERT_HEAD", "a revert"}}) {
        CAPTURE(c.file);
        std::string name = c.file;
        if (name.back() == '/')
            std::filesystem::create_directories(t.dir / name.substr(0, name.size() - 1));
        else
            t.write(name, "0123\n");
        CHECK(git::operation_in_progress(git_dir) == c.expected);
        std::filesystem::remove_all(t.dir / (name.back() == '/' ? name.substr(0, name.size() - 1) : name));
        CHECK(git::operation_in_progress(git_dir).empty());
    }
}

TEST_SUITE_END();
