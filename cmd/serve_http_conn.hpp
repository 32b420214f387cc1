// incident serve's connections (cpp-httplib's server with our own socket
// handling): a whole-request deadline, bounds on connections, and the
// request's header as the client sent it.
//
// httplib gives each read its own timeout, so a client sending a byte every
// few seconds holds a thread for ever, and it queues every connection it
// accepts. Here each connection is admitted or refused (503, closed) the
// moment it is accepted: at most `threads` at once, at most `per_peer` from
// one address. An admitted connection is read through a stream whose every
// read and write shares one deadline (`timeout`): from the accept to the
// first answer, then from each request's first byte to its answer; an idle
// keep-alive connection waits at most 5 s for its next request and is
// closed at once when the server stops. So SIGTERM ends the server within
// the deadline however its clients behave.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace incident::cli {

class DeadlineStream;

struct ConnectionLimits {
    std::size_t threads = 64;          // connections served at once
    std::size_t per_peer = 16;         // of them from one address
    std::chrono::seconds timeout{10};  // from the accept (then a request's first byte) to the answer
};

class Receiver : public httplib::Server {
public:
    explicit Receiver(ConnectionLimits limits);

    // Ends the accept loop; idle connections are closed, requests being
    // read or answered finish (within the deadline).
    void stop_accepting();
    std::atomic<bool> stopping{false};

    // The current request's header `name` exactly as the client sent it
    // (httplib decodes %XX in header values): nullopt when absent, "" (and
    // `repeated` true) when it came more than once. For the thread serving
    // the request.
    static std::optional<std::string> raw_header(std::string_view name, bool* repeated = nullptr);
    // Closes the current connection once its answer is written (a request
    // refused before its body was read: the body is never read).
    static void close_after_answer();

    // Called on the accepting thread (through the task queue): admits the
    // connection or refuses it at once.
    void admit(socket_t sock);

private:
    bool process_and_close_socket(socket_t sock) override;
    void serve_connection(socket_t sock, const std::string& peer);
    bool next_request(DeadlineStream& stream, socket_t sock) const;
    void refuse(socket_t sock, const std::string& why);
    ConnectionLimits limits_;
    std::mutex mutex_;
    std::size_t open_ = 0;
    std::map<std::string, std::size_t> per_peer_;
    friend class AdmittingQueue;
};

}  // namespace incident::cli
