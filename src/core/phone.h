// Phone numbers checked per country with Google's libphonenumber: a number
// is accepted only when its country's numbering plan says it can exist
// (Brazil: a two-digit DDD, then 8 digits for a landline or 9 for a mobile),
// so "+55 99999-1234" (no DDD) is refused. Numbers stay stored as E.164
// digits; the formatted form is for display.
//
// Thread-safety: the functions are safe to call concurrently
// (libphonenumber's PhoneNumberUtil is a read-only singleton).
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace sequencial {

struct PhoneInfo {
  std::string digits;     // E.164 without '+': "5511999990001"
  std::string formatted;  // international form: "+55 11 99999-0001"
  std::string region;     // ISO 3166 region of the number ("BR"), "001" for non-geographic
};

// `digits`: E.164 digits with the country code, no '+'. kInvalid on field
// "phone" when the country code is unknown or the number is not valid for
// its country.
[[nodiscard]] Result<PhoneInfo> check_phone_number(std::string_view digits);

}  // namespace sequencial
