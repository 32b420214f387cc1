#include "workspace/batch.hpp"

#include <algorithm>
#include <charconv>

#include "workspace/journal.hpp"

namespace incident {

namespace {

// N of "PREFIX-N", or 0.
long number_of(const std::string& id) {
    long n = 0;
    const auto dash = id.rfind('-');
    if (dash != std::string::npos) std::from_chars(id.data() + dash + 1, id.data() + id.size(), n);
    return n;
}

}  // namespace

ChangeBatch::ChangeBatch(const Workspace& ws, ChangeOptions opts) : ws_(ws), opts_(std::move(opts)) {
    if (opts_.dry_run) return;
    refuse_mid_operation(ws_, opts_);
    lock_.emplace(ws_.repo.lock_path(), opts_.lock_timeout);
    begin_change(ws_, opts_, warnings);
}

Incident ChangeBatch::load(const std::string& id) const {
    if (auto it = incidents_.find(id); it != incidents_.end()) return it->second;
    return ws_.store.load(id);
}

std::size_t ChangeBatch::change_or_create(const std::function<std::string()>& find, const Mutation& mutate,
                                          const std::function<Incident(const std::string&)>& build) {
    ChangeResult r;
    std::optional<Incident> before;
    long made = 0;  // the number of the id a new incident took
    if (std::string id = find(); !id.empty()) {
        r.incident = load(id);
        before = r.incident;
        r.event = mutate(r.incident);
    } else if (build) {
        const std::string& prefix = ws_.config.id_prefix;
        const long n = std::max(number_of(ws_.store.next_id(prefix)), last_new_ + 1);
        r.incident = build(prefix + "-" + std::to_string(n));
        r.incident.uid = new_uid();
        auto opened = std::find_if(r.incident.timeline.begin(), r.incident.timeline.end(),
                                   [](const Event& e) { return e.type == "opened"; });
        r.event = opened != r.incident.timeline.end() ? *opened : r.incident.timeline.back();
        made = n;
    }
    if (!r.incident.id.empty()) {
        const std::string& id = r.incident.id;
        AfterHooks after;
        if (!opts_.dry_run) {  // checked now: a step that would not read back is refused before anything is written
            if (opts_.hooks) after = run_before_hooks(ws_, r, before ? &*before : nullptr);
            auto text = texts_.find(id);
            std::string rendered = ws_.store.render(r.incident, text == texts_.end() ? nullptr : &text->second);
            texts_[id] = std::move(rendered);
        }
        if (!after.hooks.empty()) after_hooks_.emplace_back(std::move(after), results_.size());
        if (made) last_new_ = made;
        incidents_[id] = r.incident;
        messages_.push_back(commit_message(ws_.config, r.incident, r.event, opts_.actor));
    }
    results_.push_back(std::move(r));
    return results_.size() - 1;
}

void ChangeBatch::put_files(std::vector<FileChange> files) {
    check_file_changes(ws_, files);
    for (auto& f : files) files_.push_back(std::move(f));
}

void ChangeBatch::commit(const std::function<void()>& under_lock) {
    if (done_) return;
    done_ = true;
    if (opts_.dry_run || (texts_.empty() && files_.empty())) {
        if (under_lock && lock_) under_lock();
        lock_.reset();
        return;
    }
    // One change: its own message. More: how many, then each one's.
    Journal journal{message_.empty() && !messages_.empty() ? messages_.front() : message_, opts_.actor, {}};
    if (message_.empty() && messages_.size() > 1) {
        journal.message = "incident: " + std::to_string(messages_.size()) + " changes to " +
                          std::to_string(texts_.size()) + (texts_.size() == 1 ? " incident\n" : " incidents\n");
        for (const auto& m : messages_) journal.message += "\n" + m.substr(0, m.find('\n'));
    }
    for (const auto& [id, text] : texts_) journal.paths.push_back(ws_.repo.relative(ws_.store.path_of(id)));
    for (const auto& f : files_) journal.paths.push_back(ws_.repo.relative(f.path));
    ChangeResult all;
    write_and_commit(
        ws_, all, opts_, std::move(journal), [] {},
        [&] {
            ws_.store.write_all(texts_);
            write_files(ws_, files_);
            for (const auto& [after, step] : after_hooks_) queue_after_hooks(ws_, after, results_[step]);
        });
    if (under_lock) under_lock();
    lock_.reset();
    warnings.insert(warnings.end(), all.warnings.begin(), all.warnings.end());
    committed_ = all.committed;
    std::vector<ChangeResult*> made;
    for (auto& r : results_) {
        if (r.incident.id.empty()) continue;
        r.written = all.written;
        r.committed = all.committed;
        made.push_back(&r);
    }
    auto_sync(ws_, opts_, made, warnings);
}

}  // namespace incident
