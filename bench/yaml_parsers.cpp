// incident-yaml-bench: the figures behind the tool's choice of libyaml (with
// its own small tree, model/yaml_doc.hpp) over yaml-cpp and libfyaml.
//
//   incident-yaml-bench DIR_WITH_YAML_FILES [LIMIT]
//
// Three markdown sections:
//
//  1. Speed. The first LIMIT *.yaml/*.yml files of DIR in natural order of
//     their names (INC-2 before INC-10; LIMIT defaults to 10000, 0 takes them
//     all) are read into memory once; then each way of loading them goes over
//     every file, one after the other on one thread, parsing it from memory.
//     A row's time is the median of 3 such passes. The baseline reads the bytes
//     of every file again (page cache warm, as the tool reads one: open, fstat,
//     read). Ratios are this row's time divided by yaml-cpp's and by reading's.
//  2. Fidelity. A hand-written incident with comments and a blank line is
//     parsed and written back by each library; does the text keep them?
//  3. Safety. Hostile documents, each given to each library in a forked child
//     with a 2 s alarm and a 1 GiB RLIMIT_AS: a crash, a hang or running out
//     of memory is reported as such instead of ending the benchmark.
//
// Nothing is asserted: the exit code is 0 once the tables are printed (2 when
// the arguments are wrong or DIR holds no YAML file).
#include <cxxabi.h>
#include <fcntl.h>
#include <libfyaml.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>
#include <yaml.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include "model/file_text.hpp"
#include "model/incident.hpp"
#include "model/roundtrip.hpp"
#include "model/yaml_doc.hpp"

#ifndef YAML_CPP_VERSION
#define YAML_CPP_VERSION "?"
#endif

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

// Results are added here so that no parse can be optimised away.
volatile std::size_t g_sink = 0;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

std::string fixed(double value, int decimals) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
    return buf;
}

std::string ms_text(double ms) { return ms < 10 ? fixed(ms, 2) + " ms" : fixed(ms, 1) + " ms"; }

// ---- The files

struct File {
    std::string path;
    std::string text;
};

// Digit runs compare as numbers: INC-9 < INC-10.
bool natural_less(const std::string& a, const std::string& b) {
    auto digit = [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; };
    std::size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            std::size_t i0 = i, j0 = j;
            while (i0 < a.size() && a[i0] == '0') ++i0;
            while (j0 < b.size() && b[j0] == '0') ++j0;
            std::size_t i1 = i0, j1 = j0;
            while (i1 < a.size() && digit(a[i1])) ++i1;
            while (j1 < b.size() && digit(b[j1])) ++j1;
            if (i1 - i0 != j1 - j0) return i1 - i0 < j1 - j0;
            if (int c = a.compare(i0, i1 - i0, b, j0, j1 - j0); c != 0) return c < 0;
            i = i1;
            j = j1;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

// A whole file, read as the tool reads one (model/file_text.hpp: open, fstat,
// one buffer of that size, read); nullopt when it cannot be opened or is not a
// regular file.
std::optional<std::string> slurp(const std::string& path) {
    incident::FileText file = incident::read_file_text(path);
    return file.status == incident::FileText::Status::ok ? std::optional<std::string>(std::move(file.text))
                                                         : std::nullopt;
}

std::vector<std::string> yaml_files(const fs::path& dir, std::size_t limit) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        auto ext = entry.path().extension();
        if ((ext == ".yaml" || ext == ".yml") && entry.is_regular_file()) names.push_back(entry.path().filename());
    }
    std::sort(names.begin(), names.end(), natural_less);
    if (limit != 0 && names.size() > limit) names.resize(limit);
    std::vector<std::string> paths;
    paths.reserve(names.size());
    for (const auto& name : names) paths.push_back((dir / name).string());
    return paths;
}

// ---- The ways of loading a file: each returns false when the file is refused.

bool yamlcpp_load(const std::string& text) {
    try {
        YAML::Node root = YAML::Load(text);
        g_sink = g_sink + root.size();
        return true;
    } catch (const YAML::Exception&) {
        return false;
    }
}

fy_parse_cfg fy_config(unsigned flags, fy_diag* diag = nullptr) {
    fy_parse_cfg cfg{};
    cfg.flags = static_cast<fy_parse_cfg_flags>(flags);
    cfg.diag = diag;
    return cfg;
}

bool libfyaml_document(const std::string& text) {
    fy_parse_cfg cfg = fy_config(FYPCF_QUIET);
    fy_document* doc = fy_document_build_from_string(&cfg, text.data(), text.size());
    if (!doc) return false;
    g_sink = g_sink + static_cast<std::size_t>(fy_node_get_type(fy_document_root(doc)));
    fy_document_destroy(doc);
    return true;
}

bool libfyaml_events(const std::string& text) {
    fy_parse_cfg cfg = fy_config(FYPCF_QUIET);
    fy_parser* parser = fy_parser_create(&cfg);
    if (!parser) return false;
    std::size_t events = 0;
    bool ok = fy_parser_set_string(parser, text.data(), text.size()) == 0;
    if (ok) {
        while (fy_event* e = fy_parser_parse(parser)) {
            ++events;
            fy_parser_event_free(parser, e);
        }
        ok = !fy_parser_get_stream_error(parser);
    }
    fy_parser_destroy(parser);
    g_sink = g_sink + events;
    return ok;
}

bool libyaml_events(const std::string& text) {
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) return false;
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);
    std::size_t events = 0;
    bool ok = true;
    while (true) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            ok = false;
            break;
        }
        bool end = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        ++events;
        if (end) break;
    }
    yaml_parser_delete(&parser);
    g_sink = g_sink + events;
    return ok;
}

bool tool_tree(const File& f) {
    try {
        incident::YamlNode root = incident::load_yaml(f.text, f.path);
        g_sink = g_sink + root.size();
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

bool tool_incident(const File& f) {
    try {
        incident::Incident inc = incident::incident_from_yaml(incident::load_yaml(f.text, f.path), f.path);
        g_sink = g_sink + inc.timeline.size();
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// ---- 1. Speed

struct Timing {
    std::string name;
    double ms = 0;  // median of the passes
    std::size_t failed = 0;
};

constexpr int kPasses = 3;

Timing time_passes(const std::string& name, const std::vector<File>& files,
                   const std::function<bool(const File&)>& load) {
    std::vector<double> passes;
    std::size_t failed = 0;
    for (int pass = 0; pass < kPasses; ++pass) {
        failed = 0;
        auto t0 = Clock::now();
        for (const auto& f : files)
            if (!load(f)) ++failed;
        passes.push_back(ms_since(t0));
    }
    std::sort(passes.begin(), passes.end());
    return {name, passes[kPasses / 2], failed};
}

// The 1-minute load average, from /proc/loadavg ("?" elsewhere).
std::string load_average() {
    // Read as a stream: /proc files report a size of 0.
    std::ifstream in("/proc/loadavg");
    std::string first;
    return in >> first ? first : "?";
}

void print_speed(const std::vector<File>& files, const std::string& dir) {
    const std::string load_before = load_average();
    std::size_t bytes = 0;
    for (const auto& f : files) bytes += f.text.size();

    std::vector<Timing> rows;
    rows.push_back(time_passes("reading the bytes (open, fstat, read)", files, [](const File& f) {
        auto text = slurp(f.path);
        if (!text) return false;
        g_sink = g_sink + text->size();
        return true;
    }));
    rows.push_back(time_passes("yaml-cpp " YAML_CPP_VERSION ": `YAML::Load`", files,
                               [](const File& f) { return yamlcpp_load(f.text); }));
    rows.push_back(time_passes(std::string("libfyaml ") + fy_library_version() + ": `fy_document_build_from_string`",
                               files, [](const File& f) { return libfyaml_document(f.text); }));
    rows.push_back(time_passes(std::string("libfyaml ") + fy_library_version() + ": events (`fy_parser_parse` loop)",
                               files, [](const File& f) { return libfyaml_events(f.text); }));
    rows.push_back(
        time_passes(std::string("libyaml ") + yaml_get_version_string() + ": events (`yaml_parser_parse` loop)", files,
                    [](const File& f) { return libyaml_events(f.text); }));
    rows.push_back(time_passes("incident: `load_yaml` (libyaml + tree + limits)", files, tool_tree));
    rows.push_back(time_passes("incident: `load_yaml` + `incident_from_yaml` (the full load)", files, tool_incident));

    const std::string load_after = load_average();
    const double read_ms = rows[0].ms;
    const double yamlcpp_ms = rows[1].ms;
    std::cout << "## Parsing " << files.size() << " incident files\n\n"
              << "`" << dir << "`: " << files.size() << " files, " << fixed(static_cast<double>(bytes) / 1e6, 2)
              << " MB (" << bytes / files.size() << " bytes a file on average). Each row: every file once, "
              << "one thread, parsed from memory (the first row reads the files again, from the page cache); "
              << "the median of " << kPasses << " passes. Ratios: this row's time divided by yaml-cpp's and by "
              << "reading's (below 1: faster). Load average (1 min): " << load_before << " before, " << load_after
              << " after.\n\n"
              << "| | total | MB/s | ÷ yaml-cpp | ÷ reading the bytes | files refused |\n"
              << "|---|---:|---:|---:|---:|---:|\n";
    for (const auto& r : rows) {
        double mbs = static_cast<double>(bytes) / 1e6 / (r.ms / 1e3);
        std::cout << "| " << r.name << " | " << ms_text(r.ms) << " | " << fixed(mbs, mbs < 100 ? 1 : 0) << " | "
                  << fixed(r.ms / yamlcpp_ms, 2) << "× | " << fixed(r.ms / read_ms, 2) << "× | " << r.failed << " |\n";
    }
    std::cout << '\n';
}

// ---- 2. Fidelity: parse, then write back.

// In the order the tool writes the keys, so that its own row shows what it
// keeps, not a change of order.
const char* const kHandWritten =
    "# INC-7, written by hand during the outage\n"
    "id: INC-7\n"
    "uid: 00000000-0000-4000-8000-100000000007\n"
    "title: Disk full on db-2\n"
    "# open until the volume is resized\n"
    "status: open\n"
    "drill: false\n"
    "category: capacity\n"
    "subcategory: disk\n"
    "service: db\n"
    "impact: high\n"
    "urgency: high\n"
    "priority: P1\n"
    "priority_reason: \"matrix: impact high x urgency high\"\n"
    "reporter: grace@example.com  # on call that week\n"
    "\n"
    "assignee: carol@example.com\n"
    "team: sre\n"
    "tier: L1\n"
    "roles: {commander: carol@example.com}\n"
    "tags: []\n"
    "related: []\n"
    "problem: null\n"
    "started_at: null\n"
    "detected_at: null\n"
    "opened_at: 2024-11-18T11:17:11Z\n"
    "acknowledged_at: null\n"
    "mitigated_at: null\n"
    "resolved_at: null\n"
    "closed_at: null\n"
    "description: null\n"
    "resolution: null\n"
    "actions: []\n"
    "timeline:\n"
    "  - {at: 2024-11-18T11:17:11Z, by: grace@example.com, type: opened}\n";

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        auto nl = text.find('\n');
        lines.push_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    return lines;
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The index of the first line that starts (after blanks) with `prefix`, or -1.
int line_starting(const std::vector<std::string_view>& lines, std::string_view prefix) {
    for (std::size_t i = 0; i < lines.size(); ++i)
        if (trimmed(lines[i]).substr(0, prefix.size()) == prefix) return static_cast<int>(i);
    return -1;
}

struct Kept {
    bool comment_above = false;  // "# open until ..." on the line just above "status:"
    bool trailing = false;       // "# on call that week" on the "reporter:" line
    bool blank_line = false;     // an empty line just above "assignee:"
};

Kept what_is_kept(const std::string& out) {
    auto lines = lines_of(out);
    Kept k;
    int status = line_starting(lines, "status:");
    k.comment_above = status > 0 && trimmed(lines[status - 1]) == "# open until the volume is resized";
    int reporter = line_starting(lines, "reporter:");
    k.trailing = reporter >= 0 && lines[reporter].find("# on call that week") != std::string_view::npos;
    int assignee = line_starting(lines, "assignee:");
    k.blank_line = assignee > 0 && trimmed(lines[assignee - 1]).empty();
    return k;
}

std::string yamlcpp_rewrite(const std::string& text) {
    YAML::Emitter out;
    out << YAML::Load(text);
    return out.c_str();
}

std::string libfyaml_rewrite(const std::string& text) {
    fy_parse_cfg cfg = fy_config(FYPCF_QUIET | FYPCF_PARSE_COMMENTS);
    fy_document* doc = fy_document_build_from_string(&cfg, text.data(), text.size());
    if (!doc) throw std::runtime_error("libfyaml refused the document");
    char* s = fy_emit_document_to_string(
        doc, static_cast<fy_emitter_cfg_flags>(FYECF_MODE_ORIGINAL | FYECF_OUTPUT_COMMENTS | FYECF_WIDTH_INF));
    fy_document_destroy(doc);
    if (!s) throw std::runtime_error("libfyaml could not write the document");
    std::string out = s;
    std::free(s);
    return out;
}

int append_to_string(void* data, unsigned char* buffer, size_t size) {
    static_cast<std::string*>(data)->append(reinterpret_cast<const char*>(buffer), size);
    return 1;
}

// libyaml's events handed straight to its emitter (which takes each one over).
std::string libyaml_rewrite(const std::string& text) {
    yaml_parser_t parser;
    yaml_emitter_t emitter;
    yaml_parser_initialize(&parser);
    yaml_emitter_initialize(&emitter);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    std::string out;
    yaml_emitter_set_output(&emitter, append_to_string, &out);
    yaml_emitter_set_unicode(&emitter, 1);
    yaml_emitter_set_width(&emitter, -1);
    bool ok = true;
    while (ok) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            ok = false;
            break;
        }
        bool end = event.type == YAML_STREAM_END_EVENT;
        // An untagged scalar the emitter chooses to quote needs no "!" either.
        if (event.type == YAML_SCALAR_EVENT && !event.data.scalar.tag) event.data.scalar.quoted_implicit = 1;
        if (!yaml_emitter_emit(&emitter, &event)) ok = false;
        if (end) break;
    }
    yaml_emitter_delete(&emitter);
    yaml_parser_delete(&parser);
    if (!ok) throw std::runtime_error("libyaml could not parse or write the document");
    return out;
}

// The tool's own save: the incident is read, its title changed, and written
// with the previous text given, as every command that edits a file does.
std::string tool_rewrite(const std::string& text) {
    incident::Incident inc = incident::incident_from_yaml(incident::load_yaml(text, "INC-7.yaml"), "INC-7.yaml");
    inc.title = "Disk full on db-2 (volume resized)";
    return incident::verified_incident_yaml(inc, "INC-7.yaml", text);
}

void print_fidelity() {
    struct Writer {
        std::string name;
        std::function<std::string(const std::string&)> rewrite;
    };
    const std::vector<Writer> writers = {
        {"yaml-cpp: `YAML::Emitter << YAML::Load(text)`", yamlcpp_rewrite},
        {"libfyaml: `FYPCF_PARSE_COMMENTS`, `fy_emit_document_to_string` with `FYECF_OUTPUT_COMMENTS` "
         "(`FYECF_MODE_ORIGINAL`)",
         libfyaml_rewrite},
        {"libyaml: parser events into `yaml_emitter_emit` (its API has no comment events)", libyaml_rewrite},
        {"incident (for comparison, not a library): `verified_incident_yaml` after changing the title "
         "(libyaml + the tool's own layout keeping)",
         tool_rewrite},
    };
    const std::string text = kHandWritten;
    auto yes = [](bool b) { return b ? "yes" : "**no**"; };
    std::cout << "## Writing back a hand-written file: what is kept\n\n"
              << "The file is parsed and written back. A comment line above a key: `# open until the volume is "
                 "resized` just above `status:`; a trailing comment: `reporter: grace@example.com  # on call that "
                 "week`; a blank line between `reporter:` and `assignee:`.\n\n"
              << "| | comment line above a key | trailing `# comment` after a value | blank lines between keys |\n"
              << "|---|:---:|:---:|:---:|\n";
    std::vector<std::string> outputs;
    for (const auto& w : writers) {
        std::string out;
        try {
            out = w.rewrite(text);
        } catch (const std::exception& e) {
            out = std::string("(failed: ") + e.what() + ")";
        }
        Kept k = what_is_kept(out);
        std::cout << "| " << w.name << " | " << yes(k.comment_above) << " | " << yes(k.trailing) << " | "
                  << yes(k.blank_line) << " |\n";
        outputs.push_back(out);
    }
    std::cout << "\n<details><summary>The file, and what each wrote</summary>\n\n```yaml\n" << text << "```\n";
    for (std::size_t i = 0; i < writers.size(); ++i) {
        std::cout << '\n' << writers[i].name << ":\n\n```yaml\n" << outputs[i];
        if (outputs[i].empty() || outputs[i].back() != '\n') std::cout << '\n';
        std::cout << "```\n";
    }
    std::cout << "\n</details>\n\n";
}

// ---- 3. Safety: hostile documents, each in a forked child.

struct Outcome {
    bool refused = false;
    std::string message;
};

Outcome yamlcpp_attempt(const std::string& text, bool walk) {
    try {
        YAML::Node root = YAML::Load(text);
        if (walk) {
            // What a consumer does with the tree: visit every value (an alias
            // is the node it names, so it is visited again each time).
            std::size_t visited = 0;
            std::function<void(const YAML::Node&)> visit = [&](const YAML::Node& n) {
                ++visited;
                if (n.IsSequence())
                    for (const auto& child : n) visit(child);
                else if (n.IsMap())
                    for (const auto& kv : n) {
                        visit(kv.first);
                        visit(kv.second);
                    }
            };
            visit(root);
            g_sink = g_sink + visited;
        }
        return {};
    } catch (const YAML::Exception& e) {
        // The exception's class says more than its message ("bad file" is
        // YAML::DeepRecursion, which the library does not export to catch).
        int status = 0;
        char* name = abi::__cxa_demangle(typeid(e).name(), nullptr, nullptr, &status);
        std::string type = status == 0 && name ? name : typeid(e).name();
        std::free(name);
        return {true, type + ": " + e.what()};
    }
}

Outcome libfyaml_attempt(const std::string& text, bool walk) {
    fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = nullptr;
    dcfg.colorize = false;
    fy_diag* diag = fy_diag_create(&dcfg);
    fy_diag_set_collect_errors(diag, true);
    // walk: FYPCF_RESOLVE_DOCUMENT replaces each alias by a copy of its value.
    fy_parse_cfg cfg = fy_config(FYPCF_QUIET | (walk ? unsigned{FYPCF_RESOLVE_DOCUMENT} : 0u), diag);
    fy_document* doc = fy_document_build_from_string(&cfg, text.data(), text.size());
    Outcome o;
    if (!doc) {
        o.refused = true;
        void* it = nullptr;
        if (fy_diag_error* err = fy_diag_errors_iterate(diag, &it); err && err->msg)
            o.message = err->msg;
        else
            o.message = "fy_document_build_from_string returned NULL, no diagnostic";
    } else {
        fy_document_destroy(doc);
    }
    fy_diag_destroy(diag);
    return o;
}

Outcome libyaml_attempt(const std::string& text, bool) {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, reinterpret_cast<const unsigned char*>(text.data()), text.size());
    Outcome o;
    while (true) {
        yaml_event_t event;
        if (!yaml_parser_parse(&parser, &event)) {
            o.refused = true;
            o.message = parser.problem ? parser.problem : "yaml_parser_parse failed";
            if (parser.context) o.message = std::string(parser.context) + ": " + o.message;
            break;
        }
        bool end = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        if (end) break;
    }
    yaml_parser_delete(&parser);
    return o;
}

Outcome tool_attempt(const std::string& text, bool) {
    try {
        g_sink = g_sink + incident::load_yaml(text, "hostile.yaml").size();
        return {};
    } catch (const std::exception& e) {
        return {true, e.what()};
    }
}

constexpr rlim_t kMemoryLimit = rlim_t{1} << 30;
constexpr unsigned kAlarmSeconds = 2;

std::string escape_cell(std::string s) {
    for (auto& c : s)
        if (c == '\n' || c == '\r') c = ' ';
    if (s.size() > 90) s = s.substr(0, 87) + "...";
    std::string out;
    for (char c : s) {
        if (c == '|') out += '\\';
        out += c;
    }
    return out;
}

// Runs `attempt` in a child limited to kMemoryLimit of address space and
// kAlarmSeconds; describes what happened, for a table cell.
std::string guarded(const std::function<Outcome()>& attempt) {
    int fds[2];
    if (::pipe(fds) != 0) return "(pipe failed)";
    std::cout.flush();
    auto t0 = Clock::now();
    pid_t pid = ::fork();
    if (pid < 0) return "(fork failed)";
    if (pid == 0) {
        ::close(fds[0]);
        rlimit limit{kMemoryLimit, kMemoryLimit};
        ::setrlimit(RLIMIT_AS, &limit);
        ::alarm(kAlarmSeconds);
        char kind = 'A';
        std::string message;
        auto c0 = Clock::now();
        try {
            Outcome o = attempt();
            kind = o.refused ? 'R' : 'A';
            message = o.message;
        } catch (const std::bad_alloc&) {
            kind = 'M';
        } catch (const std::exception& e) {
            kind = 'R';
            message = e.what();
        }
        std::string report = std::string(1, kind) + fixed(ms_since(c0), 3) + "\n" + message;
        std::size_t done = 0;
        while (done < report.size()) {
            ssize_t n = ::write(fds[1], report.data() + done, report.size() - done);
            if (n <= 0) break;
            done += static_cast<std::size_t>(n);
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    std::string report;
    char buf[4096];
    while (true) {
        ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        report.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    struct rusage usage {};
    while (::wait4(pid, &status, 0, &usage) < 0 && errno == EINTR) {
    }
    double wall = ms_since(t0);
    // The peak resident memory, when it says something (the child starts at a few MB).
    long peak_mb = usage.ru_maxrss / 1024;
    std::string peak = peak_mb >= 64 ? ", peak RSS " + std::to_string(peak_mb) + " MB" : "";
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        if (sig == SIGALRM)
            return "**still running after " + std::to_string(kAlarmSeconds) + " s** (killed" + peak + ")";
        return std::string("**crashes**: SIG") + sigabbrev_np(sig) + " after " + ms_text(wall) + peak;
    }
    if (report.empty()) return "exits with " + std::to_string(WEXITSTATUS(status)) + " after " + ms_text(wall) + peak;
    auto nl = report.find('\n');
    std::string took = ms_text(std::atof(report.substr(1, nl - 1).c_str())) + peak;
    std::string message = nl == std::string::npos ? "" : report.substr(nl + 1);
    switch (report[0]) {
        case 'R':
            // A library that gives up when malloc fails says so this way.
            if (static_cast<rlim_t>(usage.ru_maxrss) * 1024 > kMemoryLimit / 10 * 9)
                return "**fills the 1 GiB limit**, then refuses in " + took + ": " + escape_cell(message);
            return "refuses in " + took + ": " + escape_cell(message);
        case 'M':
            return "**out of memory** (std::bad_alloc) in " + took;
        default:
            return "**accepts** in " + took;
    }
}

struct Hostile {
    std::string name;
    std::string text;
    bool walk = false;  // then visit every value of the tree, aliases expanded
};

std::vector<Hostile> hostile_documents() {
    std::vector<Hostile> docs;
    docs.push_back({"100 000 nested `[` (and their `]`)", std::string(100'000, '[') + std::string(100'000, ']')});
    std::string bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n";
    for (int level = 1; level <= 12; ++level) {
        bomb += "a" + std::to_string(level) + ": &a" + std::to_string(level) + " [";
        for (int i = 0; i < 9; ++i) bomb += (i ? ", *a" : "*a") + std::to_string(level - 1);
        bomb += "]\n";
    }
    docs.push_back({"alias bomb, 12 levels × 9 aliases (9¹³ values expanded): parsed", bomb});
    docs.push_back(
        {"the same alias bomb: parsed, then every value visited (libfyaml: `FYPCF_RESOLVE_DOCUMENT`)", bomb, true});
    docs.push_back({"duplicate keys (`id: INC-1` ... `id: INC-2`)", "id: INC-1\ntitle: first\nid: INC-2\n"});
    docs.push_back({"a 2 000-character key", std::string(2000, 'k') + ": v\n"});
    return docs;
}

// Computed before the files are read, so that each child starts small.
std::string safety_section() {
    struct Library {
        std::string name;
        std::function<Outcome(const std::string&, bool)> attempt;
        bool has_tree;
    };
    const std::vector<Library> libraries = {
        {"yaml-cpp `YAML::Load`", yamlcpp_attempt, true},
        {"libfyaml `fy_document_build_from_string`", libfyaml_attempt, true},
        {"libyaml events", libyaml_attempt, false},
        {"incident `load_yaml`", tool_attempt, true},
    };
    std::string out =
        "## Hostile documents\n\nEach in a forked child with a " + std::to_string(kAlarmSeconds) +
        " s alarm and a 1 GiB address-space limit (RLIMIT_AS). Times are the child's own; the peak resident "
        "memory is shown from 64 MB.\n\n|  |";
    for (const auto& lib : libraries) out += " " + lib.name + " |";
    out += "\n|---|";
    for (std::size_t i = 0; i < libraries.size(); ++i) out += "---|";
    out += "\n";
    for (const auto& doc : hostile_documents()) {
        out += "| " + doc.name + " |";
        for (const auto& lib : libraries) {
            std::string cell;
            if (doc.walk && !lib.has_tree)
                cell = "— (no tree: expanding aliases is left to the caller)";
            else if (doc.walk && lib.name.rfind("incident", 0) == 0)
                cell = "— (`load_yaml` counts aliases expanded as it builds: row above)";
            else
                cell = guarded([&] { return lib.attempt(doc.text, doc.walk); });
            out += " " + cell + " |";
        }
        out += "\n";
    }
    return out + "\n";
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3 || std::string_view(argv[1]) == "--help") {
        std::cerr << "usage: incident-yaml-bench DIR_WITH_YAML_FILES [LIMIT]\n"
                     "  times yaml-cpp, libfyaml, libyaml and the tool's own loader on the first LIMIT\n"
                     "  (default 10000; 0: all) *.yaml files of DIR, then checks comments and hostile input\n";
        return 2;
    }
    std::size_t limit = 10'000;
    if (argc == 3) {
        char* end = nullptr;
        limit = std::strtoull(argv[2], &end, 10);
        if (!end || *end != '\0' || argv[2][0] == '\0') {
            std::cerr << "incident-yaml-bench: LIMIT must be a number, not " << argv[2] << "\n";
            return 2;
        }
    }
    std::error_code ec;
    if (!fs::is_directory(argv[1], ec)) {
        std::cerr << "incident-yaml-bench: not a directory: " << argv[1] << "\n";
        return 2;
    }

    std::vector<std::string> paths = yaml_files(argv[1], limit);
    if (paths.empty()) {
        std::cerr << "incident-yaml-bench: no *.yaml file in " << argv[1] << "\n";
        return 2;
    }
    std::string safety = safety_section();

    std::vector<File> files;
    for (auto& path : paths) {
        auto text = slurp(path);
        if (!text) {
            std::cerr << "incident-yaml-bench: cannot read " << path << "\n";
            continue;
        }
        files.push_back({std::move(path), std::move(*text)});
    }
    if (files.empty()) {
        std::cerr << "incident-yaml-bench: no file of " << argv[1] << " could be read\n";
        return 2;
    }

    print_speed(files, argv[1]);
    print_fidelity();
    std::cout << safety;
    return 0;
}
