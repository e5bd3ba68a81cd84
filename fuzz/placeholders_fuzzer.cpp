// Message placeholders (routing/link_route.h): lines 1-6 are the utm_source,
// utm_medium, utm_campaign, utm_term, utm_content and ref values of a click,
// the rest the link's message.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "fuzz_support.h"
#include "routing/link_route.h"

namespace routing = sequencial::routing;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto f = sequencial::fuzz::split_fields<7>(sequencial::fuzz::as_text(data, size));
  const routing::PlaceholderValues values{f[0], f[1], f[2], f[3], f[4], f[5]};
  const std::string_view message = f[6];

  const std::string filled = routing::fill_placeholders(message, values);
  if (!routing::has_placeholders(message)) FUZZ_CHECK(filled == message);
  // Filling with empty values only removes text.
  const std::string emptied = routing::fill_placeholders(message, {});
  FUZZ_CHECK(emptied.size() <= message.size());

  sequencial::Link link;
  link.phone = "5511999990001";
  link.message = std::string(message);
  const auto route = routing::make_link_route(link);
  FUZZ_CHECK(route->has_placeholders() == routing::has_placeholders(message));
  const std::string url = routing::whatsapp_url(link.phone, filled);
  FUZZ_CHECK(url.starts_with("https://wa.me/5511999990001"));
  FUZZ_CHECK(url.find_first_of(" \r\n\"<>{}") == std::string::npos);
  if (!filled.empty()) {
    const auto text = sequencial::query_param(url.substr(url.find('?') + 1), "text");
    FUZZ_CHECK(text && *text == filled);
  }
  return 0;
}
