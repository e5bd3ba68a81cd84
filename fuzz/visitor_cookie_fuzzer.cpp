// The visitor cookie (app/visitor.h): any Cookie header a client sends.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/visitor.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view header = sequencial::fuzz::as_text(data, size);
  const auto id = sequencial::app::parse_visitor_cookie(header);
  if (!id) return 0;
  // What was read is what would be written back.
  const auto hex = sequencial::app::format_visitor_id(*id);
  const std::string cookie = "a=b; sqv=" + std::string(hex.data(), hex.size()) + "; c=d";
  const auto again = sequencial::app::parse_visitor_cookie(cookie);
  FUZZ_CHECK(again && again->hi == id->hi && again->lo == id->lo);
  std::string set_cookie;
  sequencial::app::append_visitor_set_cookie(set_cookie, *id, true);
  FUZZ_CHECK(set_cookie.find(std::string_view(hex.data(), hex.size())) != std::string::npos);
  // One header line, ended by CRLF and holding no other line break.
  FUZZ_CHECK(set_cookie.starts_with("Set-Cookie: ") && set_cookie.ends_with("\r\n"));
  FUZZ_CHECK(set_cookie.find_first_of("\r\n") == set_cookie.size() - 2);
  return 0;
}
