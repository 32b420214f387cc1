// Built-in postmortem templates (mustache). Generated parts sit between
// <!-- incident:begin NAME --> and <!-- incident:end NAME --> and are
// refreshed on regeneration; everything else belongs to the people writing.
// <!-- incident:required --> under a heading makes --check insist on it.
#include "postmortem/postmortem.hpp"

namespace incident {

namespace {

const char* kGoogleSre = R"(<!-- incident:begin header -->
# Postmortem: {{title}} ({{id}})

> **Blameless postmortem.** We describe what happened and how our systems and processes allowed it,
> never who is to blame. People acted on the best information they had at the time.

| | |
|---|---|
| **Date** | {{date}} |
| **Authors** | {{authors}} |
| **Status** | {{doc_status}} |
| **Priority** | {{priority}} |
| **Service** | {{service}} |
| **Incident** | {{id}}{{#related}}, related: {{related}}{{/related}} |
| **Time to detect** | {{ttd}} |
| **Time to acknowledge** | {{tta}} |
| **Time to mitigate** | {{ttm}} |
| **Time to resolve** | {{ttr}} |
| **SLA** | respond {{sla_respond}}, resolve {{sla_resolve}} |
<!-- incident:end header -->

## Summary
<!-- incident:required -->
<!-- Two or three sentences a newcomer can follow: what broke, for whom, for how long. -->

## Impact
<!-- incident:required -->
<!-- Who was affected and how: users, requests, revenue, data. Numbers beat adjectives. -->

## Root causes
<!-- incident:required -->
<!-- The conditions that made this possible; there is rarely only one. -->

## Trigger
<!-- What turned the latent problem into an incident (a deploy, a traffic spike, a config change). -->

## Resolution
<!-- incident:begin resolution -->
{{#resolution}}Resolved as **{{code}}** by {{by}}: {{summary}}{{/resolution}}{{^resolution}}Not resolved yet.{{/resolution}}
<!-- incident:end resolution -->
<!-- What restored service, and what the permanent fix is if it differs. -->

## Detection
<!-- How did we find out: an alert, a customer, luck? How could we have found out sooner? -->

## Responders
<!-- incident:begin responders -->
{{#responders}}
- {{name}}{{#roles}} ({{roles}}){{/roles}}
{{/responders}}
{{#handoffs_any}}

Role hand-offs:
{{#handoffs}}
- {{at}}: {{role}} {{from}} -> {{to}}
{{/handoffs}}
{{/handoffs_any}}
{{#escalations_any}}

Escalations:
{{#escalations}}
- {{at}}: {{kind}} to {{to}}{{#reason}} ({{reason}}){{/reason}}
{{/escalations}}
{{/escalations_any}}
<!-- incident:end responders -->

## Action items
<!-- incident:begin actions -->
| # | Action | Type | Owner | Due | Status | Tracker |
|---|---|---|---|---|---|---|
{{#actions}}
| {{id}} | {{title}} | {{type}} | {{owner}} | {{due}} | {{status}} | {{tracker}} |
{{/actions}}
{{^actions}}
| | *None yet: add them with `incident action add {{id}} TITLE --owner --due --type`* | | | | | |
{{/actions}}
<!-- incident:end actions -->

## Lessons learned

### What went well
<!-- incident:required -->

### What went wrong
<!-- incident:required -->

### Where we got lucky
<!-- Near misses: things that could have made it worse and did not. -->

## Timeline
<!-- incident:begin timeline -->
All times UTC.

| Time | Who | Event | Details |
|---|---|---|---|
{{#timeline}}
| {{at}} | {{by}} | {{type}} | {{details}} |
{{/timeline}}
<!-- incident:end timeline -->

## Supporting information
<!-- Graphs, logs, links to dashboards and chat threads. -->
)";

const char* kPagerDuty = R"(<!-- incident:begin header -->
# {{title}}: incident review ({{id}})

> This review is blameless: it looks for contributing factors in systems and processes, not people.

**Priority** {{priority}} · **Service** {{service}} · **Opened** {{opened}} · **Resolved** {{resolved}} · **Duration** {{ttr}}
<!-- incident:end header -->

## Overview
<!-- incident:required -->
<!-- A short paragraph: what happened and the customer impact. -->

## What happened
<!-- incident:begin timeline -->
| Time (UTC) | Who | Event | Details |
|---|---|---|---|
{{#timeline}}
| {{at}} | {{by}} | {{type}} | {{details}} |
{{/timeline}}
<!-- incident:end timeline -->

## Contributing factors
<!-- incident:required -->

## Customer impact
<!-- incident:required -->

## Response
<!-- incident:begin responders -->
Responders: {{authors}}. Acknowledged after {{tta}}, mitigated after {{ttm}}.
<!-- incident:end responders -->
<!-- What helped, what slowed us down. -->

## Action items
<!-- incident:begin actions -->
| # | Action | Type | Owner | Due | Status |
|---|---|---|---|---|---|
{{#actions}}
| {{id}} | {{title}} | {{type}} | {{owner}} | {{due}} | {{status}} |
{{/actions}}
<!-- incident:end actions -->
)";

const char* kAtlassian = R"(<!-- incident:begin header -->
# Incident postmortem: {{id}} {{title}}

> Blameless: we assume everyone acted with good intentions on the information they had.

| Field | Value |
|---|---|
| Owner | {{commander}} |
| Priority | {{priority}} |
| Affected service | {{service}} |
| Detected | {{detected}} |
| Resolved | {{resolved}} |
| Time to resolve | {{ttr}} |
<!-- incident:end header -->

## Incident summary
<!-- incident:required -->

## Leadup
<!-- The circumstances that led to this incident. -->

## Fault
<!-- incident:required -->
<!-- What did not work as expected. -->

## Impact
<!-- incident:required -->

## Detection
<!-- incident:begin detection -->
Started {{started}}; detected {{detected}} (time to detect {{ttd}}); opened {{opened}}; acknowledged after {{tta}}.
<!-- incident:end detection -->

## Response and recovery
<!-- incident:begin resolution -->
{{#resolution}}{{code}}: {{summary}}{{/resolution}}
<!-- incident:end resolution -->

## Timeline
<!-- incident:begin timeline -->
| Time (UTC) | Who | Event | Details |
|---|---|---|---|
{{#timeline}}
| {{at}} | {{by}} | {{type}} | {{details}} |
{{/timeline}}
<!-- incident:end timeline -->

## Five whys
<!-- incident:required -->

## Follow-up tasks
<!-- incident:begin actions -->
| # | Task | Type | Owner | Due | Status |
|---|---|---|---|---|---|
{{#actions}}
| {{id}} | {{title}} | {{type}} | {{owner}} | {{due}} | {{status}} |
{{/actions}}
<!-- incident:end actions -->
)";

}  // namespace

const std::vector<std::pair<std::string, const char*>>& builtin_templates() {
    static const std::vector<std::pair<std::string, const char*>> templates = {
        {"google-sre", kGoogleSre}, {"pagerduty", kPagerDuty}, {"atlassian", kAtlassian}};
    return templates;
}

}  // namespace incident
