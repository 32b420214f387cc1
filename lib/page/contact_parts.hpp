// The pieces page_delivery (page/contact.hpp) is made of, shared by its
// source files: what every page says, and the chat mention.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "page/contact.hpp"

namespace incident {

// Untrusted text (a title, a name) as one line of at most `max` code points.
std::string page_line(std::string_view s, std::size_t max = 200);

// "[P1] INC-7 page: TITLE" (the mail subject, the push title).
std::string page_subject(const Page& page);

// The delivery every page kind starts from: id, target, type, event, created_at.
Delivery page_addressed(const Page& page, const std::string& target, const std::string& type, Timestamp now);

// The page as a mention of the person in the chat target `method.target`.
std::optional<Delivery> chat_page_delivery(const ContactMethod& method, const Page& page, const NotifySettings& notify,
                                           Timestamp now, std::string& why);

}  // namespace incident
