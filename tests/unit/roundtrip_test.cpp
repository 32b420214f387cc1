// The round-trip property: any incident the model can hold, made of hostile
// strings (controls, escapes, YAML indicators, words YAML reads as something
// else, very long keys and values, deep maps under unknown keys), is saved
// and read back as the same document. Seeded, so a failure reproduces.
#include "model/roundtrip.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <random>

#include "model/incident.hpp"
#include "model/yaml_doc.hpp"

using namespace incident;

TEST_SUITE_BEGIN("model::roundtrip");

namespace {

class Hostile {
public:
    explicit Hostile(unsigned seed) : rng_(seed) {}

    int below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

    // A piece of text a person, a paste or an attacker could produce.
    std::string piece() {
        static const char* pieces[] = {
            "a",       "Z",    "0",      " ",       "  ",          "\n",         "\t",     "\r",     "\x01",
            "\x1b[2J", "\x7f", "\\",     "\"",      "'",           ":",          ": ",     " #",     "#",
            "-",       "- ",   "?",      "? ",      "&a",          "*a",         "!",      "!!str",  "|",
            ">",       "%",    "@",      "`",       "{",           "}",          "[",      "]",      ",",
            "---",     "...",  "<<",     "yes",     "no",          "null",       "~",      "true",   "0x1F",
            "0o17",    "1e3",  ".nan",   "-.inf",   "012",         "1_000",      "+1",     "1.",     "é",
            "日本",    "😀",    "\u0085", "\u00a0",  "\u2028",      "\u2029",     "\ufeff", "\u0080", "\u009f",
            "\\_",     "\\N",  "\\x85",  "\\u0041", "<users/all>", "<!channel>", "@here",  "&amp;",
        };
        return pieces[below(sizeof pieces / sizeof pieces[0])];
    }

    std::string text(int max_pieces = 12) {
        std::string s;
        int n = below(max_pieces) + 1;
        for (int i = 0; i < n; ++i) s += piece();
        if (below(40) == 0) s += std::string(static_cast<std::size_t>(below(70000)), '7');  // very long, all digits
        return s;
    }

    // A key: short text, or one just at YAML's 1024-character limit.
    std::string key() {
        if (below(20) == 0) return std::string(kMaxKeyLength - 2, 'k');  // "x-" is added to some
        std::string k;
        for (int n = below(4) + 1; n > 0; --n) k += piece();
        return k;
    }

    // A value under an unknown key: scalars, lists and maps, nested.
    YamlNode value(int depth) {
        int kind = depth <= 0 ? 0 : below(4);
        if (kind == 0) return YamlNode(text());
        if (kind == 1) {
            YamlNode seq = YamlNode::sequence(below(2) == 1);
            for (int i = below(4); i > 0; --i) seq.push_back(value(depth - 1));
            return seq;
        }
        YamlNode map = YamlNode::mapping(below(2) == 1);
        for (int i = below(4); i > 0; --i) map.set(key(), value(depth - 1));
        return map;
    }

    // A deep chain of maps: { k: { k: { ... } } }.
    YamlNode deep(int depth) {
        YamlNode leaf(text());
        for (int i = 0; i < depth; ++i) {
            YamlNode map = YamlNode::mapping();
            map.set("k" + std::to_string(i), std::move(leaf));
            leaf = std::move(map);
        }
        return leaf;
    }

    Incident incident() {
        Incident inc;
        inc.id = "INC-" + std::to_string(below(1000) + 1);
        inc.uid = "0b6f0c5e-0000-4000-8000-000000000000";
        inc.title = text();
        inc.status = static_cast<Status>(below(6));
        inc.drill = below(2) == 1;
        for (auto* field : {&inc.category, &inc.subcategory, &inc.service, &inc.priority_reason, &inc.reporter,
                            &inc.assignee, &inc.team, &inc.problem, &inc.location, &inc.dedup_key})
            if (below(2)) *field = text();
        inc.description = below(2) ? normalise_description(text(30)) : "";
        for (int i = below(3); i > 0; --i) inc.tags.push_back(text(3));
        for (int i = below(3); i > 0; --i) inc.set_role("role" + std::to_string(i), text(3));
        inc.opened_at = Timestamp(std::chrono::seconds(1700000000 + below(100000000)));
        for (int i = below(3); i > 0; --i) {
            Action a;
            a.id = i;
            a.title = text();
            a.owner = below(2) ? text(3) : "";
            inc.actions.push_back(a);
        }
        for (int i = below(5) + 1; i > 0; --i) {
            Event e;
            e.at = *inc.opened_at + std::chrono::seconds(i);
            e.by = text(3);
            e.type = "note";
            e.text = text();
            if (below(2)) e.set("from", text(3));
            if (below(3) == 0) e.set("level", below(5));
            if (below(4) == 0) e.attrs.emplace_back(key(), value(2));
            inc.timeline.push_back(e);
        }
        for (int i = below(3); i > 0; --i) {
            std::string k = "x-" + key();
            bool taken = std::any_of(inc.extra.begin(), inc.extra.end(), [&](const ExtraKey& x) { return x.key == k; });
            if (!taken) inc.extra.push_back({below(2) ? "title" : "", k, value(3)});
        }
        if (below(5) == 0) inc.extra.push_back({"", "x-deep", deep(below(55) + 1)});
        return inc;
    }

private:
    std::mt19937 rng_;
};

}  // namespace

TEST_CASE("every incident the model holds is saved and read back the same") {
    for (unsigned seed = 1; seed <= 400; ++seed) {
        Hostile gen(seed);
        Incident inc = gen.incident();
        CAPTURE(seed);
        std::string text = incident_to_yaml(inc);
        Incident back;
        REQUIRE_NOTHROW(back = incident_from_yaml(load_yaml(text, "x.yaml"), "x.yaml"));
        std::string diff = first_difference(inc, back);
        CHECK_MESSAGE(diff.empty(), diff, " differs");
        std::string again = incident_to_yaml(back);
        std::size_t at = std::mismatch(text.begin(), text.end(), again.begin(), again.end()).first - text.begin();
        CHECK_MESSAGE(again == text, "written again, the text changes at byte ", at, ": ",
                      text.substr(at > 40 ? at - 40 : 0, 120), " became ", again.substr(at > 40 ? at - 40 : 0, 120));
    }
}

TEST_SUITE_END();
