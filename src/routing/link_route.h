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
};

[[nodiscard]] std::shared_ptr<const LinkRoute> make_link_route(Link link);

// "https://wa.me/<digits>" plus "?text=<encoded>" when the message is not empty.
[[nodiscard]] std::string whatsapp_url(std::string_view phone_digits, std::string_view message);

}  // namespace sequencial::routing
