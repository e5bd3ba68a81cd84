// The stored form of business hours (storage/schedule_codec.h): whatever a
// database row holds must decode to a schedule or to an error, never a crash;
// a decoded schedule encodes and decodes back to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "storage/schedule_codec.h"

namespace storage = sequencial::storage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sequencial::fuzz::as_text(data, size);
  if (const auto date = storage::parse_date(text)) {
    FUZZ_CHECK(storage::format_date(*date) == text);
  }
  const auto schedule = storage::decode_schedule(text);
  if (!schedule) return 0;
  const auto encoded = storage::encode_schedule(*schedule);
  if (!encoded) return 0;  // e.g. text a database holds but JSON cannot carry
  const auto again = storage::decode_schedule(*encoded);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == *schedule);
  return 0;
}
