// Per-country phone validation with libphonenumber.
#include "core/phone.h"

#include <phonenumbers/phonenumberutil.h>

namespace sequencial {

Result<PhoneInfo> check_phone_number(std::string_view digits) {
  using i18n::phonenumbers::PhoneNumber;
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  // "ZZ" (unknown region): the leading '+' makes the country code part of the input.
  const auto parsed = util.Parse("+" + std::string(digits), "ZZ", &number);
  if (parsed != PhoneNumberUtil::NO_PARSING_ERROR) {
    return fail(Error::invalid("phone", "phone must start with a valid country code"));
  }
  if (!util.IsValidNumber(number)) {
    return fail(Error::invalid(
        "phone", "phone is not a valid number for its country (country code, area code, number)"));
  }
  PhoneInfo info;
  util.Format(number, PhoneNumberUtil::E164, &info.digits);
  if (!info.digits.empty() && info.digits.front() == '+') info.digits.erase(0, 1);
  util.Format(number, PhoneNumberUtil::INTERNATIONAL, &info.formatted);
  util.GetRegionCodeForNumber(number, &info.region);
  return info;
}

}  // namespace sequencial
