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

namespace {

struct Placeholder {
  std::string_view token;
  std::string_view PlaceholderValues::*value;
};
constexpr Placeholder kPlaceholders[] = {
    {"{utm_source}", &PlaceholderValues::utm_source},
    {"{utm_medium}", &PlaceholderValues::utm_medium},
    {"{utm_campaign}", &PlaceholderValues::utm_campaign},
    {"{utm_term}", &PlaceholderValues::utm_term},
    {"{utm_content}", &PlaceholderValues::utm_content},
    {"{ref}", &PlaceholderValues::ref},
};

}  // namespace

bool has_placeholders(std::string_view message) {
  for (const auto& p : kPlaceholders) {
    if (message.find(p.token) != std::string_view::npos) return true;
  }
  return false;
}

std::string fill_placeholders(std::string_view message, const PlaceholderValues& values) {
  std::string out;
  out.reserve(message.size() + 32);
  std::size_t i = 0;
  while (i < message.size()) {
    const std::size_t open = message.find('{', i);
    if (open == std::string_view::npos) break;
    out.append(message.substr(i, open - i));
    const Placeholder* match = nullptr;
    for (const auto& p : kPlaceholders) {
      if (message.substr(open, p.token.size()) == p.token) match = &p;
    }
    if (match == nullptr) {
      out.push_back('{');
      i = open + 1;
    } else {
      out.append(values.*(match->value));
      i = open + match->token.size();
    }
  }
  if (i < message.size()) out.append(message.substr(i));
  return out;
}

std::shared_ptr<const LinkRoute> make_link_route(Link link) {
  auto route = std::make_shared<LinkRoute>();
  route->location = whatsapp_url(link.phone, link.message);
  route->has_placeholders = has_placeholders(link.message);
  route->link = std::move(link);
  return route;
}

}  // namespace sequencial::routing
