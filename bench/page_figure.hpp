// The paging figure of incident-bench: a repository of its own with 1 000
// open P1 incidents, 20 on-call schedules, the people in them and an
// escalation policy that pages P1s. Here only the files are written (as the
// tool would write them); bench.cpp commits them, pages every incident once
// and times `page tick` at an instant when no next step is due: the steady
// state of a cron tick, the cost of looking. Nobody has a contact method or
// an email, so every page is recorded as "not paged" and nothing is sent.
#pragma once

#include <filesystem>
#include <fstream>
#include <string>

namespace page_figure {

constexpr int kIncidents = 1000;
constexpr int kSchedules = 20;
constexpr int kPeople = 30;
// Every incident opens at kOpened; the first tick pages step 1 at kFirstTick;
// step 2 is due 30 minutes after that, so nothing is due at kQuietTick.
inline const std::string kOpened = "2026-11-18T00:00:00Z";
inline const std::string kFirstTick = "2026-11-18T00:05:00Z";
inline const std::string kQuietTick = "2026-11-18T00:20:00Z";

inline std::string person(int k) { return "p" + std::to_string(100 + k % kPeople).substr(1); }

inline std::string people_yaml() {
    std::string y = "people:\n";
    for (int k = 0; k < kPeople; ++k) y += "  " + person(k) + ": {name: Person " + std::to_string(k) + "}\n";
    return y;
}

// Schedule `i`: four people in weekly, daily or hourly turns.
inline std::string schedule_yaml(int i) {
    static const char* rotations[] = {"weekly", "daily", "hourly"};
    std::string members;
    for (int k = 0; k < 4; ++k) members += (k ? ", " : "") + person(i + k);
    return "name: Schedule " + std::to_string(i) + "\ntime_zone: " + (i % 2 ? "Europe/Berlin" : "UTC") +
           "\nlayers:\n  - {name: main, start: 2026-01-05T09:00, rotation: " + rotations[i % 3] + ", members: [" +
           members + "]}\n";
}

inline std::string escalation_yaml() {
    return "policies:\n  sre:\n    steps:\n      - {notify: [schedule:s00], after: 30m}\n"
           "      - {notify: [schedule:s01], after: 30m}\nby_priority: {P1: sre}\n";
}

inline std::string incident_yaml(int n) {
    const std::string id = "INC-" + std::to_string(n);
    return "id: " + id + "\ntitle: Checkout errors " + std::to_string(n) +
           "\nstatus: open\nservice: checkout\nimpact: high\nurgency: high\npriority: P1\nopened_at: " + kOpened +
           "\ntimeline:\n  - {at: " + kOpened + ", by: alertmanager, type: opened, text: Checkout errors}\n";
}

// Writes the files into `dir`, an initialised repository; `incident_path`
// gives where incident n goes in its layout.
template <typename PathOf>
void write_repository(const std::filesystem::path& dir, PathOf incident_path) {
    namespace fs = std::filesystem;
    fs::create_directories(dir / ".incident" / "oncall");
    std::ofstream(dir / ".incident" / "people.yaml") << people_yaml();
    for (int i = 0; i < kSchedules; ++i) {
        std::string name = std::to_string(100 + i).substr(1);
        std::ofstream(dir / ".incident" / "oncall" / ("s" + name + ".yaml")) << schedule_yaml(i);
    }
    std::ofstream(dir / ".incident" / "escalation.yaml") << escalation_yaml();
    for (int n = 1; n <= kIncidents; ++n) {
        fs::create_directories((dir / incident_path(n)).parent_path());
        std::ofstream(dir / incident_path(n)) << incident_yaml(n);
    }
}

}  // namespace page_figure
