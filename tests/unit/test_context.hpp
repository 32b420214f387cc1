// A fresh temporary directory per test, removed afterwards; git with no
// configuration but the test's own.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>

namespace incident::test {

struct TestContext {
    std::filesystem::path dir;
    TestContext() {
        std::string pattern = (std::filesystem::temp_directory_path() / "incident-unit.XXXXXX").string();
        dir = mkdtemp(pattern.data());
    }
    ~TestContext() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
    void write(const std::string& rel, const std::string& text) const {
        std::filesystem::create_directories((dir / rel).parent_path());
        std::ofstream(dir / rel, std::ios::binary) << text;
    }
    std::string read(const std::string& rel) const {
        std::ifstream in(dir / rel, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }
};

// git as the tests see it: no global or system configuration (so no
// identity: commits carry the actor), no repository above the temporary
// directory. Restores the environment afterwards.
struct GitEnvironment {
    std::map<std::string, std::optional<std::string>> saved;
    explicit GitEnvironment(const std::filesystem::path& global_config) {
        set("GIT_CONFIG_GLOBAL", global_config.string());
        set("GIT_CONFIG_NOSYSTEM", "1");
        set("GIT_CEILING_DIRECTORIES", global_config.parent_path().parent_path().string());
        for (const char* name : {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_AUTHOR_NAME", "GIT_AUTHOR_EMAIL",
                                 "GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL", "EMAIL"})
            set(name, std::nullopt);
    }
    ~GitEnvironment() {
        for (const auto& [name, value] : saved)
            value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
    }
    void set(const std::string& name, const std::optional<std::string>& value) {
        if (!saved.count(name)) {
            const char* old = std::getenv(name.c_str());
            saved[name] = old ? std::optional<std::string>(old) : std::nullopt;
        }
        value ? setenv(name.c_str(), value->c_str(), 1) : unsetenv(name.c_str());
    }
};

}  // namespace incident::test
