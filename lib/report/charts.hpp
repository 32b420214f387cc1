// The HTML report's charts (inline SVG), and the number formats the
// report's renderers share.
#pragma once

#include <optional>
#include <string>

#include "report/report.hpp"

namespace incident {

// `v` with `decimals` digits after the point.
std::string fixed(double v, int decimals);
// Seconds as a duration ("3h 4m"); "-" when unknown.
std::string human(const std::optional<double>& secs);

std::string chart_weekly(const Report& r);  // incidents per week, stacked by priority
std::string chart_mttr(const Report& r);    // median and p90 time to resolve per week
std::string chart_sla(const Report& r);     // SLA compliance by service

}  // namespace incident
