#include "workspace/workspace.hpp"

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "git/git.hpp"
#include "git/process.hpp"
#include "model/errors.hpp"
#include "model/text.hpp"
#include "model/yaml_doc.hpp"
#include "oncall/schedule.hpp"
#include "store/atomic_file.hpp"
#include "store/lock.hpp"
#include "sync/sync.hpp"
#include "workspace/batch.hpp"
#include "workspace/journal.hpp"

namespace incident {

std::string commit_message(const Config& cfg, const Incident& inc, const Event& e, const std::string& actor) {
    std::string msg = cfg.commit_message;
    auto replace = [&](const std::string& key, const std::string& value) {
        for (size_t pos = 0; (pos = msg.find(key, pos)) != std::string::npos; pos += value.size())
            msg.replace(pos, key.size(), value);
    };
    replace("{id}", inc.id);
    replace("{event}", e.type);
    replace("{title}", one_line(inc.title));  // a NUL or line break in a title would cut or split the message
    replace("{actor}", actor);
    replace("{status}", std::string(to_string(inc.status)));
    return msg;
}

// A change committed now would land inside the rebase (or merge) git is in
// the middle of, or git would refuse to commit it at all (another user owns
// the repository): refuse before anything is written.
void refuse_mid_operation(const Workspace& ws, const ChangeOptions& opts) {
    if (!opts.commit || !ws.config.auto_commit || !ws.repo.in_git) return;
    git::require_trusted(ws.repo.root.string(), ws.repo.state_dir.parent_path().string());
    std::string what = git::operation_in_progress(ws.repo.state_dir.parent_path().string());
    if (what.empty()) return;
    std::string verb = what.substr(2);
    throw IoError(
        "the repository is in the middle of " + what + ": a change now would be committed into it",
        "finish it (git " + verb + " --continue) or abort it (git " + verb + " --abort), then run the command again");
}

namespace {

bool commits(const Workspace& ws, const ChangeOptions& opts) {
    return opts.commit && ws.config.auto_commit && ws.repo.in_git;
}

}  // namespace

// Writes and commits `journal.paths`; fills in the result's flags and
// warnings. The journal is written before the first file and removed once
// the commit is made, so a run killed in between, or a commit git refused,
// is completed by the next command. A journal still pending joins this
// change's commit. `first` checks before it writes (nothing is written when
// it throws); `then` writes the rest.
void write_and_commit(const Workspace& ws, ChangeResult& r, const ChangeOptions& opts, Journal journal,
                      const std::function<void()>& first, const std::function<void()>& then) {
    std::optional<Journal> pending;
    if (commits(ws, opts)) {
        pending = read_journal(ws, r.warnings);
        if (pending) {
            journal.message += "\n\nAlso commits an earlier change that was not committed: " + pending->message;
            for (const auto& p : pending->paths)
                if (std::find(journal.paths.begin(), journal.paths.end(), p) == journal.paths.end())
                    journal.paths.push_back(p);
        }
        write_journal(ws, journal);
    }
    try {
        first();
    } catch (...) {
        // Nothing was written: the journal is again what it was before this
        // change (an earlier change still to be committed, or none).
        if (commits(ws, opts)) pending ? write_journal(ws, *pending) : clear_journal(ws);
        throw;
    }
    then();
    r.written = true;
    if (!opts.commit || !ws.config.auto_commit) return;
    if (!ws.repo.in_git) {
        r.warnings.push_back("not a git repository: the change is saved but not committed");
        return;
    }
    try {
        git::commit_paths(ws.repo.root.string(), existing(ws, journal.paths), journal.message, opts.actor);
        r.committed = true;
        clear_journal(ws);
    } catch (const IoError& e) {
        // The change is safe on disk and the journal stays: the next command commits it.
        r.warnings.push_back(std::string(e.what()) +
                             " (the change is saved in the work tree; the next incident command commits it)");
    }
}

namespace {

// A file the tool is about to write beside the incidents: refused (exit 4)
// when a link on its way leads out of the repository, before anything is written.
void refuse_writing_outside(const Workspace& ws, const fs::path& path) {
    if (ws.repo.leads_outside(path))
        throw InvalidData(Location{ws.repo.relative(path)},
                          "a symbolic link on its way leads out of the repository: it is not written");
}

// Saves the incident and its companions, and commits them.
// `before`: the incident as it was, for the hooks (null: none to compare).
void persist(const Workspace& ws, ChangeResult& r, const ChangeOptions& opts, const Incident* before,
             const std::vector<std::pair<fs::path, std::string>>& companions = {}) {
    const AfterHooks after = run_before_hooks(ws, r, before);
    Journal journal{commit_message(ws.config, r.incident, r.event, opts.actor), opts.actor, {}};
    for (const auto& companion : companions) {
        refuse_writing_outside(ws, companion.first);
        journal.paths.push_back(ws.repo.relative(companion.first));
    }
    journal.paths.push_back(ws.repo.relative(ws.store.path_of(r.incident.id)));
    write_and_commit(
        ws, r, opts, std::move(journal), [&] { ws.store.save(r.incident); },  // verified before anything is written
        [&] {
            for (const auto& [path, content] : companions) {
                std::error_code ec;
                fs::create_directories(path.parent_path(), ec);
                write_file_atomically(path, content);
            }
            queue_after_hooks(ws, after, r);
        });
}

}  // namespace

void begin_change(const Workspace& ws, const ChangeOptions& opts, std::vector<std::string>& warnings) {
    if (commits(ws, opts)) complete_interrupted_change(ws, warnings);
}

void auto_sync(const Workspace& ws, const ChangeOptions& opts, std::vector<ChangeResult*> changes,
               std::vector<std::string>& warnings) {
    if (!(opts.sync || ws.config.auto_sync) ||
        std::none_of(changes.begin(), changes.end(), [](const ChangeResult* c) { return c->committed; }))
        return;
    try {
        SyncOptions so;
        so.actor = opts.actor;
        so.lock_timeout = opts.lock_timeout;
        SyncResult s = sync_repository(ws, so);
        warnings.insert(warnings.end(), s.warnings.begin(), s.warnings.end());
        for (const auto& m : s.renumbered) {
            warnings.push_back(describe(m));
            for (ChangeResult* c : changes)
                if (m.from == c->incident.id) c->incident = ws.store.load(m.to);
        }
        for (ChangeResult* c : changes) c->synced = true;
    } catch (const Error& e) {
        warnings.push_back(std::string("not synced: ") + e.what() +
                           "; the change is committed here and goes out with the next sync");
    }
}

namespace {

void auto_sync(const Workspace& ws, const ChangeOptions& opts, ChangeResult& r) {
    if (r.committed) auto_sync(ws, opts, {&r}, r.warnings);
}

}  // namespace

void complete_interrupted_change(const Workspace& ws, std::vector<std::string>& warnings) {
    // What the interrupted run started (a git commit) may still be running: let it end first.
    std::error_code ec;
    if (fs::exists(ws.journal_path(), ec) || fs::exists(ws.repo.state_dir / "layout-change", ec))
        wait_for_orphans(ws.repo.root.string());
    complete_interrupted_layout(ws, warnings);
    auto journal = read_journal(ws, warnings);
    if (!journal) return;
    std::vector<std::string> present = existing(ws, journal->paths);
    try {
        if (!present.empty() && git::has_changes(ws.repo.root.string(), present)) {
            git::commit_paths(
                ws.repo.root.string(), present,
                journal->message + "\n\nCompleted by incident: the run that made this change did not commit it.",
                journal->actor);
            warnings.push_back("an earlier change was not committed (its run was interrupted); committed " +
                               path_list(present) + " (" + journal->message.substr(0, journal->message.find('\n')) +
                               ")");
        }
        clear_journal(ws);
    } catch (const IoError& e) {
        // Still pending: this change's commit takes it along.
        warnings.push_back("an earlier change is still not committed: " + std::string(e.what()));
    }
}

ChangeResult change_incident(const Workspace& ws, const std::string& id, const Mutation& mutate,
                             const ChangeOptions& opts, const Companions& companions) {
    ChangeResult r;
    if (opts.dry_run) {
        r.incident = ws.store.load(id);
        r.event = mutate(r.incident);
        return r;
    }
    refuse_mid_operation(ws, opts);
    {
        RepositoryLock lock(ws.repo.lock_path(), opts.lock_timeout);
        begin_change(ws, opts, r.warnings);
        r.incident = ws.store.load(id);
        const Incident before = r.incident;
        r.event = mutate(r.incident);
        persist(ws, r, opts, &before,
                companions ? companions(r.incident) : std::vector<std::pair<fs::path, std::string>>{});
    }
    auto_sync(ws, opts, r);
    return r;
}

ChangeResult create_incident(const Workspace& ws, const std::function<Incident(const std::string&)>& build,
                             const ChangeOptions& opts) {
    return change_or_create(
        ws, [] { return std::string(); }, {}, build, opts);
}

ChangeResult change_or_create(const Workspace& ws, const std::function<std::string()>& find, const Mutation& mutate,
                              const std::function<Incident(const std::string&)>& build, const ChangeOptions& opts) {
    ChangeBatch batch(ws, opts);
    batch.change_or_create(find, mutate, build);
    batch.commit();
    ChangeResult r = batch.result(0);
    r.warnings.insert(r.warnings.begin(), batch.warnings.begin(), batch.warnings.end());
    return r;
}

ChangeResult replace_incident(const Workspace& ws, const std::string& id, const std::string& original_text,
                              Incident edited, const Event& event, const ChangeOptions& opts) {
    if (edited.id != id)
        throw InvalidData(Location{ws.repo.relative(ws.store.path_of(id)), 1, 1},
                          "id: cannot be changed by editing (was " + id + ")");
    ChangeResult r;
    refuse_mid_operation(ws, opts);
    {
        RepositoryLock lock(ws.repo.lock_path(), opts.lock_timeout);
        begin_change(ws, opts, r.warnings);
        if (read_file(ws.store.path_of(id)).value_or("") != original_text)
            throw TransitionRefused(id + " was changed by someone else while you were editing it",
                                    "run incident edit " + id + " again");
        const Incident before = ws.store.load(id);
        r.incident = std::move(edited);
        r.event = event;
        persist(ws, r, opts, &before);
    }
    auto_sync(ws, opts, r);
    return r;
}

ChangeResult change_files(const Workspace& ws, const std::vector<FileChange>& files, const std::string& message,
                          const ChangeOptions& opts) {
    ChangeResult r;
    if (opts.dry_run) return r;
    refuse_mid_operation(ws, opts);
    {
        RepositoryLock lock(ws.repo.lock_path(), opts.lock_timeout);
        begin_change(ws, opts, r.warnings);
        Journal journal{message, opts.actor, {}};
        check_file_changes(ws, files);
        for (const auto& f : files) journal.paths.push_back(ws.repo.relative(f.path));
        write_and_commit(
            ws, r, opts, std::move(journal), [] {}, [&] { write_files(ws, files); });
    }
    auto_sync(ws, opts, r);
    return r;
}

void check_file_changes(const Workspace& ws, const std::vector<FileChange>& files) {
    for (const auto& f : files) refuse_writing_outside(ws, f.path);
}

void write_files(const Workspace& ws, const std::vector<FileChange>& files) {
    for (const auto& f : files) {
        std::error_code ec;
        if (!f.content) {
            if (!fs::remove(f.path, ec) && ec)
                throw IoError("cannot remove " + ws.repo.relative(f.path) + ": " + ec.message());
            continue;
        }
        fs::create_directories(f.path.parent_path(), ec);
        write_file_atomically(f.path, *f.content);
    }
}

void add_merge_attributes(const fs::path& attributes) {
    std::string text = read_file(attributes).value_or("");
    const std::string before = text;
    for (const std::string line : {"incidents/*.yaml merge=incident", "incidents/*/*.yaml merge=incident"}) {
        if (text.find(line) != std::string::npos) continue;
        if (!text.empty() && text.back() != '\n') text += '\n';
        text += line + "\n";
    }
    if (text != before) write_file_atomically(attributes, text);
}

}  // namespace incident
