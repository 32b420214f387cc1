// incident similar ID: other incidents ranked by how much they look like it,
// each score shown as the parts it is made of (similar/similar.hpp).
#include "similar/similar.hpp"

#include "commands.hpp"
#include "output.hpp"
#include "store/parallel.hpp"

namespace incident::cli {

struct SimilarOptions {
    std::string id;
    int limit = 10;
    bool include_drills = false, open_only = false;
    CommonFlags flags;
};

namespace {

// Every incident, read on all cores; the files that cannot be read go to `errors`.
std::vector<Incident> load_every_incident(const Workspace& ws, std::vector<InvalidData>& errors) {
    const auto ids = ws.store.list_ids();
    std::vector<std::optional<Incident>> slots(ids.size());
    std::vector<std::optional<InvalidData>> failed(ids.size());
    parallel_for(ids.size(), [&](std::size_t i) {
        try {
            slots[i] = ws.store.load(ids[i]);
        } catch (const InvalidData& e) {
            failed[i] = e;
        }
    });
    std::vector<Incident> out;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (slots[i]) out.push_back(std::move(*slots[i]));
        if (failed[i]) errors.push_back(std::move(*failed[i]));
    }
    return out;
}

std::string share(int ten_thousandths) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%.2f", ten_thousandths / 10000.0);
    return buf;
}

nlohmann::ordered_json similarity_json(const Similarity& s) {
    nlohmann::ordered_json parts = nlohmann::ordered_json::array();
    for (const auto& p : s.parts)
        parts.push_back({{"name", p.name},
                         {"weight", p.weight / 10000.0},
                         {"value", std::round(p.value * 10000) / 10000},
                         {"contribution", p.contribution / 10000.0},
                         {"why", json_or_null(p.why)}});
    const Incident& o = *s.other;
    return {{"id", o.id},
            {"title", o.title},
            {"status", std::string(to_string(o.status))},
            {"score", s.score / 10000.0},
            {"parts", parts}};
}

void print_similar(const Context& ctx, const std::vector<Similarity>& ranked) {
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : ranked) {
        std::vector<std::string> row = {s.other->id, share(s.score)};
        for (const auto& p : s.parts) row.push_back(p.contribution ? share(p.contribution) : "-");
        row.push_back(truncate(s.other->title, 40));
        rows.push_back(std::move(row));
    }
    print_table(ctx.io, {"ID", "SCORE", "CATEGORY", "LOCATION", "TIME", "TAGS", "TEXT", "TITLE"}, rows);
    ctx.io.out << "each part: its weight x how alike (category 0.20, location 0.25, time 0.20, tags 0.10, text "
                  "0.25); --json shows why\n";
}

}  // namespace

void run_similar(const SimilarOptions& opts, const Context& ctx) {
    if (opts.limit < 1) throw UsageError("--limit: expected a whole number from 1");
    Workspace ws = open_workspace(ctx);
    const Incident target = ws.store.load(resolve_id(ctx, ws, opts.id));
    std::vector<InvalidData> errors;
    std::vector<Incident> all = load_every_incident(ws, errors);
    std::erase_if(all, [&](const Incident& i) {
        bool open = i.status != Status::resolved && i.status != Status::closed;
        return (i.drill && !opts.include_drills && i.id != target.id) || (opts.open_only && !open && i.id != target.id);
    });
    auto ranked = rank_similar(target, all);
    if (ranked.size() > static_cast<std::size_t>(opts.limit)) ranked.resize(static_cast<std::size_t>(opts.limit));
    if (opts.flags.json) {
        nlohmann::ordered_json list = nlohmann::ordered_json::array();
        for (const auto& s : ranked) list.push_back(similarity_json(s));
        print_json(ctx.io, {{"id", target.id}, {"compared", all.size() - 1}, {"similar", list}});
    } else if (ranked.empty()) {
        ctx.io.out << "nothing like " << target.id << " among " << all.size() - 1 << " incidents\n";
    } else {
        print_similar(ctx, ranked);
    }
    fail_on_unreadable(ctx.io, errors);
}

void register_similar(CLI::App& app, Context& ctx) {
    auto opts = std::make_shared<SimilarOptions>();
    auto* cmd = app.add_subcommand(
        "similar",
        "Incidents that look like this one, best first, each score shown as its parts (category, location, "
        "time of day and week, tags, text)");
    cmd->add_option("id", opts->id, "Incident id (INC-42 or 42)")->required();
    cmd->add_option("--limit", opts->limit, "How many to show (default 10)");
    cmd->add_flag("--open", opts->open_only, "Only incidents not yet resolved or closed");
    cmd->add_flag("--include-drills", opts->include_drills, "Compare with drills too (left out by default)");
    cmd->add_flag("--json", opts->flags.json, "Print one JSON document: every part's weight, value and contribution");
    cmd->callback([opts, &ctx] { run_similar(*opts, ctx); });
}

}  // namespace incident::cli
