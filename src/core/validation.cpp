// Input rules for links: phone normalisation, slugs, UTF-8 text and image URLs.
#include "core/validation.h"

#include <cstdint>

#include "core/phone.h"
#include "core/text.h"

namespace sequencial {
namespace {

constexpr std::size_t kMaxPhoneDigits = 15;
constexpr std::size_t kMinPhoneDigits = 8;
constexpr std::size_t kMaxImageUrlBytes = 2048;

// Top-level paths the server itself answers (or may answer) at the root.
// Entries that cannot match the slug pattern are listed anyway so the list
// reads as the full set of paths a link must never shadow.
constexpr std::string_view kReservedSlugs[] = {
    "api",     "admin",       "static",     "assets",     "healthz",     "readyz",
    "metrics", "favicon.ico", "robots.txt", "login",      "logout",      "openapi.json",
    "docs",    "qr",          "s",          "well-known", ".well-known",
};

constexpr bool is_slug_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

}  // namespace

Result<std::string> normalize_phone(std::string_view input) {
  std::string digits;
  digits.reserve(kMaxPhoneDigits);
  std::size_t digit_count = 0;
  bool started = false;  // a '+', digit or punctuation was seen: '+' is no longer leading
  for (const char c : input) {
    if (c >= '0' && c <= '9') {
      // Keep counting past the limit without growing the buffer.
      if (++digit_count <= kMaxPhoneDigits) digits.push_back(c);
      started = true;
    } else if (c == ' ') {
      continue;
    } else if ((c == '+' && !started) || c == '(' || c == ')' || c == '-' || c == '.') {
      started = true;
    } else {
      return fail(Error::invalid("phone",
                                 "phone may contain only digits, spaces, ( ) - . and a leading +"));
    }
  }
  if (digit_count < kMinPhoneDigits || digit_count > kMaxPhoneDigits) {
    return fail(
        Error::invalid("phone", "phone must have 8 to 15 digits including the country code"));
  }
  // The country's numbering plan (libphonenumber): "+55 99999-1234" has no DDD.
  auto checked = check_phone_number(digits);
  if (!checked) return fail(checked.error());
  return std::move(checked->digits);
}

bool is_reserved_slug(std::string_view slug) {
  for (const std::string_view reserved : kReservedSlugs) {
    if (iequals(slug, reserved)) return true;
  }
  return false;
}

Result<void> validate_slug(std::string_view slug) {
  bool well_formed = !slug.empty() && slug.size() <= kMaxSlugLength;
  for (std::size_t i = 0; well_formed && i < slug.size(); ++i) well_formed = is_slug_char(slug[i]);
  if (!well_formed) return fail(Error::invalid("slug", "slug must match [A-Za-z0-9_-]{1,64}"));
  if (is_reserved_slug(slug)) {
    // Safe to quote: the slug matched the pattern above.
    return fail(Error::invalid("slug", "slug \"" + std::string(slug) + "\" is reserved"));
  }
  return {};
}

std::string slug_key(std::string_view slug) {
  std::string key(slug);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
  }
  return key;
}

long utf8_length(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  long count = 0;
  while (p < end) {
    const unsigned char lead = *p;
    if (lead < 0x80) {
      ++p;
      ++count;
      continue;
    }
    std::ptrdiff_t length;
    std::uint32_t code_point;
    std::uint32_t min_code_point;  // anything below is an overlong encoding
    if ((lead & 0xE0) == 0xC0) {
      length = 2;
      code_point = lead & 0x1F;
      min_code_point = 0x80;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3;
      code_point = lead & 0x0F;
      min_code_point = 0x800;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4;
      code_point = lead & 0x07;
      min_code_point = 0x10000;
    } else {
      return -1;  // continuation byte without a lead, or F8..FF
    }
    if (end - p < length) return -1;
    for (std::ptrdiff_t k = 1; k < length; ++k) {
      if ((p[k] & 0xC0) != 0x80) return -1;
      code_point = (code_point << 6) | (p[k] & 0x3F);
    }
    if (code_point < min_code_point || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return -1;
    }
    p += length;
    ++count;
  }
  return count;
}

Result<void> validate_text(std::string_view text, std::string_view field, std::size_t max_chars) {
  const long length = utf8_length(text);
  if (length < 0) {
    return fail(Error::invalid(std::string(field), std::string(field) + " must be valid UTF-8"));
  }
  // NUL is valid UTF-8 but truncates C strings downstream (logs, SQLite text).
  if (text.find('\0') != std::string_view::npos) {
    return fail(Error::invalid(std::string(field),
                               std::string(field) + " must not contain NUL characters"));
  }
  if (static_cast<std::size_t>(length) > max_chars) {
    return fail(Error::invalid(std::string(field), std::string(field) + " must be at most " +
                                                       std::to_string(max_chars) + " characters"));
  }
  return {};
}

Result<void> validate_message(std::string_view message) {
  return validate_text(message, "message", kMaxMessageChars);
}

Result<void> validate_label(std::string_view label) {
  return validate_text(label, "label", kMaxLabelChars);
}

Result<void> validate_image_url(std::string_view url) {
  constexpr std::string_view kField = "preview_image";
  if (url.empty()) return {};
  if (url.size() > kMaxImageUrlBytes) {
    return fail(Error::invalid(std::string(kField), "preview_image must be at most 2048 bytes"));
  }
  std::string_view rest;
  if (url.size() >= 7 && iequals(url.substr(0, 7), "http://")) {
    rest = url.substr(7);
  } else if (url.size() >= 8 && iequals(url.substr(0, 8), "https://")) {
    rest = url.substr(8);
  }
  // The host must follow the scheme ("https:///x" and "https://" have none).
  if (rest.empty() || rest.front() == '/' || rest.front() == '?' || rest.front() == '#') {
    return fail(Error::invalid(std::string(kField),
                               "preview_image must be an absolute http:// or https:// URL"));
  }
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7F) {
      return fail(Error::invalid(std::string(kField),
                                 "preview_image must not contain spaces or control characters"));
    }
  }
  if (utf8_length(url) < 0) {
    return fail(Error::invalid(std::string(kField), "preview_image must be valid UTF-8"));
  }
  return {};
}

namespace {

constexpr std::size_t kMaxCityChars = 100;

bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ascii_alnum(char c) { return is_ascii_alpha(c) || (c >= '0' && c <= '9'); }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

}  // namespace

Result<std::string> normalize_region(std::string_view region, std::string_view field) {
  const auto bad = [&](std::string rule) {
    return fail(Error::invalid(std::string(field),
                               "region must be a country (BR), a subdivision (BR-SP) or a city "
                               "(BR-SP/Campinas): " +
                                   std::move(rule)));
  };
  const std::size_t slash = region.find('/');
  const std::string_view code = region.substr(0, slash);
  if (code.size() < 2 || !is_ascii_alpha(code[0]) || !is_ascii_alpha(code[1])) {
    return bad("it must start with a two-letter country code");
  }
  if (code.size() > 2) {
    if (code[2] != '-' || code.size() < 4 || code.size() > 6) {
      return bad("a subdivision is the country, '-' and 1 to 3 letters or digits");
    }
    for (const char c : code.substr(3)) {
      if (!is_ascii_alnum(c)) {
        return bad("a subdivision is the country, '-' and 1 to 3 letters or digits");
      }
    }
  }
  std::string out;
  out.reserve(region.size());
  for (const char c : code) out.push_back(ascii_upper(c));
  if (slash == std::string_view::npos) return out;

  std::string_view city = region.substr(slash + 1);
  while (!city.empty() && city.front() == ' ') city.remove_prefix(1);
  while (!city.empty() && city.back() == ' ') city.remove_suffix(1);
  const long length = utf8_length(city);
  if (length < 0) return bad("the city name must be valid UTF-8");
  if (length == 0 || static_cast<std::size_t>(length) > kMaxCityChars) {
    return bad("the city name must have 1 to 100 characters");
  }
  for (const char c : city) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7F || c == '/') {
      return bad("the city name must not contain '/' or control characters");
    }
  }
  out.push_back('/');
  out.append(city);
  return out;
}

}  // namespace sequencial
