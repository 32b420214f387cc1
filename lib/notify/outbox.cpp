// The outbox: one JSON file per undelivered message under
// .git/incident/outbox/, written atomically, claimed with flock while it is
// being sent, listed oldest first.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "model/text.hpp"
#include "notify/notify.hpp"
#include "store/atomic_file.hpp"

namespace incident {

nlohmann::ordered_json delivery_json(const Delivery& d) {
    nlohmann::ordered_json j = {{"id", d.id},
                                {"target", d.target},
                                {"type", d.type},
                                {"url_env", d.url_env},
                                {"secret_env", d.secret_env},
                                {"event", d.event},
                                {"incident", d.incident},
                                {"created_at", d.created_at},
                                {"attempts", d.attempts},
                                {"last_error", d.last_error},
                                {"not_before", d.not_before}};
    // A page's fields only when set: a chat message's entry reads as it always has.
    for (const auto& [key, value] : {std::pair<const char*, const std::string*>{"url", &d.url},
                                     {"user_env", &d.user_env},
                                     {"password_env", &d.password_env},
                                     {"token_env", &d.token_env},
                                     {"content_type", &d.content_type},
                                     {"mail_from", &d.mail_from},
                                     {"held_for", &d.held_for}})
        if (!value->empty()) j[key] = *value;
    if (!d.headers.empty()) j["headers"] = d.headers;
    if (!d.mail_to.empty()) j["mail_to"] = d.mail_to;
    if (d.starttls) j["starttls"] = true;
    j["body"] = d.body;
    return j;
}

void Outbox::put(const Delivery& d) const {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    write_file_atomically(dir_ / (d.id + ".json"), delivery_json(d).dump(2) + "\n");
}

namespace {

// One outbox entry; throws nlohmann's type_error on a field of the wrong type.
Delivery delivery_from_json(const nlohmann::json& j) {
    Delivery d;
    d.id = j.value("id", "");
    d.target = j.value("target", "");
    d.type = j.value("type", "");
    d.url_env = j.value("url_env", "");
    d.secret_env = j.value("secret_env", "");
    d.event = j.value("event", "");
    d.incident = j.value("incident", "");
    d.created_at = j.value("created_at", "");
    d.attempts = j.value("attempts", 0);
    d.last_error = j.value("last_error", "");
    d.not_before = j.value("not_before", "");
    d.body = j.value("body", "");
    d.url = j.value("url", "");
    d.user_env = j.value("user_env", "");
    d.password_env = j.value("password_env", "");
    d.token_env = j.value("token_env", "");
    d.content_type = j.value("content_type", "");
    d.headers = j.value("headers", std::vector<std::string>{});
    d.mail_from = j.value("mail_from", "");
    d.mail_to = j.value("mail_to", std::vector<std::string>{});
    d.starttls = j.value("starttls", false);
    d.held_for = j.value("held_for", "");
    return d;
}

}  // namespace

std::vector<Delivery> Outbox::list(std::vector<std::string>* damaged) const {
    std::vector<Delivery> out;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (it->path().extension() != ".json" || name[0] == '.') continue;
        // A damaged entry is skipped and named; it stays for a person to look at.
        auto skip = [&](const std::string& why) {
            if (damaged) damaged->push_back("outbox entry " + name + ": " + why);
        };
        auto text = read_file(it->path());
        nlohmann::json j = nlohmann::json::parse(text.value_or(""), nullptr, false);
        if (!text || j.is_discarded() || !j.is_object()) {
            skip(text ? "not a JSON object" : "cannot be read");
            continue;
        }
        try {
            Delivery d = delivery_from_json(j);
            if (d.id.empty())
                skip("no id");
            else
                out.push_back(std::move(d));
        } catch (const nlohmann::json::exception&) {
            skip(
                "a field has the wrong type (attempts must be a number, starttls true or false, headers and "
                "mail_to lists of strings, the others strings)");
        }
    }
    std::sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) {
        return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
    });
    return out;
}

OutboxClaim& OutboxClaim::operator=(OutboxClaim&& o) noexcept {
    if (this != &o) {
        if (fd_ >= 0) close(fd_);
        fd_ = std::exchange(o.fd_, -1);
    }
    return *this;
}

OutboxClaim::~OutboxClaim() {
    if (fd_ >= 0) close(fd_);  // releases the flock
}

OutboxClaim Outbox::claim(const std::string& id) const {
    const std::filesystem::path path = dir_ / (id + ".json");
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return {};
    OutboxClaim claim(fd);
    struct stat held {
    }, now{};
    // Replaced (put) or removed between the open and the lock: not this entry any more.
    if (flock(fd, LOCK_EX | LOCK_NB) != 0 || fstat(fd, &held) != 0 || stat(path.c_str(), &now) != 0 ||
        held.st_ino != now.st_ino || held.st_dev != now.st_dev)
        return {};
    return claim;
}

void Outbox::release(const std::string& id) const {
    const std::filesystem::path path = dir_ / (id + ".json");
    auto text = read_file(path);
    if (!text) return;  // gone: delivered, or removed by hand
    nlohmann::ordered_json j = nlohmann::ordered_json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("held_for")) return;
    j.erase("held_for");
    write_file_atomically(path, j.dump(2) + "\n");
}

void Outbox::remove(const std::string& id) const {
    std::error_code ec;
    std::filesystem::remove(dir_ / (id + ".json"), ec);
}

}  // namespace incident
