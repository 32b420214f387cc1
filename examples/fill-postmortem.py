"""Writes the human sections of an example postmortem, the way a team would
after its review meeting. Used by generate.sh; not part of the tool."""
import sys

path, service = sys.argv[1], sys.argv[2]
text = open(path).read()
sections = {
    "## Summary": f"For about an hour {service} failed for most customers after its connection pool "
                  "was exhausted during the evening peak. Rolling back the pool change restored service.",
    "## Impact": f"Roughly 60 % of requests to {service} failed or timed out; about 1,800 customers saw errors "
                 "and an estimated 400 orders were delayed. No data was lost.",
    "## Root causes": "- The pool size was lowered in a routine change without a load test.\n"
                      "- Saturation of the pool was not alerted on; only the error rate was.",
    "## Trigger": "Evening traffic peak, 40 % above the daytime average.",
    "## Detection": "The error-rate alert fired four minutes after the first errors; a customer report arrived "
                    "a minute later.",
    "### What went well": "- The on-call engineer acknowledged within minutes and opened a channel at once.\n"
                          "- The rollback procedure worked as documented.",
    "### What went wrong": "- It took 20 minutes to connect the errors to the pool change.\n"
                           "- The change had no owner on call that evening.",
    "### Where we got lucky": "The peak ended on its own shortly after the rollback started.",
}
for heading, body in sections.items():
    start = text.index(heading + "\n") + len(heading) + 1
    text = text[:start] + body + "\n" + text[start:]
open(path, "w").write(text)
