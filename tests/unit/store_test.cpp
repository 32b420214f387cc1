#include "store/store.hpp"

#include <doctest/doctest.h>
#include <sys/stat.h>

#include "model/errors.hpp"
#include "model/yaml_doc.hpp"
#include "store/atomic_file.hpp"
#include "store/lock.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;

TEST_SUITE_BEGIN("store");

namespace {
// A store in a fresh repository at t.dir.
Store store_in(const TestContext& t) {
    t.write(".incident/config.yaml", "");
    return Store(find_repository(t.dir));
}

Incident titled(const std::string& id, const std::string& title) {
    Incident inc;
    inc.id = id;
    inc.title = title;
    return inc;
}
}  // namespace

TEST_CASE("ids: only PREFIX-N, no path tricks") {
    for (const char* ok : {"INC-1", "INC-42", "SEC-123456789", "a1-7"}) CHECK_MESSAGE(is_valid_id(ok), ok);
    for (const char* bad : {"", "INC", "INC-", "INC-0", "INC-01", "-1", "../INC-1", "INC-1/../x", "INC-1.yaml",
                            "IN C-1", "INC-1\n", "1NC-1", "INC-1234567890", "/etc/passwd"})
        CHECK_MESSAGE(!is_valid_id(bad), bad);
    CHECK(normalise_id("42", "INC") == "INC-42");
    CHECK(normalise_id("inc-42", "INC") == "INC-42");
    CHECK(normalise_id("SEC-3", "INC") == "SEC-3");
    CHECK_THROWS_AS(normalise_id("../../etc/passwd", "INC"), UsageError);
    CHECK_THROWS_AS(normalise_id("INC-1/../x", "INC"), UsageError);
}

TEST_CASE("uids are distinct version-4 UUIDs") {
    auto a = new_uid(), b = new_uid();
    CHECK(a.size() == 36);
    CHECK(a[14] == '4');
    CHECK(a != b);
}

TEST_CASE("AtomicFile: commit replaces, no commit leaves the old file and no temporary") {
    TestContext t;
    t.write("f.txt", "old");
    {
        AtomicFile f(t.dir / "f.txt");
        f.write("new");
    }
    CHECK(t.read("f.txt") == "old");
    size_t files = 0;
    for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(t.dir)) ++files;
    CHECK(files == 1);
    write_file_atomically(t.dir / "f.txt", "new");
    CHECK(t.read("f.txt") == "new");
}

TEST_CASE("write_files_atomically: each file replaced, its mode kept, no temporary left; a failure is an IoError") {
    TestContext t;
    t.write("a/kept.yaml", "old");
    std::filesystem::permissions(t.dir / "a/kept.yaml", std::filesystem::perms(0600));
    std::filesystem::create_directories(t.dir / "b");
    write_files_atomically({{t.dir / "a/kept.yaml", "one"}, {t.dir / "a/new.yaml", "two"}, {t.dir / "b/x.yaml", "3"}});
    CHECK(t.read("a/kept.yaml") == "one");
    CHECK(t.read("a/new.yaml") == "two");
    CHECK(t.read("b/x.yaml") == "3");
    CHECK((std::filesystem::status(t.dir / "a/kept.yaml").permissions() & std::filesystem::perms::all) ==
          std::filesystem::perms(0600));
    for (const auto& e : std::filesystem::recursive_directory_iterator(t.dir))
        CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
    CHECK_THROWS_AS(write_files_atomically({{t.dir / "a/kept.yaml", "four"}, {t.dir / "missing/y.yaml", "5"}}),
                    IoError);
    CHECK(t.read("a/kept.yaml") == "four");  // the files before the failing one are written
}

TEST_CASE("the lock excludes a second holder until released") {
    TestContext t;
    auto path = t.dir / "state" / "lock";
    {
        RepositoryLock first(path, std::chrono::milliseconds(100));
        // flock is per open file description: a second open in this process conflicts too.
        CHECK_THROWS_AS(RepositoryLock(path, std::chrono::milliseconds(50)), IoError);
    }
    CHECK_NOTHROW(RepositoryLock(path, std::chrono::milliseconds(50)));
}

TEST_CASE("store: save, load, list in numeric order, next id") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    Store store(find_repository(t.dir));
    for (int n : {2, 10, 1}) {
        Incident inc;
        inc.id = "INC-" + std::to_string(n);
        inc.title = "t";
        store.save(inc);
    }
    t.write("incidents/notes.txt", "ignored");
    t.write("incidents/.INC-3.yaml.tmp.abc", "ignored");
    CHECK(store.list_ids() == std::vector<std::string>{"INC-1", "INC-2", "INC-10"});
    CHECK(store.next_id("INC") == "INC-11");
    CHECK(store.next_id("SEC") == "SEC-1");
    CHECK(store.load("INC-10").title == "t");
    CHECK_THROWS_AS(store.load("INC-3"), NotFound);
    t.write("incidents/INC-4.yaml", "id: INC-5\ntitle: t\nstatus: open\n");
    CHECK_THROWS_AS(store.load("INC-4"), InvalidData);
    std::vector<InvalidData> errors;
    CHECK(store.load_all(&errors).size() == 3);
    CHECK(errors.size() == 1);
}

TEST_CASE("symbolic links out of the repository are neither read nor written through") {
    namespace fs = std::filesystem;
    TestContext t;
    t.write("repo/.incident/config.yaml", "");
    t.write("outside/INC-1.yaml", "id: INC-1\ntitle: secret\nstatus: open\n");
    t.write("repo/incidents/INC-9.yaml", "id: INC-2\ntitle: inside\nstatus: open\n");
    fs::create_symlink(t.dir / "outside" / "INC-1.yaml", t.dir / "repo" / "incidents" / "INC-1.yaml");
    fs::create_symlink("INC-9.yaml", t.dir / "repo" / "incidents" / "INC-2.yaml");  // a link inside is fine
    Store store(find_repository(t.dir / "repo"));
    try {
        store.load("INC-1");
        FAIL("read through a link out of the repository");
    } catch (const InvalidData& e) {
        CHECK(std::string(e.what()).find("incidents/INC-1.yaml: a symbolic link leads out of the repository") == 0);
        CHECK(std::string(e.what()).find("outside") == std::string::npos);  // where it leads is not told
    }
    Incident inc;
    inc.id = "INC-1";
    inc.title = "overwrite";
    CHECK_THROWS_AS(store.save(inc), InvalidData);
    CHECK(t.read("outside/INC-1.yaml").find("secret") != std::string::npos);
    CHECK(store.load("INC-2").title == "inside");

    // incidents/ itself a link out of the repository: nothing is written there.
    t.write("repo2/.incident/config.yaml", "");
    fs::create_directories(t.dir / "elsewhere");
    fs::create_directory_symlink(t.dir / "elsewhere", t.dir / "repo2" / "incidents");
    Store store2(find_repository(t.dir / "repo2"));
    inc.id = "INC-3";
    CHECK_THROWS_AS(store2.save(inc), InvalidData);
    CHECK(fs::is_empty(t.dir / "elsewhere"));
}

TEST_CASE("layouts: where a file lies, and the id a path names") {
    CHECK(incident_file("INC-7", Layout::flat) == "INC-7.yaml");
    CHECK(incident_file("INC-7", Layout::sharded) == "0/INC-7.yaml");
    CHECK(incident_file("INC-999", Layout::sharded) == "0/INC-999.yaml");
    CHECK(incident_file("INC-1000", Layout::sharded) == "1/INC-1000.yaml");
    CHECK(incident_file("SEC-123456789", Layout::sharded) == "123456/SEC-123456789.yaml");
    CHECK(id_of_incident_file("INC-7.yaml") == std::pair<std::string, Layout>{"INC-7", Layout::flat});
    CHECK(id_of_incident_file("12/INC-12345.yaml") == std::pair<std::string, Layout>{"INC-12345", Layout::sharded});
    for (const char* bad : {"3/INC-12345.yaml", "012/INC-12345.yaml", "x/INC-1.yaml", "0/0/INC-1.yaml", "INC-1.yml",
                            "../INC-1.yaml", "0/notes.txt"})
        CHECK_MESSAGE(id_of_incident_file(bad).first.empty(), bad);
    for (const char* ok : {"0", "7", "12", "123456"}) CHECK_MESSAGE(is_shard_name(ok), ok);
    for (const char* bad : {"", "01", "1234567", "a", "1a", "-1"}) CHECK_MESSAGE(!is_shard_name(bad), bad);
}

TEST_CASE("store, sharded: new files in shards, both layouts read, next id from the highest shard") {
    namespace fs = std::filesystem;
    TestContext t;
    t.write(".incident/config.yaml", "");
    Store store(find_repository(t.dir), Layout::sharded);
    for (const char* id : {"INC-1", "INC-1500", "INC-2001"}) store.save(titled(id, "t"));
    CHECK(fs::is_regular_file(t.dir / "incidents/0/INC-1.yaml"));
    CHECK(fs::is_regular_file(t.dir / "incidents/1/INC-1500.yaml"));
    CHECK(fs::is_regular_file(t.dir / "incidents/2/INC-2001.yaml"));
    // A file of the flat layout is read, and written where it is.
    t.write("incidents/INC-3.yaml", "id: INC-3\ntitle: flat\nstatus: open\n");
    CHECK(store.load("INC-3").title == "flat");
    store.save(titled("INC-3", "still flat"));
    CHECK(!fs::exists(t.dir / "incidents/0/INC-3.yaml"));
    CHECK(store.load("INC-3").title == "still flat");
    CHECK(store.list_ids() == std::vector<std::string>{"INC-1", "INC-3", "INC-1500", "INC-2001"});
    CHECK(store.next_id("INC") == "INC-2002");
    t.write("incidents/INC-5000.yaml", "id: INC-5000\ntitle: flat\nstatus: open\n");
    CHECK(store.next_id("INC") == "INC-5001");  // a flat file above every shard
    t.write("incidents/0/SEC-4.yaml", "id: SEC-4\ntitle: t\nstatus: open\n");
    CHECK(store.next_id("SEC") == "SEC-5");  // the highest shard holding the prefix
    // A file in another shard than its number's is not an incident file.
    t.write("incidents/7/INC-8.yaml", "id: INC-8\ntitle: lost\nstatus: open\n");
    CHECK_THROWS_AS(store.load("INC-8"), NotFound);
    // In both layouts: the configured one is read, and listed once.
    t.write("incidents/INC-1.yaml", "id: INC-1\ntitle: the flat copy\nstatus: open\n");
    CHECK(store.load("INC-1").title == "t");
    CHECK(Store(find_repository(t.dir), Layout::flat).load("INC-1").title == "the flat copy");
    CHECK(store.list_ids().size() == 6);
}

TEST_CASE("store, sharded: a shard that is a link out of the repository is neither listed nor read") {
    namespace fs = std::filesystem;
    TestContext t;
    t.write("repo/.incident/config.yaml", "");
    t.write("outside/INC-1.yaml", "id: INC-1\ntitle: secret\nstatus: open\n");
    fs::create_directories(t.dir / "repo/incidents");
    fs::create_directory_symlink(t.dir / "outside", t.dir / "repo/incidents/0");
    Store store(find_repository(t.dir / "repo"), Layout::sharded);
    CHECK(store.list_ids().empty());
    CHECK(store.next_id("INC") == "INC-1");
    CHECK_THROWS_AS(store.load("INC-1"), InvalidData);
    CHECK_THROWS_AS(store.save(titled("INC-1", "overwrite")), InvalidData);
    CHECK(t.read("outside/INC-1.yaml").find("secret") != std::string::npos);
}

TEST_CASE("a save keeps the file's mode: 0600 stays private, read-only stays read-only") {
    TestContext t;
    Store store = store_in(t);
    Incident inc = titled("INC-1", "t");
    store.save(inc);
    auto mode = [&] {
        struct stat st {};
        ::stat((t.dir / "incidents" / "INC-1.yaml").c_str(), &st);
        return st.st_mode & 07777;
    };
    mode_t mask = ::umask(022);
    ::umask(mask);
    CHECK(mode() == (0666 & ~mask));
    for (mode_t m : {0600, 0440}) {
        ::chmod((t.dir / "incidents" / "INC-1.yaml").c_str(), m);
        inc.title = "changed " + std::to_string(m);
        store.save(inc);
        CHECK(mode() == m);
        CHECK(store.load("INC-1").title == inc.title);
    }
}

TEST_CASE("the store refuses to write what it could not read back, and writes nothing") {
    TestContext t;
    Store store = store_in(t);
    Incident inc = titled("INC-1", "first");
    store.save(inc);
    std::string before = t.read("incidents/INC-1.yaml");

    Incident bad = inc;
    YamlNode map = YamlNode::mapping();
    map.set(std::string(kMaxKeyLength + 1, 'k'), YamlNode("v"));  // no YAML reader takes such a key back
    bad.extra.push_back({"title", "custom", map});
    try {
        store.save(bad);
        FAIL("saved a key it cannot read back");
    } catch (const InvalidData& e) {
        CHECK(std::string(e.what()).find("incidents/INC-1.yaml:") == 0);
        CHECK(std::string(e.what()).find("the change cannot be saved") != std::string::npos);
    }
    Incident untitled = inc;
    untitled.title.clear();
    CHECK_THROWS_AS(store.save(untitled), InvalidData);
    CHECK(t.read("incidents/INC-1.yaml") == before);
    CHECK(std::filesystem::directory_iterator(t.dir / "incidents") != std::filesystem::directory_iterator());
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(t.dir / "incidents")) files += entry.is_regular_file();
    CHECK(files == 1);  // no temporary left behind
}

TEST_CASE("only regular files are read: a FIFO is refused at once") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    std::filesystem::create_directories(t.dir / "incidents");
    REQUIRE(mkfifo((t.dir / "incidents" / "INC-1.yaml").c_str(), 0644) == 0);
    REQUIRE(mkfifo((t.dir / "pm.md").c_str(), 0644) == 0);
    Store store(find_repository(t.dir));
    CHECK_THROWS_AS(store.load("INC-1"), Error);
    CHECK_FALSE(read_file(t.dir / "pm.md").has_value());
}

TEST_CASE("repository discovery walks up and finds the git state dir") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    std::filesystem::create_directories(t.dir / ".git");
    std::filesystem::create_directories(t.dir / "a" / "b");
    Repository repo = find_repository(t.dir / "a" / "b");
    CHECK(repo.root == std::filesystem::canonical(t.dir));
    CHECK(repo.in_git);
    CHECK(repo.lock_path() == std::filesystem::canonical(t.dir) / ".git" / "incident" / "lock");
    CHECK_THROWS_AS(find_repository(std::filesystem::temp_directory_path()), IoError);
}

TEST_SUITE_END();
