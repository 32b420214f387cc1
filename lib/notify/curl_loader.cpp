#include "notify/curl_loader.hpp"

#include <dlfcn.h>

#include <type_traits>

namespace incident {

namespace {

constexpr const char* kLibrary = "libcurl.so.4";

std::string failure(const char* library, const std::string& why) {
    return "cannot load " + std::string(library) + " (" + why +
           "): notifications need libcurl; install the Debian package libcurl4";
}

}  // namespace

CurlLoad load_curl(const char* library) {
    CurlLoad out;
    void* handle = ::dlopen(library, RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        const char* why = ::dlerror();
        out.error = failure(library, why ? why : "not found");
        return out;
    }
    auto api = std::make_shared<CurlApi>();
    bool missing = false;
    std::string names;
    auto resolve = [&](auto& fn, const char* name) {
        void* symbol = ::dlsym(handle, name);
        if (!symbol) {
            missing = true;
            names += (names.empty() ? "" : ", ") + std::string(name);
        }
        // POSIX guarantees that a data pointer from dlsym converts to a function pointer.
        fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(symbol);
    };
    resolve(api->global_init, "curl_global_init");
    resolve(api->easy_init, "curl_easy_init");
    resolve(api->easy_setopt, "curl_easy_setopt");
    resolve(api->easy_perform, "curl_easy_perform");
    resolve(api->easy_getinfo, "curl_easy_getinfo");
    resolve(api->easy_cleanup, "curl_easy_cleanup");
    resolve(api->easy_strerror, "curl_easy_strerror");
    resolve(api->slist_append, "curl_slist_append");
    resolve(api->slist_free_all, "curl_slist_free_all");
    if (missing) {
        out.error = failure(library, "it lacks " + names);
        return out;  // the library stays loaded: it may be in use elsewhere in the process
    }
    if (CURLcode code = api->global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
        out.error = failure(library, std::string("curl_global_init: ") + api->easy_strerror(code));
        return out;
    }
    out.api = std::move(api);
    return out;
}

const CurlLoad& curl() {
    static const CurlLoad loaded = load_curl(kLibrary);
    return loaded;
}

}  // namespace incident
