// A report in each output format. Strings and JSON values only: the
// command decides where they go.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/report.hpp"
#include "report/table.hpp"

namespace incident {

// The shape documented by schemas/report.schema.json; durations in seconds.
nlohmann::ordered_json report_to_json(const Report& r);
// One JSON object per line, each with "record": total | group | week |
// sla_by_service | effort | overdue_action | paging (when an incident was paged).
std::vector<nlohmann::ordered_json> report_to_records(const Report& r);

// The tables people read (durations like "3h 5m"): figures per group, SLA by
// service, effort, overdue action items, and paging when an incident of the
// period was paged.
std::vector<Table> report_tables(const Report& r);
// The figures per group (and the total) in one table for spreadsheets:
// durations in seconds, percentages as numbers, one column per statistic.
Table report_figures_table(const Report& r);

std::string report_markdown(const Report& r);

// A <h2> and <table> for one table; a whole page around a body.
std::string html_table(const Table& t);
std::string html_page(const std::string& title, const std::string& body);
// A self-contained page: inline CSS and SVG charts, no scripts, no fetches.
std::string report_html(const Report& r);

}  // namespace incident
