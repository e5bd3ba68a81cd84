// The decisions of the two other modes of a central, as pure functions:
// Geolocalizado (which member serves the customer's region) and Seletivo
// (which entries the chooser page offers, in which order). CentralRouter
// holds a central's compiled rules and calls these with the members' live
// open states; the tests call them directly.
//
// A GeoLocation is a fixed-size value filled by the GeoIP lookup (app/) on
// the redirect path: matching it against the rules allocates nothing.
//
// Thread-safety: pure functions and immutable values.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace sequencial::routing {

// Where a client is, as far as the GeoIP file knows. Empty parts are unknown.
class GeoLocation {
 public:
  static constexpr std::size_t kCityBytes = 96;

  void set_country(std::string_view iso_code);      // "BR" (upper-cased)
  void set_subdivision(std::string_view iso_code);  // "SP" (without the country)
  void set_city(std::string_view english_name);     // "Campinas" (truncated to kCityBytes)

  [[nodiscard]] std::string_view country() const { return {country_.data(), country_size_}; }
  [[nodiscard]] std::string_view subdivision() const {
    return {subdivision_.data(), subdivision_size_};
  }
  [[nodiscard]] std::string_view city() const { return {city_.data(), city_size_}; }
  [[nodiscard]] bool known() const { return country_size_ != 0; }

  // Report keys (API.md): "BR", "BR-SP", "BR-SP/Campinas"; "(unknown)" when
  // that level is not known.
  [[nodiscard]] std::string country_key() const;
  [[nodiscard]] std::string region_key() const;
  [[nodiscard]] std::string city_key() const;

 private:
  std::array<char, 2> country_{};
  std::array<char, 3> subdivision_{};
  std::array<char, kCityBytes> city_{};
  std::uint8_t country_size_ = 0;
  std::uint8_t subdivision_size_ = 0;
  std::uint8_t city_size_ = 0;
};

inline constexpr std::string_view kUnknownPlace = "(unknown)";

// A region a member serves, compiled from its normalised text
// (core/validation.h normalize_region): "BR", "BR-SP", "BR-SP/Campinas" or
// "BR/Campinas".
struct GeoRule {
  std::string country;      // "BR"
  std::string subdivision;  // "SP"; empty = any
  std::string city;         // folded (fold_place_name); empty = any
  // 1 country, 2 subdivision, 3 city (a city without subdivision counts as 3).
  [[nodiscard]] int specificity() const;
  [[nodiscard]] bool matches(std::string_view country, std::string_view subdivision,
                             std::string_view folded_city) const;
};

[[nodiscard]] Result<GeoRule> compile_region(std::string_view region);

// A place name with case and accents ignored: ASCII lower case, the Latin-1
// letters with diacritics (U+00C0..U+00FF) replaced by their base letter,
// other characters kept. Writes at most out.size() bytes; returns the size.
std::size_t fold_place_name(std::string_view name, std::span<char> out);
[[nodiscard]] std::string fold_place_name(std::string_view name);

// The member that serves `where`: the most specific matching rule among the
// members that are open (`open[i]`), ties to the earlier member. `rules[i]`
// are member i's regions. nullopt: no open member matches (the anchor, the
// matriz, serves the customer).
[[nodiscard]] std::optional<std::size_t> geo_member(const GeoLocation& where,
                                                    std::span<const std::vector<GeoRule>> rules,
                                                    const std::vector<bool>& open);

// The chooser's entries: indexes of the open members, in member order, or
// shuffled (Fisher-Yates driven by `seed`) when `shuffle`.
[[nodiscard]] std::vector<std::size_t> chooser_entries(const std::vector<bool>& open, bool shuffle,
                                                       std::uint64_t seed);

}  // namespace sequencial::routing
