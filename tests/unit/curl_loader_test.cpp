#include "notify/curl_loader.hpp"

#include <doctest/doctest.h>

using namespace incident;

TEST_SUITE_BEGIN("curl_loader");

TEST_CASE("libcurl is loaded on demand, with every function the delivery uses") {
    const CurlLoad& loaded = curl();
    REQUIRE_MESSAGE(loaded.api, loaded.error);
    CHECK(&curl() == &loaded);  // once per process
    const CurlApi& api = *loaded.api;
    for (const void* fn :
         {(const void*)api.global_init, (const void*)api.easy_init, (const void*)api.easy_setopt,
          (const void*)api.easy_perform, (const void*)api.easy_getinfo, (const void*)api.easy_cleanup,
          (const void*)api.easy_strerror, (const void*)api.slist_append, (const void*)api.slist_free_all})
        CHECK(fn != nullptr);
    CHECK(std::string(api.easy_strerror(CURLE_COULDNT_CONNECT)) == "Couldn't connect to server");
    CURL* h = api.easy_init();
    REQUIRE(h);
    CHECK(api.easy_setopt(h, CURLOPT_URL, "http://127.0.0.1:1/") == CURLE_OK);
    api.easy_cleanup(h);
}

TEST_CASE("a library that cannot be loaded is named, with what to install") {
    CurlLoad missing = load_curl("libcurl-that-is-not-there.so.4");
    CHECK_FALSE(missing.api);
    CHECK(missing.error.find("cannot load libcurl-that-is-not-there.so.4") != std::string::npos);
    CHECK(missing.error.find("libcurl4") != std::string::npos);
    // A library without curl's functions is refused, naming what it lacks.
    CurlLoad wrong = load_curl("libc.so.6");
    CHECK_FALSE(wrong.api);
    CHECK(wrong.error.find("curl_easy_init") != std::string::npos);
}
