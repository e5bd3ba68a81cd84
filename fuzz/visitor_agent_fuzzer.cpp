// User-Agent and Referer classification (clicks/visitor_agent.h): the input
// is used as both headers.
#include <cstddef>
#include <cstdint>
#include <string>

#include "clicks/visitor_agent.h"
#include "fuzz_support.h"

namespace clicks = sequencial::clicks;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sequencial::fuzz::as_text(data, size);

  const auto device = clicks::classify_device(text);
  const auto browser = clicks::classify_browser(text);
  FUZZ_CHECK(clicks::device_from_name(clicks::device_name(device)) == device);
  FUZZ_CHECK(clicks::browser_from_name(clicks::browser_name(browser)) == browser);
  (void)clicks::device_from_name(text);
  (void)clicks::browser_from_name(text);

  // The domain is a view into the header, made of host characters only.
  const std::string_view domain = clicks::referrer_domain(text);
  if (!domain.empty()) {
    FUZZ_CHECK(domain.data() >= text.data() &&
               domain.data() + domain.size() <= text.data() + text.size());
    for (const char c : domain) {
      const bool host = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '[' ||
                        c == ']' || c == ':';
      FUZZ_CHECK(host);
    }
  }
  std::string stored = "previous value";
  clicks::assign_referrer_domain(stored, text);
  FUZZ_CHECK(stored.size() == domain.size());
  for (const char c : stored) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
  return 0;
}
