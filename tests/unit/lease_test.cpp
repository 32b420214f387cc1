// The pager lease through the library: two receivers on two clones of one
// bare remote (local paths, no network), each judging the ref with its own
// `now` — taken when free, kept by renewing, lapsed only after ttl
// unchanged as each has seen it, released for the next at once, refused to
// a push that raced another, and never confused by what else is in the ref.
#include "page/lease.hpp"

#include "model/text.hpp"
#include "workspace_fixture.hpp"

namespace incident::test {

namespace {

using namespace std::chrono_literals;

const LeaseTime t0 = LeaseTime{at("2026-11-22T03:00:00Z")};
constexpr Seconds kTtl{4};

// Clone `a` (the seed repository) pushed to a bare remote, and clone `b` of it.
struct LeaseClones : SharedRepo {
    LeaseClones() { share(); }
    // The lease ref on the remote: its commit, or "" when there is none.
    std::string remote_lease() const {
        auto r = run_process({"git", "rev-parse", "-q", "--verify", std::string(kPagerLeaseRef)}, remote.string());
        return r.status == 0 ? r.out.substr(0, 40) : std::string();
    }
    // A commit with exactly this message (whatever its bytes), made in `a`.
    std::string raw_commit(const std::string& message) const {
        const std::string tree = a.git("hash-object -w -t tree /dev/null").substr(0, 40);
        a.t.write(
            "raw-commit",
            "tree " + tree + "\nauthor x <x@example.com> 0 +0000\ncommitter x <x@example.com> 0 +0000\n\n" + message);
        return a.git("hash-object -w -t commit " + (a.t.dir / "raw-commit").string()).substr(0, 40);
    }
    // The next `git push` this process runs (a receiver's) finds `oid`
    // already pushed to the lease by someone else: a wrapper of git first on
    // PATH pushes it from `a` just before.
    void land_before_next_push(const std::string& oid) {
        const fs::path bin = a.t.dir / "bin";
        if (!fs::exists(bin)) {
            const std::string git = "'" + first_line(a.run("command -v git").out) + "'";
            a.t.write("bin/git", "#!/bin/sh\nGIT=" + git + "\nROOT='" + a.root.string() + "'\n" + R"sh(
case " $* " in *" push --porcelain "*)
  if [ -e "$0.next" ]; then
    (unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE; "$GIT" -C "$ROOT" push -q -f origin "$(cat "$0.next")") >/dev/null 2>&1
    rm -f "$0.next"
  fi;;
esac
exec "$GIT" "$@"
)sh");
            fs::permissions(bin / "git", fs::perms::owner_all);
            a.env.set("PATH", bin.string() + ":" + std::getenv("PATH"));
        }
        a.t.write("bin/git.next", oid + ":" + kPagerLeaseRef);
    }
    // Someone else (not a receiver) forces the ref to `oid`.
    void force_lease(const std::string& oid) const {
        a.git("push -q -f origin " + oid + ":" + kPagerLeaseRef + " 2>&1");
    }
};

// What a round said, in one line to compare.
std::string said(const LeaseRound& r) {
    return std::string(r.held ? "held" : "not held") + (r.changed ? ", changed" : "") + ", holder " + r.holder +
           (r.problem.empty() ? "" : ", " + r.problem);
}

}  // namespace

TEST_SUITE_BEGIN("lease");

TEST_CASE("a lease message reads back, and anything else in the ref reads as nothing") {
    auto back = parse_lease_message(lease_message(LeaseRecord{"host-a:12", 42}));
    REQUIRE(back);
    CHECK(back->holder == "host-a:12");
    CHECK(back->serial == 42);
    auto released = parse_lease_message(lease_message(LeaseRecord{"", 43}));
    REQUIRE(released);
    CHECK(released->holder == "");

    const std::string title = "incident pager lease\n\n";
    for (const std::string& text : {
             std::string(), std::string("hello\n"),
             std::string("Incident pager lease\n\nholder: a\n"),  // another title
             title + "serial: 1\n",                               // no holder
             title + "holder:a\n",                                //
             title + "holder: a\x1b[2J\n",                        // a control character in the holder
             title + "holder: a\tb\n",                            //
             title + "holder: a\x7f\n",                           //
             title + "holder: a\rb\n",                            //
             title + "holder: " + std::string(201, 'h') + "\n",   // too long
         }) {
        CAPTURE(text);
        CHECK_FALSE(parse_lease_message(text));
    }
    CHECK(parse_lease_message(title + "holder: " + std::string(200, 'h') + "\n"));
    CHECK(parse_lease_message(title + "holder: h\xc3\xa9\n").value_or(LeaseRecord{}).holder == "h\xc3\xa9");
}

TEST_CASE("a lease is judged every ttl/4, and needs a remote") {
    LeaseClones c;
    CHECK(PagerLease(c.a.open(), "A", kTtl).every() == 1000ms);
    CHECK(PagerLease(c.a.open(), "A", Seconds{10}).every() == 2500ms);

    IncidentRepo alone;
    auto e = thrown<IoError>([&] { PagerLease(alone.open(), "A", kTtl); });
    REQUIRE(e);
    CHECK(contains(e->what(), "no remote to sync with"));
}

TEST_CASE("a free lease is taken; a holder that stops renewing loses it ttl after the other saw its last commit") {
    LeaseClones c;
    PagerLease a(c.a.open(), "A", kTtl), b(c.open_b(), "B", kTtl);
    CHECK(said(a.round(t0)) == "held, changed, holder A");
    CHECK(a.held_until() == t0 + 3s);  // ttl less ttl/4
    CHECK(a.holds(t0 + 3s - 1ms));
    CHECK_FALSE(a.holds(t0 + 3s));
    const std::string taken = c.remote_lease();
    CHECK(taken.size() == 40);

    CHECK(said(b.round(t0)) == "not held, holder A");
    CHECK_FALSE(b.holds(t0));
    CHECK_FALSE(b.held_until());
    CHECK(said(b.round(t0 + kTtl - 1ms)) == "not held, holder A");
    CHECK(c.remote_lease() == taken);

    // A never renewed: by then its own holds() said no.
    CHECK(*a.held_until() < t0 + kTtl);
    CHECK_FALSE(a.holds(t0 + kTtl - 1ms));
    CHECK(said(b.round(t0 + kTtl)) == "held, changed, holder B");
    CHECK(b.held_until() == t0 + kTtl + 3s);
    CHECK(c.remote_lease() != taken);

    CHECK(said(a.round(t0 + kTtl + 1s)) == "not held, changed, holder B");
    CHECK_FALSE(a.held_until());
    CHECK(said(b.round(t0 + kTtl + 1s)) == "held, holder B");
}

TEST_CASE("renewing keeps the lease, and each new commit restarts the other's wait") {
    LeaseClones c;
    PagerLease a(c.a.open(), "A", kTtl), b(c.open_b(), "B", kTtl);
    CHECK(said(a.round(t0)) == "held, changed, holder A");
    CHECK(said(b.round(t0)) == "not held, holder A");
    const std::string first = c.remote_lease();

    CHECK(said(a.round(t0 + 1s)) == "held, holder A");  // renewed: a new commit
    CHECK(a.held_until() == t0 + 4s);
    CHECK(c.remote_lease() != first);

    CHECK(said(b.round(t0 + 2s)) == "not held, holder A");  // B sees the renewal first here
    CHECK(said(b.round(t0 + 4s)) == "not held, holder A");  // ttl after the first commit: not lapsed
    CHECK(said(b.round(t0 + 6s - 1ms)) == "not held, holder A");
    // A stopped after t0 + 1s: it stops holding at t0 + 4s, B takes at t0 + 6s.
    CHECK_FALSE(a.holds(t0 + 4s));
    CHECK(said(b.round(t0 + 6s)) == "held, changed, holder B");
    CHECK(*a.held_until() < t0 + 6s);
    CHECK(said(a.round(t0 + 7s)) == "not held, changed, holder B");
}

TEST_CASE("a holder that cannot reach the remote holds the lease until its time is up, and says why") {
    LeaseClones c;
    PagerLease a(c.a.open(), "A", kTtl);
    CHECK(said(a.round(t0)) == "held, changed, holder A");
    fs::rename(c.remote, c.a.t.dir / "away.git");
    LeaseRound r = a.round(t0 + 1s);
    CHECK(r.held);
    CHECK(contains(r.problem, "cannot read the pager lease from origin"));
    CHECK(a.held_until() == t0 + 3s);  // not renewed
    r = a.round(t0 + 3s);
    CHECK_FALSE(r.held);
    CHECK(r.changed);
    CHECK_FALSE(r.problem.empty());
}

TEST_CASE("a released lease is taken at once, and a lost one is not released") {
    LeaseClones c;
    PagerLease a(c.a.open(), "A", kTtl), b(c.open_b(), "B", kTtl);
    CHECK(said(a.round(t0)) == "held, changed, holder A");
    CHECK(said(b.round(t0)) == "not held, holder A");

    a.release();
    CHECK_FALSE(a.holds(t0 + 500ms));
    CHECK_FALSE(a.held_until());
    CHECK(said(b.round(t0 + 1s)) == "held, changed, holder B");  // no wait for ttl
    CHECK(said(a.round(t0 + 1s)) == "not held, holder B");

    // B stops; A takes it after ttl. B, still counting itself the last
    // holder, releases: its push names a commit that is no longer there.
    CHECK(said(a.round(t0 + 5s)) == "held, changed, holder A");
    const std::string a_lease = c.remote_lease();
    b.release();
    CHECK(c.remote_lease() == a_lease);
    CHECK(said(a.round(t0 + 6s)) == "held, holder A");
    CHECK(said(b.round(t0 + 6s)) == "not held, holder A");
}

TEST_CASE("of two receivers deciding at once one wins: the other's push is refused") {
    LeaseClones c;
    PagerLease a(c.a.open(), "A", kTtl), b(c.open_b(), "B", kTtl);
    const std::string a_take = c.raw_commit(lease_message(LeaseRecord{"A", 1}));

    SUBCASE("both saw no lease") {
        c.land_before_next_push(a_take);
        LeaseRound r = b.round(t0);
        CHECK(said(r) == "not held, holder , cannot write the pager lease to origin");
        CHECK_FALSE(b.holds(t0));
        CHECK(c.remote_lease() == a_take);
    }
    SUBCASE("both saw a released lease, one of them its last holder") {
        CHECK(said(b.round(t0)) == "held, changed, holder B");
        c.force_lease(c.raw_commit(lease_message(LeaseRecord{"", 7})));
        c.land_before_next_push(a_take);
        LeaseRound r = b.round(t0 + 1s);
        CHECK(said(r) == "not held, changed, holder , cannot write the pager lease to origin");
        CHECK_FALSE(b.holds(t0 + 1s));
        CHECK(c.remote_lease() == a_take);
    }

    // From here on A renews every second and B, with the ref changing under
    // it, never holds the lease.
    CHECK(said(a.round(t0 + 1s)) == "held, changed, holder A");
    for (auto t = t0 + 1s; t <= t0 + 12s; t += 1s) {
        CAPTURE((t - t0).count());
        CHECK(said(b.round(t + 500ms)) == "not held, holder A");
        CHECK_FALSE(b.holds(t + 500ms));
        CHECK(said(a.round(t + 1s)) == "held, holder A");
    }
}

TEST_CASE("whatever else is in the ref is another's lease: taken after ttl unchanged, never a crash") {
    LeaseClones c;
    for (const std::string& message :
         {std::string("hello, world\n"), std::string("incident pager lease\n\nholder: B\x1b]0;owned\x07\nserial: 1\n"),
          std::string("incident pager lease\n\nserial: 9\n")}) {
        CAPTURE(message);
        c.force_lease(c.raw_commit(message));
        PagerLease b(c.open_b(), "B", kTtl);
        CHECK(said(b.round(t0)) == "not held, holder an unreadable lease");
        CHECK(said(b.round(t0 + kTtl - 1ms)) == "not held, holder an unreadable lease");
        CHECK(said(b.round(t0 + kTtl)) == "held, changed, holder B");
    }

    // Not even a commit: a blob.
    c.a.t.write("blob", "incident pager lease\n\nholder: A\n");
    c.force_lease(c.a.git("hash-object -w " + (c.a.t.dir / "blob").string()).substr(0, 40));
    PagerLease b(c.open_b(), "B", kTtl);
    CHECK(said(b.round(t0)) == "not held, holder an unreadable lease");
    CHECK(said(b.round(t0 + kTtl)) == "held, changed, holder B");
}

TEST_SUITE_END();

}  // namespace incident::test
