// Which requests are clicks (routing/request_kind.h): lines 1-4 are the
// method, Sec-Purpose, Purpose and X-Moz headers, the rest the User-Agent.
#include <cstddef>
#include <cstdint>

#include "core/text.h"
#include "fuzz_support.h"
#include "routing/request_kind.h"

namespace routing = sequencial::routing;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto fields = sequencial::fuzz::split_fields<5>(sequencial::fuzz::as_text(data, size));
  const routing::RequestTraits traits{.method = fields[0],
                                      .user_agent = fields[4],
                                      .sec_purpose = fields[1],
                                      .purpose = fields[2],
                                      .x_moz = fields[3]};
  const auto kind = routing::classify_request(traits);
  const bool preview = routing::is_preview_agent(fields[4]);
  // A crawler never counts as a click, whatever else it sends.
  if (preview) FUZZ_CHECK(kind != routing::RequestKind::kClick);
  bool listed = false;
  for (const auto token : routing::preview_agent_tokens()) {
    listed = listed || sequencial::icontains(fields[4], token);
  }
  FUZZ_CHECK(listed == preview);
  return 0;
}
