// A fresh temporary directory per test, removed afterwards.
#pragma once

#include <filesystem>
#include <fstream>
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

}  // namespace incident::test
