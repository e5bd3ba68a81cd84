// Input rules for links (PRODUCT.md, API.md): phone numbers, slugs, messages
// and labels. Pure functions; errors name the field and the rule broken.
#pragma once

#include <string>
#include <string_view>

#include "core/error.h"

namespace sequencial {

inline constexpr std::size_t kMaxSlugLength = 64;
inline constexpr std::size_t kMaxMessageChars = 1000;  // Unicode code points
inline constexpr std::size_t kMaxLabelChars = 200;
inline constexpr std::size_t kMaxPreviewChars = 500;

// "+55 (11) 99999-0001" -> "5511999990001". Accepts digits, spaces, '(', ')',
// '-', '.', and one leading '+'; requires 8..15 digits (E.164 with country code)
// forming a number valid for its country (core/phone.h, libphonenumber).
[[nodiscard]] Result<std::string> normalize_phone(std::string_view input);

// [A-Za-z0-9_-]{1,64}, not a reserved top-level path (compared ignoring case).
[[nodiscard]] Result<void> validate_slug(std::string_view slug);
[[nodiscard]] bool is_reserved_slug(std::string_view slug);

// ASCII-lowercased copy: the key under which slugs are unique.
[[nodiscard]] std::string slug_key(std::string_view slug);

// Valid UTF-8 (no overlongs, no surrogates), at most 1,000 code points.
[[nodiscard]] Result<void> validate_message(std::string_view message);
// Valid UTF-8, at most 200 code points.
[[nodiscard]] Result<void> validate_label(std::string_view label);
// Valid UTF-8 and at most `max_chars` code points; errors name `field`.
[[nodiscard]] Result<void> validate_text(std::string_view text, std::string_view field,
                                         std::size_t max_chars);
// Preview image: empty, or an absolute http(s) URL without spaces/controls.
[[nodiscard]] Result<void> validate_image_url(std::string_view url);

// A Geolocalizado region: a country "BR", a subdivision "BR-SP" (ISO 3166-2:
// 1 to 3 letters or digits after the dash) or a city "BR-SP/Campinas" (also
// "BR/Campinas"; the city name is valid UTF-8 of 1 to 100 code points, no
// control characters or '/'). Letters of the codes are upper-cased and the
// city name's surrounding spaces trimmed. Errors name `field`.
[[nodiscard]] Result<std::string> normalize_region(std::string_view region, std::string_view field);

// Number of code points if `text` is valid UTF-8, -1 otherwise.
[[nodiscard]] long utf8_length(std::string_view text);

}  // namespace sequencial
