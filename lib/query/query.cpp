#include "query/query.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "model/errors.hpp"
#include "model/text.hpp"

namespace incident {

namespace {

// The SLA states' names, in ClockState's order (from the SLA module).
std::vector<std::string> clock_states() {
    std::vector<std::string> out;
    for (auto c = ClockState::none; c <= ClockState::missed; c = ClockState(static_cast<int>(c) + 1))
        out.emplace_back(to_string(c));
    return out;
}

bool contains_nocase(std::string_view hay, std::string_view needle) {
    return ascii_lower(hay).find(ascii_lower(needle)) != std::string::npos;
}

// ---- the expression tree -------------------------------------------------

}  // namespace

struct Filter::Node {
    enum class Kind { all, any, negate, compare, tag, truth } kind = Kind::all;
    std::vector<std::shared_ptr<const Node>> children;
    const Field* field = nullptr;
    std::string op;               // = != < <= > >= ~ !~ in
    std::vector<Value> operands;  // parsed for the field's kind
    bool whole_day = false;       // a time compared with a bare date
    std::string tag;
};

namespace {

using Node = Filter::Node;
using NodePtr = std::shared_ptr<const Node>;

std::shared_ptr<Node> make_node(Node::Kind kind, std::vector<NodePtr> children = {}) {
    auto n = std::make_shared<Node>();
    n->kind = kind;
    n->children = std::move(children);
    return n;
}

struct Token {
    enum class Type { word, string, op, lparen, rparen, comma, end } type;
    std::string text;
    std::size_t column;  // 1-based
};

class Parser {
public:
    Parser(std::string_view text, std::string_view source, const Config& cfg, Timestamp now)
        : text_(text), source_(source), cfg_(cfg), now_(now) {
        lex();
    }

    NodePtr parse() {
        if (tokens_.front().type == Token::Type::end) fail(tokens_.front(), "the filter is empty");
        auto n = parse_or();
        if (peek().type != Token::Type::end) fail(peek(), "expected 'and', 'or' or the end, found " + found(peek()));
        return n;
    }

private:
    [[noreturn]] void fail(std::size_t column, const std::string& message) const {
        // The expression with a caret under the mistake, below the message.
        throw UsageError(std::string(source_) + ": column " + std::to_string(column) + ": " + message + "\n  " +
                         std::string(text_) + "\n  " + std::string(column - 1, ' ') + "^");
    }
    [[noreturn]] void fail(const Token& t, const std::string& message) const { fail(t.column, message); }
    static std::string found(const Token& t) { return t.type == Token::Type::end ? "the end" : "'" + t.text + "'"; }

    static bool word_char(char c) {
        return !std::isspace(static_cast<unsigned char>(c)) &&
               std::string_view("()=,!<>~\"'").find(c) == std::string_view::npos;
    }

    void lex() {
        std::size_t i = 0;
        while (i < text_.size()) {
            char c = text_[i];
            std::size_t col = i + 1;
            if (std::isspace(static_cast<unsigned char>(c))) {
                ++i;
            } else if (c == '(' || c == ')' || c == ',') {
                tokens_.push_back({c == '('   ? Token::Type::lparen
                                   : c == ')' ? Token::Type::rparen
                                              : Token::Type::comma,
                                   std::string(1, c), col});
                ++i;
            } else if (c == '"' || c == '\'') {
                std::string s;
                ++i;
                while (i < text_.size() && text_[i] != c) {
                    if (text_[i] == '\\' && i + 1 < text_.size()) ++i;
                    s += text_[i++];
                }
                if (i >= text_.size()) fail(col, "this quote is never closed");
                ++i;
                tokens_.push_back({Token::Type::string, s, col});
            } else if (std::string_view("=!<>~").find(c) != std::string_view::npos) {
                char d = i + 1 < text_.size() ? text_[i + 1] : '\0';
                std::string op(1, c);
                if ((d == '=' && c != '~') || (d == '~' && (c == '!' || c == '='))) op += d;
                i += op.size();
                if (op == "!") fail(col, "'!' must be followed by '=' or '~' (use 'not' to negate)");
                if (op == "==") op = "=";
                if (op == "=~") op = "~";
                tokens_.push_back({Token::Type::op, op, col});
            } else {
                std::size_t start = i;
                while (i < text_.size() && word_char(text_[i])) ++i;
                tokens_.push_back({Token::Type::word, std::string(text_.substr(start, i - start)), col});
            }
        }
        tokens_.push_back({Token::Type::end, "", text_.size() + 1});
    }

    const Token& peek() const { return tokens_[pos_]; }
    const Token& next() { return tokens_[pos_ < tokens_.size() - 1 ? pos_++ : pos_]; }
    bool keyword(const char* k) const { return peek().type == Token::Type::word && ascii_lower(peek().text) == k; }

    // operand (word operand)*: one node of `kind` when the word occurs, else the operand alone.
    NodePtr parse_chain(const char* word, Node::Kind kind, NodePtr (Parser::*operand)()) {
        auto first = (this->*operand)();
        if (!keyword(word)) return first;
        auto n = make_node(kind, {first});
        while (keyword(word)) {
            next();
            n->children.push_back((this->*operand)());
        }
        return n;
    }
    NodePtr parse_or() { return parse_chain("or", Node::Kind::any, &Parser::parse_and); }
    NodePtr parse_and() { return parse_chain("and", Node::Kind::all, &Parser::parse_not); }

    // Each 'not' and '(' nests one level; the parser and the evaluator recurse
    // per level, so the depth is bounded like the YAML loader's.
    static constexpr int kMaxDepth = 64;
    struct Nesting {
        explicit Nesting(Parser& p) : p_(p) {
            if (++p_.depth_ > kMaxDepth)
                p_.fail(p_.peek(), "the expression nests deeper than " + std::to_string(kMaxDepth) + " levels");
        }
        ~Nesting() { --p_.depth_; }
        Parser& p_;
    };

    NodePtr parse_not() {
        if (keyword("not")) {
            Nesting level(*this);
            next();
            return make_node(Node::Kind::negate, {parse_not()});
        }
        if (peek().type == Token::Type::lparen) {
            Nesting level(*this);
            next();
            auto n = parse_or();
            if (peek().type != Token::Type::rparen) fail(peek(), "expected ')', found " + found(peek()));
            next();
            return n;
        }
        return parse_predicate();
    }

    NodePtr parse_predicate() {
        const Token& t = next();
        if (t.type != Token::Type::word) fail(t, "expected a field name, found " + found(t));
        if (ascii_lower(t.text).rfind("tag:", 0) == 0) {
            if (t.text.size() == 4) fail(t.column + 4, "expected a tag after 'tag:'");
            auto n = make_node(Node::Kind::tag);
            n->tag = t.text.substr(4);
            return n;
        }
        const Field* f = find_field(ascii_lower(t.text));
        if (!f) fail(t, "unknown field '" + t.text + "'; fields are " + field_names());
        auto n = make_node(Node::Kind::compare);
        n->field = f;
        if (keyword("not") || keyword("in")) {
            bool negated = keyword("not");
            if (negated) {
                next();
                if (!keyword("in")) fail(peek(), "expected 'in' after 'not'");
            }
            next();
            n->op = negated ? "not in" : "in";
            if (peek().type != Token::Type::lparen) fail(peek(), "expected '(' after 'in'");
            next();
            while (true) {
                n->operands.push_back(operand(*f, n->op, next(), n->whole_day));
                if (peek().type == Token::Type::comma) {
                    next();
                    continue;
                }
                if (peek().type != Token::Type::rparen) fail(peek(), "expected ',' or ')' in the list");
                next();
                break;
            }
            return n;
        }
        if (peek().type != Token::Type::op) {
            if (f->kind == FieldKind::boolean) {  // "drill" alone means drill=true
                n->kind = Node::Kind::truth;
                return n;
            }
            fail(peek(), "expected an operator (= != < <= > >= ~ !~ in) after '" + t.text + "'");
        }
        const Token& op = next();
        n->op = op.text;
        bool ordered = n->op == "<" || n->op == "<=" || n->op == ">" || n->op == ">=";
        bool text_match = n->op == "~" || n->op == "!~";
        if (ordered && (f->kind == FieldKind::text || f->kind == FieldKind::tags || f->kind == FieldKind::boolean ||
                        f->kind == FieldKind::clock))
            fail(op, "'" + f->name + "' has no order; use = != ~ or in");
        if (text_match && f->kind != FieldKind::text && f->kind != FieldKind::id)
            fail(op, "'" + n->op + "' matches text; '" + f->name + "' is not text");
        if (f->kind == FieldKind::tags) fail(t, "use tag:NAME to test a tag");
        n->operands.push_back(operand(*f, n->op, next(), n->whole_day));
        return n;
    }

    // The operand of a comparison, parsed and checked for the field's kind.
    Value operand(const Field& f, const std::string& op, const Token& t, bool& whole_day) {
        if (t.type != Token::Type::word && t.type != Token::Type::string)
            fail(t, "expected a value after '" + op + "', found " + found(t));
        const std::string& s = t.text;
        Value v{true, s, 0, {}};
        switch (f.kind) {
            case FieldKind::text:
            case FieldKind::id:
            case FieldKind::tags:
                return v;
            case FieldKind::scale: {
                int r = Config::rank(cfg_.*f.scale, s);
                if (r < 0) fail(t, "'" + s + "' is not on the " + f.name + " scale (" + join(cfg_.*f.scale) + ")");
                v.number = r;
                return v;
            }
            case FieldKind::status: {
                auto st = parse_status(s);
                if (!st) fail(t, "'" + s + "' is not a status (" + status_names() + ")");
                v.number = static_cast<long long>(*st);
                return v;
            }
            case FieldKind::time: {
                bool date_only = s.size() == 10 && s[4] == '-' && s[7] == '-';
                auto at = parse_time_spec(s, now_);
                if (!at) fail(t, "'" + s + "' is not a time (2026-01-31, 2026-01-31T09:00:00Z, now, -7d)");
                whole_day = date_only;
                v.number = at->time_since_epoch().count();
                return v;
            }
            case FieldKind::duration: {
                auto d = parse_duration(s);
                if (!d) fail(t, "'" + s + "' is not a duration (90s, 15m, 4h, 2d, 1w, 1h30m)");
                v.number = d->count();
                return v;
            }
            case FieldKind::number: {
                auto r = std::from_chars(s.data(), s.data() + s.size(), v.number);
                if (r.ec != std::errc{} || r.ptr != s.data() + s.size()) fail(t, "'" + s + "' is not a whole number");
                return v;
            }
            case FieldKind::boolean: {
                auto l = ascii_lower(s);
                if (l != "true" && l != "false" && l != "yes" && l != "no") fail(t, "'" + s + "' is not true or false");
                v.number = l == "true" || l == "yes";
                return v;
            }
            case FieldKind::clock: {
                auto states = clock_states();
                auto it = std::find(states.begin(), states.end(), ascii_lower(s));
                if (it == states.end()) fail(t, "'" + s + "' is not an SLA state (" + join(states) + ")");
                v.number = it - states.begin();
                return v;
            }
        }
        return v;
    }

    std::string_view text_, source_;
    const Config& cfg_;
    Timestamp now_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

bool equal(const Value& have, const Value& want, const Field& f, bool whole_day) {
    switch (f.kind) {
        case FieldKind::text:
        case FieldKind::id:
            return ascii_lower(have.text) == ascii_lower(want.text);
        case FieldKind::time:
            if (whole_day) return have.number >= want.number && have.number < want.number + 86400;
            return have.number == want.number;
        default:
            return have.number == want.number;
    }
}

bool compare(const Node& n, const Value& have) {
    const Field& f = *n.field;
    const Value& want = n.operands.front();
    if (n.op == "in" || n.op == "not in") {
        bool any = have.present && std::any_of(n.operands.begin(), n.operands.end(),
                                               [&](const Value& w) { return equal(have, w, f, n.whole_day); });
        return n.op == "in" ? any : !any;
    }
    if (n.op == "~") return have.present && contains_nocase(have.text, want.text);
    if (n.op == "!~") return !have.present || !contains_nocase(have.text, want.text);
    if (n.op == "=") return have.present && equal(have, want, f, n.whole_day);
    if (n.op == "!=") return !have.present || !equal(have, want, f, n.whole_day);
    if (!have.present) return false;
    // A bare date stands for the whole day: "<= 2026-01-31" includes that day.
    long long lo = want.number, hi = want.number + (n.whole_day ? 86400 : 1);
    if (n.op == "<") return have.number < lo;
    if (n.op == "<=") return have.number < hi;
    if (n.op == ">") return have.number >= hi;
    return have.number >= lo;  // >=
}

bool eval(const Node& n, const Summary& s, const Config& cfg, Timestamp now) {
    switch (n.kind) {
        case Node::Kind::all:
            return std::all_of(n.children.begin(), n.children.end(),
                               [&](const NodePtr& c) { return eval(*c, s, cfg, now); });
        case Node::Kind::any:
            return std::any_of(n.children.begin(), n.children.end(),
                               [&](const NodePtr& c) { return eval(*c, s, cfg, now); });
        case Node::Kind::negate:
            return !eval(*n.children.front(), s, cfg, now);
        case Node::Kind::tag:
            return s.has_tag(n.tag);
        case Node::Kind::truth:
            return field_value(s, *n.field, cfg, now).number != 0;
        case Node::Kind::compare:
            return compare(n, field_value(s, *n.field, cfg, now));
    }
    return false;
}

}  // namespace

Filter Filter::parse(std::string_view text, const Config& cfg, Timestamp now, std::string_view source) {
    Filter f;
    f.root_ = Parser(text, source, cfg, now).parse();
    f.config_ = &cfg;
    f.now_ = now;
    return f;
}

bool Filter::matches(const Summary& s) const { return !root_ || eval(*root_, s, *config_, now_); }

}  // namespace incident
