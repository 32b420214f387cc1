// What each chat tool interprets in the text it is sent, escaped, and text
// cut to a tool's length limit without ever cutting an escape in two: the
// raw text is cut before it is escaped, rendered markup on escape boundaries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace incident {

// Turns plain text into text a chat tool shows as it is.
using Escape = std::string (*)(std::string_view);

// Slack mrkdwn, and Google Chat message text, which formats the same way:
// &, < and > as entities (no <!channel>, <@U…>, <users/all> or <url|link>);
// *, ~, ` and an '_' at a word's edge as look-alikes (∗ ∼ ˋ ˍ) and the '('
// of "[text](url)" as '（', since neither tool has an escape character; a
// zero-width space after an '@' that starts a word (no @here, @channel or
// @everyone; an e-mail address stays whole).
std::string chat_text_escape(std::string_view s);
// Markdown dialects (Discord, Teams' TextBlock subset): a backslash before
// inline markup and HTML brackets and before a block marker (#, -, +, =,
// "1." or "1)") that starts a line; a zero-width space after an '@' that
// starts a word, as above.
std::string markdown_escape(std::string_view s);
// Mattermost: markdown_escape, but &, < and > as entities, so neither
// <!channel>, <!here>, <!all> nor <@user> reaches Mattermost's Slack
// translation; @channel, @here and @all are broken as above.
std::string mattermost_escape(std::string_view s);
// Google Chat card text (HTML): &, < and > as entities (no <users/all>
// mention, no card HTML such as <a href>).
std::string chat_html_escape(std::string_view s);

// Code points in UTF-8 text.
std::size_t code_points(std::string_view s);
// At most `max` code points, never cutting one, a cut marked with "…".
std::string clip(std::string_view s, std::size_t max);
// `raw` escaped, in at most `max` code points: the raw text is cut (shorter
// until its escaped form and the "…" fit), so no escape is ever cut in two.
std::string fit(std::string_view raw, std::size_t max, Escape escape);
// Already escaped text (a rendered template) in at most `max` code points,
// cut on an escape boundary: never inside an entity (&…;) and never after
// the backslash of a backslash escape.
std::string clip_markup(std::string_view s, std::size_t max);

}  // namespace incident
