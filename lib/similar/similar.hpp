// Similar incidents: a score from 0 to 1 that says how much another incident
// looks like this one, as a sum of parts a person can check (the pattern
// behind a series of thefts, a phishing wave, a flapping service):
//
//   category  0.20  same category and subcategory 1, same category 0.6
//   location  0.25  location paths ("Site A/Car park B/Level -1"): the share
//                   of levels in common from the top; "lat,lon" coordinates:
//                   1 at the same spot, 0 from a kilometre apart
//   time      0.20  when it happened (started, else detected, else opened):
//                   0.6 x the time of day (1 within the hour, 0 from four
//                   hours apart) + 0.4 x the day (1 the same weekday, 0.5
//                   both on weekdays or both at the weekend)
//   tags      0.10  shared tags / all tags of the two (Jaccard)
//   text      0.25  TF-IDF cosine of title and description over the
//                   incidents compared
//
// Each part's contribution is its weight times its value, in ten-thousandths,
// and the score is their sum: the parts shown always add up to it.
#pragma once

#include <string>
#include <vector>

#include "model/config.hpp"
#include "model/incident.hpp"
#include "store/store.hpp"

namespace incident {

struct SimilarityPart {
    std::string name;      // category, location, time, tags, text
    int weight = 0;        // in ten-thousandths: 2000 is 0.20
    double value = 0;      // 0 to 1
    int contribution = 0;  // weight x value, in ten-thousandths
    std::string why;       // "same category security/theft", ...
};

struct Similarity {
    const Incident* other = nullptr;
    int score = 0;  // the sum of the parts' contributions, in ten-thousandths
    std::vector<SimilarityPart> parts;
};

// Every incident of `all` but `target` itself, scored against it, best first
// (ties by id); those scoring 0 are left out.
std::vector<Similarity> rank_similar(const Incident& target, const std::vector<Incident>& all);

// The open incidents (not resolved or closed, not drills, not `inc`) that
// score at least `threshold` (ten-thousandths) against `inc`, best first, at
// most `limit`: their ids and scores. Found through the index, then read.
std::vector<std::pair<std::string, int>> similar_open(const Store& store, const Config& config, const Incident& inc,
                                                      Timestamp now, int threshold, std::size_t limit);

// The value of each part on its own, for tests and documentation.
double location_likeness(const std::string& a, const std::string& b);
double time_likeness(Timestamp a, Timestamp b);

}  // namespace incident
