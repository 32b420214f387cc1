// libcurl, loaded when the first notification is sent, not when the binary
// starts: libcurl and the ~29 libraries it needs cost every command about
// 4 ms of start-up, and most commands send nothing. Only the functions the
// delivery uses are resolved. The binary links without libcurl; its header
// gives the types and constants.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>

namespace incident {

struct CurlApi {
    CURLcode (*global_init)(long flags) = nullptr;
    CURL* (*easy_init)() = nullptr;
    CURLcode (*easy_setopt)(CURL* handle, CURLoption option, ...) = nullptr;
    CURLcode (*easy_perform)(CURL* handle) = nullptr;
    CURLcode (*easy_getinfo)(CURL* handle, CURLINFO info, ...) = nullptr;
    void (*easy_cleanup)(CURL* handle) = nullptr;
    const char* (*easy_strerror)(CURLcode code) = nullptr;
    curl_slist* (*slist_append)(curl_slist* list, const char* text) = nullptr;
    void (*slist_free_all)(curl_slist* list) = nullptr;
};

struct CurlLoad {
    std::shared_ptr<const CurlApi> api;  // null when it could not be loaded
    std::string error;                   // then why, and what to install
};

// The process's libcurl ("libcurl.so.4"), loaded and globally initialised
// on the first call, which is thread-safe; later calls return the same.
const CurlLoad& curl();

// Loads `library` afresh (for tests): the API, or the reason it cannot be used.
// The library stays loaded for the life of the process.
CurlLoad load_curl(const char* library);

}  // namespace incident
