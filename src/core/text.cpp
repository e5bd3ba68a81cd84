// Percent-encoding, HTML escaping, query-string decoding and ASCII case folding.
#include "core/text.h"

#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>

namespace sequencial {
namespace {

constexpr char kHexUpper[] = "0123456789ABCDEF";

constexpr bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

constexpr std::array<bool, 256> kUnreserved = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = is_unreserved(static_cast<unsigned char>(c));
  return table;
}();

// Value of a hex digit, or kNotHex.
constexpr std::uint8_t kNotHex = 0xFF;
constexpr std::array<std::uint8_t, 256> kHexValue = [] {
  std::array<std::uint8_t, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if (c >= '0' && c <= '9') {
      table[c] = static_cast<std::uint8_t>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      table[c] = static_cast<std::uint8_t>(c - 'A' + 10);
    } else if (c >= 'a' && c <= 'f') {
      table[c] = static_cast<std::uint8_t>(c - 'a' + 10);
    } else {
      table[c] = kNotHex;
    }
  }
  return table;
}();

// Replacement for each byte that HTML escaping changes; empty when kept.
constexpr std::string_view html_entity(char c) {
  switch (c) {
    case '&':
      return "&amp;";
    case '<':
      return "&lt;";
    case '>':
      return "&gt;";
    case '"':
      return "&quot;";
    case '\'':
      return "&#39;";
    default:
      return {};
  }
}

constexpr char ascii_lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
}

// Appends the decoding of `text` to `out`; false on a malformed escape.
bool append_percent_decoded(std::string& out, std::string_view text, bool plus_is_space) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%') {
      if (i + 2 >= text.size()) return false;
      const std::uint8_t hi = kHexValue[static_cast<unsigned char>(text[i + 1])];
      const std::uint8_t lo = kHexValue[static_cast<unsigned char>(text[i + 2])];
      if (hi == kNotHex || lo == kNotHex) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

}  // namespace

void append_percent_encoded(std::string& out, std::string_view text) {
  // Size the output exactly first, then write through a raw pointer: one
  // allocation at most, no per-byte push_back bookkeeping.
  std::size_t escaped = 0;
  for (const char c : text) escaped += !kUnreserved[static_cast<unsigned char>(c)];
  const std::size_t start = out.size();
  out.resize(start + text.size() + 2 * escaped);
  char* dst = out.data() + start;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (kUnreserved[byte]) {
      *dst++ = c;
    } else {
      *dst++ = '%';
      *dst++ = kHexUpper[byte >> 4];
      *dst++ = kHexUpper[byte & 0x0F];
    }
  }
}

std::string percent_encode(std::string_view text) {
  std::string out;
  append_percent_encoded(out, text);
  return out;
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  if (!append_percent_decoded(out, text, plus_is_space)) return std::nullopt;
  return out;
}

std::optional<std::string> query_param(std::string_view query, std::string_view key) {
  std::string decoded_key;
  while (true) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view raw_key = pair.substr(0, eq);
      const std::string_view raw_value =
          eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
      bool match;
      if (raw_key.find_first_of("%+") == std::string_view::npos) {
        match = raw_key == key;
      } else {
        // A key that fails to decode cannot be the one asked for; skip it.
        decoded_key.clear();
        match = append_percent_decoded(decoded_key, raw_key, true) && decoded_key == key;
      }
      if (match) return percent_decode(raw_value, true);
    }
    if (amp == std::string_view::npos) return std::nullopt;
    query.remove_prefix(amp + 1);
  }
}

void append_html_escaped(std::string& out, std::string_view text) {
  std::size_t extra = 0;
  for (const char c : text) {
    const std::string_view entity = html_entity(c);
    if (!entity.empty()) extra += entity.size() - 1;
  }
  if (extra == 0) {
    out.append(text);
    return;
  }
  out.reserve(out.size() + text.size() + extra);
  for (const char c : text) {
    const std::string_view entity = html_entity(c);
    if (entity.empty()) {
      out.push_back(c);
    } else {
      out.append(entity);
    }
  }
}

std::string html_escape(std::string_view text) {
  std::string out;
  append_html_escaped(out, text);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool icontains(std::string_view haystack, std::string_view needle) {
  if (needle.empty()) return true;
  if (needle.size() > haystack.size()) return false;
  const char first = ascii_lower(needle[0]);
  const std::size_t last_start = haystack.size() - needle.size();
  for (std::size_t i = 0; i <= last_start; ++i) {
    if (ascii_lower(haystack[i]) != first) continue;
    std::size_t j = 1;
    while (j < needle.size() && ascii_lower(haystack[i + j]) == ascii_lower(needle[j])) ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

std::optional<std::int64_t> parse_positive_id(std::string_view text) {
  std::int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) return std::nullopt;
  return id;
}

}  // namespace sequencial
