// Shared by the libFuzzer targets in this folder: each target feeds one parser
// arbitrary bytes. The engine's own typed errors (InvalidData, UsageError, ...)
// are the expected answer to bad input; anything else that escapes — another
// exception, a crash, a hang, a sanitizer report — is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "model/errors.hpp"

#define INCIDENT_FUZZ_TARGET(body)                                                      \
    extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
        const std::string input(reinterpret_cast<const char*>(data), size);             \
        try {                                                                           \
            body(input);                                                                \
        } catch (const incident::Error&) {                                              \
        }                                                                               \
        return 0;                                                                       \
    }
