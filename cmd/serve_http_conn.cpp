#include "serve_http_conn.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <thread>
#include <utility>

namespace incident::cli {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kKeepAlive = std::chrono::seconds(5);  // an idle connection's wait for its next request
constexpr std::size_t kKeepAliveRequests = 1000;      // requests on one connection
constexpr std::size_t kHeadKept = 16 << 10;           // the raw header kept, per request

std::string address_of(socket_t sock, bool peer) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if ((peer ? getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
              : getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len)) != 0)
        return {};
    char host[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&addr)->sin_addr, host, sizeof host);
    else if (addr.ss_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&addr)->sin6_addr, host, sizeof host);
    return host;
}

int port_of(socket_t sock, bool peer) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    if ((peer ? getpeername(sock, reinterpret_cast<sockaddr*>(&addr), &len)
              : getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len)) != 0)
        return 0;
    if (addr.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&addr)->sin_port);
    if (addr.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&addr)->sin6_port);
    return 0;
}

// A connection closed before its request was read whole (a 401, 413 or
// 415): the answer is sent, then what the client still sends is read and
// dropped for a moment, so that closing does not reset the connection
// (and lose the answer) while it is still sending.
void linger(socket_t sock) {
    ::shutdown(sock, SHUT_WR);
    const auto until = Clock::now() + std::chrono::milliseconds(500);
    char sink[16384];
    for (std::size_t dropped = 0; dropped < (1 << 20);) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count();
        pollfd p{sock, POLLIN, 0};
        if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return;
        const ssize_t n = ::recv(sock, sink, sizeof sink, 0);
        if (n <= 0) return;
        dropped += static_cast<std::size_t>(n);
    }
}

// Waits for `events` on `sock` until `deadline`; false when it passed or the socket failed.
bool wait_for(socket_t sock, short events, Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return false;
        pollfd p{sock, events, 0};
        const int n = poll(&p, 1, static_cast<int>(std::min<long long>(left, 1 << 30)));
        if (n > 0) return true;
        if (n < 0 && errno != EINTR) return false;
    }
}

}  // namespace

// A connection's socket with one deadline for all its reads and writes
// (set per request), a read buffer, and the raw bytes of the request's header.
class DeadlineStream : public httplib::Stream {
public:
    explicit DeadlineStream(socket_t sock) : sock_(sock) {}

    void start_request(Clock::time_point deadline) {
        deadline_ = deadline;
        head_.clear();
        head_done_ = false;
    }
    const std::string& head() const { return head_; }
    bool buffered() const { return off_ < size_; }

    bool is_readable() const override { return off_ < size_ || wait_for(sock_, POLLIN, deadline_); }
    bool is_writable() const override { return wait_for(sock_, POLLOUT, deadline_); }

    ssize_t read(char* ptr, size_t size) override {
        if (off_ == size_) {
            if (!wait_for(sock_, POLLIN, deadline_)) return -1;
            ssize_t n;
            do n = ::recv(sock_, buf_, sizeof buf_, 0);
            while (n < 0 && errno == EINTR);
            if (n <= 0) return n;
            off_ = 0, size_ = static_cast<std::size_t>(n);
        }
        const std::size_t n = std::min(size, size_ - off_);
        std::copy(buf_ + off_, buf_ + off_ + n, ptr);
        off_ += n;
        keep_head(ptr, n);
        return static_cast<ssize_t>(n);
    }

    ssize_t write(const char* ptr, size_t size) override {
        if (!is_writable()) return -1;
        ssize_t n;
        do n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
        while (n < 0 && errno == EINTR);
        return n;
    }

    void get_remote_ip_and_port(std::string& ip, int& port) const override {
        ip = address_of(sock_, true);
        port = port_of(sock_, true);
    }
    void get_local_ip_and_port(std::string& ip, int& port) const override {
        ip = address_of(sock_, false);
        port = port_of(sock_, false);
    }
    socket_t socket() const override { return sock_; }

private:
    void keep_head(const char* p, std::size_t n) {
        if (head_done_) return;
        head_.append(p, std::min(n, kHeadKept - std::min(kHeadKept, head_.size())));
        head_done_ = head_.size() >= kHeadKept || head_.find("\r\n\r\n") != std::string::npos;
    }

    socket_t sock_;
    Clock::time_point deadline_{};
    char buf_[4096];
    std::size_t off_ = 0, size_ = 0;
    std::string head_;
    bool head_done_ = false;
};

namespace {

thread_local DeadlineStream* t_stream = nullptr;
thread_local bool t_close = false;
thread_local bool t_admitting = false;
thread_local std::optional<std::pair<socket_t, std::string>> t_admitted;

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

// The task queue httplib hands each accepted socket to: the connection is
// admitted (or refused) on the accepting thread, then served by a worker.
class AdmittingQueue : public httplib::TaskQueue {
public:
    AdmittingQueue(Receiver& receiver, std::size_t threads) : receiver_(receiver), pool_(threads) {}
    void enqueue(std::function<void()> fn) override {
        t_admitting = true;
        t_admitted.reset();
        fn();  // Receiver::process_and_close_socket, which admits or refuses
        t_admitting = false;
        if (auto admitted = std::exchange(t_admitted, std::nullopt))
            pool_.enqueue([this, a = *admitted] { receiver_.serve_connection(a.first, a.second); });
    }
    void shutdown() override { pool_.shutdown(); }

private:
    Receiver& receiver_;
    httplib::ThreadPool pool_;
};

Receiver::Receiver(ConnectionLimits limits) : limits_(limits) {
    new_task_queue = [this] { return new AdmittingQueue(*this, limits_.threads); };
}

bool Receiver::process_and_close_socket(socket_t sock) {
    if (t_admitting) {
        admit(sock);
        return true;
    }
    serve_connection(sock, address_of(sock, true));  // not reached: every socket comes through the queue
    return true;
}

void Receiver::admit(socket_t sock) {
    const std::string peer = address_of(sock, true);
    {
        std::lock_guard lock(mutex_);
        const auto from_peer = per_peer_.find(peer);  // no entry for a peer refused: the map stays small
        if (open_ < limits_.threads && (from_peer == per_peer_.end() || from_peer->second < limits_.per_peer) &&
            !stopping) {
            ++open_;
            ++per_peer_[peer];
            t_admitted.emplace(sock, peer);
            return;
        }
    }
    refuse(sock, stopping ? "the server is stopping" : "too many connections: try again");
}

void Receiver::refuse(socket_t sock, const std::string& why) {
    const std::string body = R"({"error": {"status": 503, "message": ")" + why + "\"}}\n";
    const std::string answer =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
        "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
    (void)::send(sock, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);  // best effort, never waits
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
}

void Receiver::serve_connection(socket_t sock, const std::string& peer) {
    DeadlineStream stream(sock);
    t_stream = &stream;
    // The first request's deadline runs from the accept (a client that
    // connects and says nothing is cut at it, stopping or not); a later
    // one's from its first byte, after at most kKeepAlive idle.
    const auto first_deadline = Clock::now() + limits_.timeout;
    for (std::size_t n = 0; n < kKeepAliveRequests; ++n) {
        if (n == 0 ? !wait_for(sock, POLLIN, first_deadline) : !next_request(stream, sock)) break;
        stream.start_request(n == 0 ? first_deadline : Clock::now() + limits_.timeout);
        t_close = false;
        bool closed = false;
        if (!process_request(stream, n + 1 == kKeepAliveRequests || stopping, closed, nullptr) || closed || t_close)
            break;
    }
    t_stream = nullptr;
    if (t_close) linger(sock);
    ::shutdown(sock, SHUT_RDWR);
    ::close(sock);
    std::lock_guard lock(mutex_);
    --open_;
    if (--per_peer_[peer] == 0) per_peer_.erase(peer);
}

// Idle until the next request's first byte: at most kKeepAlive, and not
// once the server stops.
bool Receiver::next_request(DeadlineStream& stream, socket_t sock) const {
    const auto idle_until = Clock::now() + kKeepAlive;
    while (!stopping) {
        if (stream.buffered()) return true;
        if (wait_for(sock, POLLIN, std::min(idle_until, Clock::now() + std::chrono::milliseconds(100)))) return true;
        if (Clock::now() >= idle_until) return false;
    }
    return false;
}

void Receiver::stop_accepting() {
    stopping = true;
    if (socket_t sock = svr_sock_; sock != INVALID_SOCKET) ::shutdown(sock, SHUT_RDWR);
}

std::optional<std::string> Receiver::raw_header(std::string_view name, bool* repeated) {
    if (repeated) *repeated = false;
    if (!t_stream) return std::nullopt;
    std::string_view head = t_stream->head();
    head = head.substr(0, head.find("\r\n\r\n"));
    std::optional<std::string> found;
    for (std::size_t start = head.find("\r\n"); start != std::string_view::npos;) {
        start += 2;
        std::size_t end = head.find("\r\n", start);
        std::string_view line = head.substr(start, end == std::string_view::npos ? head.npos : end - start);
        start = end;
        const std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || !same_name(line.substr(0, colon), name)) continue;
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
        if (found) {
            if (repeated) *repeated = true;
            return std::string();
        }
        found = std::string(value);
    }
    return found;
}

void Receiver::close_after_answer() { t_close = true; }

}  // namespace incident::cli
