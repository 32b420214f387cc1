#include "git/git.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>

#include "git/process.hpp"
#include "git/tree.hpp"
#include "model/errors.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::GitEnvironment;
using incident::test::TestContext;

namespace {

namespace fs = std::filesystem;

// A repository in a fresh temporary directory, on branch main, with an identity.
struct Repo {
    TestContext t;
    GitEnvironment env{t.dir / "gitconfig"};
    fs::path root = t.dir / "repo";
    explicit Repo(bool identity = true) {
        t.write("gitconfig", "");
        fs::create_directories(root);
        sh("git init -q -b main");
        if (identity) sh("git config user.name Tester && git config user.email tester@example.com");
    }
    // Runs a shell command in the work tree; its output.
    std::string sh(const std::string& command) const {
        auto r = run_process({"sh", "-c", command}, root.string());
        INFO(command, ": ", r.err);
        REQUIRE(r.status == 0);
        return r.out;
    }
    void write(const std::string& rel, const std::string& text) const { t.write("repo/" + rel, text); }
    void commit_all(const std::string& message) const { sh("git add -A && git commit -q -m '" + message + "'"); }
    std::string head() const { return sh("git rev-parse HEAD"); }
    // The tree git's own index makes of the work tree (what HEAD's must equal).
    std::string tree_by_git() const {
        return sh(
            "GIT_INDEX_FILE=.git/check-index git add -A && GIT_INDEX_FILE=.git/check-index git write-tree && "
            "rm .git/check-index");
    }
    void commit(const std::vector<std::string>& paths, const std::string& message, const std::string& actor = "x") {
        git::commit_paths(root.string(), paths, message, actor);
    }
};

// Puts a `git` first on PATH that notes each run's subcommand in a log,
// then runs the real one: which git processes a call ran.
struct GitRuns {
    Repo& repo;
    fs::path log;
    explicit GitRuns(Repo& r) : repo(r), log(r.t.dir / "git-runs") {
        const std::string real = repo.sh("command -v git");
        repo.t.write("bin/git", "#!/bin/sh\necho \"$1\" >> '" + log.string() + "'\nexec " +
                                    real.substr(0, real.size() - 1) + " \"$@\"\n");
        fs::permissions(repo.t.dir / "bin/git", fs::perms::owner_all);
        repo.env.set("PATH", (repo.t.dir / "bin").string() + ":" + std::getenv("PATH"));
    }
    // The subcommands run since the last call.
    std::set<std::string> taken() const {
        std::set<std::string> out;
        std::ifstream in(log);
        for (std::string line; std::getline(in, line);) out.insert(line);
        fs::remove(log);
        return out;
    }
};

}  // namespace

TEST_SUITE_BEGIN("git");

TEST_CASE("what git is in the middle of, from its state files") {
    TestContext t;
    const std::string git_dir = t.dir.string();
    CHECK(git::operation_in_progress(git_dir).empty());
    struct Case {
        const char* file;
        const char* expected;
    };
    for (const Case& c : std::initializer_list<Case>{{"rebase-merge/", "a rebase"},
                                                     {"rebase-apply/", "a rebase"},
                                                     {"MERGE_HEAD", "a merge"},
                                                     {"CHERRY_PICK_HEAD", "a cherry-pick"},
                                                     {"REVERT_HEAD", "a revert"}}) {
        CAPTURE(c.file);
        std::string name = c.file;
        if (name.back() == '/')
            std::filesystem::create_directories(t.dir / name.substr(0, name.size() - 1));
        else
            t.write(name, "0123\n");
        CHECK(git::operation_in_progress(git_dir) == c.expected);
        std::filesystem::remove_all(t.dir / (name.back() == '/' ? name.substr(0, name.size() - 1) : name));
        CHECK(git::operation_in_progress(git_dir).empty());
    }
}

TEST_CASE("commit_paths commits exactly its paths, added, modified and deleted, and leaves the rest staged") {
    Repo repo;
    repo.write("incidents/INC-1.yaml", "one\n");
    repo.write("incidents/INC-2.yaml", "two\n");
    repo.write("incidents/INC-3.yaml", "three\n");
    repo.write("notes.txt", "notes\n");
    repo.commit_all("base");
    const std::string base = repo.head();
    // The user's own work: a staged change, a staged new file, an unstaged change.
    repo.write("incidents/INC-2.yaml", "two, staged by the user\n");
    repo.write("mine.txt", "new and staged\n");
    repo.sh("git add incidents/INC-2.yaml mine.txt");
    repo.write("notes.txt", "not staged\n");
    // The tool's change: a modified file (of which the user had staged another version), a deleted one, a new one.
    repo.write("incidents/INC-1.yaml", "staged\n");
    repo.sh("git add incidents/INC-1.yaml");
    repo.write("incidents/INC-1.yaml", "one, changed\n");
    fs::remove(repo.root / "incidents/INC-3.yaml");
    repo.write("incidents/INC-4.yaml", "four\n");

    repo.commit({"incidents/INC-1.yaml", "incidents/INC-3.yaml", "incidents/INC-4.yaml"}, "INC-1: note");

    CHECK(repo.sh("git rev-parse HEAD^") == base);
    CHECK(repo.sh("git diff-tree --no-commit-id --name-status -r HEAD") ==
          "M\tincidents/INC-1.yaml\nD\tincidents/INC-3.yaml\nA\tincidents/INC-4.yaml\n");
    CHECK(repo.sh("git show HEAD:incidents/INC-1.yaml") == "one, changed\n");
    CHECK(repo.sh("git log -1 --format=%B") == "INC-1: note\n\n");
    // The committed paths are clean; what the user staged is still staged, and only that.
    CHECK(repo.sh("git status --porcelain") == "M  incidents/INC-2.yaml\nA  mine.txt\n M notes.txt\n");
    CHECK(repo.sh("git diff --cached HEAD -- incidents/INC-2.yaml | grep '^+two'") == "+two, staged by the user\n");
    // The reflog entries git commit writes, for HEAD and for the branch.
    CHECK(repo.sh("git reflog -1 --format=%gs HEAD") == "commit: INC-1: note\n");
    CHECK(repo.sh("git reflog -1 --format=%gs refs/heads/main") == "commit: INC-1: note\n");
    CHECK(repo.sh("git rev-parse refs/heads/main") == repo.head());
    // Nothing beside the repository's own files; the tree was built from
    // HEAD's trees, with no index of the tool's own.
    CHECK(repo.sh("git status --porcelain --ignored --untracked-files=all | grep -v '^[MA ][M ] ' || true") == "");
    CHECK_FALSE(fs::exists(repo.root / ".git/incident/commit-index"));
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
}

TEST_CASE("commit_paths builds the tree git would: new and emptied directories, names git sorts oddly, modes") {
    Repo repo;
    for (const char* f : {"a/x.yaml", "a.b", "a-b", "ab/y.yaml", "gone/only.yaml", "run.sh", "z.yaml"})
        repo.write(f, std::string(f) + "\n");
    repo.sh("chmod +x run.sh");
    repo.commit_all("base");
    // A new directory two deep, a directory emptied, files beside names that
    // sort differently as a directory ("a" < "a-b" < "a.b" < "a/"), an executable.
    repo.write("a/x.yaml", "changed\n");
    repo.write("a.b", "changed\n");
    repo.write("new/deep/n.yaml", "new\n");
    repo.write("run.sh", "changed\n");
    fs::remove_all(repo.root / "gone");
    repo.commit({"a/x.yaml", "a.b", "new/deep/n.yaml", "run.sh", "gone/only.yaml"}, "tool");
    // The same content through git's own index: the same tree, to the byte.
    CHECK(repo.sh("git rev-parse HEAD^{tree}") == repo.tree_by_git());
    CHECK(repo.sh("git ls-tree HEAD run.sh | cut -c1-6") == "100755\n");
    CHECK(repo.sh("git ls-tree -d --name-only HEAD") == "a\nab\nnew\n");
    CHECK(repo.sh("git status --porcelain") == "");
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
}

TEST_CASE("commit_paths builds through an index of its own where HEAD holds a symbolic link") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.sh("ln -s a.yaml link.yaml");
    repo.commit_all("base");
    repo.sh("rm link.yaml && ln -s elsewhere.yaml link.yaml");
    repo.write("a.yaml", "a, changed\n");
    repo.commit({"a.yaml", "link.yaml"}, "tool");
    CHECK(repo.sh("git show HEAD:a.yaml") == "a, changed\n");
    CHECK(repo.sh("git cat-file -p HEAD:link.yaml") == "elsewhere.yaml");
    // Its index is kept for the next commit, recorded against the commit it holds.
    CHECK(repo.t.read("repo/.git/incident/commit-index.head") ==
          repo.sh("git rev-parse HEAD HEAD^{tree} | paste -sd' '"));
    CHECK(repo.sh("git status --porcelain") == "");
}

TEST_CASE("commit_paths makes the first commit of a repository") {
    Repo repo;
    repo.write("incidents/INC-1.yaml", "one\n");
    repo.write("other.txt", "staged by the user\n");
    repo.sh("git add other.txt");
    repo.commit({"incidents/INC-1.yaml"}, "incident: initialise repository");
    CHECK(repo.sh("git rev-list --count HEAD") == "1\n");
    CHECK(repo.sh("git ls-tree -r --name-only HEAD") == "incidents/INC-1.yaml\n");
    CHECK(repo.sh("git reflog -1 --format=%gs refs/heads/main") ==
          "commit (initial): incident: initialise repository\n");
    CHECK(repo.sh("git reflog -1 --format=%gs HEAD") == "commit (initial): incident: initialise repository\n");
    CHECK(repo.sh("git status --porcelain") == "A  other.txt\n");
}

TEST_CASE("commit_paths on a detached HEAD moves HEAD and no branch") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.commit_all("base");
    const std::string base = repo.head();
    repo.sh("git checkout -q --detach");
    repo.write("a.yaml", "a, changed\n");
    repo.commit({"a.yaml"}, "detached change");
    CHECK(repo.sh("git rev-parse HEAD^") == base);
    CHECK(repo.sh("git rev-parse main") == base);
    CHECK(repo.sh("git show HEAD:a.yaml") == "a, changed\n");
    CHECK(repo.sh("git reflog -1 --format=%gs HEAD") == "commit: detached change\n");
    CHECK(run_process({"git", "symbolic-ref", "-q", "HEAD"}, repo.root.string()).status == 1);  // still detached
}

TEST_CASE("commit_paths with nothing changed commits nothing and is no error") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.commit_all("base");
    const std::string base = repo.head();
    CHECK_NOTHROW(repo.commit({"a.yaml"}, "no change"));
    CHECK(repo.head() == base);
    CHECK_NOTHROW(repo.commit({}, "no paths"));
    CHECK(repo.head() == base);
    CHECK(repo.sh("git status --porcelain") == "");
}

TEST_CASE("commit_paths keeps what others committed meanwhile, however HEAD moved") {
    Repo repo;
    repo.write("a.yaml", "a0\n");
    repo.write("b.yaml", "b0\n");
    repo.commit_all("base");
    repo.write("a.yaml", "a1\n");
    repo.commit({"a.yaml"}, "tool 1");
    repo.write("a.yaml", "a2\n");
    repo.commit({"a.yaml"}, "tool 2");
    CHECK(repo.sh("git show HEAD:a.yaml HEAD^:a.yaml") == "a2\na1\n");

    // The user commits with git: the tool's next commit builds on it.
    repo.write("b.yaml", "b1\n");
    repo.sh("git commit -q -am user");
    const std::string user = repo.head();
    repo.write("a.yaml", "a3\n");
    repo.commit({"a.yaml"}, "tool 3");
    CHECK(repo.sh("git rev-parse HEAD^") == user);
    CHECK(repo.sh("git show HEAD:a.yaml HEAD:b.yaml") == "a3\nb1\n");

    // The user moves HEAD back: the tool's index follows.
    repo.sh("git reset -q --hard HEAD~3");
    repo.write("a.yaml", "a4\n");
    repo.commit({"a.yaml"}, "tool 4");
    CHECK(repo.sh("git show HEAD:a.yaml HEAD:b.yaml") == "a4\nb0\n");
    CHECK(repo.sh("git rev-list --count HEAD") == "3\n");
    CHECK(repo.sh("git status --porcelain") == "");
}

TEST_CASE("commit_paths uses the actor when git has no identity") {
    Repo repo(false);
    repo.write("a.yaml", "a\n");
    repo.commit({"a.yaml"}, "first", "alice@example.com");
    CHECK(repo.sh("git log -1 --format='%an|%ae|%cn|%ce'") ==
          "alice@example.com|alice@example.com|alice@example.com|alice@example.com\n");
    repo.sh("git config user.name Tester && git config user.email tester@example.com");
    repo.write("a.yaml", "a, changed\n");
    repo.commit({"a.yaml"}, "second", "alice@example.com");
    CHECK(repo.sh("git log -1 --format='%an|%ae|%cn|%ce'") == "Tester|tester@example.com|Tester|tester@example.com\n");
}

TEST_CASE("commit_paths signs when commit.gpgSign is set, as git commit does") {
    Repo repo;
    // A stand-in for gpg: records its arguments and answers as gpg does.
    repo.t.write("fake-gpg",
                 "#!/bin/sh\ncat >/dev/null\necho \"$@\" > \"$(dirname \"$0\")/gpg-args\"\n"
                 "printf '\\n[GNUPG:] SIG_CREATED D 1 8 00 0 FAKE\\n' >&2\n"
                 "printf -- '-----BEGIN PGP SIGNATURE-----\\n\\nfake\\n-----END PGP SIGNATURE-----\\n'\n");
    fs::permissions(repo.t.dir / "fake-gpg", fs::perms::owner_all);
    repo.sh("git config gpg.program '" + (repo.t.dir / "fake-gpg").string() + "'");
    repo.write("a.yaml", "a\n");
    repo.commit({"a.yaml"}, "unsigned");
    CHECK(repo.sh("git cat-file commit HEAD | grep -c '^gpgsig ' || true") == "0\n");

    repo.sh("git config commit.gpgSign true");
    repo.write("a.yaml", "a, signed\n");
    repo.commit({"a.yaml"}, "signed");
    CHECK(repo.sh("git cat-file commit HEAD | grep '^gpgsig '") == "gpgsig -----BEGIN PGP SIGNATURE-----\n");
    CHECK(repo.t.read("gpg-args").find("-bsau") != std::string::npos);

    // A signer that fails fails the commit, as it would git commit's.
    const std::string before = repo.head();
    repo.t.write("fake-gpg", "#!/bin/sh\nexit 1\n");
    repo.write("a.yaml", "a, not signed\n");
    try {
        repo.commit({"a.yaml"}, "refused");
        FAIL("no error");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()).rfind("git commit failed: ", 0) == 0);
    }
    CHECK(repo.head() == before);
}

TEST_CASE("commit_paths records the message as git commit -m does") {
    Repo repo, reference;
    for (std::string message :
         {"INC-1: note", "  indented subject  \n\n\n\nbody \t\n\n\nlast\n\n\n",
          "\n\nsubject after blank lines\nsecond line", "form feed\f\n# not a comment with -m\r\n\ttabbed \t"}) {
        CAPTURE(message);
        repo.write("a.yaml", message);
        repo.commit({"a.yaml"}, message);
        auto r = run_process({"git", "commit", "-q", "--allow-empty", "-m", message}, reference.root.string());
        REQUIRE(r.status == 0);
        CHECK(repo.sh("git log -1 --format=%B") == reference.sh("git log -1 --format=%B"));
        CHECK(repo.sh("git reflog -1 --format=%gs") == reference.sh("git reflog -1 --format=%gs"));
    }
    repo.write("a.yaml", "empty message");
    CHECK_THROWS_AS(repo.commit({"a.yaml"}, " \n\n"), IoError);
}

TEST_CASE("commit_paths fails loudly when it cannot move HEAD, and the next commit completes the change") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.commit({"a.yaml"}, "base");  // the tool's index now holds HEAD
    const std::string base = repo.head();
    repo.write("a.yaml", "a, changed\n");
    repo.t.write("repo/.git/refs/heads/main.lock", "");  // another git holds the branch
    try {
        repo.commit({"a.yaml"}, "blocked");
        FAIL("no error");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()).rfind("git commit failed: ", 0) == 0);
        CHECK(std::string(e.what()).find("main.lock") != std::string::npos);
        CHECK(e.hint() == "the change is saved in the work tree; commit it by hand");
    }
    CHECK(repo.head() == base);
    fs::remove(repo.root / ".git/refs/heads/main.lock");
    // The refused change is staged, as after a refused git commit, and left out of other commits.
    CHECK(repo.sh("git status --porcelain") == "M  a.yaml\n");
    repo.write("b.yaml", "b\n");
    repo.commit({"b.yaml"}, "another change");
    CHECK(repo.sh("git diff-tree --no-commit-id --name-only -r HEAD") == "b.yaml\n");
    repo.commit({"a.yaml"}, "completed");
    CHECK(repo.sh("git diff-tree --no-commit-id --name-only -r HEAD") == "a.yaml\n");
    CHECK(repo.sh("git status --porcelain") == "");
}

TEST_CASE("commit_paths commits nothing when it cannot stage in the user's index") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.commit({"a.yaml"}, "base");
    const std::string base = repo.head();
    repo.t.write("repo/.git/index.lock", "");  // another git holds the index
    repo.write("a.yaml", "a, changed\n");
    try {
        repo.commit({"a.yaml"}, "blocked");
        FAIL("no error");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()).rfind("git add failed: ", 0) == 0);
        CHECK(std::string(e.what()).find("index.lock") != std::string::npos);
    }
    CHECK(repo.head() == base);
    fs::remove(repo.root / ".git/index.lock");
    repo.write("b.yaml", "b\n");
    repo.commit({"b.yaml"}, "another change");
    CHECK(repo.sh("git diff-tree --no-commit-id --name-only -r HEAD") == "b.yaml\n");
    CHECK(repo.sh("git status --porcelain") == " M a.yaml\n");
}

TEST_CASE("commit_paths is not blocked by a killed run's lock on its index") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.commit({"a.yaml"}, "first");
    repo.t.write("repo/.git/incident/commit-index.lock", "");
    repo.write("a.yaml", "a, changed\n");
    repo.commit({"a.yaml"}, "second");
    CHECK(repo.sh("git show HEAD:a.yaml") == "a, changed\n");
}

TEST_CASE("commit_paths outside a git repository is an IoError") {
    TestContext t;
    GitEnvironment env(t.dir / "gitconfig");
    t.write("a.yaml", "a\n");
    try {
        git::commit_paths(t.dir.string(), {"a.yaml"}, "message", "x");
        FAIL("no error");
    } catch (const IoError& e) {
        CHECK(std::string(e.what()).rfind("git commit failed: ", 0) == 0);
        CHECK(std::string(e.what()).find("not a git repository") != std::string::npos);
    }
}

TEST_CASE("commit_paths builds the tree git would in a SHA-256 repository") {
    Repo repo(false);
    repo.t.write("gitconfig", "[user]\n\tname = Tester\n\temail = tester@example.com\n");
    repo.sh("rm -rf .git && git init -q -b main --object-format=sha256");
    REQUIRE(repo.sh("git rev-parse --show-object-format") == "sha256\n");
    for (const char* f : {"a/x.yaml", "gone/only.yaml", "z.yaml"}) repo.write(f, std::string(f) + "\n");
    repo.commit_all("base");
    repo.write("a/x.yaml", "changed\n");
    repo.write("new/deep/n.yaml", "new\n");
    fs::remove(repo.root / "gone/only.yaml");
    repo.commit({"a/x.yaml", "new/deep/n.yaml", "gone/only.yaml"}, "tool");
    CHECK(repo.sh("git rev-parse HEAD^{tree}") == repo.tree_by_git());
    CHECK(repo.sh("git ls-tree -r --name-only HEAD") == "a/x.yaml\nnew/deep/n.yaml\nz.yaml\n");
    CHECK(repo.sh("git status --porcelain") == "");
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
}

TEST_CASE("commit_paths in a subdirectory of the work tree commits its paths under that prefix") {
    Repo repo;
    for (const char* f : {"ops/incidents/A.yaml", "ops/incidents/B.yaml", "README.md"})
        repo.write(f, std::string(f) + "\n");
    repo.commit_all("base");
    repo.write("ops/incidents/A.yaml", "changed\n");
    repo.write("ops/incidents/C.yaml", "new\n");
    repo.write("ops/pm/deep/1.md", "new\n");
    fs::remove(repo.root / "ops/incidents/B.yaml");
    git::commit_paths((repo.root / "ops").string(),
                      {"incidents/A.yaml", "incidents/B.yaml", "incidents/C.yaml", "pm/deep/1.md"}, "tool", "x");
    CHECK(repo.sh("git ls-tree -r --name-only HEAD") ==
          "README.md\nops/incidents/A.yaml\nops/incidents/C.yaml\nops/pm/deep/1.md\n");
    CHECK(repo.sh("git show HEAD:ops/incidents/A.yaml") == "changed\n");
    CHECK(repo.sh("git status --porcelain") == "");  // HEAD is the work tree, the deletion included
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
}

TEST_CASE(
    "commit_paths writes the objects, the user's index and HEAD's branch in this process; git runs only to read "
    "the configuration") {
    Repo repo;
    repo.write("incidents/1/INC-1.yaml", "one\n");
    repo.write("incidents/2/INC-2.yaml", "two\n");
    repo.commit_all("base");
    GitRuns runs(repo);
    repo.write("incidents/1/INC-1.yaml", "one, changed\n");
    repo.write("incidents/1/INC-3.yaml", "three\n");
    repo.commit({"incidents/1/INC-1.yaml", "incidents/1/INC-3.yaml"}, "two changes");
    CHECK(runs.taken() == std::set<std::string>{"config"});
    CHECK(repo.sh("git rev-parse HEAD^{tree}") == repo.tree_by_git());
    CHECK(repo.sh("git status --porcelain") == "");
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
    // A date from the environment is git's to read: its commit-tree makes the commit.
    repo.env.set("GIT_COMMITTER_DATE", "@1700000000 +0100");
    repo.write("incidents/2/INC-2.yaml", "two, changed\n");
    repo.commit({"incidents/2/INC-2.yaml"}, "dated");
    const auto dated = runs.taken();
    CHECK(dated.contains("commit-tree"));
    CHECK(repo.sh("git log -1 --format=%cd --date=raw") == "1700000000 +0100\n");
    repo.env.set("GIT_COMMITTER_DATE", std::nullopt);
}

TEST_CASE("commit_paths records the author, the committer and the reflog entries git commit would") {
    Repo repo, reference;
    auto both = [&](const std::string& command) {
        repo.sh(command);
        reference.sh(command);
    };
    const std::string who = "git log -1 --format='%an|%ae|%cn|%ce|%ad|%cd' --date=format:%z";
    const std::string logged = "--format='%gn|%ge|%gs'";
    int n = 0;
    auto check = [&](const std::string& message) {
        CAPTURE(message);
        const std::string file = "f" + std::to_string(++n) + ".yaml";
        repo.write(file, message + "\n");
        repo.commit({file}, message, "alice@example.com");
        reference.write(file, message + "\n");
        reference.sh("git add " + file + " && git commit -q -m '" + message + "'");
        CHECK(repo.sh(who) == reference.sh(who));
        CHECK(repo.sh("git reflog -1 " + logged + " HEAD") == reference.sh("git reflog -1 " + logged + " HEAD"));
        CHECK(repo.sh("git reflog -1 " + logged + " main") == reference.sh("git reflog -1 " + logged + " main"));
    };
    both("git commit -q --allow-empty -m base");
    check("user.name and user.email");
    both("git config author.name Writer && git config committer.email committer@example.com");
    check("author.name and committer.email");
    repo.env.set("GIT_AUTHOR_NAME", "From The Environment");
    repo.env.set("GIT_COMMITTER_EMAIL", "env@example.com");
    check("names from the environment");
}

TEST_CASE("commit_paths leaves a file with a clean filter to git, which stores what the filter makes") {
    Repo repo;
    repo.write(".gitattributes", "*.yaml filter=upper\n");
    repo.sh("git config filter.upper.clean 'tr a-z A-Z' && git config filter.upper.smudge cat");
    repo.write("a.yaml", "base\n");
    repo.commit_all("base");
    repo.write("a.yaml", "lower case\n");
    repo.commit({"a.yaml"}, "filtered");
    CHECK(repo.sh("git show HEAD:a.yaml") == "LOWER CASE\n");
    CHECK(repo.sh("git rev-parse HEAD^{tree}") == repo.tree_by_git());
}

TEST_CASE("commit_paths runs git maintenance only when gc would have work, as git commit's does") {
    Repo repo;
    repo.write("a.yaml", "a\n");
    repo.commit_all("base");
    // gc when more than one loose object starts with 17; in the foreground, for the check below
    repo.sh("git config gc.auto 256 && git config gc.autoDetach false");
    GitRuns runs(repo);
    repo.write("a.yaml", "a, changed\n");
    repo.commit({"a.yaml"}, "no gc yet");
    CHECK_FALSE(runs.taken().contains("maintenance"));
    for (int i = 0, found = 0; found < 2; ++i) {  // two loose objects in objects/17
        const std::string content = std::to_string(i) + "\n";
        if (git::sha1_object_id("blob", content).rfind("17", 0) != 0) continue;
        repo.sh("printf '" + std::to_string(i) + "\\n' | git hash-object -w --stdin");
        ++found;
    }
    repo.write("a.yaml", "a, changed again\n");
    repo.commit({"a.yaml"}, "gc now");
    CHECK(runs.taken().contains("maintenance"));
    CHECK(repo.sh("git count-objects -v | grep in-pack") != "in-pack: 0\n");  // gc packed the commits
}

namespace {

// The user's index as `git ls-files --stage --debug` shows it (stat data included).
std::string index_entries(const Repo& repo) { return repo.sh("git ls-files --stage --debug"); }

// What `git update-index` makes of the same paths, entry by entry, from the files as they are.
std::string index_by_git(const Repo& repo, const std::string& paths) {
    repo.sh("git update-index --add --remove -- " + paths);
    return index_entries(repo);
}

// The index file's version (its header).
unsigned index_version(const Repo& repo) {
    std::ifstream in(repo.root / ".git/index", std::ios::binary);
    char header[8] = {};
    in.read(header, 8);
    return static_cast<unsigned char>(header[7]);
}

}  // namespace

TEST_CASE("commit_paths writes the user's index entry for entry as git update-index does") {
    Repo repo;
    for (const char* name : {"a-b", "a.b", "a/b", "a0", "incidents/1/INC-1.yaml", "incidents/1/INC-2.yaml", "z"})
        repo.write(name, std::string(name) + "\n");
    repo.sh("printf 'x\\n' > run.sh && chmod +x run.sh");
    repo.commit_all("base");  // git commit leaves a cache of trees (TREE) in the index
    GitRuns runs(repo);
    repo.write("incidents/1/INC-1.yaml", "one, changed\n");
    repo.write("incidents/1/INC-3.yaml", "three\n");
    repo.write("a/c", "new in a directory\n");
    repo.sh("printf 'y\\n' > run.sh && rm incidents/1/INC-2.yaml");
    const std::string paths = "a/c incidents/1/INC-1.yaml incidents/1/INC-2.yaml incidents/1/INC-3.yaml run.sh";
    repo.commit({"a/c", "incidents/1/INC-1.yaml", "incidents/1/INC-2.yaml", "incidents/1/INC-3.yaml", "run.sh"},
                "five paths");
    CHECK_FALSE(runs.taken().contains("update-index"));
    const std::string ours = index_entries(repo);
    CHECK(ours.find("100755") != std::string::npos);
    CHECK(ours.find("INC-2") == std::string::npos);
    CHECK(repo.sh("git status --porcelain") == "");
    CHECK(repo.sh("git diff --cached --name-only") == "");
    CHECK(repo.sh("git write-tree") == repo.sh("git rev-parse HEAD^{tree}"));  // no stale cache of trees
    CHECK(index_by_git(repo, paths) == ours);
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
}

TEST_CASE("commit_paths smudges an entry the old index left racily clean, so git still sees its change") {
    Repo repo;
    repo.write("a.yaml", "a1\n");
    repo.write("b.yaml", "b1\n");
    repo.commit_all("base");
    repo.sh("git config core.trustctime false");
    // b.yaml changed within the index's own second, its size and mtime as the entry has them:
    // only its content tells, and git compares it because the entry is racy.
    repo.write("b.yaml", "b1\n");
    repo.sh(
        "touch -d @1600000000 b.yaml && git update-index b.yaml && printf 'b2\\n' > b.yaml && "
        "touch -d @1600000000 b.yaml .git/index");
    repo.write("a.yaml", "a2\n");
    repo.commit({"a.yaml"}, "a alone");
    CHECK(repo.sh("git show HEAD:a.yaml") == "a2\n");
    CHECK(repo.sh("git status --porcelain") == " M b.yaml\n");
}

TEST_CASE("commit_paths moves HEAD's branch as git update-ref does, and leaves to git what is not a plain branch") {
    Repo repo, reference;
    for (Repo* r : {&repo, &reference}) {
        r->write("a.yaml", "a0\n");
        r->commit_all("base");
    }
    GitRuns runs(repo);
    const std::string line = "git reflog -1 --format='%gn|%ge|%gs' ";
    int n = 0;
    auto both = [&](const std::string& message) {
        CAPTURE(message);
        const std::string text = "a" + std::to_string(++n) + "\n";
        const std::string before = repo.head();
        repo.write("a.yaml", text);
        repo.commit({"a.yaml"}, message, "alice@example.com");
        reference.write("a.yaml", text);
        reference.sh("git commit -q -am \"$(printf '" + message + "')\"");
        CHECK(repo.sh(line + "HEAD") == reference.sh(line + "HEAD"));
        CHECK(repo.sh(line + "main") == reference.sh(line + "main"));
        // The old and the new commit of each reflog line, as git writes them.
        CHECK(repo.sh("git reflog -1 --format='%H' main") == repo.head());
        CHECK(repo.sh("tail -1 .git/logs/HEAD | cut -d' ' -f1") == before);
        CHECK(repo.sh("tail -1 .git/logs/HEAD") == repo.sh("tail -1 .git/logs/refs/heads/main"));
    };
    both("plain");
    CHECK_FALSE(runs.taken().contains("update-ref"));
    both("  spaced \tout   words  ");  // folded as git folds a reflog message
    CHECK_FALSE(runs.taken().contains("update-ref"));
    // Packed (as git gc leaves it): git moves it, and makes it a loose ref again.
    repo.sh("git pack-refs --all");
    CHECK_FALSE(fs::exists(repo.root / ".git/refs/heads/main"));
    both("after gc");
    CHECK(runs.taken().contains("update-ref"));
    both("loose again");
    CHECK_FALSE(runs.taken().contains("update-ref"));
    // No reflog for the branch: git decides whether to make one.
    repo.sh("rm .git/logs/refs/heads/main");
    reference.sh("rm .git/logs/refs/heads/main");
    both("no reflog");
    CHECK(runs.taken().contains("update-ref"));
    CHECK(repo.sh("git status --porcelain") == "");
    CHECK(repo.sh("git fsck --no-dangling 2>&1") == "");
}

TEST_CASE("commit_paths removes the branch lock a killed run of its own left, and not another git's") {
    Repo repo;
    repo.write("a.yaml", "a1\n");
    repo.commit_all("base");
    std::string gone = repo.sh("sh -c 'echo $$'");
    gone.pop_back();
    repo.sh("mkdir -p .git/incident && : > .git/incident/branch-main.lock." + gone +
            " && ln .git/incident/branch-main.lock." + gone + " .git/refs/heads/main.lock");
    repo.write("a.yaml", "a2\n");
    repo.commit({"a.yaml"}, "after a kill");
    CHECK(repo.sh("git show HEAD:a.yaml") == "a2\n");
    CHECK_FALSE(fs::exists(repo.root / ".git/refs/heads/main.lock"));
    CHECK(repo.sh("ls .git/incident | grep branch- || true") == "");
    // git's own lock (no second name): refused, as git refuses it, and left.
    repo.sh(": > .git/refs/heads/main.lock");
    repo.write("a.yaml", "a3\n");
    CHECK_THROWS_AS(repo.commit({"a.yaml"}, "held"), IoError);
    CHECK(fs::exists(repo.root / ".git/refs/heads/main.lock"));
    CHECK(repo.sh("git show HEAD:a.yaml") == "a2\n");
}

TEST_CASE("commit_paths removes the index lock a killed run of its own left, and no other") {
    Repo repo;
    repo.write("a.yaml", "a1\n");
    repo.commit_all("base");
    // A process that is gone: its pid, once it has ended.
    std::string gone = repo.sh("sh -c 'echo $$'");
    gone.pop_back();
    repo.sh("mkdir -p .git/incident && : > .git/incident/index.lock." + gone + " && ln .git/incident/index.lock." +
            gone + " .git/index.lock");
    repo.sh(": > .git/incident/index.lock.1" + gone);  // another gone run's name, without a lock
    repo.write("a.yaml", "a2\n");
    repo.commit({"a.yaml"}, "after a kill");
    CHECK(repo.sh("git show HEAD:a.yaml") == "a2\n");
    CHECK_FALSE(fs::exists(repo.root / ".git/index.lock"));
    CHECK(repo.sh("ls .git/incident | grep index.lock || true") == "");
    CHECK(repo.sh("git status --porcelain") == "");
    // A lock whose second name names a process that runs (this one's parent) is refused and left
    // alone, as is one with no second name, or another file under a gone run's name.
    const std::string alive = ".git/incident/index.lock." + std::to_string(::getppid());
    repo.sh(": > " + alive + " && ln " + alive + " .git/index.lock");
    repo.write("a.yaml", "a3\n");
    CHECK_THROWS_AS(repo.commit({"a.yaml"}, "held"), IoError);
    CHECK(fs::exists(repo.root / ".git/index.lock"));
    repo.sh("rm .git/index.lock " + alive + " && : > .git/index.lock && : > .git/incident/index.lock." + gone);
    repo.write("a.yaml", "a3\n");
    CHECK_THROWS_AS(repo.commit({"a.yaml"}, "held"), IoError);
    CHECK(fs::exists(repo.root / ".git/index.lock"));
    CHECK(repo.sh("git show HEAD:a.yaml") == "a2\n");
}

TEST_CASE("commit_paths leaves the index to git where it is not a plain one: version 4, a conflict, split") {
    Repo repo;
    repo.write("a.yaml", "a1\n");
    repo.write("b.yaml", "b1\n");
    repo.commit_all("base");
    GitRuns runs(repo);
    SUBCASE("version 4") {
        repo.sh("git update-index --index-version 4");
        runs.taken();
        repo.write("a.yaml", "a2\n");
        repo.commit({"a.yaml"}, "a");
        CHECK(runs.taken().contains("update-index"));
        CHECK(index_version(repo) == 4);
    }
    SUBCASE("a path in conflict") {
        const std::string blob = repo.sh("git rev-parse HEAD:a.yaml");
        repo.sh(
            "printf '0 0000000000000000000000000000000000000000\\ta.yaml\\n"
            "100644 " +
            blob.substr(0, blob.size() - 1) +
            " 2\\ta.yaml\\n"
            "100644 " +
            blob.substr(0, blob.size() - 1) + " 3\\ta.yaml\\n' | git update-index --index-info");
        REQUIRE(repo.sh("git ls-files --unmerged") != "");
        runs.taken();
        repo.write("a.yaml", "a2\n");
        repo.commit({"a.yaml"}, "a");
        CHECK(runs.taken().contains("update-index"));
        CHECK(repo.sh("git ls-files --unmerged") == "");
    }
    SUBCASE("split") {
        repo.sh("git update-index --split-index");
        runs.taken();
        repo.write("a.yaml", "a2\n");
        repo.commit({"a.yaml"}, "a");
        CHECK(runs.taken().contains("update-index"));
    }
    CHECK(repo.sh("git status --porcelain") == "");
    CHECK(repo.sh("git show HEAD:a.yaml") == "a2\n");
}

TEST_SUITE_END();
