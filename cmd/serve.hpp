// incident serve's options, shared by the command (cmd/serve.cpp, in every
// build) and the HTTP server itself (cmd/serve_http.cpp, linked into the
// incident-serve program only, so that no other command loads cpp-httplib
// and the TLS and compression libraries it brings).
#pragma once

#include <string>

#include "context.hpp"
#include "intake/receive.hpp"

namespace incident::cli {

struct ServeOptions {
    std::string listen = "127.0.0.1:9095";
    bool insecure_no_auth = false;
    std::size_t max_body = kMaxAlertBytes;
    int timeout = 10;    // seconds from the accept (then a request's first byte) to the answer
    int threads = 64;    // connections served at once; more are refused (503)
    int per_peer = 16;   // of them from one address
    int page_every = 5;  // seconds between the pager's ticks; 0: none
    CommonFlags flags;
};

struct Listen {
    std::string host;
    int port = 0;
};

// The server: runs until SIGTERM or SIGINT. Throws as commands do.
using HttpServer = void (*)(const ServeOptions& opts, const Listen& where, const Context& ctx);
// incident-serve's main sets it; where it is not set, `incident serve`
// runs incident-serve (beside its own binary) with the same options.
void set_http_server(HttpServer server);

// One `incident page tick` at ctx.now, saying on ctx.io.err what it paged
// (cmd/page.cpp): what serve runs every --page-every seconds. Not leading
// (another receiver holds the pager lease), it only sends the pages it
// recorded before and had not sent.
void run_page_tick(const Context& ctx, const CommonFlags& flags, bool leading = true);

// The server of cmd/serve_http.cpp.
void run_http_server(const ServeOptions& opts, const Listen& where, const Context& ctx);

}  // namespace incident::cli
