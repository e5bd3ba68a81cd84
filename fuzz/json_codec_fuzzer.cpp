// The admin API's JSON bodies (api/json_codec.h): the input is parsed the way
// the API parses a request body, then read as a link, a central and business
// hours. Errors are turned into the error body the API would answer.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "api/json_codec.h"
#include "fuzz_support.h"

namespace api = sequencial::api;

namespace {

void answer(const sequencial::Error& error) {
  const std::string body = api::error_body(error);
  FUZZ_CHECK(nlohmann::json::accept(body));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = sequencial::fuzz::as_text(data, size);
  if (auto date = api::parse_date(text, "date")) {
    FUZZ_CHECK(api::format_date(*date) == text);
  } else {
    answer(date.error());
  }

  const nlohmann::json body = nlohmann::json::parse(text, nullptr, false);
  if (body.is_discarded()) return 0;

  if (auto link = api::parse_link_input(body); !link) answer(link.error());
  if (auto central = api::parse_central_input(body); !central) answer(central.error());

  auto schedule = api::parse_schedule(body, "America/Sao_Paulo");
  if (!schedule) {
    answer(schedule.error());
    return 0;
  }
  // What the API answers for the hours it stored reads back the same.
  const nlohmann::json shown = api::schedule_json(*schedule);
  auto again = api::parse_schedule(shown, "UTC");
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(*again == *schedule);
  return 0;
}
