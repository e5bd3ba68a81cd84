// A link as the redirect path needs it: the stored Link plus its WhatsApp
// destination, percent-encoded once when the routing table is built rather
// than on every click.
#pragma once

#include <memory>
#include <string>

#include "core/model.h"

namespace sequencial::routing {

struct LinkRoute {
  Link link;
  std::string location;  // "https://wa.me/<digits>?text=<percent-encoded message>"
  // The message holds {utm_source}-style placeholders: the location must be
  // built per click with fill_placeholders() instead of using `location`.
  bool has_placeholders = false;
};

// Values of the message placeholders for one click (rule 7).
struct PlaceholderValues {
  std::string_view utm_source, utm_medium, utm_campaign, utm_term, utm_content, ref;
};

// Replaces {utm_source} {utm_medium} {utm_campaign} {utm_term} {utm_content}
// and {ref} in `message`; an absent value becomes empty, unknown
// placeholders are left as written.
[[nodiscard]] std::string fill_placeholders(std::string_view message,
                                            const PlaceholderValues& values);
[[nodiscard]] bool has_placeholders(std::string_view message);

[[nodiscard]] std::shared_ptr<const LinkRoute> make_link_route(Link link);

// "https://wa.me/<digits>" plus "?text=<encoded>" when the message is not empty.
[[nodiscard]] std::string whatsapp_url(std::string_view phone_digits, std::string_view message);

}  // namespace sequencial::routing
