// Geolocalizado matching and Seletivo entry order.
#include "routing/mode_rules.h"

#include <algorithm>
#include <numeric>

namespace sequencial::routing {
namespace {

char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Base letter of U+00C0 + i (0..63), or 0 to keep the character as it is.
using std::string_view_literals::operator""sv;
constexpr std::string_view kLatin1Base =
    "aaaaaaaceeeeiiiidnooooo\0ouuuuy\0\0aaaaaaaceeeeiiiidnooooo\0ouuuuy\0y"sv;
static_assert(kLatin1Base.size() == 64);

// xorshift64*: a small deterministic generator for the shuffle.
std::uint64_t next_random(std::uint64_t& state) {
  state ^= state >> 12U;
  state ^= state << 25U;
  state ^= state >> 27U;
  return state * 0x2545F4914F6CDD1DULL;
}

}  // namespace

void GeoLocation::set_country(std::string_view iso_code) {
  country_size_ = 0;
  if (iso_code.size() != 2) return;
  for (const char c : iso_code) country_[country_size_++] = ascii_upper(c);
}

void GeoLocation::set_subdivision(std::string_view iso_code) {
  subdivision_size_ = 0;
  if (iso_code.empty() || iso_code.size() > subdivision_.size()) return;
  for (const char c : iso_code) subdivision_[subdivision_size_++] = ascii_upper(c);
}

void GeoLocation::set_city(std::string_view english_name) {
  std::size_t n = std::min(english_name.size(), kCityBytes);
  // Never cut a UTF-8 sequence in two.
  while (n < english_name.size() && n > 0 &&
         (static_cast<unsigned char>(english_name[n]) & 0xC0U) == 0x80U) {
    --n;
  }
  std::copy_n(english_name.data(), n, city_.data());
  city_size_ = static_cast<std::uint8_t>(n);
}

std::string GeoLocation::country_key() const {
  return known() ? std::string(country()) : std::string(kUnknownPlace);
}

std::string GeoLocation::region_key() const {
  if (!known() || subdivision_size_ == 0) return std::string(kUnknownPlace);
  std::string key(country());
  key += '-';
  key += subdivision();
  return key;
}

std::string GeoLocation::city_key() const {
  if (!known() || city_size_ == 0) return std::string(kUnknownPlace);
  std::string key(country());
  if (subdivision_size_ != 0) {
    key += '-';
    key += subdivision();
  }
  key += '/';
  key += city();
  return key;
}

int GeoRule::specificity() const {
  if (!city.empty()) return 3;
  return subdivision.empty() ? 1 : 2;
}

bool GeoRule::matches(std::string_view where_country, std::string_view where_subdivision,
                      std::string_view folded_city) const {
  if (where_country != country) return false;
  if (!subdivision.empty() && where_subdivision != subdivision) return false;
  return city.empty() || folded_city == city;
}

Result<GeoRule> compile_region(std::string_view region) {
  GeoRule rule;
  const std::size_t slash = region.find('/');
  const std::string_view code = region.substr(0, slash);
  if (code.size() < 2 || (code.size() > 2 && (code[2] != '-' || code.size() < 4))) {
    return fail(Error::invalid("regions", "not a region: \"" + std::string(region) + "\""));
  }
  for (const char c : code.substr(0, 2)) rule.country.push_back(ascii_upper(c));
  if (code.size() > 2) {
    for (const char c : code.substr(3)) rule.subdivision.push_back(ascii_upper(c));
  }
  if (slash != std::string_view::npos) {
    rule.city = fold_place_name(region.substr(slash + 1));
    if (rule.city.empty()) {
      return fail(Error::invalid("regions", "empty city in \"" + std::string(region) + "\""));
    }
  }
  return rule;
}

std::size_t fold_place_name(std::string_view name, std::span<char> out) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < name.size() && n < out.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte == 0xC3 && i + 1 < name.size()) {
      const auto next = static_cast<unsigned char>(name[i + 1]);
      if (next >= 0x80 && next <= 0xBF) {
        const char base = kLatin1Base[next - 0x80U];
        if (base != '\0') {
          out[n++] = base;
          ++i;
          continue;
        }
      }
    }
    out[n++] = ascii_lower(name[i]);
  }
  return n;
}

std::string fold_place_name(std::string_view name) {
  std::string out(name.size(), '\0');
  out.resize(fold_place_name(name, out));
  return out;
}

std::optional<std::size_t> geo_member(const GeoLocation& where,
                                      std::span<const std::vector<GeoRule>> rules,
                                      const std::vector<bool>& open) {
  if (!where.known()) return std::nullopt;
  std::array<char, GeoLocation::kCityBytes> buffer{};
  const std::string_view city(buffer.data(), fold_place_name(where.city(), buffer));
  std::optional<std::size_t> best;
  int best_specificity = 0;
  for (std::size_t i = 0; i < rules.size() && i < open.size(); ++i) {
    if (!open[i]) continue;
    for (const GeoRule& rule : rules[i]) {
      const int specificity = rule.specificity();
      if (specificity > best_specificity &&
          rule.matches(where.country(), where.subdivision(), city)) {
        best = i;
        best_specificity = specificity;
      }
    }
  }
  return best;
}

std::vector<std::size_t> chooser_entries(const std::vector<bool>& open, bool shuffle,
                                         std::uint64_t seed) {
  std::vector<std::size_t> entries;
  for (std::size_t i = 0; i < open.size(); ++i) {
    if (open[i]) entries.push_back(i);
  }
  if (shuffle && entries.size() > 1) {
    std::uint64_t state = seed | 1U;  // xorshift needs a non-zero state
    for (std::size_t i = entries.size() - 1; i > 0; --i) {
      const std::size_t j = next_random(state) % (i + 1);
      std::swap(entries[i], entries[j]);
    }
  }
  return entries;
}

}  // namespace sequencial::routing
