// Rule 5 of docs/PRODUCT.md: which requests are not clicks. HEAD requests, browser
// prefetches and link-preview crawlers never move the rotation nor count as
// clicks; crawlers get an Open Graph page instead of the redirect.
// The crawler list is maintained here, in one place.
#pragma once

#include <span>
#include <string_view>

namespace sequencial::routing {

enum class RequestKind {
  kClick,     // a person following the link: route and redirect
  kPreview,   // a link-preview crawler or bot: Open Graph page, no click
  kPrefetch,  // browser prefetch/prerender: no click
  kHead,      // HEAD: headers of a 200 page, no click
};

struct RequestTraits {
  std::string_view method{};
  std::string_view user_agent{};
  std::string_view sec_purpose{};  // Sec-Purpose header
  std::string_view purpose{};      // Purpose header
  std::string_view x_moz{};        // X-Moz header
};

[[nodiscard]] RequestKind classify_request(const RequestTraits& traits);

// True when the User-Agent is a known preview crawler or bot (ASCII
// case-insensitive substring match against the list).
[[nodiscard]] bool is_preview_agent(std::string_view user_agent);

// The maintained list of crawler/bot User-Agent tokens.
[[nodiscard]] std::span<const std::string_view> preview_agent_tokens();

}  // namespace sequencial::routing
