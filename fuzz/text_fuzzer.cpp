// Query strings and percent-decoding (core/text.h), as the redirect path and
// the admin API read every URL: line 1 is a key, the rest a query string or
// any text.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/text.h"
#include "fuzz_support.h"

using sequencial::fuzz::as_text;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view whole = as_text(data, size);
  const auto [key, text] = sequencial::fuzz::split_fields<2>(whole);

  for (const bool plus : {false, true}) {
    if (auto decoded = sequencial::percent_decode(text, plus)) {
      FUZZ_CHECK(decoded->size() <= text.size());
      if (!plus) FUZZ_CHECK(text.find('%') != std::string_view::npos || *decoded == text);
    }
  }
  (void)sequencial::query_param(text, key);
  (void)sequencial::query_param(whole, "utm_source");

  // Encoding is total and decoding undoes it.
  const std::string encoded = sequencial::percent_encode(whole);
  std::string appended = "x";
  sequencial::append_percent_encoded(appended, whole);
  FUZZ_CHECK(appended == "x" + encoded);
  for (const bool plus : {false, true}) {
    const auto back = sequencial::percent_decode(encoded, plus);
    FUZZ_CHECK(back && *back == whole);
  }
  // A query built from an encoded value gives the value back.
  if (!key.empty() && key.find_first_of("&=%+") == std::string_view::npos) {
    const std::string query = "a=1&" + std::string(key) + "=" + encoded + "&z";
    const auto value = sequencial::query_param(query, key);
    FUZZ_CHECK(!value || *value == whole || key == "a");
  }

  const std::string escaped = sequencial::html_escape(whole);
  FUZZ_CHECK(escaped.find_first_of("<>\"'") == std::string::npos);

  if (const auto id = sequencial::parse_positive_id(whole)) FUZZ_CHECK(*id > 0);
  FUZZ_CHECK(sequencial::iequals(key, text) == sequencial::iequals(text, key));
  FUZZ_CHECK(sequencial::icontains(whole, text));
  (void)sequencial::icontains(text, key);
  return 0;
}
