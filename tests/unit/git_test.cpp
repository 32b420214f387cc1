#include "git/git.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>

#include "git/process.hpp"
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

TEST_SUITE_END();
