#include "similar/similar.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numbers>
#include <optional>
#include <set>
#include <unordered_map>

#include "index/index.hpp"
#include "model/text.hpp"
#include "store/parallel.hpp"

namespace incident {

namespace {

constexpr int kCategory = 2000, kLocation = 2500, kTime = 2000, kTags = 1000, kText = 2500;

std::string trimmed(std::string_view s) {
    std::size_t a = s.find_first_not_of(" \t"), b = s.find_last_not_of(" \t");
    return a == std::string_view::npos ? std::string() : ascii_lower(s.substr(a, b - a + 1));
}

// "Site A / Car park B" -> {"site a", "car park b"}
std::vector<std::string> levels(const std::string& location) {
    std::vector<std::string> out;
    for (const auto& part : split(location, '/'))
        if (auto t = trimmed(part); !t.empty()) out.push_back(t);
    return out;
}

// "51.5007,-0.1246" -> {lat, lon}
std::optional<std::pair<double, double>> coordinates(const std::string& s) {
    auto comma = s.find(',');
    if (comma == std::string::npos) return std::nullopt;
    char* end = nullptr;
    std::string lat_text = trimmed(s.substr(0, comma)), lon_text = trimmed(s.substr(comma + 1));
    double lat = std::strtod(lat_text.c_str(), &end);
    if (lat_text.empty() || *end) return std::nullopt;
    double lon = std::strtod(lon_text.c_str(), &end);
    if (lon_text.empty() || *end || std::abs(lat) > 90 || std::abs(lon) > 180) return std::nullopt;
    return std::pair{lat, lon};
}

double metres_between(std::pair<double, double> a, std::pair<double, double> b) {
    constexpr double r = 6371000, rad = std::numbers::pi / 180;
    double dlat = (b.first - a.first) * rad, dlon = (b.second - a.second) * rad;
    double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
               std::cos(a.first * rad) * std::cos(b.first * rad) * std::sin(dlon / 2) * std::sin(dlon / 2);
    return 2 * r * std::asin(std::min(1.0, std::sqrt(h)));
}

std::optional<Timestamp> happened(const Incident& inc) {
    return inc.started_at ? inc.started_at : inc.detected_at ? inc.detected_at : inc.opened_at;
}

// Words of two letters or more, lower case; the commonest English words left out.
std::vector<std::string> words(const Incident& inc) {
    static const std::set<std::string> stop = {
        "the", "and",  "for", "from", "with", "was", "are", "not", "but", "has", "had", "have", "this", "that",
        "its", "into", "on",  "in",   "of",   "to",  "at",  "by",  "an",  "is",  "it",  "as",   "be",   "or"};
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (word.size() >= 2 && !stop.count(word)) out.push_back(word);
        word.clear();
    };
    for (char c : inc.title + "\n" + inc.description) {
        if (std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80))
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        else
            flush();
    }
    flush();
    return out;
}

// TF-IDF vectors of every incident's words, normalised to length 1.
using Vector = std::map<std::string, double>;
std::vector<Vector> tf_idf(const std::vector<const Incident*>& all) {
    std::vector<std::vector<std::string>> docs;
    std::unordered_map<std::string, int> df;
    for (const Incident* inc : all) {
        docs.push_back(words(*inc));
        for (const auto& w : std::set<std::string>(docs.back().begin(), docs.back().end())) ++df[w];
    }
    std::vector<Vector> out(all.size());
    const double n = static_cast<double>(all.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
        for (const auto& w : docs[i]) out[i][w] += 1;
        double norm = 0;
        for (auto& [w, tf] : out[i]) {
            tf *= std::log((1 + n) / (1 + df[w])) + 1;
            norm += tf * tf;
        }
        for (auto& [w, v] : out[i]) v /= std::sqrt(norm);
    }
    return out;
}

double cosine(const Vector& a, const Vector& b) {
    double dot = 0;
    const Vector& small = a.size() < b.size() ? a : b;
    const Vector& large = &small == &a ? b : a;
    for (const auto& [w, v] : small)
        if (auto it = large.find(w); it != large.end()) dot += v * it->second;
    return std::clamp(dot, 0.0, 1.0);
}

SimilarityPart part(const char* name, int weight, double value, std::string why) {
    value = std::clamp(value, 0.0, 1.0);
    return {name, weight, value, static_cast<int>(std::lround(weight * value)), std::move(why)};
}

SimilarityPart category_part(const Incident& a, const Incident& b) {
    if (a.category.empty() || a.category != b.category) return part("category", kCategory, 0, "");
    if (!a.subcategory.empty() && a.subcategory == b.subcategory)
        return part("category", kCategory, 1, "same " + a.category + "/" + a.subcategory);
    return part("category", kCategory, 0.6, "same category " + a.category);
}

SimilarityPart location_part(const Incident& a, const Incident& b) {
    double v = location_likeness(a.location, b.location);
    return part("location", kLocation, v, v > 0 ? b.location : "");
}

SimilarityPart time_part(const Incident& a, const Incident& b) {
    auto ta = happened(a), tb = happened(b);
    if (!ta || !tb) return part("time", kTime, 0, "");
    double v = time_likeness(*ta, *tb);
    return part("time", kTime, v, v > 0 ? format_rfc3339(*tb) : "");
}

SimilarityPart tags_part(const Incident& a, const Incident& b) {
    std::set<std::string> x(a.tags.begin(), a.tags.end()), y(b.tags.begin(), b.tags.end()), both, any;
    std::set_intersection(x.begin(), x.end(), y.begin(), y.end(), std::inserter(both, both.end()));
    std::set_union(x.begin(), x.end(), y.begin(), y.end(), std::inserter(any, any.end()));
    if (any.empty()) return part("tags", kTags, 0, "");
    return part("tags", kTags, static_cast<double>(both.size()) / static_cast<double>(any.size()),
                join(std::vector<std::string>(both.begin(), both.end())));
}

}  // namespace

double location_likeness(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return 0;
    if (auto ca = coordinates(a), cb = coordinates(b); ca && cb)
        return std::max(0.0, 1 - metres_between(*ca, *cb) / 1000);
    auto la = levels(a), lb = levels(b);
    std::size_t common = 0;
    while (common < la.size() && common < lb.size() && la[common] == lb[common]) ++common;
    return la.empty() || lb.empty() ? 0
                                    : static_cast<double>(common) / static_cast<double>(std::max(la.size(), lb.size()));
}

double time_likeness(Timestamp a, Timestamp b) {
    using namespace std::chrono;
    auto minute_of_day = [](Timestamp t) { return (t - floor<days>(t)).count() / 60; };
    long long d = std::abs(minute_of_day(a) - minute_of_day(b));
    d = std::min(d, 24 * 60 - d);
    double day_time = d <= 60 ? 1.0 : std::max(0.0, 1 - static_cast<double>(d - 60) / 180);
    unsigned wa = weekday(floor<days>(a)).c_encoding(), wb = weekday(floor<days>(b)).c_encoding();
    auto weekend = [](unsigned w) { return w == 0 || w == 6; };
    double day = wa == wb ? 1.0 : weekend(wa) == weekend(wb) ? 0.5 : 0.0;
    return 0.6 * day_time + 0.4 * day;
}

std::vector<Similarity> rank_similar(const Incident& target, const std::vector<Incident>& all) {
    // The corpus: every incident, and the target when it is not among them.
    std::vector<const Incident*> corpus;
    std::size_t t = all.size();
    for (const auto& inc : all) {
        if (inc.id == target.id) t = corpus.size();
        corpus.push_back(&inc);
    }
    if (t == all.size()) corpus.push_back(&target);
    const std::vector<Vector> vectors = tf_idf(corpus);
    std::vector<Similarity> out;
    for (std::size_t i = 0; i < all.size(); ++i) {
        const Incident& other = all[i];
        if (other.id == target.id) continue;
        double text = cosine(vectors[t], vectors[i]);
        Similarity s{&other,
                     0,
                     {category_part(target, other), location_part(target, other), time_part(target, other),
                      tags_part(target, other), part("text", kText, text, text > 0 ? "title and description" : "")}};
        for (const auto& p : s.parts) s.score += p.contribution;
        if (s.score > 0) out.push_back(std::move(s));
    }
    std::sort(out.begin(), out.end(), [](const Similarity& a, const Similarity& b) {
        return a.score != b.score ? a.score > b.score : a.other->id < b.other->id;
    });
    return out;
}

std::vector<std::pair<std::string, int>> similar_open(const Store& store, const Config& config, const Incident& inc,
                                                      Timestamp now, int threshold, std::size_t limit) {
    std::vector<std::string> ids;
    {
        Index index = load_index(store, config, now);
        for (const auto& s : index.incidents)
            if (s.status != Status::resolved && s.status != Status::closed && !s.drill && s.id != inc.id)
                ids.emplace_back(s.id);
    }
    std::vector<std::optional<Incident>> read(ids.size());
    parallel_for(ids.size(), [&](std::size_t i) {
        try {
            read[i] = store.load(ids[i]);
        } catch (const Error&) {  // a file that does not read is no hint
        }
    });
    std::vector<Incident> open;
    for (auto& r : read)
        if (r) open.push_back(std::move(*r));
    std::vector<std::pair<std::string, int>> out;
    for (const auto& s : rank_similar(inc, open))
        if (s.score >= threshold && out.size() < limit) out.emplace_back(s.other->id, s.score);
    return out;
}

}  // namespace incident
