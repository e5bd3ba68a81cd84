// Visitor cookie parsing/formatting and random visitor ids.
#include "app/visitor.h"

#include <sodium.h>

namespace sequencial::app {
namespace {

constexpr std::size_t kPoolSize = 256;
constexpr long kCookieMaxAgeSeconds = 400L * 24 * 3600;  // the longest browsers keep

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::uint64_t> parse_hex64(std::string_view text) {
  std::uint64_t value = 0;
  for (char c : text) {
    const int v = hex_value(c);
    if (v < 0) return std::nullopt;
    value = (value << 4) | static_cast<std::uint64_t>(v);
  }
  return value;
}

}  // namespace

std::optional<VisitorId> parse_visitor_cookie(std::string_view header) {
  while (!header.empty()) {
    const std::size_t semi = header.find(';');
    std::string_view pair = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
    const std::size_t eq = pair.find('=');
    if (eq == std::string_view::npos || pair.substr(0, eq) != kVisitorCookie) continue;
    std::string_view value = pair.substr(eq + 1);
    while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
    if (value.size() != 32) return std::nullopt;
    const auto hi = parse_hex64(value.substr(0, 16));
    const auto lo = parse_hex64(value.substr(16));
    if (!hi || !lo) return std::nullopt;
    return VisitorId{*hi, *lo};
  }
  return std::nullopt;
}

std::array<char, 32> format_visitor_id(const VisitorId& id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::array<char, 32> out{};
  for (std::size_t i = 0; i < 16; ++i) {
    const std::size_t shift = 60 - 4 * i;
    out[i] = kHex[(id.hi >> shift) & 0xF];
    out[16 + i] = kHex[(id.lo >> shift) & 0xF];
  }
  return out;
}

void append_visitor_set_cookie(std::string& out, const VisitorId& id, bool secure) {
  const auto hex = format_visitor_id(id);
  out.append("Set-Cookie: ");
  out.append(kVisitorCookie);
  out.push_back('=');
  out.append(hex.data(), hex.size());
  out.append("; Max-Age=");
  out.append(std::to_string(kCookieMaxAgeSeconds));
  out.append("; Path=/; HttpOnly; SameSite=Lax");
  if (secure) out.append("; Secure");
  out.append("\r\n");
}

RandomVisitorIds::RandomVisitorIds(std::size_t loops, const Clock* clock)
    : clock_(clock), pools_(loops + 1) {
  if (sodium_init() < 0) std::abort();  // no usable randomness: nothing safe to do
}

VisitorId RandomVisitorIds::next(std::size_t loop) {
  Pool& pool = pools_[loop < pools_.size() ? loop : pools_.size() - 1];
  if (pool.used == pool.ids.size()) {
    pool.ids.resize(kPoolSize);
    randombytes_buf(pool.ids.data(), pool.ids.size() * sizeof(VisitorId));
    pool.used = 0;
  }
  VisitorId id = pool.ids[pool.used++];
  if (clock_ != nullptr) {
    const auto seconds = static_cast<std::uint64_t>(clock_->now().time_since_epoch().count());
    if (seconds != pool.second) {
      pool.second = seconds;
      pool.in_second = 0;
    }
    // Past 2^20 ids in one second the count wraps: the ids stay unique (76
    // random bits), only out of order.
    const std::uint64_t count = pool.in_second++ & 0xF'FFFFULL;
    id.hi = (seconds << 32) | (count << 12) | (id.hi & 0xFFFULL);
  }
  return id;
}

}  // namespace sequencial::app
