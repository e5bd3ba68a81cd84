// Builds the WhatsApp destination of a link.
#include "routing/link_route.h"

#include "core/text.h"

namespace sequencial::routing {

std::string whatsapp_url(std::string_view phone_digits, std::string_view message) {
  std::string url = "https://wa.me/";
  url.append(phone_digits);
  if (!message.empty()) {
    url.append("?text=");
    append_percent_encoded(url, message);
  }
  return url;
}

std::shared_ptr<const LinkRoute> make_link_route(Link link) {
  auto route = std::make_shared<LinkRoute>();
  route->location = whatsapp_url(link.phone, link.message);
  route->link = std::move(link);
  return route;
}

}  // namespace sequencial::routing
