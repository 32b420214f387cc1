#include "template/template.hpp"

#include <algorithm>
#include <vector>

#include "model/errors.hpp"

namespace incident {
namespace {

using kainjow::mustache::data;

std::string trim(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
    return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

// How many times a section over `name` may repeat its body: the length of
// the list the name finds at the top of the data (where every list we render
// lies), else once.
std::size_t repeats(const data& d, const std::string& name) {
    const data* v = d.get(name.substr(0, name.find('.')));
    return v && v->is_list() ? std::max<std::size_t>(v->list_value().size(), 1) : 1;
}

// Walks the tags as mustache reads them (with set-delimiter tags), before
// anything renders: refuses nesting deeper than the limit and a template whose
// tags and text, each counted as often as its sections repeat it, exceed the
// work limit.
class Scan {
public:
    Scan(const std::string& text, const data& d, const std::string& where, const TemplateLimits& limits)
        : text_(text), data_(d), where_(where), limits_(limits) {}

    void run() {
        std::string open = "{{", close = "}}";
        size_t pos = 0;
        while (pos < text_.size()) {
            size_t tag = text_.find(open, pos);
            if (tag != pos) count(tag == std::string::npos ? text_.size() : tag);  // a text run
            if (tag == std::string::npos) return;
            bool triple = open == "{{" && text_.compare(tag + 2, 1, "{") == 0;
            std::string end = triple ? "}}}" : close;
            size_t body = tag + open.size() + (triple ? 1 : 0);
            size_t stop = text_.find(end, body);
            if (stop == std::string::npos) return;  // the parser says where
            std::string contents = trim(text_.substr(body, stop - body));
            if (contents.size() >= 2 && contents.front() == '=' && contents.back() == '=') {
                std::string inner = trim(contents.substr(1, contents.size() - 2));
                size_t space = inner.find_first_of(" \t");
                if (space == std::string::npos) return;
                open = inner.substr(0, space);
                close = trim(inner.substr(space));
                if (open.empty() || close.empty()) return;
            } else {
                visit(contents, tag);
            }
            pos = stop + end.size();
        }
    }

private:
    void visit(const std::string& contents, size_t at) {
        char kind = contents.empty() ? ' ' : contents[0];
        std::string name = trim(contents.substr(kind == '#' || kind == '^' || kind == '/' ? 1 : 0));
        if (kind == '/') {
            if (!factors_.empty()) factors_.pop_back();
            return;
        }
        count(at);
        if (kind != '#' && kind != '^') return;
        if (factors_.size() + 1 > limits_.depth) fail(at, "sections nest deeper than " + std::to_string(limits_.depth));
        factors_.push_back(kind == '#' ? repeats(data_, name) : 1);
    }

    void count(size_t at) {
        std::size_t cost = 1;
        for (std::size_t f : factors_) {
            cost = cost > limits_.work / f ? limits_.work + 1 : cost * f;
            if (cost > limits_.work) break;
        }
        work_ += cost;
        if (work_ > limits_.work)
            fail(at, "would render more than " + std::to_string(limits_.work) +
                         " tags and texts (sections repeat one another)");
    }

    [[noreturn]] void fail(size_t at, const std::string& why) const {
        int line = 1 + static_cast<int>(std::count(text_.begin(), text_.begin() + at, '\n'));
        size_t start = text_.rfind('\n', at == 0 ? 0 : at - 1);
        int column = static_cast<int>(at - (start == std::string::npos || at == 0 ? 0 : start + 1)) + 1;
        throw InvalidData(Location{where_, line, column}, "template refused: " + why);
    }

    const std::string& text_;
    const data& data_;
    const std::string& where_;
    const TemplateLimits& limits_;
    std::vector<std::size_t> factors_;
    std::size_t work_ = 0;
};

struct OutputFull {};

}  // namespace

std::string render_template(const std::string& text, const data& d,
                            const std::function<std::string(const std::string&)>& escape, const std::string& where,
                            const TemplateLimits& limits) {
    Scan(text, d, where, limits).run();
    kainjow::mustache::mustache tmpl{text};
    if (!tmpl.is_valid()) throw InvalidData(Location{where}, tmpl.error_message());
    if (escape) tmpl.set_custom_escape(escape);
    std::string out;
    try {
        tmpl.render(d, [&](const std::string& s) {
            if (out.size() + s.size() > limits.output) throw OutputFull{};
            out += s;
        });
    } catch (const OutputFull&) {
        throw InvalidData(Location{where},
                          "template refused: its output would pass " + std::to_string(limits.output) + " bytes");
    }
    if (!tmpl.is_valid()) throw InvalidData(Location{where}, tmpl.error_message());
    return out;
}

}  // namespace incident
