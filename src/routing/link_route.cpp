// Packs a link and its WhatsApp destination into one allocation.
#include "routing/link_route.h"

#include <cstring>
#include <new>

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

LinkRouteRef make_link_route(const Link& link) {
  const std::string location = whatsapp_url(link.phone, link.message);
  const std::string_view fields[LinkRoute::kFieldCount] = {
      link.slug,          link.phone,
      link.message,       link.label,
      link.preview_title, link.preview_description,
      link.preview_image, location};
  std::size_t size = 0;
  for (const auto field : fields) size += field.size();
  void* memory = ::operator new(sizeof(LinkRoute) + size);
  auto* route =
      new (memory) LinkRoute();  // NOLINT(cppcoreguidelines-owning-memory): owned by the references
  route->id_ = link.id;
  route->active_ = link.active;
  route->created_at_ = link.created_at;
  route->has_placeholders_ = has_placeholders(link.message);
  char* out = reinterpret_cast<char*>(route + 1);
  std::size_t end = 0;
  for (int f = 0; f < LinkRoute::kFieldCount; ++f) {
    std::memcpy(out + end, fields[f].data(), fields[f].size());
    end += fields[f].size();
    route->ends_[f] = static_cast<std::uint32_t>(end);
  }
  return LinkRouteRef(route);
}

std::string_view LinkRoute::text(Field field) const {
  const std::uint32_t begin = field == kSlug ? 0 : ends_[field - 1];
  return {chars() + begin, ends_[field] - begin};
}

Link LinkRoute::link() const {
  Link out;
  out.id = id_;
  out.slug = slug();
  out.phone = phone();
  out.message = message();
  out.label = label();
  out.active = active_;
  out.preview_title = preview_title();
  out.preview_description = preview_description();
  out.preview_image = preview_image();
  out.created_at = created_at_;
  return out;
}

void intrusive_ptr_add_ref(const LinkRoute* route) {
  route->references_.fetch_add(1, std::memory_order_relaxed);
}

void intrusive_ptr_release(const LinkRoute* route) {
  if (route->references_.fetch_sub(1, std::memory_order_acq_rel) == 1) {
    route->~LinkRoute();
    ::operator delete(const_cast<LinkRoute*>(route));
  }
}

}  // namespace sequencial::routing
