#include "report/json_writer.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "index/index.hpp"
#include "store/repository.hpp"
#include "test_context.hpp"

using namespace incident;
using incident::test::TestContext;
using ojson = nlohmann::ordered_json;

TEST_SUITE_BEGIN("json_writer");

namespace {

std::string dump(const ojson& j, int indent) {
    return j.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Writes `j` through a JsonWriter, member by member.
void write(JsonWriter& w, const ojson& j) {
    if (j.is_object()) {
        w.begin_object();
        for (const auto& [k, v] : j.items()) {
            w.key(k);
            write(w, v);
        }
        w.end_object();
    } else if (j.is_array()) {
        w.begin_array();
        for (const auto& v : j) write(w, v);
        w.end_array();
    } else if (j.is_string()) {
        w.string(j.get_ref<const std::string&>());
    } else if (j.is_boolean()) {
        w.boolean(j.get<bool>());
    } else if (j.is_null()) {
        w.null();
    } else {
        w.number(j.get<long long>());
    }
}

std::string written(const ojson& j, int indent) {
    JsonWriter w(indent);
    write(w, j);
    return w.text();
}

// Files written by a test are "fresh" and not cached; age them.
void age(const fs::path& p) {
    struct timespec times[2] = {{1700000000, 0}, {1700000000, 0}};
    utimensat(AT_FDCWD, p.c_str(), times, 0);
}

// What `list --json` printed before it streamed: one nlohmann document.
ojson old_list_document(const std::vector<const Summary*>& rows, const std::vector<const Field*>& fields,
                        const Config& cfg, Timestamp now) {
    ojson arr = ojson::array();
    for (const auto* s : rows) {
        ojson j = ojson::object();
        for (const auto* f : fields) {
            Value v = field_value(*s, *f, cfg, now);
            ojson value;
            if (!v.present)
                value = nullptr;
            else if (f->kind == FieldKind::duration || f->kind == FieldKind::number)
                value = v.number;
            else if (f->kind == FieldKind::boolean)
                value = v.number != 0;
            else if (f->kind == FieldKind::tags)
                value = v.list;
            else
                value = v.text.empty() ? ojson(nullptr) : ojson(v.text);
            j[f->name] = value;
        }
        arr.push_back(j);
    }
    return arr;
}

}  // namespace

TEST_CASE("json writer: the same bytes as nlohmann's dump, in every layout") {
    std::vector<std::string> texts = {
        "",
        "plain",
        "quote \" backslash \\ slash /",
        std::string("controls \b\f\n\r\t \x01\x1f\x7f end"),
        std::string("nul \0 inside", 12),
        "UTF-8: caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\xa5 \xe2\x80\xa8",
        "cut \xc3",
        "lone \x80 continuation",
        "overlong \xc0\xaf and \xe0\x80\xaf",
        "surrogate \xed\xa0\x80 and past U+10FFFF \xf4\x90\x80\x80",
        "\xff\xfe",
    };
    ojson doc = ojson::array();
    for (const auto& t : texts) doc.push_back(ojson{{"text", t}, {"n", -42}, {"list", {t, t}}});
    doc.push_back(ojson::object());
    doc.push_back(ojson::array());
    doc.push_back(ojson{{"empty", ojson::array()}, {"none", nullptr}, {"yes", true}, {"no", false}, {"zero", 0}});
    doc.push_back(ojson{{"nested", {{"deeper", {1, 2, {{"x", "y"}}}}}}});
    doc.push_back(ojson{{"big", 9223372036854775807LL}, {"small", -9223372036854775807LL - 1}});
    for (int indent : {-1, 0, 2, 4}) {
        CAPTURE(indent);
        CHECK(written(doc, indent) == dump(doc, indent));
        CHECK(written(ojson::array(), indent) == dump(ojson::array(), indent));
        CHECK(written(ojson::object(), indent) == dump(ojson::object(), indent));
        CHECK(written(ojson("top"), indent) == dump(ojson("top"), indent));
    }
}

TEST_CASE("json writer: list rows equal the old list document for a small repository") {
    TestContext t;
    t.write(".incident/config.yaml", "");
    fs::create_directories(t.dir / ".git");
    const char* files[] = {
        "id: INC-1\ntitle: \"Checkout \\\"down\\\"\\ttab\"\nstatus: open\nservice: checkout\npriority: P1\n"
        "impact: high\nurgency: high\ntags: [customer-facing, \"caf\\u00e9\"]\nopened_at: 2026-11-20T10:00:00Z\n"
        "timeline:\n  - {at: 2026-11-20T10:00:00Z, by: alice, type: opened}\n",
        "id: INC-2\ntitle: Resolved one\nstatus: resolved\nservice: search\npriority: P3\nteam: sre\ntier: L2\n"
        "drill: true\nstarted_at: 2026-11-19T09:00:00Z\ndetected_at: 2026-11-19T09:05:00Z\n"
        "opened_at: 2026-11-19T09:10:00Z\nacknowledged_at: 2026-11-19T09:20:00Z\n"
        "resolved_at: 2026-11-19T12:00:00Z\nresolution: {code: fixed, summary: done}\n"
        "actions:\n  - {id: 1, title: Fix it, owner: bob, due: 2026-12-01, status: open}\n"
        "timeline:\n  - {at: 2026-11-19T09:10:00Z, by: bob, type: opened}\n"
        "  - {at: 2026-11-19T10:00:00Z, by: bob, type: escalated, kind: functional, from: L1, to: L2}\n",
        "id: INC-10\ntitle: Untriaged\nstatus: open\n",
    };
    int n = 0;
    for (const char* text : files) {
        std::string id = n == 2 ? "INC-10" : "INC-" + std::to_string(n + 1);
        t.write("incidents/" + id + ".yaml", text);
        age(t.dir / ("incidents/" + id + ".yaml"));
        ++n;
    }
    Store store(find_repository(t.dir));
    Config cfg;
    Timestamp now = *parse_rfc3339("2026-11-21T00:00:00Z");
    for (bool cached : {false, true}) {
        Index index = load_index(store, cfg, now);
        CHECK(index.stats.cache_read == cached);
        REQUIRE(index.errors.empty());
        REQUIRE(index.incidents.size() == 3);
        std::vector<const Summary*> rows;
        for (const auto& s : index.incidents) rows.push_back(&s);
        std::vector<const Field*> all;
        for (const auto& f : query_fields()) all.push_back(&f);
        auto some = parse_fields("id,tags,ttr,drill,opened,sla");
        for (const auto& fields : {all, some}) {
            ojson old = old_list_document(rows, fields, cfg, now);
            JsonWriter pretty(2), lines(-1);
            std::string expected_lines;
            pretty.begin_array();
            for (std::size_t i = 0; i < rows.size(); ++i) {
                write_fields(pretty, *rows[i], fields, cfg, now);
                write_fields(lines, *rows[i], fields, cfg, now);
                lines.text() += '\n';
                expected_lines += dump(old[i], -1) + "\n";
            }
            pretty.end_array();
            CHECK(pretty.text() == dump(old, 2));
            CHECK(lines.text() == expected_lines);
        }
    }
}
